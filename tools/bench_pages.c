// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The page probe (bench_pages.bpf.c): UDP connect() to the rounds' random
 * allowed destinations with each probe program alone on connect4, in
 * interleaved rounds; the programs' own time per connect from bpf stats.
 * What one more map page costs a hook on this machine, measured beside
 * what three cache lines of one page cost.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "bench.h"
#include "bench_pages.skel.h"

#define PAGE_ROUNDS 5
#define PAGE_PROBES 4

/* The probe's ns per run over the destinations; -1 when it could not run. */
static double probe_once(const struct bench_env *e, struct bpf_program *prog, int cg)
{
	struct bpf_link *link = bpf_program__attach_cgroup(prog, cg);
	struct bench_progs p = {0};
	struct bench_prog_sample s0, s1;

	if (!link)
		return -1;
	bench_progs_add(&p, "connect4", prog);
	bench_progs_read(&p, &s0);
	bench_run(e, W_UDP_CONNECT);
	bench_progs_read(&p, &s1);
	bpf_link__destroy(link);
	bench_progs_delta(&s1, &s0);
	return s1.cnt[0] ? bench_progs_ns(&s1) / (double)s1.cnt[0] : -1;
}

static int probe_rounds(const struct bench_env *e, struct bench_pages_bpf *s, int cg,
			struct bench_stats out[PAGE_PROBES])
{
	struct bpf_program *progs[PAGE_PROBES] = {s->progs.pages_none, s->progs.pages_one_map,
						  s->progs.pages_three_maps,
						  s->progs.pages_three_lines};
	double ns[PAGE_PROBES][PAGE_ROUNDS];
	int r, i;

	for (r = 0; r < PAGE_ROUNDS; r++)
		for (i = 0; i < PAGE_PROBES; i++) {
			int k = (i + r) % PAGE_PROBES; /* the order rotates per round */

			ns[k][r] = probe_once(e, progs[k], cg);
			if (ns[k][r] < 0)
				return -1;
		}
	for (i = 0; i < PAGE_PROBES; i++)
		out[i] = bench_stats_of(ns[i], PAGE_ROUNDS);
	return 0;
}

int bench_pages(const struct bench_env *e)
{
	static const char *const what[PAGE_PROBES] = {
		"reads nothing (the floor)", "reads one small map", "reads three small maps",
		"reads three lines of one map"};
	struct bench_pages_bpf *s = bench_pages_bpf__open_and_load();
	int cg = open(e->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1, i;
	struct bench_stats st[PAGE_PROBES];

	if (s && cg >= 0 && !probe_rounds(e, s, cg, st)) {
		printf("map pages a connect4 program reads, each read's key depending on the one "
		       "before (as the hooks' lookups do); programs' own time per connect, median "
		       "(min..max) of %d interleaved rounds on the random destinations:\n",
		       PAGE_ROUNDS);
		for (i = 0; i < PAGE_PROBES; i++)
			printf("  %-30s %4.0f ns (%.0f..%.0f)\n", what[i], st[i].median, st[i].min,
			       st[i].max);
		printf("  one more map page: %.0f ns (three maps against three lines of one, "
		       "halved)\n",
		       (st[2].median - st[3].median) / 2);
		rc = 0;
	} else {
		fprintf(stderr, "bench: the page probe did not run\n");
	}
	if (cg >= 0)
		close(cg);
	bench_pages_bpf__destroy(s);
	return rc;
}
