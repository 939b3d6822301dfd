// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard status: what is pinned, whether its daemon runs, and its counters. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "bundle.h"
#include "hooks.h"
#include "cgroup.h"
#include "cli.h"
#include "events.h"
#include "pins.h"
#include "policy.h"
#include "scopes.h"

static const char status_help[] =
	"Usage: exfilguard [--json] status\n"
	"\n"
	"Shows the guard pinned under the pin directory: the daemon (pid, and whether it\n"
	"is alive: a running daemon holds a lock on the pin directory), where each hook is\n"
	"attached, the policy in force (mode, default, rules),\n"
	"per-hook counters of allowed, denied and audited destinations, and events lost\n"
	"because the ring buffer was full. Exit 0 when a guard is pinned, 3 when none is.\n";

/* One counter under name (0 when the map cannot be read: eg_counters_read says so). */
static void add_counter(json_object *obj, const char *name, const struct eg_counters *c,
			uint32_t slot)
{
	json_object_object_add(obj, name, json_object_new_uint64(c->v[slot]));
}

static json_object *counters_json(const char *pin_dir)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_HOT));
	json_object *obj = json_object_new_object(), *hooks = json_object_new_object();
	struct eg_counters c;
	unsigned hook, v;

	eg_counters_read(fd, &c);
	for (hook = 0; hook < EG_HOOK_CGROUP_COUNT; hook++) {
		json_object *h = json_object_new_object();

		for (v = 0; v < EG_VERDICT_COUNT; v++)
			add_counter(h, eg_verdict_name(v), &c, EG_CTR_HOOK(hook, v));
		json_object_object_add(hooks, eg_hook_name(hook), h);
	}
	json_object_object_add(obj, "hooks", hooks);
	add_counter(obj, "events_lost", &c, EG_CTR_EVENTS_DROPPED);
	add_counter(obj, "egress_cached", &c, EG_CTR_EGRESS_CACHED);
	add_counter(obj, "self_test_refused", &c, EG_CTR_SELFTEST);
	add_counter(obj, "egress_lookups", &c, EG_CTR_EGRESS_LOOKUPS);
	if (fd >= 0)
		close(fd);
	return obj;
}

static json_object *links_json(const char *pin_dir)
{
	json_object *arr = json_object_new_array();
	unsigned hook;

	for (hook = 0; hook < EG_HOOK_CGROUP_COUNT; hook++) {
		struct bpf_link_info info = {0};
		uint32_t len = sizeof(info);
		json_object *l = json_object_new_object();
		int fd = eg_pinned_link_fd(pin_dir, hook);

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

/*
 * The IPv4 ranges: the bounds the /16 cells of the classification index
 * hold (a cell of one class holds it inline), as `run` counts them. The
 * bounds map's size would say 4 times fewer: it packs 4 to an entry.
 */
static uint32_t v4_ranges(const char *pin_dir)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_V4_INDEX));
	const size_t len = 65536 * sizeof(struct eg_span);
	const struct eg_span *idx = fd >= 0 ? mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0) : NULL;
	uint32_t n = 0, i;

	if (idx && idx != MAP_FAILED) {
		for (i = 0; i < 65536; i++)
			n += idx[i].count > 1 ? idx[i].count : 0;
		munmap((void *)idx, len);
	}
	if (fd >= 0)
		close(fd);
	return n;
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
	map_usage(pin_dir, EG_STR(EG_MAP_V6_FINE_INDEX), &idx, &bytes);
	map_usage(pin_dir, EG_STR(EG_MAP_V6_FINE_BOUNDS), &idx, &bytes);
	json_object_object_add(obj, "dataset",
			       info->dataset[0] ? json_object_new_string(info->dataset) : NULL);
	json_object_object_add(obj, "classes",
			       json_object_new_int64(info->dataset[0] ? classes : 0));
	json_object_object_add(obj, "ipv4_ranges",
			       json_object_new_int64(info->dataset[0] ? v4_ranges(pin_dir) : 0));
	json_object_object_add(obj, "ipv6_ranges",
			       json_object_new_int64(info->dataset[0] ? v6 : 0));
	json_object_object_add(obj, "kernel_bytes", json_object_new_int64((int64_t)bytes));
	json_object_object_add(obj, "data_age",
			       eg_policy_data_age_json(info->policy_path, (uint64_t)time(NULL)));
	return obj;
}

