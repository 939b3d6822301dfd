// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exfilguard benchmark (make bench): what it costs to turn the real datasets
 * into kernel maps, how much kernel memory they take, and what a verdict
 * costs in the kernel, measured side by side in one run.
 *
 *   bench POLICY_WITH_DATA SMALL_POLICY_WITH_DATA
 *
 * Phases, each timed with CLOCK_MONOTONIC:
 *  1. load the datasets and build the classification (userspace);
 *  2. load the BPF object sized for it and copy the tables in (root);
 *  3. run the egress program with BPF_PROG_TEST_RUN on IPv4 and IPv6
 *     packets under three policies: CIDR-only (no classification), a country
 *     selector on the full world, and the same on a small world, so the
 *     ratios show what classification adds and whether it grows with data;
 *  4. the socket hooks on real connect() calls: a process in a private cgroup
 *     (and a network namespace of its own with nothing in it, so nothing can
 *     leave) connects a UDP socket to random addresses, without a guard and
 *     with each of the three attached to that cgroup;
 *  5. the baseline, side by side: the same two worlds as a kernel LPM trie
 *     (BPF_MAP_TYPE_LPM_TRIE), its kernel memory, and the cost of a
 *     connect4 program that does nothing but one lookup in it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include "bench_lpm.h"
#include "bench_lpm.skel.h"
#include "bundle.h"
#include "cgroup.h"
#include "exfilguard.skel.h"
#include "guard.h"

#define REPEAT	    200000
#define RANDOM_RUNS 20000
#define CONNECTS    200000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Kernel memory a map is charged for, from its fdinfo ("memlock:"). */
static unsigned long long map_memlock(int fd)
{
	char path[64], line[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* An Ethernet + IPv4/IPv6 + UDP frame to addr (text). */
static size_t make_packet(const char *addr, unsigned char *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct udphdr *udp;

	memset(buf, 0, 128);
	if (strchr(addr, ':')) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->nexthdr = IPPROTO_UDP;
		ip6->payload_len = htons(sizeof(*udp));
		ip6->hop_limit = 64;
		inet_pton(AF_INET6, "2001:db8:ffff::1", &ip6->saddr);
		inet_pton(AF_INET6, addr, &ip6->daddr);
		udp = (struct udphdr *)(ip6 + 1);
	} else {
		struct iphdr *ip = (struct iphdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		ip->tot_len = htons(sizeof(*ip) + sizeof(*udp));
		inet_pton(AF_INET, "192.0.2.1", &ip->saddr);
		inet_pton(AF_INET, addr, &ip->daddr);
		udp = (struct udphdr *)(ip + 1);
	}
	udp->source = htons(40000);
	udp->dest = htons(443);
	udp->len = htons(sizeof(*udp));
	return (size_t)((unsigned char *)(udp + 1) - buf);
}

/* The egress program's verdict (1 pass, 0 drop) for one packet to addr, or -1. */
static int egress_verdict(struct eg_guard *g, const char *addr)
{
	unsigned char pkt[128];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = 1);

	opts.data_size_in = (uint32_t)make_packet(addr, pkt);
	if (bpf_prog_test_run_opts(bpf_program__fd(g->skel->progs.EG_PROG(egress)), &opts))
		return -1;
	return (int)opts.retval;
}

/* Average ns per run of the egress program on a packet to each address. */
static double egress_ns(struct eg_guard *g, const char *const *addrs, size_t n)
{
	int fd = bpf_program__fd(g->skel->progs.EG_PROG(egress));
	double total = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char pkt[128];
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = REPEAT);

		opts.data_size_in = (uint32_t)make_packet(addrs[i], pkt);
		if (bpf_prog_test_run_opts(fd, &opts)) {
			fprintf(stderr, "bench: test run failed: %s\n", strerror(errno));
			return -1;
		}
		total += opts.duration;
	}
	return total / (double)n;
}

/*
 * Average ns of single runs over many random destinations: every run looks
 * up a different address, so caches hold what real traffic would leave in
 * them, not one hot path. The duration is the kernel's own measurement around
 * the program.
 */
