// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * make bench: CIDR-only policies of 10 to 1M prefixes (load time, kernel
 * memory, UDP connect() cost paired with no guard), and the daemon's memory
 * at ready and during a reload. The prefixes are random public /24s used as
 * policy data only: the bench sends nothing to them (UDP connect() in a
 * namespace with no route to them fails before anything is sent).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define SCALE_ROUNDS 3

static int public_24(uint32_t net)
{
	unsigned o = net >> 24;

	return o && o != 10 && o != 127 && o < 224 && (net >> 17) != (0xc612u >> 1);
}

/* n distinct random public /24s (an odd multiplier permutes 2^24), marked in seen. */
static int write_prefixes(const char *path, size_t n, uint8_t *seen)
{
	FILE *f = fopen(path, "w");
	uint32_t i, k = 0;

	if (!f)
		return -1;
	fprintf(f, "rules:\n  - action: deny\n    cidr: [");
	for (i = 0; k < n; i++) {
		uint32_t net = ((i * 0x9e3779b1u) & 0xffffffu) << 8;

		if (!public_24(net))
			continue;
		fprintf(f, "%s%u.%u.%u.0/24", k++ ? ", " : "", net >> 24, (net >> 16) & 255,
			(net >> 8) & 255);
		seen[net >> 11] |= (uint8_t)(1u << ((net >> 8) & 7));
	}
	fprintf(f, "]\n");
	return fclose(f);
}

static void allowed_of(uint32_t *dst, const uint8_t *seen)
{
	uint64_t seed = 99;
	size_t i = 0;

	while (i < BENCH_CONNECTS) {
		uint32_t a = bench_rand(&seed);

		if (public_24(a & 0xffffff00u) && !(seen[a >> 11] & (1u << ((a >> 8) & 7))))
			dst[i++] = a;
	}
}

static int scale_one(const struct bench_env *e, const char *dir, size_t n, uint32_t *dst)
{
	static uint8_t seen[1 << 21];
	struct bench_variant v = {.kind = V_EG};
	double extra[SCALE_ROUNDS], prog_ns = 0;
	char path[PATH_MAX];
	struct bench_stats s;
	int r;

	memset(seen, 0, sizeof(seen));
	snprintf(path, sizeof(path), "%s/cidr-%zu.yaml", dir, n);
	if (write_prefixes(path, n, seen) || bench_variant_load(&v, e, path))
		return -1;
	allowed_of(dst, seen);
	for (r = 0; r < SCALE_ROUNDS; r++) {
		double none = bench_connect_list(e, dst, BENCH_CONNECTS), with;
		struct bench_prog_sample p0, p1;

		if (bench_variant_attach(&v, e))
			return -1;
		bench_progs_read(&v.progs, &p0);
		with = bench_connect_list(e, dst, BENCH_CONNECTS);
		bench_progs_read(&v.progs, &p1);
		bench_variant_detach(&v, e);
		bench_progs_delta(&p1, &p0);
		prog_ns += bench_progs_ns(&p1) / BENCH_CONNECTS / SCALE_ROUNDS;
		extra[r] = with - none;
	}
	s = bench_stats_of(extra, SCALE_ROUNDS);
	printf("  %8zu prefixes: load %6.2f s, kernel %6.1f MiB (memlock), connect() %+6.0f ns "
	       "(%+.0f..%+.0f), programs %.0f ns per connect (mean of the rounds)\n",
	       n, v.load_s, (double)v.kernel_bytes / (1 << 20), s.median, s.min, s.max, prog_ns);
	fflush(stdout);
	bench_variant_free(&v, e);
	return 0;
}

int bench_scale(const struct bench_env *e, const char *dir)
{
	static const size_t sizes[] = {10, 10000, 100000, 1000000};
	uint32_t *dst = calloc(BENCH_CONNECTS, sizeof(uint32_t));
	size_t i;

	printf("CIDR-only policies of random public /24s (policy data only; nothing is sent to "
	       "them): load to enforcing, kernel memory, UDP connect() cost over no guard, "
	       "median (min..max) of %d paired rounds on %d allowed random destinations:\n",
	       SCALE_ROUNDS, BENCH_CONNECTS);
	for (i = 0; dst && i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (scale_one(e, dir, sizes[i], dst))
			return -1;
	free(dst);
	return dst ? 0 : -1;
}

/* Start `exe run` on cg; its pid once it wrote READY, or -1. */
static pid_t start_daemon(const char *exe, const char *pins, const char *policy, const char *cg)
{
	char line[64] = "";
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 3);
		freopen("/dev/null", "w", stderr);
		execl(exe, exe, "--pin-dir", pins, "run", "--policy", policy, "--cgroup", cg,
		      "--events", "/dev/null", "--ready-fd", "3", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], line, sizeof(line) - 1) <= 0 || !strstr(line, "READY")) {
		close(p[0]);
		return -1;
	}
	close(p[0]);
	return pid;
}

/* Writing 5 to clear_refs resets VmHWM, so the next peak is the reload's own. */
static void reset_peak(pid_t pid)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
	f = fopen(path, "w");
	if (f) {
		fputs("5\n", f);
		fclose(f);
	}
}

int bench_daemon_memory(const char *exe, const char *policy, const char *cg)
{
	char pins[64], dcg[PATH_MAX + 8];
	double t0 = bench_now(), t_ready, t_reload;
	long rss, hwm, rss2, hwm2;
	pid_t pid;

	snprintf(pins, sizeof(pins), "/sys/fs/bpf/egbench-%d", (int)getpid());
	snprintf(dcg, sizeof(dcg), "%s/daemon", cg);
	mkdir(dcg, 0700);
	pid = start_daemon(exe, pins, policy, dcg);
	if (pid < 0)
		return -1;
	t_ready = bench_now() - t0;
	rss = bench_status_kib(pid, "VmRSS");
	hwm = bench_status_kib(pid, "VmHWM");
	reset_peak(pid);
	t0 = bench_now();
	bench_sh("%s --pin-dir %s reload >/dev/null", exe, pins);
	t_reload = bench_now() - t0;
	hwm2 = bench_status_kib(pid, "VmHWM");
	rss2 = bench_status_kib(pid, "VmRSS");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	bench_sh("%s --pin-dir %s detach >/dev/null 2>&1; rmdir %s %s 2>/dev/null", exe, pins, pins,
		 dcg);
	printf("daemon (exfilguard run, the CN policy on the full world):\n"
	       "  ready in %.2f s: VmRSS %ld MiB, peak (VmHWM) while loading %ld MiB\n"
	       "  reload in %.2f s: peak (VmHWM) during the reload %ld MiB, VmRSS after %ld MiB\n",
	       t_ready, rss >> 10, hwm >> 10, t_reload, hwm2 >> 10, rss2 >> 10);
	return 0;
}
