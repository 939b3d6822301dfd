// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard status and detach: read or remove what is pinned. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "hooks.h"
#include "cli.h"
#include "events.h"
#include "loader.h"
#include "policy.h"

static const char status_help[] =
	"Usage: exfilguard [--json] status\n"
	"\n"
	"Shows the guard pinned under the pin directory: the daemon (pid, whether it is\n"
	"alive), where each hook is attached, the policy in force (mode, default, rules),\n"
	"per-hook counters of allowed, denied and audited destinations, and events lost\n"
	"because the ring buffer was full. Exit 0 when a guard is pinned, 3 when none is.\n";

static const char detach_help[] =
	"Usage: exfilguard detach\n"
	"\n"
	"Detaches every hook pinned under the pin directory and removes the pins, even if\n"
	"the daemon that pinned them is gone; a running daemon is asked to stop (SIGTERM).\n"
	"Succeeds when nothing is pinned.\n";

static const char reload_help[] =
	"Usage: exfilguard reload\n"
	"\n"
	"Asks the running guard (SIGHUP) to re-read its policy file and datasets, and waits\n"
	"for the outcome. The new generation is built beside the one in force and each hook\n"
	"switches to it in one atomic update; a policy or dataset that fails to load is\n"
	"refused, the error is printed, and the policy in force stays. Exit 0 when the new\n"
	"policy is in force, 1 when it was refused or no guard answered.\n";

/* No options but --help. Returns <0 after help, >0 on a usage error. */
static int parse_no_opts(struct eg_cli *cli, int argc, char **argv, const char *help)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return -1;
		}
		return eg_cli_usage(cli, "unknown option");
	}
	if (optind < argc)
		return eg_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static json_object *counters_json(const char *pin_dir)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_COUNTERS));
	json_object *obj = json_object_new_object(), *hooks = json_object_new_object();
	unsigned hook, v;

	for (hook = 0; hook < EG_HOOK_COUNT; hook++) {
		json_object *h = json_object_new_object();

		for (v = 0; v < 3; v++)
			json_object_object_add(
				h, eg_verdict_name(v),
				json_object_new_uint64(
					fd < 0 ? 0 : eg_counter_sum(fd, EG_CTR_HOOK(hook, v))));
		json_object_object_add(hooks, eg_hook_name(hook), h);
	}
	json_object_object_add(obj, "hooks", hooks);
	json_object_object_add(
		obj, "events_lost",
		json_object_new_uint64(fd < 0 ? 0 : eg_counter_sum(fd, EG_CTR_EVENTS_DROPPED)));
	json_object_object_add(
		obj, "egress_cached",
		json_object_new_uint64(fd < 0 ? 0 : eg_counter_sum(fd, EG_CTR_EGRESS_CACHED)));
	json_object_object_add(
		obj, "egress_lookups",
		json_object_new_uint64(fd < 0 ? 0 : eg_counter_sum(fd, EG_CTR_EGRESS_LOOKUPS)));
	if (fd >= 0)
		close(fd);
	return obj;
}

static json_object *links_json(const char *pin_dir)
{
	json_object *arr = json_object_new_array();
	char path[PATH_MAX];
	unsigned hook;

	for (hook = 0; hook < EG_HOOK_CGROUP_COUNT; hook++) {
		struct bpf_link_info info = {0};
		uint32_t len = sizeof(info);
		json_object *l = json_object_new_object();
		int fd;

		eg_pin_path(path, sizeof(path), pin_dir, "links", eg_hook_prog_name(hook));
		fd = bpf_obj_get(path);
		json_object_object_add(l, "hook", json_object_new_string(eg_hook_name(hook)));
		json_object_object_add(l, "pinned", json_object_new_boolean(fd >= 0));
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0) {
			json_object_object_add(l, "link_id", json_object_new_int64(info.id));
			json_object_object_add(l, "prog_id", json_object_new_int64(info.prog_id));
			/* A detached cgroup link reports cgroup id 0. */
			json_object_object_add(l, "attached",
					       json_object_new_boolean(info.cgroup.cgroup_id != 0));
			json_object_object_add(l, "cgroup_id",
					       json_object_new_uint64(info.cgroup.cgroup_id));
		}
		if (fd >= 0)
			close(fd);
		json_object_array_add(arr, l);
	}
	return arr;
}

static json_object *policy_json(const char *pin_dir, const struct eg_config *cfg)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_POLICY));
	json_object *obj = json_object_new_object();
	struct eg_policy_hdr hdr = {0};
	uint32_t id = cfg->policy;

	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &id, &hdr);
		close(fd);
	}
	json_object_object_add(obj, "loaded", json_object_new_boolean(hdr.loaded));
	json_object_object_add(obj, "mode", json_object_new_string(eg_mode_name(hdr.mode)));
	json_object_object_add(obj, "default",
			       json_object_new_string(eg_action_name(hdr.default_action)));
	json_object_object_add(obj, "rules", json_object_new_int64(hdr.rules));
	json_object_object_add(obj, "slot", json_object_new_int64(cfg->policy));
	json_object_object_add(obj, "generation", json_object_new_int64(cfg->generation));
	return obj;
}