static double egress_ns_random(struct eg_guard *g, int v6, unsigned n)
{
	int fd = bpf_program__fd(g->skel->progs.EG_PROG(egress));
	unsigned seed = 12345, i;
	double total = 0;

	for (i = 0; i < n; i++) {
		unsigned char pkt[128];
		char addr[64];
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = 1);

		if (v6)
			snprintf(addr, sizeof(addr), "2%03x:%x:%x::1", rand_r(&seed) & 0xfff,
				 rand_r(&seed) & 0xffff, rand_r(&seed) & 0xffff);
		else
			snprintf(addr, sizeof(addr), "%u.%u.%u.%u", 1 + rand_r(&seed) % 223,
				 rand_r(&seed) & 255, rand_r(&seed) & 255, rand_r(&seed) & 255);
		opts.data_size_in = (uint32_t)make_packet(addr, pkt);
		if (bpf_prog_test_run_opts(fd, &opts))
			return -1;
		total += opts.duration;
	}
	return total / n;
}

/* ---- the socket hooks on real connect() calls ---- */

/* In the child: join the cgroup, leave every network, time UDP connects to random IPv4 addresses.
 */
static double connect_loop(const char *cg)
{
	static struct sockaddr_in dst[CONNECTS];
	unsigned seed = 4242, i;
	char procs[PATH_MAX];
	double t0;
	FILE *f;
	int fd;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "0\n") < 0 || fclose(f) || unshare(CLONE_NEWNET))
		return -1;
	for (i = 0; i < CONNECTS; i++) {
		dst[i].sin_family = AF_INET;
		dst[i].sin_port = htons(9);
		dst[i].sin_addr.s_addr =
			htonl(((1 + rand_r(&seed) % 223u) << 24) | (rand_r(&seed) & 0xffffffu));
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	t0 = now_s();
	/* With no route in this namespace, each fails after the hook with ENETUNREACH (or EPERM).
	 */
	for (i = 0; i < CONNECTS; i++)
		connect(fd, (struct sockaddr *)&dst[i], sizeof(dst[i]));
	return (now_s() - t0) * 1e9 / CONNECTS;
}

