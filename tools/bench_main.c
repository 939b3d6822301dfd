// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exfilguard benchmark (make bench): every variant side by side in one run.
 *
 *   bench EXFILGUARD CN_POLICY WORK_DIR
 *
 * Variants: no guard; the floor (trivial programs on the same hooks);
 * exfilguard with a CIDR-only policy of the CN policy's denied ranges;
 * exfilguard with the CN policy on the full world, and on a fixture world
 * (those ranges only); nftables (inet output chain, interval sets of the
 * same ranges). Each round runs every workload under every variant (the
 * order rotating per round); each variant's figure is paired with the
 * no-guard figure of the same round, and the report gives the median and
 * min..max of those pairs. The programs' own run time (bpf stats) is read
 * around every run too.
 *
 * BENCH_QUICK=1: the rounds only (no deny loop, sweep or daemon);
 * BENCH_ROUNDS=N: N rounds (1 to 7) instead of 7; BENCH_HOT=1: the loops to
 * one allowed address only; BENCH_WORK=0,1: only these workloads in the
 * rounds (enum bench_work: 0 UDP connect, 1 sendto, 2 TCP connect+close,
 * 3 bulk TCP, 4 the denied mix); BENCH_SCALE_ONLY=1: the CIDR-only size
 * sweep only (BENCH_SCALE_SIZES=10,1000000: those sizes). After the hot
 * loops, the page probe (bench_pages.c): what one more map page costs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"
#include "cgroup.h"

#define MAX_ROUNDS 7

enum { VN_NONE, VN_FLOOR, VN_CIDR, VN_CN, VN_FIXTURE, VN_NFT, VN_COUNT };

static struct bench_variant variants[VN_COUNT] = {
	[VN_NONE] = {.name = "no guard", .kind = V_NONE},
	[VN_FLOOR] = {.name = "floor (programs returning 1)", .kind = V_FLOOR},
	[VN_CIDR] = {.name = "exfilguard, CIDR-only", .kind = V_EG},
	[VN_CN] = {.name = "exfilguard, CN policy, full world", .kind = V_EG},
	[VN_FIXTURE] = {.name = "exfilguard, CN policy, fixture world", .kind = V_EG},
	[VN_NFT] = {.name = "nftables inet output, interval sets", .kind = V_NFT},
};
static double figures[VN_COUNT][W_COUNT][MAX_ROUNDS];
static struct bench_prog_sample progstats[VN_COUNT][W_COUNT][MAX_ROUNDS];
static int rounds = MAX_ROUNDS;		     /* BENCH_ROUNDS=N: fewer */
static unsigned works = (1u << W_COUNT) - 1; /* BENCH_WORK=0,2: some workloads only */
static struct bench_env env;

static void cleanup(void)
{
	int i;

	for (i = 0; i < VN_COUNT; i++)
		bench_variant_free(&variants[i], &env);
	bench_env_teardown(&env);
	rmdir(env.cg);
	bench_progs_restore();
}