/* Entries and kernel memory (fdinfo memlock) of a pinned map. */
static void map_usage(const char *pin_dir, const char *name, uint32_t *entries,
		      unsigned long long *bytes)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	char path[64], line[128];
	int fd = eg_pinned_map_fd(pin_dir, name);
	FILE *f;

	*entries = 0;
	if (fd < 0)
		return;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
		*entries = info.max_entries;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "memlock: %llu", &v) == 1)
			*bytes += v;
	}
	if (f)
		fclose(f);
	close(fd);
}

static json_object *classification_json(const char *pin_dir, const struct eg_info *info)
{
	json_object *obj = json_object_new_object();
	unsigned long long bytes = 0;
	uint32_t classes, v4, v6, idx;

	map_usage(pin_dir, EG_STR(EG_MAP_CLASSES), &classes, &bytes);
	map_usage(pin_dir, EG_STR(EG_MAP_V4_BOUNDS), &v4, &bytes);
	map_usage(pin_dir, EG_STR(EG_MAP_V6_BOUNDS), &v6, &bytes);
	map_usage(pin_dir, EG_STR(EG_MAP_V4_INDEX), &idx, &bytes);
	map_usage(pin_dir, EG_STR(EG_MAP_V6_INDEX), &idx, &bytes);
	json_object_object_add(obj, "dataset",
			       info->dataset[0] ? json_object_new_string(info->dataset) : NULL);
	json_object_object_add(obj, "classes",
			       json_object_new_int64(info->dataset[0] ? classes : 0));
	json_object_object_add(obj, "ipv4_ranges",
			       json_object_new_int64(info->dataset[0] ? v4 : 0));
	json_object_object_add(obj, "ipv6_ranges",
			       json_object_new_int64(info->dataset[0] ? v6 : 0));
	json_object_object_add(obj, "kernel_bytes", json_object_new_int64((int64_t)bytes));
	return obj;
}

static json_object *status_json(const char *pin_dir, const struct eg_info *info,
				const struct eg_config *cfg)
{
	json_object *obj = json_object_new_object(), *daemon = json_object_new_object();
	char when[48];

	json_object_object_add(obj, "pin_dir", json_object_new_string(pin_dir));
	json_object_object_add(daemon, "pid", json_object_new_int64(info->pid));
	json_object_object_add(
		daemon, "alive",
		json_object_new_boolean(info->pid && kill((pid_t)info->pid, 0) == 0));
	eg_format_time((int64_t)info->started_unix_ns, when, sizeof(when));
	json_object_object_add(daemon, "started", json_object_new_string(when));
	json_object_object_add(daemon, "policy_file", json_object_new_string(info->policy_path));
	json_object_object_add(obj, "daemon", daemon);
	json_object_object_add(obj, "cgroup", json_object_new_string(info->cgroup_path));
	json_object_object_add(obj, "cgroup_id", json_object_new_uint64(info->cgroup_id));
	json_object_object_add(obj, "links", links_json(pin_dir));
	json_object_object_add(obj, "policy", policy_json(pin_dir, cfg));
	json_object_object_add(obj, "classification", classification_json(pin_dir, info));
	json_object_object_add(obj, "counters", counters_json(pin_dir));
	return obj;
}

#define GET(obj, key) json_object_object_get(obj, key)

static void print_status_text(json_object *s)
{
	json_object *d = GET(s, "daemon"), *p = GET(s, "policy"), *c = GET(s, "counters");
	json_object *links = GET(s, "links"), *hooks = GET(c, "hooks");
	size_t i;

	printf("pinned at   %s\n", json_object_get_string(GET(s, "pin_dir")));
	printf("daemon      pid %d (%s), started %s\n", json_object_get_int(GET(d, "pid")),
	       json_object_get_boolean(GET(d, "alive")) ? "running" : "gone; hooks stay in force",
	       json_object_get_string(GET(d, "started")));
	printf("cgroup      %s (id %s)\n", json_object_get_string(GET(s, "cgroup")),
	       json_object_get_string(GET(s, "cgroup_id")));
	printf("policy      %s: %s mode, default %s, %d rules, generation %u\n",
	       json_object_get_string(GET(d, "policy_file")),
	       json_object_get_string(GET(p, "mode")), json_object_get_string(GET(p, "default")),
	       json_object_get_int(GET(p, "rules")),
	       (unsigned)json_object_get_int64(GET(p, "generation")));
	{
		json_object *cl = GET(s, "classification");

		printf("data        %s: %s IPv4 + %s IPv6 ranges, %s classes, %.1f MiB of kernel "
		       "memory\n",
		       json_object_get_string(GET(cl, "dataset")) ?: "none",
		       json_object_get_string(GET(cl, "ipv4_ranges")),
		       json_object_get_string(GET(cl, "ipv6_ranges")),
		       json_object_get_string(GET(cl, "classes")),
		       (double)json_object_get_int64(GET(cl, "kernel_bytes")) / (1 << 20));
	}
	printf("%-10s  %-9s %12s %12s %12s\n", "hook", "attached", "allowed", "denied", "audited");
	for (i = 0; i < json_object_array_length(links); i++) {
		json_object *l = json_object_array_get_idx(links, i);
		const char *name = json_object_get_string(GET(l, "hook"));
		json_object *h = GET(hooks, name);

		printf("%-10s  %-9s %12s %12s %12s\n", name,
		       json_object_get_boolean(GET(l, "attached")) ? "yes" : "NO",
		       json_object_get_string(GET(h, "allow")),
		       json_object_get_string(GET(h, "deny")),
		       json_object_get_string(GET(h, "audit")));
	}
	printf("events lost %s (ring buffer full)\n",
	       json_object_get_string(GET(c, "events_lost")));
}

