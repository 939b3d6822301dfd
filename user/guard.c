// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The guard's BPF object: load it, fill its maps (classification, rules, scopes, info). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "guard.h"
#include "pins.h"
#include "../maps/decide.h"

static char libbpf_last_error[512];

/* Keep libbpf's last warning: it is what explains a failed load. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];

	if (getenv("EXFILGUARD_DEBUG_LIBBPF")) {
		va_list copy;

		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (line[0])
		snprintf(libbpf_last_error, sizeof(libbpf_last_error), "%s", line);
	return 0;
}

/* Size the classification maps to the data (array maps need at least one entry). */
static int size_world_maps(struct eg_guard *g, const struct eg_world *w)
{
	size_t classes = w && w->n_classes ? w->n_classes : 1;
	size_t v4 = w && w->n_v4_bounds ? w->n_v4_bounds : 1;
	size_t v6 = w && w->n_v6_bounds ? w->n_v6_bounds : 1;

	return bpf_map__set_max_entries(g->skel->maps.EG_MAP_CLASSES, (uint32_t)classes) ||
	       bpf_map__set_max_entries(g->skel->maps.EG_MAP_V4_BOUNDS, (uint32_t)v4) ||
	       bpf_map__set_max_entries(g->skel->maps.EG_MAP_V6_BOUNDS, (uint32_t)v6);
}

/* Same type and geometry: a newer binary whose map changed shape starts a new one instead. */
static int map_fits(const struct bpf_map *map, int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == bpf_map__type(map) &&
	       info.key_size == bpf_map__key_size(map) &&
	       info.value_size == bpf_map__value_size(map) &&
	       info.max_entries == bpf_map__max_entries(map);
}

/*
 * The counters are cumulative over the guard's life, like any metric: a new
 * generation (reload, adoption, upgrade) counts on in the map in force.
 */
static int carry_counters(struct eg_guard *g, int counters_fd)
{
	struct bpf_map *map = g->skel->maps.EG_MAP_COUNTERS;

	if (counters_fd < 0 || !map_fits(map, counters_fd))
		return 0;
	return bpf_map__reuse_fd(map, counters_fd);
}

static struct exfilguard_bpf *open_and_load(struct eg_guard *g, const struct eg_world *w,
					    int counters_fd)
{
	g->skel = exfilguard_bpf__open();
	if (!g->skel)
		return NULL;
	eg_nf_prepare(g->skel->obj);
	if (size_world_maps(g, w) || carry_counters(g, counters_fd) ||
	    exfilguard_bpf__load(g->skel)) {
		int e = errno;

		exfilguard_bpf__destroy(g->skel);
		g->skel = NULL;
		errno = e;
	}
	return g->skel;
}

int eg_guard_load(struct eg_guard *g, const struct eg_world *world, int counters_fd,
		  struct eg_error *err)
{
	uint32_t seed = 0;

	libbpf_set_print(libbpf_print);
	memset(g, 0, sizeof(*g));
	if (!open_and_load(g, world, counters_fd)) {
		int e = errno;

		if ((e == EPERM || e == EACCES) && geteuid() != 0)
			return eg_fail(err, e,
				       "cannot load BPF programs: %s; exfilguard needs CAP_BPF, "
				       "CAP_NET_ADMIN and CAP_PERFMON (run it as root)",
				       strerror(e));
		return eg_fail(err, e,
			       "cannot load BPF programs: %s (libbpf: %s); the kernel needs "
			       "CONFIG_BPF_SYSCALL, CONFIG_CGROUP_BPF and BTF; set "
			       "EXFILGUARD_DEBUG_LIBBPF=1 for the verifier log",
			       strerror(e), libbpf_last_error);
	}
	/* A random first generation: a restarted guard never trusts socket state left before it. */
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint32_t)time(NULL);
	g->generation = seed;
	return 0;
}

/* Write entries 0..n-1 of an array map in batches. */
static int array_fill(int fd, const void *values, size_t value_size, size_t n)
{
	const size_t batch = 65536;
	uint32_t *keys = malloc(batch * sizeof(*keys));
	size_t done = 0, i;

	if (!keys)
		return -ENOMEM;
	while (done < n) {
		uint32_t count = (uint32_t)(n - done < batch ? n - done : batch);

		for (i = 0; i < count; i++)
			keys[i] = (uint32_t)(done + i);
		if (bpf_map_update_batch(fd, keys, (const char *)values + done * value_size, &count,
					 NULL)) {
			int e = errno;

			free(keys);
			return -e;
		}
		done += count;
	}
	free(keys);
	return 0;
}

