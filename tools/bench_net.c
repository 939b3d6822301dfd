// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * make bench: the bench's two network namespaces and the workloads run in
 * them. The client namespace has a veth to the server namespace
 * (198.18.0.1 <-> 198.18.0.2) and routes 198.18.128.0/17 to a sink: a
 * gateway 198.18.0.3 with a made-up MAC (this kernel has no dummy driver),
 * whose frames the peer drops as not its own. No other route: UDP connect() to a public address
 * fails with ENETUNREACH after the hooks and sends nothing, and no packet can leave either
 * namespace. Public addresses are only ever connect()ed (UDP) or policy data; packets go to
 * 198.18.0.0/15 only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include "bench.h"

#define PEER	  0xc6120002u /* 198.18.0.2 */
#define SINK_NET  0xc6128000u /* 198.18.128.0/17, routed to the dummy device */
#define PORT_CC	  5001
#define PORT_BULK 5002

const char *const bench_work_names[W_COUNT] = {
	[W_UDP_CONNECT] = "UDP connect(), random public IPv4 (allowed)",
	[W_UDP_SENDTO] = "UDP sendto() to a sink, 198.18.128.0/17",
	[W_TCP_CONNECT] = "TCP connect+close to the veth peer",
	[W_TCP_BULK] = "bulk TCP over the veth (per MiB)",
	[W_MIX] = "UDP connect(), 10 % denied destinations",
};

const double bench_work_ops[W_COUNT] = {
	[W_UDP_CONNECT] = BENCH_CONNECTS, [W_UDP_SENDTO] = BENCH_SENDS, [W_TCP_CONNECT] = BENCH_TCP,
	[W_TCP_BULK] = BENCH_BULK_MIB,	  [W_MIX] = BENCH_CONNECTS,
};

static pid_t servers[2];

/*
 * The calling process's CPU time, in seconds: on a shared, loaded machine it
 * leaves out the time others hold the CPU. The hooks, and the veth's
 * softirq work for packets this process sends, run in its context.
 */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int enter_ns(const char *name)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

static struct sockaddr_in sin_of(uint32_t host, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	a.sin_addr.s_addr = htonl(host);
	return a;
}

/* The peer: accept and close (connect+close), or accept and read to EOF (bulk). */
static void serve(int port)
{
	struct sockaddr_in a = sin_of(PEER, port);
	static char buf[1 << 16];
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4096))
		_exit(1);
	for (;;) {
		int c = accept(s, NULL, NULL);

		while (port == PORT_BULK && c >= 0 && read(c, buf, sizeof(buf)) > 0)
			;
		if (c >= 0)
			close(c);
	}
}

static pid_t start_server(const char *ns, int port)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (enter_ns(ns))
			_exit(1);
		serve(port);
	}
	return pid;
}

/* Random public IPv4 (first octet 1-223 but 10, 127; not 198.18/15), none denied. */
static uint32_t random_allowed(const struct bench_deny *d, uint64_t *seed)
{
	for (;;) {
		uint32_t a = bench_rand(seed);
		unsigned o = a >> 24;

		if (o == 0 || o == 10 || o == 127 || o >= 224 || (a >> 17) == (0xc612u >> 1))
			continue;
		if (!bench_deny_has_v4(d, a))
			return a;
	}
}

static void make_destinations(struct bench_env *e, const struct bench_deny *d)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t i;

	e->allowed = calloc(BENCH_CONNECTS, sizeof(uint32_t));
	e->mix = calloc(BENCH_CONNECTS, sizeof(uint32_t));
	for (i = 0; i < BENCH_CONNECTS; i++) {
		const struct bench_v4_range *r = &d->v4[bench_rand(&seed) % d->n4];

		e->allowed[i] = random_allowed(d, &seed);
		e->mix[i] = i % 10 ? e->allowed[i]
				   : r->first + bench_rand(&seed) % (r->last - r->first + 1);
	}
	e->deny_target = d->v4[0].first + 1;
}

int bench_env_setup(struct bench_env *e, const struct bench_deny *d)
{
	const char *a = e->ns_client, *b = e->ns_server;

	snprintf(e->ns_client, sizeof(e->ns_client), "egbench-c-%d", (int)getpid());
	snprintf(e->ns_server, sizeof(e->ns_server), "egbench-s-%d", (int)getpid());
	make_destinations(e, d);
	if (!e->allowed || !e->mix ||
	    bench_sh("ip netns add %s && ip netns add %s && "
		     "ip -n %s link add v0 type veth peer name v1 netns %s && "
		     "ip -n %s addr add 198.18.0.1/24 dev v0 && ip -n %s link set v0 up && "
		     "ip -n %s link set lo up && ip -n %s addr add 198.18.0.2/24 dev v1 && "
		     "ip -n %s link set v1 up && ip -n %s link set lo up && "
		     "ip -n %s neigh add 198.18.0.3 lladdr 02:00:00:00:00:03 dev v0 nud permanent "
		     "&& "
		     "ip -n %s route add 198.18.128.0/17 via 198.18.0.3 && "
		     "ip netns exec %s sysctl -qw net.ipv4.ip_local_port_range='10000 65000'",
		     a, b, a, b, a, a, a, b, b, b, a, a, a))
		return -1;
	servers[0] = start_server(b, PORT_CC);
	servers[1] = start_server(b, PORT_BULK);
	usleep(200000);
	return servers[0] > 0 && servers[1] > 0 ? 0 : -1;
}

