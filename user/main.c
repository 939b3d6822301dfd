// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard: entry point, global options and subcommand dispatch. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "suggest.h"
#include "../maps/exfilguard.h"

#ifndef EG_VERSION
#define EG_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"Usage: exfilguard COMMAND [OPTIONS] (global options may stand anywhere)\n"
	"\n"
	"Guards egress in the kernel: eBPF programs on the cgroup socket hooks judge every\n"
	"outgoing destination (TCP connect, UDP send, raw and ping sockets) against a policy\n"
	"before a byte leaves, and report each denied or audited destination.\n"
	"\n"
	"Commands:\n"
	"  run      load a policy, attach the hooks and stream events until stopped\n"
	"  check    validate a policy file\n"
	"  lookup   show the rule and verdict a policy gives to addresses\n"
	"  status   show what is attached, the policy in force and counters\n"
	"  reload   make the running guard re-read its policy and datasets, atomically\n"
	"  detach   remove a pinned guard\n"
	"  report   sum up event files for an audit (HTML or Markdown)\n"
	"  stats    bytes sent to denied and audited destinations, per workload and class\n"
	"  top      a live terminal view of denied and audited traffic (a, b, n sort; q quits)\n"
	"  data     fetch the real GeoIP and ASN datasets (exfilguard data fetch [DIR])\n"
	"  help     show this text, or a command's (exfilguard help run)\n"
	"\n"
	"Global options:\n"
	"  --pin-dir DIR  where links and maps are pinned (default " EG_DEFAULT_PIN_DIR ")\n"
	"  -j, --json     machine-readable output; errors too are JSON objects\n"
	"  -h, --help     this text\n"
	"  -V, --version  print the version\n"
	"\n"
	"Exit status: 0 success, 1 failure (bad policy, no privileges, kernel refused),\n"
	"2 bad command line, 3 status found no guard.\n"
	"\n"
	"Run 'exfilguard COMMAND --help' for a command's options.\n";

struct command {
	const char *name;
	int (*fn)(struct eg_cli *cli, int argc, char **argv);
};

static const struct command commands[] = {
	{"run", eg_cmd_run},	   {"check", eg_cmd_check},   {"lookup", eg_cmd_lookup},
	{"status", eg_cmd_status}, {"detach", eg_cmd_detach}, {"data", eg_cmd_data},
	{"reload", eg_cmd_reload}, {"report", eg_cmd_report}, {"stats", eg_cmd_stats},
	{"top", eg_cmd_top},
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(struct eg_cli *cli, const char *name)
{
	char hint[96];
	const char *near = eg_suggest(name, &commands[0].name,
				      sizeof(commands) / sizeof(commands[0]), sizeof(commands[0]));

	return eg_cli_usage(cli, "unknown command '%s'%s", name,
			    eg_suggest_hint(near, hint, sizeof(hint)));
}

/* "help CMD" is "CMD --help". */
static int help(struct eg_cli *cli, int argc, char **argv)
{
	const struct command *cmd = argc > 1 ? find_command(argv[1]) : NULL;
	char *args[] = {argv[1], "--help", NULL};

	if (argc <= 1) {
		fputs(usage_text, stdout);
		return EG_EXIT_OK;
	}
	if (!cmd)
		return unknown_command(cli, argv[1]);
	cli->cmd = cmd->name;
	optind = 0;
	return cmd->fn(cli, 2, args);
}

static int set_pin_dir(struct eg_cli *cli, const char *dir)
{
	if (!dir || !dir[0] || dir[0] == '-')
		return eg_cli_usage(cli, "--pin-dir needs a value: the directory to pin under");
	if (dir[0] != '/' || strlen(dir) >= sizeof(cli->pin_dir))
		return eg_cli_usage(cli, "--pin-dir needs an absolute path, not '%s'", dir);
	snprintf(cli->pin_dir, sizeof(cli->pin_dir), "%s", dir);
	return 0;
}

enum global_action { GLOBAL_COMMAND, GLOBAL_HELP, GLOBAL_VERSION };

/* Options that belong to no command: only before the command's name. */
static int take_leading_option(struct eg_cli *cli, const char *arg, enum global_action *action)
{
	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
		*action = GLOBAL_HELP;
	else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0)
		*action = GLOBAL_VERSION;
	else
		return eg_cli_usage(cli, "unknown global option '%s'", arg);
	return 0;
}

/*
 * Take --json and --pin-dir out of argv wherever they stand (up to "--"), so
 * `exfilguard status --json` is `exfilguard --json status`; what is left
 * keeps its order. Returns a usage exit code, or 0.
 */
static int take_global_options(struct eg_cli *cli, int *argc, char **argv,
			       enum global_action *action)
{
	int in, out = 1, seen_command = 0, rc;

	for (in = 1; in < *argc && *action == GLOBAL_COMMAND; in++) {
		const char *arg = argv[in];

		if (strcmp(arg, "--") == 0)
			break;
		if (strcmp(arg, "-j") == 0 || strcmp(arg, "--json") == 0) {
			cli->json = 1;
			continue;
		}
		if (strncmp(arg, "--pin-dir", 9) == 0 && (arg[9] == '\0' || arg[9] == '=')) {
			rc = set_pin_dir(cli, arg[9]	       ? arg + 10
					      : in + 1 < *argc ? argv[++in]
							       : NULL);
			if (rc)
				return rc;
			continue;
		}
		if (!seen_command && arg[0] == '-') {
			rc = take_leading_option(cli, arg, action);
			if (rc)
				return rc;
			continue;
		}
		seen_command = 1;
		argv[out++] = argv[in];
	}
	while (in < *argc)
		argv[out++] = argv[in++];
	argv[out] = NULL;
	*argc = out;
	return 0;
}

int main(int argc, char **argv)
{
	struct eg_cli cli = {.pin_dir = EG_DEFAULT_PIN_DIR};
	enum global_action action = GLOBAL_COMMAND;
	const struct command *cmd;
	int rc = take_global_options(&cli, &argc, argv, &action);

	if (rc)
		return rc;
	if (action == GLOBAL_HELP) {
		fputs(usage_text, stdout);
		return EG_EXIT_OK;
	}
	if (action == GLOBAL_VERSION) {
		printf("exfilguard %s\n", EG_VERSION);
		return EG_EXIT_OK;
	}
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0)
		return help(&cli, argc - 1, argv + 1);
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(&cli, argv[1]);
	cli.cmd = cmd->name;
	optind = 0; /* restart getopt for the command's own options */
	return cmd->fn(&cli, argc - 1, argv + 1);
}
