// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of floods folded in the kernel (bpf/fold.bpf.h, user/fold.c):
 * a retry storm becomes one event plus folded counts that add up exactly to
 * the refusals the counters saw; a flood to 1,000 destinations loses
 * nothing; the volume accounting counts every refusal as an attempt (a
 * repeat under its entry's class); two threads racing on one destination
 * fold exactly too; the egress backstop reports each destination of a ping
 * socket; a flood from one workload does not push another's event out of the
 * ring.
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/testcg.h"
#include "../lib/testenv.h"
#include "../lib/workload.h"
#include "pins.h"
#include "stats.h"

#define STORM	 10000
#define THREADED 20000 /* connects per thread, two threads */
#define DESTS	 1000
#define ROUNDS	 10
#define FLOOD	 60000
#define STORM_TO "198.51.100.20"
#define LONE_TO	 "198.51.100.30"
#define RACE_TO	 "198.51.100.40"

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: audit\n"
				  "    cidr: [198.51.100.7/32, 198.51.100.10/32]\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24, 198.18.0.0/16]\n";

static char policy_path[PATH_MAX];
static struct guard guard;

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
	ASSERT_EQ(testenv_guard_start(&guard, policy_path, NULL, "fold"), 0, "guard started");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in dest4(uint32_t host_order, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	a.sin_addr.s_addr = htonl(host_order);
	return a;
}

/* UDP connects of one socket to dests[i % n], port + i / n when vary_port; reports refusals/s. */
struct connects {
	uint32_t first; /* first destination, host order */
	unsigned n, total, vary_port;
	uint16_t port;
};

static void connect_many(void *arg)
{
	const struct connects *c = arg;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), refused = 0;
	double t0 = now_s();
	unsigned i;

	for (i = 0; i < c->total; i++) {
		struct sockaddr_in a = dest4(c->first + i % c->n,
					     (uint16_t)(c->port + (c->vary_port ? i / c->n : 0)));

		refused += connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == EPERM;
	}
	workload_report(refused == (int)c->total ? (int)(c->total / (now_s() - t0)) : -1, 0);
}

static void *connect_thread(void *arg)
{
	const struct connects *c = arg;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	long refused = 0;
	unsigned i;

	for (i = 0; i < c->total; i++) {
		struct sockaddr_in a = dest4(c->first, c->port);

		refused += connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == EPERM;
	}
	close(fd);
	return (void *)refused;
}

/* The same connects from two threads of one process at once: the same fold key, two CPUs. */
static void connect_two_threads(void *arg)
{
	pthread_t t[2];
	void *refused[2] = {0, 0};
	int i, started = 0;

	for (i = 0; i < 2; i++)
		started += pthread_create(&t[i], NULL, connect_thread, arg) == 0;
	for (i = 0; i < started; i++)
		pthread_join(t[i], &refused[i]);
	workload_report(started == 2 ? (int)((long)refused[0] + (long)refused[1]) : -1, 0);
}

/* Run the connects in a workload in cgroup; its pid, or -1. */
static pid_t run_connects(const char *cgroup, const struct connects *c, int *rate)
{
	struct workload_report r = {0};
	struct workload w;
	pid_t pid;

	if (workload_start(&w, cgroup, connect_many, (void *)c))
		return -1;
	pid = w.pid;
	if (workload_await(&w, &r))
		pid = -1;
	workload_end(&w);
	*rate = r.ret;
	return r.ret > 0 ? pid : -1;
}

/* The reports a line stands for: 1 for a verdict, its count for a folded or lost line. */
static long long reports_of(json_object *ev)
{
	const char *kind = ev_str(ev, "event");

	return kind && !strcmp(kind, "verdict") ? 1 : ev_int(ev, "count");
}

/* Sum of the reports of the lines m matches, and how many of them are "lost" (in *lost). */
static long long reports(const struct evmatch *m, long long *lost)
{
	struct evlog got = {0};
	long long sum = 0;
	size_t i;

	*lost = 0;
	if (evlog_read(guard.events, evmatch_pred, m, &got) < 0)
		return -1;
	for (i = 0; i < got.n; i++) {
		const char *kind = ev_str(got.ev[i], "event");

		sum += reports_of(got.ev[i]);
		*lost += kind && !strcmp(kind, "lost") ? reports_of(got.ev[i]) : 0;
	}
	evlog_free(&got);
	return sum;
}

/* Wait until the lines m matches stand for want reports (the folds are written after ~1.3 s). */
static long long await_reports(const struct evmatch *m, long long want, long long *lost)
{
	long long sum = -1;
	int i;

	for (i = 0; i < 50 && sum < want; i++) {
		usleep(100000);
		sum = reports(m, lost);
	}
	usleep(EVLOG_SETTLE_MS * 1000);
	return reports(m, lost);
}