static int make_cgroup(char out[PATH_MAX])
{
	struct eg_error err = {0};
	char mount[PATH_MAX];

	if (eg_cgroup2_mount(mount, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	/* Earlier runs killed before their cleanup: their cgroups, namespaces and pins. */
	bench_sweep_stale(mount, "exfilguard-bench-", "rmdir %s", 0);
	bench_sweep_stale("/run/netns", "egbench-c-", "ip netns del %s 2>/dev/null", 1);
	bench_sweep_stale("/run/netns", "egbench-s-", "ip netns del %s 2>/dev/null", 1);
	bench_sweep_stale("/sys/fs/bpf", "egbench-", "rm -rf %s", 0);
	snprintf(out, PATH_MAX, "%s/exfilguard-bench-%d", mount, (int)getpid());
	if (mkdir(out, 0700)) {
		fprintf(stderr, "bench: %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* The CN policy's guard, its denied ranges as the other variants' data, and the netns. */
static int prepare(const char *cn_policy, const char *dir)
{
	char cidr[PATH_MAX], nft[PATH_MAX], fixture[PATH_MAX];
	struct bench_deny deny;
	long n;

	if (bench_variant_load(&variants[VN_CN], &env, cn_policy) ||
	    bench_deny_from(&variants[VN_CN].b, &deny))
		return -1;
	snprintf(cidr, sizeof(cidr), "%s/cidr-cn.yaml", dir);
	snprintf(nft, sizeof(nft), "%s/cn.nft", dir);
	snprintf(fixture, sizeof(fixture), "%s/cn-fixture.yaml", dir);
	n = bench_deny_write_policy(&deny, cidr);
	if (n < 0 || bench_deny_write_nft(&deny, nft) ||
	    bench_deny_write_fixture(&deny, dir, fixture) || bench_env_setup(&env, &deny))
		return -1;
	printf("the CN policy denies %zu IPv4 + %zu IPv6 ranges (%ld CIDR prefixes): the "
	       "CIDR-only policy, the fixture world (as country CN) and the nftables sets hold "
	       "exactly these\n",
	       deny.n4, deny.n6, n);
	variants[VN_NFT].nft_script = strdup(nft);
	return bench_variant_load(&variants[VN_FLOOR], &env, NULL) ||
	       bench_variant_load(&variants[VN_CIDR], &env, cidr) ||
	       bench_variant_load(&variants[VN_FIXTURE], &env, fixture) ||
	       bench_variant_load(&variants[VN_NFT], &env, NULL);
}

static int run_rounds(void)
{
	int r, i, w;

	for (r = 0; r < rounds; r++)
		for (i = 0; i < VN_COUNT; i++) {
			int v = (i + r) % VN_COUNT;

			if (bench_variant_attach(&variants[v], &env))
				return -1;
			/* Untimed: the variant's tables back in the caches the previous one used.
			 */
			bench_run(&env, W_UDP_CONNECT);
			for (w = 0; w < W_COUNT; w++)
				if (works & (1u << w))
					figures[v][w][r] = bench_run_progs(&variants[v], &env,
									   (enum bench_work)w,
									   &progstats[v][w][r]);
			bench_variant_detach(&variants[v], &env);
		}
	return 0;
}

static void print_work(int w)
{
	double none[MAX_ROUNDS];
	int v, r;

	memcpy(none, figures[VN_NONE][w], sizeof(none));
	printf("%s: no guard %.0f ns\n", bench_work_names[w], bench_stats_of(none, rounds).median);
	for (v = 1; v < VN_COUNT; v++) {
		double extra[MAX_ROUNDS], rate[MAX_ROUNDS];
		struct bench_stats e, q;

		for (r = 0; r < rounds; r++) {
			extra[r] = figures[v][w][r] - figures[VN_NONE][w][r];
			rate[r] = figures[VN_NONE][w][r] / figures[v][w][r];
		}
		e = bench_stats_of(extra, rounds);
		q = bench_stats_of(rate, rounds);
		printf("  %-38s %+7.0f ns (%+.0f..%+.0f)  rate %.3fx (%.3f..%.3f)\n",
		       variants[v].name, e.median, e.min, e.max, q.median, q.min, q.max);
	}
}

/* The programs' own run time per operation (bpf stats): median of the rounds, and per program. */
static void print_progs(int w)
{
	double ops = bench_work_ops[w], floor_ns = 0;
	int v, r;

	printf("  programs' own run time per operation (bpf stats), median (min..max) of the "
	       "rounds; "
	       "then per program: runs per operation x ns per run:\n");
	for (v = 1; v < VN_COUNT; v++) {
		struct bench_prog_sample total = {0};
		double ns[MAX_ROUNDS];
		struct bench_stats s;

		if (!variants[v].progs.n)
			continue;
		for (r = 0; r < rounds; r++) {
			ns[r] = bench_progs_ns(&progstats[v][w][r]) / ops;
			bench_progs_sum(&total, &progstats[v][w][r]);
		}
		s = bench_stats_of(ns, rounds);
		if (v == VN_FLOOR)
			floor_ns = s.median;
		printf("  %-38s %7.0f ns (%.0f..%.0f) floor%+6.0f:", variants[v].name, s.median,
		       s.min, s.max, s.median - floor_ns);
		bench_progs_print(&variants[v].progs, &total, ops * rounds);
	}
}

/* One process refusing connects to one denied address; the guard's counters say what became events.
 */
static void deny_loop(int v)
{
	struct bench_variant *x = &variants[v];
	uint32_t denied_slot = EG_CTR_HOOK(EG_HOOK_CONNECT4, EG_VERDICT_DENY);
	uint64_t d0 = eg_guard_counter(&x->g, denied_slot);
	uint64_t l0 = eg_guard_counter(&x->g, EG_CTR_EVENTS_DROPPED);
	unsigned long long e0 = x->delivered;
	struct bench_prog_sample p0, p1;
	double rate;

	if (bench_variant_attach(x, &env))
		return;
	bench_progs_read(&x->progs, &p0);
	rate = bench_deny_loop(&env, env.deny_target, BENCH_DENY_LOOP);
	bench_progs_read(&x->progs, &p1);
	bench_variant_detach(x, &env);
	bench_progs_delta(&p1, &p0);
	printf("  %-38s %.0f refusals per CPU-second, programs %.0f ns per refusal; denied %llu, "
	       "events delivered %llu, lost %llu\n",
	       x->name, rate, bench_progs_ns(&p1) / BENCH_DENY_LOOP,
	       (unsigned long long)(eg_guard_counter(&x->g, denied_slot) - d0), x->delivered - e0,
	       (unsigned long long)(eg_guard_counter(&x->g, EG_CTR_EVENTS_DROPPED) - l0));
}

/*
 * UDP connect() to one allowed address in a loop: the programs' run time
 * with every table line they read in the cache, against the random
 * destinations' (where each call misses on the tables).
 */
static void hot_loop(int v)
{
	struct bench_variant *x = &variants[v];
	struct bench_prog_sample p0, p1, p2;
	double rate[2];

	if (bench_variant_attach(x, &env))
		return;
	bench_progs_read(&x->progs, &p0);
	rate[0] = bench_deny_loop(&env, env.allowed[0], BENCH_CONNECTS);
	bench_progs_read(&x->progs, &p1);
	rate[1] = bench_fresh_loop(&env, env.allowed[0], BENCH_FRESH);
	bench_progs_read(&x->progs, &p2);
	bench_variant_detach(x, &env);
	bench_progs_delta(&p2, &p1);
	bench_progs_delta(&p1, &p0);
	printf("  %-38s programs %.0f ns per connect (CPU %.0f ns); a new socket each: programs "
	       "%.0f ns per socket+connect+close (CPU %.0f ns)\n",
	       x->name, bench_progs_ns(&p1) / BENCH_CONNECTS, 1e9 / rate[0],
	       bench_progs_ns(&p2) / BENCH_FRESH, 1e9 / rate[1]);
}

static int hot_loops(void)
{
	int v;

	printf("UDP connect() to one allowed address, %d calls on one socket, then %d on a new "
	       "socket each (the tables in the cache):\n",
	       BENCH_CONNECTS, BENCH_FRESH);
	for (v = VN_FLOOR; v < VN_NFT; v++)
		hot_loop(v);
	return 0;
}

/*
 * The events' other side, off the callers' CPU time: the thread that drains
 * the ring does what the daemon does besides writing lines (reads each
 * event, classifies and counts a deny the kernel left to it).
 */
static void print_drains(void)
{
	printf("event drain (the daemon's reading, classifying and counting of the rounds' "
	       "events), CPU per event:\n");
	for (int v = VN_CIDR; v < VN_NFT; v++)
		printf("  %-38s %.0f ns over %llu events\n", variants[v].name,
		       variants[v].delivered
			       ? (double)variants[v].drain_cpu_ns / (double)variants[v].delivered
			       : 0.0,
		       variants[v].delivered);
}

static void print_loads(void)
{
	int v;

	printf("load (policy file to enforcing) and kernel memory:\n");
	for (v = 1; v < VN_COUNT; v++)
		printf("  %-38s %6.2f s; BPF maps (memlock) %6.1f MiB, kernel memory charged "
		       "(memcg kmem) %6.1f MiB\n",
		       variants[v].name, variants[v].load_s,
		       (double)variants[v].kernel_bytes / (1 << 20),
		       (double)variants[v].kmem_bytes / (1 << 20));
}

/* BENCH_WORK's comma-separated workload numbers as a bit set (none valid: all). */
static unsigned parse_works(const char *list)
{
	unsigned set = 0;
	char *end;

	for (;;) {
		long w = strtol(list, &end, 10);

		if (end == list)
			break;
		if (w >= 0 && w < W_COUNT)
			set |= 1u << w;
		list = *end == ',' ? end + 1 : end;
	}
	return set ? set : (1u << W_COUNT) - 1;
}

/*
 * BENCH_PROFILE=N: only TCP connect+close under the CN policy, N runs, for
 * `perf record -a -g` around it (where the per-connection cost goes).
 */
static int profile_tcp(int runs)
{
	int i;

	if (bench_variant_attach(&variants[VN_CN], &env))
		return 1;
	for (i = 0; i < runs; i++)
		printf("TCP connect+close under the CN policy: %.0f ns\n",
		       bench_run(&env, W_TCP_CONNECT));
	bench_variant_detach(&variants[VN_CN], &env);
	return 0;
}

int main(int argc, char **argv)
{
	double t0 = bench_now();
	int w;

	if (argc != 4) {
		fprintf(stderr, "usage: bench EXFILGUARD CN_POLICY WORK_DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (make_cgroup(env.cg))
		return 1;
	atexit(cleanup);
	if (prepare(argv[2], argv[3]))
		return 1;
	if (getenv("BENCH_PROFILE"))
		return profile_tcp(atoi(getenv("BENCH_PROFILE")));
	if (getenv("BENCH_SCALE_ONLY")) {
		print_loads();
		return bench_progs_enable() || bench_scale(&env, argv[3]) ? 1 : 0;
	}
	if (getenv("BENCH_HOT")) /* the hot loops only */
		rounds = 0;
	else if (getenv("BENCH_ROUNDS"))
		rounds = atoi(getenv("BENCH_ROUNDS"));
	if (rounds < 0 || rounds > MAX_ROUNDS)
		rounds = MAX_ROUNDS;
	if (getenv("BENCH_WORK"))
		works = parse_works(getenv("BENCH_WORK"));
	if (bench_progs_enable())
		return 1;
	if (run_rounds())
		return 1;
	if (!rounds)
		return hot_loops();
	printf("%d interleaved rounds; CPU time of the calling process per operation over no "
	       "guard's, median (min..max) of the paired rounds, and rate as a fraction of no "
	       "guard's:\n",
	       rounds);
	for (w = 0; w < W_COUNT; w++)
		if (works & (1u << w)) {
			print_work(w);
			print_progs(w);
		}
	printf("(nftables never sees UDP connect(): it sends nothing, netfilter runs on "
	       "packets)\n");
	print_drains();
	hot_loops();
	bench_pages(&env);
	if (getenv("BENCH_QUICK"))
		return 0;
	printf("tight deny loop, UDP connect() to one denied address, %d calls:\n",
	       BENCH_DENY_LOOP);
	deny_loop(VN_CIDR);
	deny_loop(VN_CN);
	deny_loop(VN_FIXTURE);
	print_loads();
	if (bench_scale(&env, argv[3]) || bench_daemon_memory(argv[1], argv[2], env.cg))
		return 1;
	printf("bench: %.0f s\n", bench_now() - t0);
	return 0;
}
