// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The guard's BPF object: load it, fill its maps (classification, decision tables, info). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "bundle.h"
#include "dtable.h"
#include "guard.h"
#include "pins.h"
#include "timing.h"
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

static size_t at_least_one(size_t n)
{
	return n ? n : 1; /* array maps need at least one entry */
}

/* Free nodes an LRU map may keep aside on each CPU's list (the kernel's LOCAL_FREE_TARGET). */
#define LRU_CPU_RESERVE 128

/* EG_MAX_FOLDS usable whatever the number of CPUs: a flood to 1,000 destinations loses nothing. */
static size_t fold_entries(void)
{
	int cpus = libbpf_num_possible_cpus();

	return EG_MAX_FOLDS + (size_t)LRU_CPU_RESERVE * (size_t)(cpus > 0 ? cpus : 1);
}

/*
 * The tables are written once, whole, before the programs see them: mapped
 * into memory they are a memcpy, not one syscall copying element by element
 * (array_fill), which took a quarter of a second for the full world.
 */
static int mmapable(struct bpf_map *map)
{
	return bpf_map__set_map_flags(map, bpf_map__map_flags(map) | BPF_F_MMAPABLE);
}

/* Size the classification and decision-table maps to the data, and the fold map to the CPUs. */
static int size_table_maps(struct eg_guard *g, const struct eg_world *w, const struct eg_dtset *dt)
{
	struct {
		struct bpf_map *map;
		size_t n;
	} sizes[] = {
		{g->skel->maps.EG_MAP_CLASSES, w ? w->n_classes : 0},
		/* No data, no classification: a CIDR-only policy spares the 1 MiB of /16 cells. */
		{g->skel->maps.EG_MAP_V4_INDEX, w ? 65536 : 0},
		{g->skel->maps.EG_MAP_V6_INDEX, w ? 65536 : 0},
		{g->skel->maps.EG_MAP_V4_BOUNDS, w ? EG_V4_BOUND4S(w->n_v4_bounds) : 0},
		{g->skel->maps.EG_MAP_V6_BOUNDS, w ? w->n_v6_bounds : 0},
		{g->skel->maps.EG_MAP_V6_FINE_INDEX, w ? w->n_v6_fine_spans : 0},
		{g->skel->maps.EG_MAP_V6_FINE_BOUNDS, w ? w->n_v6_fine_bounds : 0},
		{g->skel->maps.EG_MAP_DT_V4_INDEX, dt ? dt->n_tables * EG_DT_CELLS : 0},
		{g->skel->maps.EG_MAP_DT_V6_INDEX, dt ? dt->n_tables * EG_DT_CELLS : 0},
		{g->skel->maps.EG_MAP_DT_V4_LINES, dt ? dt->n_v4_lines : 0},
		{g->skel->maps.EG_MAP_DT_V4_BOUNDS, dt ? dt->bounds.n_v4 : 0},
		{g->skel->maps.EG_MAP_DT_V6_BOUNDS, dt ? dt->bounds.n_v6 : 0},
		{g->skel->maps.EG_MAP_DT_DECISIONS, dt ? dt->n_decisions : 0},
	};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (bpf_map__set_max_entries(sizes[i].map, (uint32_t)at_least_one(sizes[i].n)) ||
		    mmapable(sizes[i].map))
			return -1;
	/* An LRU hash, not a table: sized, never mapped. */
	return mmapable(g->skel->maps.EG_MAP_DT_HEADS) ||
	       bpf_map__set_max_entries(g->skel->maps.EG_MAP_FOLDS, (uint32_t)fold_entries());
}

/* The tables' upload: run while the other half of the programs loads (guard_load.c). */
struct upload {
	struct eg_guard *g;
	const struct eg_world *world;
	const struct eg_dtset *dt;
	int failed;
	struct eg_error err;
};

