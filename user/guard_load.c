// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The guard's BPF object loaded on two threads. Most of a load is the
 * verifier, and one bpf_object__load checks its programs one after the
 * other on one CPU. So the maps are created first, from a maps-only object
 * (bpf/maps.bpf.c: the same definitions and no program, so nothing to
 * relocate against the kernel's BTF, which costs ~65 ms to parse), sized as
 * the skeleton's; then the skeleton (the cgroup programs) and a second
 * instance of the same ELF (the netfilter programs) take every map's fd
 * and load their programs at the same time, and the thread with the lighter
 * half then fills the maps (the programs do not read them before they are
 * attached). The privileged verifier holds no global lock: on two CPUs the
 * load and the upload overlap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "exfilguard_maps.skel.h"
#include "guard.h"
#include "hooks.h"
#include "parallel.h"
#include "timing.h"

/* The section of the programs the second object loads (user/nflinks.c attaches them). */
#define NF_SECTION "netfilter"
/*
 * And, so that both threads take about as long, this cgroup hook's (the
 * netfilter half is lighter, and it uploads the tables after it; --timing
 * shows each half's time).
 */
static const unsigned second_hooks[] = {EG_HOOK_SENDMSG6};

/* Per program, BPF_LOG_STATS's lines (verification time, insns processed) for --timing. */
#define STATS_LOG_SIZE 1024

struct half {
	struct bpf_object *obj;
	const char *what;
	void (*after)(void *arg); /* once obj is loaded: the maps' upload */
	void *arg;
	char stats[16][STATS_LOG_SIZE];
	int err; /* 0 or an errno */
};

/* Does the second object (g->nf_skel) load prog? */
static int in_second(const struct bpf_program *prog)
{
	size_t i;

	for (i = 0; i < sizeof(second_hooks) / sizeof(second_hooks[0]); i++)
		if (strcmp(bpf_program__name(prog), eg_hook_prog_name(second_hooks[i])) == 0)
			return 1;
	return strcmp(bpf_program__section_name(prog), NF_SECTION) == 0;
}

/* The maps object's definition of each map as the skeleton's (sized, carried). */
static int size_like(struct bpf_object *maps, struct bpf_object *skel)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, maps)
	{
		const struct bpf_map *s = bpf_object__find_map_by_name(skel, bpf_map__name(m));

		if (!s || bpf_map__type(s) != bpf_map__type(m) ||
		    bpf_map__key_size(s) != bpf_map__key_size(m) ||
		    bpf_map__value_size(s) != bpf_map__value_size(m))
			return -(errno = EINVAL); /* bpf/maps.bpf.c is built from the same header */
		if (bpf_map__fd(s) >= 0 ? bpf_map__reuse_fd(m, bpf_map__fd(s))
					: bpf_map__set_max_entries(m, bpf_map__max_entries(s)) ||
						  bpf_map__set_map_flags(m, bpf_map__map_flags(s)))
			return -1;
	}
	return 0;
}

/* Every map of obj is the maps object's (a dup of its fd: it may be closed then). */
static int share_maps(struct bpf_object *obj, struct bpf_object *maps)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
	{
		const struct bpf_map *made = bpf_object__find_map_by_name(maps, bpf_map__name(m));

		if (!made)
			return -(errno = EINVAL);
		if (bpf_map__reuse_fd(m, bpf_map__fd(made)))
			return -1;
	}
	return 0;
}

static int create_maps(struct bpf_object *skel, struct bpf_object *nf)
{
	struct exfilguard_maps_bpf *maps = exfilguard_maps_bpf__open();
	struct eg_phase ph;
	int rc;

	eg_phase_begin(&ph);
	if (!maps)
		return -1;
	rc = size_like(maps->obj, skel) || exfilguard_maps_bpf__load(maps) ||
	     share_maps(skel, maps->obj) || share_maps(nf, maps->obj);
	if (rc) {
		int e = errno;

		exfilguard_maps_bpf__destroy(maps);
		errno = e;
		return -1;
	}
	exfilguard_maps_bpf__destroy(maps); /* the two objects hold the maps now */
	eg_phase_end(&ph, "BPF maps created");
	return 0;
}

/* obj loads the second object's programs or (skel) all the others; --timing asks for stats. */
static void choose_programs(struct half *h, int second)
{
	struct bpf_program *prog;
	size_t i = 0;

	bpf_object__for_each_program(prog, h->obj)
	{
		int mine = in_second(prog) == second;

		bpf_program__set_autoload(prog, mine);
		if (mine && eg_timing_on() && i < sizeof(h->stats) / sizeof(h->stats[0])) {
			bpf_program__set_log_level(prog, 4); /* BPF_LOG_STATS */
			bpf_program__set_log_buf(prog, h->stats[i++], STATS_LOG_SIZE);
		}
	}
}

/* "eg_egress: verification time 118331 usec, processed 139974 insns ..." per program. */
static void print_stats(const struct half *h)
{
	struct bpf_program *prog;
	size_t i = 0;

	bpf_object__for_each_program(prog, h->obj)
	{
		unsigned long usec = 0, insns = 0;
		const char *at;

		if (!bpf_program__autoload(prog) || i >= sizeof(h->stats) / sizeof(h->stats[0]))
			continue;
		at = strstr(h->stats[i], "verification time");
		if (at)
			sscanf(at, "verification time %lu usec", &usec);
		at = strstr(h->stats[i++], "processed");
		if (at)
			sscanf(at, "processed %lu insns", &insns);
		fprintf(stderr, "exfilguard: timing:          %8.1f ms  verifier: %s, %lu insns\n",
			(double)usec / 1e3, bpf_program__name(prog), insns);
	}
}

static void load_half(void *arg)
{
	struct half *h = arg;
	struct eg_phase ph;

	eg_phase_begin(&ph);
	h->err = -bpf_object__load(h->obj); /* no internal maps: the skeleton maps nothing more */
	eg_phase_end(&ph, "BPF programs loaded: %s", h->what);
	if (!h->err && eg_timing_on())
		print_stats(h);
	if (!h->err && h->after)
		h->after(h->arg);
}

int eg_guard_objects_load(struct eg_guard *g, int side_by_side, void (*after)(void *arg), void *arg)
{
	struct half *halves = calloc(2, sizeof(*halves));
	int err = 0;

	if (!halves)
		return -1;
	g->nf_skel = exfilguard_bpf__open();
	if (!g->nf_skel) {
		free(halves);
		return -1;
	}
	eg_nf_prepare(g->nf_skel->obj);
	/* The netfilter half (the lighter) on this thread, then the upload: about even. */
	halves[0] = (struct half){.obj = g->nf_skel->obj, .what = "netfilter hooks, sendmsg6"};
	halves[0].after = after, halves[0].arg = arg;
	halves[1] = (struct half){.obj = g->skel->obj, .what = "other cgroup hooks"};
	choose_programs(&halves[0], 1);
	choose_programs(&halves[1], 0);
	if (create_maps(g->skel->obj, g->nf_skel->obj))
		err = errno;
	else if (side_by_side)
		eg_parallel_run(load_half, halves, 2, sizeof(*halves));
	else
		load_half(&halves[1]), load_half(&halves[0]);
	err = err ? err : halves[0].err ? halves[0].err : halves[1].err;
	free(halves);
	errno = err;
	return err ? -1 : 0;
}
