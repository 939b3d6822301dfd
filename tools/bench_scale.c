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

#define SCALE_ROUNDS 5

static int public_24(uint32_t net)
{
	unsigned o = net >> 24;

	return o && o != 10 && o != 127 && o < 224 && (net >> 17) != (0xc612u >> 1);
}

/*
 * n distinct random public /24s (an odd multiplier permutes 2^24), marked in
 * seen: the first n of one sequence, so a smaller size's are a larger one's.
 */
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

/* Random public destinations outside every policy's prefixes (seen: the largest's, a superset). */
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

struct scale_size {
	size_t n;
	struct bench_variant v;
	double extra[SCALE_ROUNDS], prog_ns[SCALE_ROUNDS];
};

/* BENCH_SCALE_SIZES=10,1000000: those sizes instead of 10, 10k, 100k and 1M. */
static size_t scale_sizes(struct scale_size *sz, size_t max)
{
	static const size_t def[] = {10, 10000, 100000, 1000000};
	const char *env = getenv("BENCH_SCALE_SIZES");
	size_t n = 0;

	if (!env) {
		for (; n < sizeof(def) / sizeof(def[0]) && n < max; n++)
			sz[n].n = def[n];
		return n;
	}
	while (n < max && *env) {
		char *end;

		sz[n].n = strtoul(env, &end, 10);
		if (end == env || !sz[n].n)
			break;
		n++;
		env = *end ? end + 1 : end;
	}
	return n;
}

/* One round of one size: no guard, then the guard attached, on the same destinations. */
static int scale_round(const struct bench_env *e, struct scale_size *s, const uint32_t *dst, int r)
{
	double none = bench_connect_list(e, dst, BENCH_CONNECTS), with;
	struct bench_prog_sample p0, p1;

	if (bench_variant_attach(&s->v, e))
		return -1;
	bench_connect_list(e, dst,
			   BENCH_CONNECTS); /* untimed: the tables in the caches as in use */
	bench_progs_read(&s->v.progs, &p0);
	with = bench_connect_list(e, dst, BENCH_CONNECTS);
	bench_progs_read(&s->v.progs, &p1);
	bench_variant_detach(&s->v, e);
	bench_progs_delta(&p1, &p0);
	s->prog_ns[r] = bench_progs_ns(&p1) / BENCH_CONNECTS;
	s->extra[r] = with - none;
	return 0;
}

static void scale_print(struct scale_size *s, double first_ns)
{
	struct bench_stats c = bench_stats_of(s->extra, SCALE_ROUNDS);
	struct bench_stats p = bench_stats_of(s->prog_ns, SCALE_ROUNDS);

	printf("  %8zu prefixes: load %6.2f s, kernel %6.1f MiB (memlock), connect() %+6.0f ns "
	       "(%+.0f..%+.0f), programs %.0f ns per connect (%.0f..%.0f), %.2fx the first\n",
	       s->n, s->v.load_s, (double)s->v.kernel_bytes / (1 << 20), c.median, c.min, c.max,
	       p.median, p.min, p.max, p.median / first_ns);
}

/*
 * Every size's guard is loaded first; then each round measures every size in
 * turn (the order rotating), so the sizes are compared side by side on the
 * same destinations (allowed under every size).
 */
int bench_scale(const struct bench_env *e, const char *dir)
{
	static uint8_t seen[1 << 21];
	static struct scale_size sz[8]; /* large: each holds a bundle and a guard */
	size_t n = scale_sizes(sz, 8), i;
	uint32_t *dst = calloc(BENCH_CONNECTS, sizeof(uint32_t));
	char path[PATH_MAX];
	int r, rc = dst && n ? 0 : -1;

	printf("CIDR-only policies of random public /24s (policy data only; nothing is sent to "
	       "them): load to enforcing, kernel memory, UDP connect() cost over no guard and the "
	       "programs' own time, median (min..max) of %d interleaved paired rounds on %d "
	       "random destinations allowed under every size:\n",
	       SCALE_ROUNDS, BENCH_CONNECTS);
	for (i = 0; !rc && i < n; i++) {
		sz[i].v.kind = V_EG;
		snprintf(path, sizeof(path), "%s/cidr-%zu.yaml", dir, sz[i].n);
		rc = write_prefixes(path, sz[i].n, seen) || bench_variant_load(&sz[i].v, e, path);
	}
	if (!rc)
		allowed_of(dst, seen);
	for (r = 0; !rc && r < SCALE_ROUNDS; r++)
		for (i = 0; !rc && i < n; i++)
			rc = scale_round(e, &sz[(i + (size_t)r) % n], dst, r);
	for (i = 0; !rc && i < n; i++)
		scale_print(&sz[i], bench_stats_of(sz[0].prog_ns, SCALE_ROUNDS).median);
	for (i = 0; i < n; i++)
		if (sz[i].v.kind == V_EG && sz[i].v.g.skel)
			bench_variant_free(&sz[i].v, e);
	fflush(stdout);
	free(dst);
	return rc;
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