static void upload_tables(void *arg)
{
	struct upload *u = arg;
	struct eg_phase ph;

	eg_phase_begin(&ph);
	u->failed = (u->world && eg_guard_set_world(u->g, u->world, &u->err)) ||
		    (u->dt && eg_guard_set_decisions(u->g, u->dt, &u->err));
	eg_phase_end(&ph, "map upload");
}

static struct exfilguard_bpf *open_and_load(struct eg_guard *g, struct upload *u,
					    const struct eg_carry *carry)
{
	struct eg_phase ph;

	eg_phase_begin(&ph);
	g->skel = exfilguard_bpf__open();
	if (!g->skel)
		return NULL;
	eg_nf_prepare(g->skel->obj);
	/*
	 * Side by side only at a start: with a generation in force (a reload
	 * or an adoption: it has counters to carry) nothing waits for this
	 * load but the pod's memory limit does, and each object holds its own
	 * parse of the kernel's BTF while it loads (~7 MiB, in another malloc
	 * arena on the second thread): one after the other, the second reuses
	 * the first's.
	 */
	if (size_table_maps(g, u->world, u->dt) || eg_guard_carry_into(g, carry) ||
	    eg_guard_objects_load(g, !carry || carry->hot_fd < 0, upload_tables, u) ||
	    eg_guard_map_hot(g)) {
		int e = errno;

		exfilguard_bpf__destroy(g->nf_skel);
		exfilguard_bpf__destroy(g->skel);
		g->skel = g->nf_skel = NULL;
		errno = e;
	}
	eg_phase_end(&ph, "BPF object load (maps created and filled, programs verified)");
	return g->skel;
}