int eg_guard_set_world(struct eg_guard *g, const struct eg_world *w, struct eg_error *err)
{
	struct {
		struct bpf_map *map;
		const void *values;
		size_t size, n;
	} tables[] = {
		{g->skel->maps.EG_MAP_CLASSES, w->classes, sizeof(*w->classes), w->n_classes},
		{g->skel->maps.EG_MAP_V4_INDEX, w->v4_index, sizeof(w->v4_index[0]), 65536},
		{g->skel->maps.EG_MAP_V4_BOUNDS, w->v4_bounds, sizeof(*w->v4_bounds),
		 w->n_v4_bounds},
		{g->skel->maps.EG_MAP_V6_INDEX, w->v6_index, sizeof(w->v6_index[0]), 65536},
		{g->skel->maps.EG_MAP_V6_BOUNDS, w->v6_bounds, sizeof(*w->v6_bounds),
		 w->n_v6_bounds},
	};
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		int rc = array_fill(bpf_map__fd(tables[i].map), tables[i].values, tables[i].size,
				    tables[i].n);

		if (rc)
			return eg_fail(err, -rc, "cannot load %s into the kernel: %s",
				       bpf_map__name(tables[i].map), strerror(-rc));
	}
	g->data_gen++;
	return 0;
}

static int map_fd(const struct eg_guard *g, const struct bpf_map *map)
{
	(void)g;
	return bpf_map__fd(map);
}

/* Every rule prefix of a compiled ruleset into the rules map. */
static int load_rules(struct eg_guard *g, const struct eg_ruleset *rs, struct eg_error *err)
{
	int fd = map_fd(g, g->skel->maps.EG_MAP_RULES);
	size_t i;

	for (i = 0; i < rs->n_entries; i++)
		if (bpf_map_update_elem(fd, &rs->entries[i].key, &rs->entries[i].value, BPF_ANY))
			return eg_fail(err, errno,
				       "cannot load rule prefix %zu of %zu into the kernel: %s",
				       i + 1, rs->n_entries, strerror(errno));
	return 0;
}

static int load_selectors(struct eg_guard *g, const struct eg_ruleset *rs, struct eg_error *err)
{
	int fd = map_fd(g, g->skel->maps.EG_MAP_SELECTORS);
	size_t i;

	for (i = 0; i < rs->n_selectors; i++)
		if (bpf_map_update_elem(fd, &rs->selectors[i].key, &rs->selectors[i].value,
					BPF_ANY))
			return eg_fail(err, errno,
				       "cannot load selector %zu of %zu into the kernel: %s", i + 1,
				       rs->n_selectors, strerror(errno));
	return 0;
}

/* The self-test canary rule of a slot (kept as the user's if the policy names 0.0.0.1/32). */
static int load_canary(struct eg_guard *g, uint32_t slot, struct eg_error *err)
{
	struct eg_rule value = {.index = EG_RULE_CANARY, .action = EG_ACT_DENY, .plen = 32};
	struct eg_rule_key key = {.prefixlen = 32 + 128, .policy = htonl(slot)};

	eg_addr_from_v4(key.addr, htonl(EG_CANARY_V4));
	if (bpf_map_update_elem(map_fd(g, g->skel->maps.EG_MAP_RULES), &key, &value, BPF_NOEXIST) &&
	    errno != EEXIST)
		return eg_fail(err, errno, "cannot load the self-test rule: %s", strerror(errno));
	return 0;
}

int eg_guard_apply_scope(struct eg_guard *g, const struct eg_ruleset *rs, uint32_t slot,
			 struct eg_error *err)
{
	if (load_rules(g, rs, err) || load_selectors(g, rs, err) || load_canary(g, slot, err))
		return -1;
	if (bpf_map_update_elem(map_fd(g, g->skel->maps.EG_MAP_POLICY), &slot, &rs->hdr, BPF_ANY))
		return eg_fail(err, errno, "cannot store a scope's header: %s", strerror(errno));
	g->scoped = 1;
	return 0;
}