int eg_cmd_status(struct eg_cli *cli, int argc, char **argv)
{
	int rc = parse_no_opts(cli, argc, argv, status_help);
	struct eg_config cfg = {0};
	struct eg_info info = {0};
	json_object *s;

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_pinned_read0(cli->pin_dir, EG_STR(EG_MAP_INFO), &info) ||
	    eg_pinned_read0(cli->pin_dir, EG_STR(EG_MAP_CONFIG), &cfg)) {
		struct eg_error err;

		if (errno == EPERM || errno == EACCES) {
			eg_fail(&err, errno, "%s: %s (status needs root)", cli->pin_dir,
				strerror(errno));
			return eg_cli_error(cli, &err);
		}
		if (cli->json) {
			json_object *obj = json_object_new_object();

			json_object_object_add(obj, "pin_dir",
					       json_object_new_string(cli->pin_dir));
			json_object_object_add(obj, "running", json_object_new_boolean(0));
			eg_cli_print_json(obj);
		} else {
			printf("no guard pinned at %s\n", cli->pin_dir);
		}
		return EG_EXIT_NOT_RUNNING;
	}
	s = status_json(cli->pin_dir, &info, &cfg);
	if (cli->json) {
		json_object_object_add(s, "running", json_object_new_boolean(1));
		eg_cli_print_json(s);
		return EG_EXIT_OK;
	}
	print_status_text(s);
	json_object_put(s);
	return EG_EXIT_OK;
}

int eg_cmd_detach(struct eg_cli *cli, int argc, char **argv)
{
	int rc = parse_no_opts(cli, argc, argv, detach_help), removed = 0;
	struct eg_error err = {0};

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_pinned_detach(cli->pin_dir, &removed, &err))
		return eg_cli_error(cli, &err);
	if (cli->json) {
		json_object *obj = json_object_new_object();

		json_object_object_add(obj, "pin_dir", json_object_new_string(cli->pin_dir));
		json_object_object_add(obj, "removed", json_object_new_int(removed));
		eg_cli_print_json(obj);
	} else {
		printf("%s: %s\n", cli->pin_dir,
		       removed ? "detached and removed" : "nothing was pinned");
	}
	return EG_EXIT_OK;
}

#define RELOAD_WAIT_MS 60000

int eg_cmd_reload(struct eg_cli *cli, int argc, char **argv)
{
	int rc = parse_no_opts(cli, argc, argv, reload_help), waited;
	struct eg_error err = {0};
	struct eg_info before, now;

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_pinned_info(cli->pin_dir, &before)) {
		eg_fail(&err, ENOENT, "no guard pinned at %s", cli->pin_dir);
		return eg_cli_error(cli, &err);
	}
	if (!eg_daemon_alive(before.pid) || kill((pid_t)before.pid, SIGHUP)) {
		eg_fail(&err, ESRCH,
			"the guard pinned at %s has no running daemon (pid %u); its last policy "
			"keeps enforcing; start 'exfilguard run' to adopt it",
			cli->pin_dir, before.pid);
		return eg_cli_error(cli, &err);
	}
	for (waited = 0; waited < RELOAD_WAIT_MS; waited += 50) {
		usleep(50000);
		/*
		 * Re-read through the pin: a successful reload re-pins a new info map,
		 * which carries the outcome once the daemon has written it.
		 */
		if (eg_pinned_info(cli->pin_dir, &now) == 0 &&
		    now.reload_seq == before.reload_seq + 1)
			break;
	}
	if (waited >= RELOAD_WAIT_MS) {
		eg_fail(&err, ETIMEDOUT, "the guard (pid %u) did not answer within %d s",
			before.pid, RELOAD_WAIT_MS / 1000);
		return eg_cli_error(cli, &err);
	}
	if (now.reload_status) {
		eg_fail(&err, now.reload_status, "reload refused, the policy in force stays: %s",
			now.reload_msg);
		return eg_cli_error(cli, &err);
	}
	if (cli->json) {
		json_object *obj = json_object_new_object();

		json_object_object_add(obj, "reloaded", json_object_new_boolean(1));
		json_object_object_add(obj, "message", json_object_new_string(now.reload_msg));
		eg_cli_print_json(obj);
	} else {
		printf("%s\n", now.reload_msg);
	}
	return EG_EXIT_OK;
}
