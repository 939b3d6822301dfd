// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard reload: ask the running daemon to reload, and wait for the outcome. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli.h"
#include "pins.h"

static const char reload_help[] =
	"Usage: exfilguard reload\n"
	"\n"
	"Asks the running guard (SIGHUP) to re-read its policy file and datasets, and waits\n"
	"for the outcome. The new generation is built beside the one in force and each hook\n"
	"switches to it in one atomic update; a policy or dataset that fails to load is\n"
	"refused, the error is printed, and the policy in force stays. Exit 0 when the new\n"
	"policy is in force, 1 when it was refused or no guard answered. Datasets unchanged\n"
	"on disk since they were read (path, inode, size and times) are reused, not read again.\n";

#define RELOAD_WAIT_MS 60000

/* Wait for the daemon's answer to reload number seq; -1 when it did not come. */
static int await_outcome(const char *pin_dir, uint32_t seq, struct eg_info *now)
{
	int waited;

	for (waited = 0; waited < RELOAD_WAIT_MS; waited += 50) {
		usleep(50000);
		/*
		 * Re-read through the pin: a successful reload re-pins a new info map,
		 * which carries the outcome once the daemon has written it.
		 */
		if (eg_pinned_info(pin_dir, now) == 0 && now->reload_seq == seq)
			return 0;
	}
	return -1;
}

static void print_reloaded(const struct eg_cli *cli, const char *msg)
{
	if (cli->json) {
		json_object *obj = json_object_new_object();

		json_object_object_add(obj, "reloaded", json_object_new_boolean(1));
		json_object_object_add(obj, "message", json_object_new_string(msg));
		eg_cli_print_json(obj);
	} else {
		printf("%s\n", msg);
	}
}

int eg_cmd_reload(struct eg_cli *cli, int argc, char **argv)
{
	int rc = eg_cli_no_options(cli, argc, argv, reload_help);
	struct eg_error err = {0};
	struct eg_info before, now;

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_pinned_info(cli->pin_dir, &before)) {
		rc = eg_cli_pins_denied(cli, errno);
		if (rc >= 0)
			return rc;
		eg_fail(&err, ENOENT, "no guard pinned at %s", cli->pin_dir);
		return eg_cli_error(cli, &err);
	}
	/* The pid is only whom to signal: the lock says whether that daemon still lives. */
	if (!eg_pins_daemon_alive(cli->pin_dir) || kill((pid_t)before.pid, SIGHUP)) {
		eg_fail(&err, ESRCH,
			"the guard pinned at %s has no running daemon (pid %u); its last policy "
			"keeps enforcing; start 'exfilguard run' to adopt it",
			cli->pin_dir, before.pid);
		return eg_cli_error(cli, &err);
	}
	if (await_outcome(cli->pin_dir, before.reload_seq + 1, &now)) {
		eg_fail(&err, ETIMEDOUT, "the guard (pid %u) did not answer within %d s",
			before.pid, RELOAD_WAIT_MS / 1000);
		return eg_cli_error(cli, &err);
	}
	if (now.reload_status) {
		eg_fail(&err, now.reload_status, "reload refused, the policy in force stays: %s",
			now.reload_msg);
		return eg_cli_error(cli, &err);
	}
	print_reloaded(cli, now.reload_msg);
	return EG_EXIT_OK;
}