int eg_guard_set_scope_cgroups(struct eg_guard *g, struct eg_error *err)
{
	struct eg_config cfg;
	uint32_t zero = 0;
	int fd = map_fd(g, g->skel->maps.EG_MAP_CONFIG);

	/* A new generation number: sockets judged under the old assignment are judged again. */
	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		return eg_fail(err, errno, "cannot read the config: %s", strerror(errno));
	cfg.generation = ++g->generation;
	cfg.scoped = g->scoped;
	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
		return eg_fail(err, errno, "cannot update the config: %s", strerror(errno));
	return 0;
}

int eg_guard_scopes_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_SCOPES);
}

int eg_guard_apply(struct eg_guard *g, const struct eg_ruleset *rs, struct eg_error *err)
{
	int policy_fd = map_fd(g, g->skel->maps.EG_MAP_POLICY);
	int config_fd = map_fd(g, g->skel->maps.EG_MAP_CONFIG);
	uint32_t id = EG_SLOT_NODE, zero = 0;
	struct eg_config cfg;

	if (rs->n_entries && ntohl(rs->entries[0].key.policy) != id)
		return eg_fail(err, EINVAL, "internal: ruleset built for slot %u, expected %u",
			       ntohl(rs->entries[0].key.policy), id);
	/* A failure leaves this generation's object half-filled; the caller destroys it. */
	if (load_rules(g, rs, err) || load_selectors(g, rs, err) || load_canary(g, id, err))
		return -1;
	if (bpf_map_update_elem(policy_fd, &id, &rs->hdr, BPF_ANY))
		return eg_fail(err, errno, "cannot store the policy header: %s", strerror(errno));

	/* The switch: one write of the config entry. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.policy = id;
	cfg.generation = g->generation + 1;
	cfg.data_gen = g->data_gen;
	cfg.scoped = g->scoped;
	cfg.flags = g->flags;
	cfg.stale_after_ns = g->stale_after_ns;
	memcpy(cfg.nat64, g->nat64, sizeof(cfg.nat64));
	if (bpf_map_update_elem(config_fd, &zero, &cfg, BPF_ANY))
		return eg_fail(err, errno, "cannot switch to the new policy: %s", strerror(errno));
	g->generation = cfg.generation;
	return 0;
}

int eg_guard_set_info(struct eg_guard *g, const char *cgroup_path, uint64_t cgroup_id,
		      const char *policy_path, const char *dataset, struct eg_error *err)
{
	struct eg_info info = {0};
	struct timespec now;
	uint32_t zero = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	info.started_unix_ns = (uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec;
	info.cgroup_id = cgroup_id;
	info.pid = getpid();
	snprintf(info.cgroup_path, sizeof(info.cgroup_path), "%s", cgroup_path);
	snprintf(info.policy_path, sizeof(info.policy_path), "%s", policy_path);
	snprintf(info.dataset, sizeof(info.dataset), "%s", dataset ? dataset : "");
	if (bpf_map_update_elem(map_fd(g, g->skel->maps.EG_MAP_INFO), &zero, &info, BPF_ANY))
		return eg_fail(err, errno, "cannot store daemon info: %s", strerror(errno));
	return 0;
}

int eg_guard_get_info(const struct eg_guard *g, struct eg_info *info)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(bpf_map__fd(g->skel->maps.EG_MAP_INFO), &zero, info);
}

int eg_guard_set_reload(struct eg_guard *g, uint32_t seq, int status, const char *msg)
{
	struct eg_info info;
	uint32_t zero = 0;

	if (eg_guard_get_info(g, &info))
		return -1;
	info.reload_seq = seq;
	info.reload_status = status;
	snprintf(info.reload_msg, sizeof(info.reload_msg), "%s", msg);
	return bpf_map_update_elem(bpf_map__fd(g->skel->maps.EG_MAP_INFO), &zero, &info, BPF_ANY);
}

int eg_guard_events_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_EVENTS);
}

uint64_t eg_guard_counter(const struct eg_guard *g, uint32_t slot)
{
	return eg_counter_sum(eg_guard_counters_fd(g), slot);
}

int eg_guard_counters_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_COUNTERS);
}