/* Lost-by-total lines (no destination): there must be none. */
static long long lost_unnamed(void)
{
	struct evlog got = {0};
	long long sum = 0;
	size_t i;

	if (evlog_read(guard.events, NULL, NULL, &got) < 0)
		return -1;
	for (i = 0; i < got.n; i++)
		if (!ev_str(got.ev[i], "daddr") && ev_int(got.ev[i], "total") != EV_NO_INT)
			sum += ev_int(got.ev[i], "count");
	evlog_free(&got);
	return sum;
}

/* Denied attempts the volume accounting (EG_MAP_BYTES, as `exfilguard stats` reads it) holds for
 * cgroup: the kernel's and the daemon's rows. */
static long long deny_attempts(const char *cgroup)
{
	struct eg_error err = {0};
	struct eg_stats s = {0};
	long long sum = 0;
	struct stat st;
	size_t i;

	if (stat(cgroup, &st) || eg_stats_read_pinned(testenv.pin_dir, &s, &err))
		return -1;
	for (i = 0; i < s.n; i++)
		if (s.rows[i].key.cgroup_id == (uint64_t)st.st_ino &&
		    s.rows[i].key.verdict == EG_VERDICT_DENY)
			sum += (long long)s.rows[i].attempts;
	eg_stats_free(&s);
	return sum;
}

/*
 * deny_attempts once it reaches want (the daemon writes its counts at the
 * end of the loop's pass that wrote the lines), or after 2 s: what it is.
 */
static long long await_deny_attempts(const char *cgroup, long long want)
{
	long long got = deny_attempts(cgroup);

	for (int i = 0; i < 40 && got >= 0 && got < want; i++) {
		usleep(50 * 1000);
		got = deny_attempts(cgroup);
	}
	return got;
}

static void test_storm_folded_exactly(void)
{
	struct connects c = {ntohl(inet_addr(STORM_TO)), 1, STORM, 0, 7};
	uint64_t denied = testenv_counter(EG_CTR_HOOK(EG_HOOK_CONNECT4, EG_VERDICT_DENY));
	long long attempts = deny_attempts(testenv.cg_guarded);
	struct evmatch m = {.daddr = STORM_TO, .dport = 7, .verdict = "deny"};
	long long sum, lost, folded;
	int rate;

	m.pid = run_connects(testenv.cg_guarded, &c, &rate);
	ASSERT_TRUE(m.pid > 0, "10,000 connects, every one refused (EPERM)");
	printf("  deny storm: %d refusals/s from one process\n", rate);
	ASSERT_EQ(testenv_counter(EG_CTR_HOOK(EG_HOOK_CONNECT4, EG_VERDICT_DENY)) - denied, STORM,
		  "the counters saw 10,000 denies");
	ASSERT_TRUE(attempts >= 0, "volume accounting read");
	sum = await_reports(&m, STORM, &lost);
	printf("  deny storm: lines stand for %lld reports (%lld lost, named)\n", sum, lost);
	ASSERT_EQ(sum, STORM, "verdict lines + folded counts + lost counts = 10,000 exactly");
	/* The daemon counts what it writes out (user/attempts.h), in the same pass. */
	ASSERT_EQ(await_deny_attempts(testenv.cg_guarded, attempts + STORM) - attempts, STORM,
		  "the volume accounting counted 10,000 denied attempts");
	ASSERT_EQ(lost_unnamed(), 0, "nothing lost by total");
	folded = sum - lost;
	ASSERT_TRUE(folded > 1, "the repeats were folded into counts");
}

static void test_thousand_destinations_lose_nothing(void)
{
	struct connects c = {(198u << 24) | (18u << 16) | (7u << 8), DESTS, DESTS * ROUNDS, 0, 9};
	struct evmatch m = {.dport = 9, .verdict = "deny", .proto = "udp"};
	long long sum, lost, attempts = deny_attempts(testenv.cg_guarded);
	int rate;

	m.pid = run_connects(testenv.cg_guarded, &c, &rate);
	ASSERT_TRUE(m.pid > 0, "10 rounds over 1,000 destinations, every connect refused");
	printf("  1,000 destinations: %d refusals/s from one process\n", rate);
	sum = await_reports(&m, DESTS * ROUNDS, &lost);
	printf("  1,000 destinations: %lld reports, %lld lost\n", sum, lost);
	ASSERT_EQ(sum, DESTS * ROUNDS, "every refusal in a line's count");
	ASSERT_EQ(await_deny_attempts(testenv.cg_guarded, attempts + DESTS * ROUNDS) - attempts,
		  DESTS * ROUNDS, "every refusal counted as a denied attempt");
	ASSERT_EQ(lost, 0, "none lost");
	ASSERT_EQ(lost_unnamed(), 0, "nothing lost by total");
}