void bench_env_teardown(struct bench_env *e)
{
	int i;

	for (i = 0; i < 2; i++)
		if (servers[i] > 0) {
			kill(servers[i], SIGKILL);
			waitpid(servers[i], NULL, 0);
		}
	bench_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", e->ns_client,
		 e->ns_server);
}

static double udp_connects(const uint32_t *dst, size_t n)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	double t0 = cpu_now();
	size_t i;

	for (i = 0; i < n; i++) {
		struct sockaddr_in a = sin_of(dst[i], 9);

		connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	return (cpu_now() - t0) * 1e9 / (double)n;
}

static double udp_sends(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint64_t seed = 77;
	char byte = 0;
	double t0 = cpu_now();
	int i;

	for (i = 0; i < BENCH_SENDS; i++) {
		struct sockaddr_in a = sin_of(SINK_NET | (bench_rand(&seed) & 0x7fff), 9);

		sendto(fd, &byte, 1, 0, (struct sockaddr *)&a, sizeof(a));
	}
	return (cpu_now() - t0) * 1e9 / BENCH_SENDS;
}

/* connect + close with SO_LINGER 0 (RST): no TIME_WAIT piles up over the loop. */
static double tcp_connects(void)
{
	struct sockaddr_in a = sin_of(PEER, PORT_CC);
	struct linger lg = {1, 0};
	double t0 = cpu_now();
	int i;

	for (i = 0; i < BENCH_TCP; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return -1;
		close(fd);
	}
	return (cpu_now() - t0) * 1e9 / BENCH_TCP;
}

static double tcp_bulk(void)
{
	struct sockaddr_in a = sin_of(PEER, PORT_BULK);
	static char buf[1 << 20];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double t0 = cpu_now();
	int i;

	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	for (i = 0; i < BENCH_BULK_MIB; i++)
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0) /* the peer closes once it has read all */
		;
	close(fd);
	return (cpu_now() - t0) * 1e9 / BENCH_BULK_MIB;
}

struct job {
	enum bench_work w;
	const uint32_t *list;
	size_t n;
	uint32_t target;
	int fresh; /* the one-address loop: a new socket for each connect (closed after it) */
};

/* UDP connect() to one address n times, on one socket or (fresh) one each: calls per second. */
static double one_address(const struct job *j)
{
	struct sockaddr_in a = sin_of(j->target, 9);
	int fd = j->fresh ? -1 : socket(AF_INET, SOCK_DGRAM, 0);
	double t0 = cpu_now();
	size_t i;

	for (i = 0; i < j->n; i++) {
		int s = j->fresh ? socket(AF_INET, SOCK_DGRAM, 0) : fd;

		connect(s, (struct sockaddr *)&a, sizeof(a));
		if (j->fresh)
			close(s);
	}
	return (double)j->n / (cpu_now() - t0);
}

static double job_run(const struct bench_env *e, const struct job *j)
{
	switch (j->w) {
	case W_UDP_CONNECT:
		return udp_connects(j->list ? j->list : e->allowed,
				    j->list ? j->n : BENCH_CONNECTS);
	case W_UDP_SENDTO:
		return udp_sends();
	case W_TCP_CONNECT:
		return tcp_connects();
	case W_TCP_BULK:
		return tcp_bulk();
	case W_MIX:
		return udp_connects(e->mix, BENCH_CONNECTS);
	default:
		return one_address(j);
	}
}

/*
 * Every workload runs on one CPU (BENCH_CPU, 0 unless set; -1: any): a
 * child that lands on either of the machine's CPUs finds the guard's tables
 * in that CPU's caches or not, and a 100,000-connect run touches most of a
 * 512 KiB first level once only, so the figure followed the placement
 * (a 10-prefix policy read 320 or 500 ns from run to run).
 */
static void pin_cpu(void)
{
	const char *env = getenv("BENCH_CPU");
	int cpu = env ? atoi(env) : 0;
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* A fresh child in the cgroup and the client netns runs the job; its figure, or -1. */
static double in_child(const struct bench_env *e, const struct job *j)
{
	double v = -1;
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		char procs[PATH_MAX + 16];
		FILE *f;

		pin_cpu();
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", e->cg);
		f = fopen(procs, "w");
		if (f && fprintf(f, "0\n") > 0 && !fclose(f) && !enter_ns(e->ns_client))
			v = job_run(e, j);
		_exit(write(p[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &v, sizeof(v)) != sizeof(v))
		v = -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return v;
}

double bench_run(const struct bench_env *e, enum bench_work w)
{
	struct job j = {.w = w};

	return in_child(e, &j);
}

double bench_deny_loop(const struct bench_env *e, uint32_t addr, unsigned n)
{
	struct job j = {.w = W_COUNT, .n = n, .target = addr};

	return in_child(e, &j);
}

double bench_fresh_loop(const struct bench_env *e, uint32_t addr, unsigned n)
{
	struct job j = {.w = W_COUNT, .n = n, .target = addr, .fresh = 1};

	return in_child(e, &j);
}

double bench_connect_list(const struct bench_env *e, const uint32_t *dst, size_t n)
{
	struct job j = {.w = W_UDP_CONNECT, .list = dst, .n = n};

	return in_child(e, &j);
}
