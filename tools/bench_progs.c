// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * make bench: the kernel's own statistics of the attached programs
 * (kernel.bpf_stats_enabled): run_cnt and run_time_ns per program, read with
 * bpf_obj_get_info_by_fd (libbpf 1.1 here) before and after a workload. run_time_ns is the
 * time inside the program only (two sched_clock() reads around it), so it
 * says what a guard's own code costs, without the cgroup dispatch every
 * program on the hook pays and without the noise of the rest of the call.
 */
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench.h"

#define STATS_SYSCTL "/proc/sys/kernel/bpf_stats_enabled"

static int stats_before = -1;

static int write_sysctl(int value)
{
	FILE *f = fopen(STATS_SYSCTL, "w");

	if (!f)
		return -1;
	fprintf(f, "%d\n", value);
	return fclose(f);
}

int bench_progs_enable(void)
{
	FILE *f = fopen(STATS_SYSCTL, "r");

	if (!f || fscanf(f, "%d", &stats_before) != 1)
		stats_before = -1;
	if (f)
		fclose(f);
	if (stats_before < 0 || write_sysctl(1)) {
		fprintf(stderr, "bench: cannot enable %s\n", STATS_SYSCTL);
		return -1;
	}
	return 0;
}

void bench_progs_restore(void)
{
	if (stats_before >= 0)
		write_sysctl(stats_before);
	stats_before = -1;
}

void bench_progs_add(struct bench_progs *p, const char *name, const struct bpf_program *prog)
{
	if (p->n >= BENCH_MAX_PROGS || !prog)
		return;
	p->name[p->n] = name;
	p->fd[p->n] = bpf_program__fd(prog);
	p->n++;
}

void bench_progs_read(const struct bench_progs *p, struct bench_prog_sample *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < p->n; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(p->fd[i], &info, &len))
			continue;
		s->ns[i] = info.run_time_ns;
		s->cnt[i] = info.run_cnt;
	}
}

void bench_progs_delta(struct bench_prog_sample *after, const struct bench_prog_sample *before)
{
	int i;

	for (i = 0; i < BENCH_MAX_PROGS; i++) {
		after->ns[i] -= before->ns[i];
		after->cnt[i] -= before->cnt[i];
	}
}

double bench_progs_ns(const struct bench_prog_sample *s)
{
	double ns = 0;
	int i;

	for (i = 0; i < BENCH_MAX_PROGS; i++)
		ns += (double)s->ns[i];
	return ns;
}

void bench_progs_sum(struct bench_prog_sample *total, const struct bench_prog_sample *s)
{
	int i;

	for (i = 0; i < BENCH_MAX_PROGS; i++) {
		total->ns[i] += s->ns[i];
		total->cnt[i] += s->cnt[i];
	}
}

void bench_progs_print(const struct bench_progs *p, const struct bench_prog_sample *total,
		       double ops)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (total->cnt[i])
			printf(" %s %.2fx%.0f", p->name[i], (double)total->cnt[i] / ops,
			       (double)total->ns[i] / (double)total->cnt[i]);
	printf("\n");
}