static void add_too_deep(const char *path, int level, void *arr)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cgroup", json_object_new_string(path));
	json_object_object_add(o, "level", json_object_new_int(level));
	json_object_array_add(arr, o);
}

/* Cgroups assigned to scopes, and those too deep for the hooks to find their scope. */
static json_object *scopes_json(const char *pin_dir)
{
	json_object *obj = json_object_new_object(), *deep = json_object_new_array();
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_SCOPES));
	char mount[PATH_MAX];
	struct eg_error err;
	size_t n = 0;

	if (fd >= 0 && eg_cgroup2_mount(mount, &err) == 0)
		n = eg_scopes_census(mount, fd, add_too_deep, deep);
	if (fd >= 0)
		close(fd);
	json_object_object_add(obj, "cgroups", json_object_new_int64((int64_t)n));
	json_object_object_add(obj, "max_level", json_object_new_int(EG_MAX_CGROUP_DEPTH - 1));
	json_object_object_add(obj, "too_deep", deep);
	return obj;
}

static void print_scopes_text(json_object *sc)
{
	json_object *deep = json_object_object_get(sc, "too_deep");

	printf("scopes      %s cgroups assigned\n",
	       json_object_get_string(json_object_object_get(sc, "cgroups")));
	for (size_t i = 0; i < json_object_array_length(deep); i++) {
		json_object *d = json_object_array_get_idx(deep, i);

		printf("WARNING     %s is %d levels deep: its scope is NOT enforced (the hooks "
		       "find "
		       "scopes on the first %d levels)\n",
		       json_object_get_string(json_object_object_get(d, "cgroup")),
		       json_object_get_int(json_object_object_get(d, "level")),
		       json_object_get_int(json_object_object_get(sc, "max_level")));
	}
}

static json_object *status_json(const char *pin_dir, const struct eg_info *info,
				const struct eg_config *cfg)
{
	json_object *obj = json_object_new_object(), *daemon = json_object_new_object();
	char when[48];

	json_object_object_add(obj, "pin_dir", json_object_new_string(pin_dir));
	json_object_object_add(daemon, "pid", json_object_new_int64(info->pid));
	json_object_object_add(daemon, "alive",
			       json_object_new_boolean(eg_pins_daemon_alive(pin_dir)));
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
	json_object_object_add(obj, "scopes", scopes_json(pin_dir));
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
	printf("policy      %s: %s mode, default %s, %d rule%s, generation %u\n",
	       json_object_get_string(GET(d, "policy_file")),
	       json_object_get_string(GET(p, "mode")), json_object_get_string(GET(p, "default")),
	       json_object_get_int(GET(p, "rules")),
	       eg_plural((unsigned long long)json_object_get_int(GET(p, "rules"))),
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
		printf("            %s\n",
		       json_object_get_string(GET(GET(cl, "data_age"), "summary"))
			       ?: json_object_get_string(GET(cl, "data_age")));
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
	printf("events lost %s (ring buffer full); self-test canary connects refused %s (not "
	       "counted above)\n",
	       json_object_get_string(GET(c, "events_lost")),
	       json_object_get_string(GET(c, "self_test_refused")));
	print_scopes_text(GET(s, "scopes"));
}

int eg_cmd_status(struct eg_cli *cli, int argc, char **argv)
{
	int rc = eg_cli_no_options(cli, argc, argv, status_help);
	struct eg_config cfg = {0};
	struct eg_info info = {0};
	json_object *s;

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_pinned_info(cli->pin_dir, &info) || eg_pinned_config(cli->pin_dir, &cfg)) {
		int denied = eg_cli_pins_denied(cli, errno);

		if (denied >= 0)
			return denied;
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