static void test_two_threads_fold_exactly(void)
{
	struct connects c = {ntohl(inet_addr(RACE_TO)), 1, THREADED, 0, 11};
	struct evmatch m = {.daddr = RACE_TO, .dport = 11, .verdict = "deny"};
	long long attempts = deny_attempts(testenv.cg_guarded), sum, lost;
	struct workload_report r = {0};
	struct workload w;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, connect_two_threads, &c), 0, "workload");
	m.pid = w.pid;
	ASSERT_EQ(workload_await(&w, &r), 0, "workload reported");
	workload_end(&w);
	ASSERT_EQ(r.ret, 2 * THREADED, "both threads' connects refused");
	sum = await_reports(&m, 2 * THREADED, &lost);
	printf("  two threads: lines stand for %lld reports (%lld lost, named)\n", sum, lost);
	ASSERT_EQ(sum, 2 * THREADED, "verdict lines + folded counts + lost counts = 40,000");
	ASSERT_EQ(await_deny_attempts(testenv.cg_guarded, attempts + 2 * THREADED) - attempts,
		  2 * THREADED, "every refusal of both threads counted as a denied attempt");
	ASSERT_EQ(lost_unnamed(), 0, "nothing lost by total");
}

/* One ping socket, one echo request to each of two audited hosts. */
static void ping_two(void *arg)
{
	static const char *const to[] = {"198.51.100.7", "198.51.100.10"};
	unsigned char echo[8] = {8, 0, 0, 0, 0, 1, 0, 1}; /* type 8: echo request */
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), sent = 0, i;

	(void)arg;
	for (i = 0; fd >= 0 && i < 2; i++) {
		struct sockaddr_in a = dest4(ntohl(inet_addr(to[i])), 0);

		sent += sendto(fd, echo, sizeof(echo), 0, (struct sockaddr *)&a, sizeof(a)) > 0;
	}
	workload_report(sent, errno);
}

static void test_ping_socket_two_hosts(void)
{
	struct evmatch m = {.hook = "egress", .verdict = "audit", .proto = "icmp"};
	struct workload_report r = {0};
	struct evlog got = {0};
	struct workload w;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, ping_two, NULL), 0, "workload");
	m.pid = w.pid;
	ASSERT_EQ(workload_await(&w, &r), 0, "workload reported");
	workload_end(&w);
	ASSERT_EQ(r.ret, 2, "both echo requests sent (audited, allowed)");
	ASSERT_EQ(evlog_expect(guard.events, evmatch_pred, &m, 2, &got), 2,
		  "two events: one per destination");
	ASSERT_TRUE(strcmp(ev_str(got.ev[0], "daddr"), ev_str(got.ev[1], "daddr")) != 0,
		    "for the two hosts");
	evlog_free(&got);
}

static void test_flood_keeps_other_workload(void)
{
	struct connects flood = {(198u << 24) | (18u << 16) | (64u << 8), 250, FLOOD, 1, 1000};
	struct connects lone = {ntohl(inet_addr(LONE_TO)), 1, 1, 0, 99};
	struct evmatch m = {.daddr = LONE_TO, .dport = 99, .verdict = "deny"};
	char a[PATH_MAX], b[PATH_MAX];
	struct evlog got = {0};
	pid_t flooder;
	int rate, n;

	snprintf(a, sizeof(a), "%s/flooder", testenv.cg_guarded);
	snprintf(b, sizeof(b), "%s/bystander", testenv.cg_guarded);
	ASSERT_EQ(testcg_create(a) || testcg_create(b), 0, "cgroups A and B");
	flooder = run_connects(a, &flood, &rate);
	m.pid = run_connects(b, &lone, &rate);
	n = evlog_expect(guard.events, evmatch_pred, &m, 1, &got);
	evlog_free(&got);
	testcg_remove(a, testenv.cg_guarded);
	testcg_remove(b, testenv.cg_guarded);
	ASSERT_TRUE(flooder > 0, "A's 60,000 connects to distinct destinations refused");
	ASSERT_TRUE(m.pid > 0, "B's connect refused");
	ASSERT_EQ(n, 1, "B's deny is in the log as its own event");
}

static void test_stop(void)
{
	ASSERT_EQ(testenv_guard_finish(&guard, check_failed > 0), 0, "guard exit status");
}

int main(void)
{
	RUN_TEST(test_environment);
	RUN_TEST(test_storm_folded_exactly);
	RUN_TEST(test_thousand_destinations_lose_nothing);
	RUN_TEST(test_two_threads_fold_exactly);
	RUN_TEST(test_ping_socket_two_hosts);
	RUN_TEST(test_flood_keeps_other_workload);
	RUN_TEST(test_stop);
	return check_summary();
}