/* ns per connect() from a fresh child in cg; -1 on failure. */
static double connect_ns_once(const char *cg)
{
	double ns = -1;
	int p[2], st;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		ns = connect_loop(cg);
		_exit(write(p[1], &ns, sizeof(ns)) == sizeof(ns) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return ns;
}

#define CONNECT_TRIES 3

/* The best of CONNECT_TRIES runs: this machine is noisy, and noise only ever adds time. */
static double connect_ns(const char *cg)
{
	double best = -1;
	int i;

	for (i = 0; i < CONNECT_TRIES; i++) {
		double ns = connect_ns_once(cg);

		if (ns < 0)
			return -1;
		if (best < 0 || ns < best)
			best = ns;
	}
	return best;
}

/* The same, with g's hooks attached to cg for the run (NULL: no guard). */
static double connect_ns_with(struct eg_guard *g, const char *cg)
{
	struct eg_error err = {0};
	double ns;

	if (g && eg_guard_attach(g, cg, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	ns = connect_ns(cg);
	if (g)
		eg_guard_detach(g);
	return ns;
}

static char bench_cg[PATH_MAX];

static void remove_bench_cgroup(void)
{
	if (bench_cg[0])
		rmdir(bench_cg);
}

/* A private cgroup for the connect runs, <cgroup2>/exfilguard-bench-<pid>, removed at exit. */
static int bench_cgroup(char out[PATH_MAX])
{
	struct eg_error err = {0};
	char mount[PATH_MAX];

	if (eg_cgroup2_mount(mount, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	snprintf(out, PATH_MAX, "%s/exfilguard-bench-%d", mount, (int)getpid());
	if (mkdir(out, 0700)) {
		fprintf(stderr, "bench: %s: %s\n", out, strerror(errno));
		return -1;
	}
	snprintf(bench_cg, sizeof(bench_cg), "%s", out);
	atexit(remove_bench_cgroup);
	return 0;
}

static const char *const addrs_v4[] = {"47.74.0.1",  "8.8.8.8",	      "1.1.1.1",  "198.19.113.9",
				       "36.110.0.1", "185.199.108.1", "52.0.0.1", "120.24.0.1"};
static const char *const addrs_v6[] = {"2400:3200::1", "2001:4860:4860::8888", "2a00:1450:4001::1",
				       "2606:4700::1"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the baseline: the same world in an LPM trie ---- */

struct lpm_fill {
	int fd; /* the trie, or -1 to count only */
	uint32_t class_id;
	size_t n;
	int failed;
};

static void lpm_emit(const uint8_t addr[16], unsigned plen16, void *arg)
{
	struct lpm_fill *f = arg;
	struct bench_lpm_key key = {.prefixlen = plen16};

	memcpy(key.addr, addr, 16);
	f->n++;
	if (f->fd >= 0 && bpf_map_update_elem(f->fd, &key, &f->class_id, BPF_ANY))
		f->failed = 1;
}

/* Every classified segment of w as its minimal CIDRs, into the trie fd (or counted, fd -1). */
static size_t lpm_walk(const struct eg_world *w, int fd, int *failed)
{
	struct lpm_fill f = {.fd = fd};
	size_t i;

	for (i = 0; i < w->n_segments; i++) {
		uint8_t first[16], last[16];

		if (!w->segments[i].class_id)
			continue;
		eg_u128_to_addr(w->segments[i].first, first);
		eg_u128_to_addr(w->segments[i].last, last);
		f.class_id = w->segments[i].class_id;
		eg_range_to_cidrs(first, last, lpm_emit, &f);
	}
	*failed = f.failed;
	return f.n;
}

struct lpm_baseline {
	struct bench_lpm_bpf *skel;
	size_t prefixes;
	double t_fill;
	unsigned long long kernel_bytes;
};

/* The trie must answer as the range tables do, or its figures mean nothing. */
static int lpm_agrees(const struct lpm_baseline *b, const struct eg_world *w)
{
	size_t i;

	for (i = 0; i < N(addrs_v4); i++) {
		struct bench_lpm_key key = {.prefixlen = 128};
		uint32_t got = 0;
		struct in_addr a;

		inet_pton(AF_INET, addrs_v4[i], &a);
		key.addr[10] = key.addr[11] = 0xff;
		memcpy(&key.addr[12], &a, 4);
		bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.bench_lpm), &key, &got);
		if (got != eg_world_classify(w, key.addr)) {
			fprintf(stderr, "bench: LPM baseline says class %u for %s, the tables %u\n",
				got, addrs_v4[i], eg_world_classify(w, key.addr));
			return 0;
		}
	}
	return 1;
}

static int lpm_load(const struct eg_world *w, struct lpm_baseline *b)
{
	int failed = 0;
	double t0;

	memset(b, 0, sizeof(*b));
	b->prefixes = lpm_walk(w, -1, &failed);
	b->skel = bench_lpm_bpf__open();
	if (!b->skel ||
	    bpf_map__set_max_entries(b->skel->maps.bench_lpm,
				     (uint32_t)(b->prefixes ? b->prefixes : 1)) ||
	    bench_lpm_bpf__load(b->skel)) {
		fprintf(stderr, "bench: cannot load the LPM baseline: %s\n", strerror(errno));
		return -1;
	}
	t0 = now_s();
	lpm_walk(w, bpf_map__fd(b->skel->maps.bench_lpm), &failed);
	b->t_fill = now_s() - t0;
	b->kernel_bytes = map_memlock(bpf_map__fd(b->skel->maps.bench_lpm));
	if (failed || !lpm_agrees(b, w)) {
		fprintf(stderr, "bench: the LPM baseline could not be filled as the world\n");
		return -1;
	}
	return 0;
}

/* ns per connect() with only the LPM program attached to cg. */
static double lpm_connect_ns(struct lpm_baseline *b, const char *cg)
{
	int cg_fd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct bpf_link *link =
		cg_fd < 0 ? NULL
			  : bpf_program__attach_cgroup(b->skel->progs.bench_lpm_connect4, cg_fd);
	double ns;

	if (cg_fd >= 0)
		close(cg_fd);
	if (!link)
		return -1;
	ns = connect_ns(cg);
	bpf_link__destroy(link);
	return ns;
}

struct loaded {
	struct eg_bundle b;
	struct eg_guard g;
	double t_data, t_kernel;
	unsigned long long kernel_bytes;
};

static int load_world(const char *policy, struct loaded *l)
{
	struct eg_error err = {0};
	double t0 = now_s();
	struct bpf_map *map;

	if (eg_bundle_load(policy, -1, &l->b, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	l->t_data = now_s() - t0;
	t0 = now_s();
	if (eg_guard_load(&l->g, l->b.have_world ? &l->b.world : NULL, -1, &err) ||
	    (l->b.have_world && eg_guard_set_world(&l->g, &l->b.world, &err)) ||
	    eg_guard_apply(&l->g, &l->b.rules, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	l->t_kernel = now_s() - t0;
	l->kernel_bytes = 0;
	bpf_object__for_each_map(map, l->g.skel->obj)
	{
		const char *name = bpf_map__name(map);

		if (!strcmp(name, "eg_classes") || !strncmp(name, "eg_v4_", 6) ||
		    !strncmp(name, "eg_v6_", 6))
			l->kernel_bytes += map_memlock(bpf_map__fd(map));
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct loaded full, small;
	double v4_full, v6_full, v4_small, v6_small, v4_cidr;
	double r4_full, r6_full, r4_small, r6_small, r4_cidr;
	double c_none, c_full, c_small, c_cidr, l_full, l_small;
	struct lpm_baseline lpm_full, lpm_small;
	char cg[PATH_MAX];
	size_t small_ranges;

	if (argc != 4) {
		fprintf(stderr, "usage: bench FULL_POLICY SMALL_POLICY CIDR_ONLY_POLICY\n");
		return 2;
	}
	if (bench_cgroup(cg))
		return 1;
	if (load_world(argv[1], &full))
		return 1;
	printf("full datasets: %zu IPv4 + %zu IPv6 ranges, %zu classes (%s)\n",
	       full.b.world.n_v4_bounds, full.b.world.n_v6_bounds, full.b.world.n_classes,
	       full.b.world.dataset);
	printf("  datasets -> classification (userspace):  %.3f s, peak RSS %ld MiB\n", full.t_data,
	       peak_rss_kib() >> 10);
	printf("  classification -> kernel maps:           %.3f s\n", full.t_kernel);
	printf("  total, datasets to kernel maps:          %.3f s\n", full.t_data + full.t_kernel);
	printf("  kernel memory of the tables (memlock):   %.1f MiB (%.1f bytes per range)\n",
	       (double)full.kernel_bytes / (1 << 20),
	       (double)full.kernel_bytes /
		       (double)(full.b.world.n_v4_bounds + full.b.world.n_v6_bounds));
	/* The runs below must go through the whole judgement: a KP address is dropped. */
	if (egress_verdict(&full.g, "175.45.176.1") != 0 ||
	    egress_verdict(&full.g, "8.8.8.8") != 1) {
		fprintf(stderr,
			"bench: the egress program does not judge test-run packets as "
			"expected (KP dropped, 8.8.8.8 passed): figures would be meaningless\n");
		return 1;
	}
	v4_full = egress_ns(&full.g, addrs_v4, N(addrs_v4));
	v6_full = egress_ns(&full.g, addrs_v6, N(addrs_v6));
	r4_full = egress_ns_random(&full.g, 0, RANDOM_RUNS);
	r6_full = egress_ns_random(&full.g, 1, RANDOM_RUNS);
	c_none = connect_ns_with(NULL, cg);
	c_full = connect_ns_with(&full.g, cg);
	if (lpm_load(&full.b.world, &lpm_full))
		return 1;
	l_full = lpm_connect_ns(&lpm_full, cg);
	bench_lpm_bpf__destroy(lpm_full.skel);

	if (load_world(argv[2], &small))
		return 1;
	v4_small = egress_ns(&small.g, addrs_v4, N(addrs_v4));
	v6_small = egress_ns(&small.g, addrs_v6, N(addrs_v6));
	r4_small = egress_ns_random(&small.g, 0, RANDOM_RUNS);
	r6_small = egress_ns_random(&small.g, 1, RANDOM_RUNS);
	c_small = connect_ns_with(&small.g, cg);
	if (lpm_load(&small.b.world, &lpm_small))
		return 1;
	l_small = lpm_connect_ns(&lpm_small, cg);
	bench_lpm_bpf__destroy(lpm_small.skel);
	small_ranges = small.b.world.n_v4_bounds + small.b.world.n_v6_bounds;
	eg_guard_destroy(&small.g);
	eg_bundle_free(&small.b);
	if (load_world(argv[3], &small))
		return 1;
	v4_cidr = egress_ns(&small.g, addrs_v4, N(addrs_v4));
	r4_cidr = egress_ns_random(&small.g, 0, RANDOM_RUNS);
	c_cidr = connect_ns_with(&small.g, cg);

	printf("egress verdict in the kernel, hot (BPF_PROG_TEST_RUN, %d runs x %zu addresses):\n",
	       REPEAT, N(addrs_v4));
	printf("  CIDR-only policy, IPv4:                  %6.1f ns\n", v4_cidr);
	printf("  country selector, small world, IPv4:     %6.1f ns   IPv6 %6.1f ns (%zu ranges)\n",
	       v4_small, v6_small, small_ranges);
	printf("  country selector, full world, IPv4:      %6.1f ns   IPv6 %6.1f ns\n", v4_full,
	       v6_full);
	printf("  ratio full/small world: IPv4 %.2f, IPv6 %.2f; classification adds %.1f ns "
	       "(IPv4, full world vs CIDR-only)\n",
	       v4_small > 0 ? v4_full / v4_small : 0, v6_small > 0 ? v6_full / v6_small : 0,
	       v4_full - v4_cidr);
	printf("egress verdict in the kernel, one run each on %d random destinations (cold "
	       "paths):\n",
	       RANDOM_RUNS);
	printf("  CIDR-only policy, IPv4:                  %6.1f ns\n", r4_cidr);
	printf("  country selector, small world, IPv4:     %6.1f ns   IPv6 %6.1f ns\n", r4_small,
	       r6_small);
	printf("  country selector, full world, IPv4:      %6.1f ns   IPv6 %6.1f ns\n", r4_full,
	       r6_full);
	printf("  ratio full/small world: IPv4 %.2f, IPv6 %.2f; classification adds %.1f ns "
	       "(IPv4, full world vs CIDR-only)\n",
	       r4_small > 0 ? r4_full / r4_small : 0, r6_small > 0 ? r6_full / r6_small : 0,
	       r4_full - r4_cidr);
	printf("UDP connect() to %d random IPv4 addresses, whole syscall (the hooks run on "
	       "each):\n",
	       CONNECTS);
	printf("  no guard:                                %6.1f ns\n", c_none);
	printf("  CIDR-only policy:                        %6.1f ns   (+%.1f ns)\n", c_cidr,
	       c_cidr - c_none);
	printf("  country selector, small world:           %6.1f ns   (+%.1f ns)\n", c_small,
	       c_small - c_none);
	printf("  country selector, full world:            %6.1f ns   (+%.1f ns)\n", c_full,
	       c_full - c_none);
	printf("  hook cost ratio full/small world: %.2f\n",
	       c_small > c_none ? (c_full - c_none) / (c_small - c_none) : 0);
	printf("baseline: the same worlds as a kernel LPM trie (BPF_MAP_TYPE_LPM_TRIE):\n");
	printf("  full world:  %zu prefixes, %.1f MiB of kernel memory (range tables: %.1f MiB), "
	       "filled in %.2f s\n",
	       lpm_full.prefixes, (double)lpm_full.kernel_bytes / (1 << 20),
	       (double)full.kernel_bytes / (1 << 20), lpm_full.t_fill);
	printf("  small world: %zu prefixes, %.1f MiB of kernel memory\n", lpm_small.prefixes,
	       (double)lpm_small.kernel_bytes / (1 << 20));
	printf("  UDP connect() with a connect4 program doing one trie lookup and nothing else:\n");
	printf("    small world:                           %6.1f ns   (+%.1f ns)\n", l_small,
	       l_small - c_none);
	printf("    full world:                            %6.1f ns   (+%.1f ns)\n", l_full,
	       l_full - c_none);
	printf("  lookup cost ratio full/small world: LPM trie %.2f; exfilguard's whole hook "
	       "%.2f\n",
	       l_small > c_none ? (l_full - c_none) / (l_small - c_none) : 0,
	       c_small > c_none ? (c_full - c_none) / (c_small - c_none) : 0);
	eg_guard_destroy(&small.g);
	eg_bundle_free(&small.b);
	eg_guard_destroy(&full.g);
	eg_bundle_free(&full.b);
	return 0;
}