int eg_guard_load(struct eg_guard *g, const struct eg_world *world, const struct eg_dtset *dt,
		  const struct eg_carry *carry, struct eg_error *err)
{
	struct upload u = {.g = g, .world = world, .dt = dt};
	uint32_t seed = 0;

	libbpf_set_print(libbpf_print);
	memset(g, 0, sizeof(*g));
	if (!open_and_load(g, &u, carry)) {
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
	if (u.failed) {
		eg_guard_destroy(g);
		*err = u.err;
		return -1;
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

/* The same into an mmapable array: the kernel's elements are 8-byte aligned. */
static int mmap_fill(int fd, const void *values, size_t value_size, size_t n)
{
	size_t stride = (value_size + 7) & ~(size_t)7, len = n * stride, i;
	char *map;

	if (!n)
		return 0;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	if (stride == value_size)
		memcpy(map, values, len);
	else
		for (i = 0; i < n; i++)
			memcpy(map + i * stride, (const char *)values + i * value_size, value_size);
	munmap(map, len);
	return 0;
}

struct table_fill {
	struct bpf_map *map;
	const void *values;
	size_t size, n;
};

static int fill_tables(const struct table_fill *tables, size_t n, struct eg_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int fd = bpf_map__fd(tables[i].map);
		int rc = bpf_map__map_flags(tables[i].map) & BPF_F_MMAPABLE
				 ? mmap_fill(fd, tables[i].values, tables[i].size, tables[i].n)
				 : array_fill(fd, tables[i].values, tables[i].size, tables[i].n);

		if (rc)
			return eg_fail(err, -rc, "cannot load %s into the kernel: %s",
				       bpf_map__name(tables[i].map), strerror(-rc));
	}
	return 0;
}

int eg_guard_set_world(struct eg_guard *g, const struct eg_world *w, struct eg_error *err)
{
	const struct table_fill tables[] = {
		{g->skel->maps.EG_MAP_CLASSES, w->classes, sizeof(*w->classes), w->n_classes},
		{g->skel->maps.EG_MAP_V4_INDEX, w->v4_index, sizeof(w->v4_index[0]), 65536},
		{g->skel->maps.EG_MAP_V4_BOUNDS, w->v4_bounds, sizeof(*w->v4_bounds),
		 EG_V4_BOUND4S(w->n_v4_bounds)},
		{g->skel->maps.EG_MAP_V6_INDEX, w->v6_index, sizeof(w->v6_index[0]), 65536},
		{g->skel->maps.EG_MAP_V6_BOUNDS, w->v6_bounds, sizeof(*w->v6_bounds),
		 w->n_v6_bounds},
		{g->skel->maps.EG_MAP_V6_FINE_INDEX, w->v6_fine_index, sizeof(*w->v6_fine_index),
		 w->n_v6_fine_spans},
		{g->skel->maps.EG_MAP_V6_FINE_BOUNDS, w->v6_fine_bounds, sizeof(*w->v6_fine_bounds),
		 w->n_v6_fine_bounds},
	};

	if (fill_tables(tables, sizeof(tables) / sizeof(tables[0]), err))
		return -1;
	g->data_gen++;
	return 0;
}

int eg_guard_set_decisions(struct eg_guard *g, const struct eg_dtset *dt, struct eg_error *err)
{
	const size_t cells = dt->n_tables * EG_DT_CELLS;
	const struct table_fill tables[] = {
		{g->skel->maps.EG_MAP_DT_V4_INDEX, dt->v4_index, sizeof(*dt->v4_index), cells},
		{g->skel->maps.EG_MAP_DT_V6_INDEX, dt->v6_index, sizeof(*dt->v6_index), cells},
		{g->skel->maps.EG_MAP_DT_V4_LINES, dt->v4_lines, sizeof(*dt->v4_lines),
		 dt->n_v4_lines},
		{g->skel->maps.EG_MAP_DT_V4_BOUNDS, dt->bounds.v4, sizeof(*dt->bounds.v4),
		 dt->bounds.n_v4},
		{g->skel->maps.EG_MAP_DT_V6_BOUNDS, dt->bounds.v6, sizeof(*dt->bounds.v6),
		 dt->bounds.n_v6},
		{g->skel->maps.EG_MAP_DT_DECISIONS, dt->decisions, sizeof(*dt->decisions),
		 dt->n_decisions},
		/* Last: a head points at filled tables only. */
		{g->skel->maps.EG_MAP_DT_HEADS, dt->heads, sizeof(dt->heads[0]), EG_DT_MAX_TABLES},
	};

	/* Built from the very cells these maps get (dtable.c): it cannot disagree with them. */
	memset(&g->node_summary, 0, sizeof(g->node_summary));
	if (dt->summaries)
		g->node_summary = dt->summaries[EG_SLOT_NODE];
	return fill_tables(tables, sizeof(tables) / sizeof(tables[0]), err);
}

int eg_guard_load_bundle(struct eg_guard *g, const struct eg_bundle *b,
			 const struct eg_carry *carry, struct eg_error *err)
{
	const struct eg_world *world = b->have_world ? &b->world : NULL;
	struct eg_dtset dt;
	struct eg_phase ph;
	int rc;

	/* A policy change is a new generation (a new object): the node policy is slot EG_SLOT_NODE.
	 */
	eg_phase_begin(&ph);
	if (eg_dtset_build(&dt, b, EG_SLOT_NODE, err))
		return -1;
	eg_phase_end(&ph,
		     "decision tables compile: %zu tables, %zu ranges, %zu decisions; %u of %u "
		     "IPv4 /12 blocks summarized",
		     dt.n_tables, dt.n_ranges, dt.n_decisions,
		     eg_dt_summary_marked(dt.summaries ? &dt.summaries[EG_SLOT_NODE] : NULL),
		     EG_DT_SUMMARY_BLOCKS);
	rc = eg_guard_load(g, world, &dt, carry, err);
	eg_dtset_free(&dt); /* the kernel holds the tables now */
	return rc;
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
	if (bpf_map_update_elem(bpf_map__fd(g->skel->maps.EG_MAP_INFO), &zero, &info, BPF_ANY))
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
	return bpf_map__fd(g->skel->maps.EG_MAP_HOT);
}

int eg_guard_folds_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_FOLDS);
}

int eg_guard_bytes_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_BYTES);
}
