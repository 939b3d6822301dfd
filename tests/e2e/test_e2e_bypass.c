// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end tests of ways around the socket hooks (issue 9):
 *
 *  - an MPTCP subflow that the kernel opens, from a worker thread, to an
 *    address the server announces: judged under the workload's scope (the
 *    socket's cgroup), not the node policy of the worker; its event says
 *    "context": "kernel" and borrows no pid;
 *  - a keepalive probe a timer sends for an idle socket: its egress event
 *    borrows no pid or comm from whatever task the softirq interrupted;
 *  - raw sockets that write their own IP header (IPPROTO_RAW, IP_HDRINCL):
 *    refused unless the policy says raw_sockets: allow, so a header naming an
 *    allowed address cannot carry a frame to a denied next hop.
 *
 * MPTCP missing from the kernel fails the test with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/mptcp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "../lib/check.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/netns.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"
#include "../lib/workload.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif

#define SERVER4	   "198.19.113.10" /* the MPTCP server's first address: allowed */
#define ANNOUNCED4 "198.51.100.10" /* the address it announces: the scope denies it */
#define MPTCP_PORT 8443
#define SUBFLOW_CG "mptcp"
#define SEND_MS	   2000

static char policy_path[PATH_MAX], raw_allow_path[PATH_MAX], deny_path[PATH_MAX],
	subflow_cg[PATH_MAX];
static struct guard guard;
static pid_t server_pid;

/* The node allows everything; the workload's scope denies the announced address. */
static int write_policies(void)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "mode: enforce\n"
		 "default: allow\n"
		 "scopes:\n"
		 "  - name: workload\n"
		 "    match: {cgroup: [\"%s/" SUBFLOW_CG "\"]}\n"
		 "    rules:\n"
		 "      - action: deny\n"
		 "        cidr: " ANNOUNCED4 "/32\n",
		 testenv.guarded_rel);
	return testenv_write_file("policy.yaml", text, policy_path) ||
	       testenv_write_file("deny.yaml",
				  "rules:\n  - action: deny\n    cidr: " ANNOUNCED4 "\n",
				  deny_path) ||
	       testenv_write_file("raw-allow.yaml", "default: allow\nraw_sockets: allow\n",
				  raw_allow_path);
}

static void server_stop(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
	}
}

/* An MPTCP server in the test host's namespace: accepts and drains connections. */
static void server_main(int ready_fd)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(MPTCP_PORT)};
	char ns[64], buf[65536];
	int nsfd, s, c, one = 1;

	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)testhost_pid());
	nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
		_exit(1);
	s = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8)) {
		dprintf(ready_fd, "e%d", errno);
		_exit(1);
	}
	(void)!write(ready_fd, "r", 1);
	close(ready_fd);
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
}

/* Fails with the reason when MPTCP cannot be used: a missing kernel feature is a failure. */
static int mptcp_available(void)
{
	int s = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);

	if (s < 0) {
		fprintf(stderr, "  MPTCP is not available (CONFIG_MPTCP, net.mptcp.enabled): %s\n",
			strerror(errno));
		return 0;
	}
	close(s);
	return 1;
}

/*
 * The host announces ANNOUNCED4 (ADD_ADDR) on every MPTCP connection; the
 * client's in-kernel path manager accepts it and opens a subflow there.
 */
static int mptcp_network(void)
{
	char ns[64];
	char *endpoint[] = {"nsenter",	ns,    "ip",	"mptcp",  "endpoint", "add",
			    ANNOUNCED4, "dev", "veth1", "signal", NULL};
	char *limits[] = {"nsenter",	       ns,  "ip", "mptcp", "limits", "set", "subflows", "2",
			  "add_addr_accepted", "2", NULL};
	int p[2];
	char c = 0;

	snprintf(ns, sizeof(ns), "--net=/proc/%d/ns/net", (int)testhost_pid());
	if (netns_sysctl("net/mptcp/enabled", "1") || netns_run(endpoint) || netns_run(limits) ||
	    netns_ip("mptcp limits set subflows 2 add_addr_accepted 2") || pipe(p))
		return -1;
	server_pid = fork();
	if (server_pid == 0) {
		close(p[0]);
		server_main(p[1]);
	}
	close(p[1]);
	atexit(server_stop);
	if (server_pid < 0 || read(p[0], &c, 1) != 1 || c != 'r') {
		fprintf(stderr, "  the MPTCP server did not start\n");
		close(p[0]);
		return -1;
	}
	close(p[0]);
	return 0;
}

static void remove_subflow_cg(void)
{
	if (subflow_cg[0])
		rmdir(subflow_cg);
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(write_policies(), 0, "policy files");
	snprintf(subflow_cg, sizeof(subflow_cg), "%s/" SUBFLOW_CG, testenv.cg_guarded);
	ASSERT_TRUE(mkdir(subflow_cg, 0755) == 0 || errno == EEXIST, "workload cgroup");
	atexit(remove_subflow_cg); /* runs before the environment's cleanup */
	ASSERT_TRUE(mptcp_available(), "MPTCP available");
	ASSERT_EQ(mptcp_network(), 0, "MPTCP endpoint, limits and server");
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Workload: an MPTCP connection to SERVER4 sending for SEND_MS; reports its extra subflows. */
static void mptcp_client(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(MPTCP_PORT)};
	struct mptcp_info info = {0};
	socklen_t len = sizeof(info);
	static char data[16384];
	struct timespec t0;
	int s;

	(void)arg;
	inet_pton(AF_INET, SERVER4, &a.sin_addr);
	s = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a))) {
		workload_report(-1, errno);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed_ms(&t0) < SEND_MS)
		if (send(s, data, sizeof(data), MSG_DONTWAIT) < 0)
			usleep(1000);
	if (getsockopt(s, SOL_MPTCP, MPTCP_INFO, &info, &len)) {
		workload_report(-1, errno);
		return;
	}
	workload_report(info.mptcpi_subflows, 0);
	close(s);
}

static int run_workload(const char *cg, workload_fn fn, void *arg, struct workload_report *r,
			pid_t *pid)
{
	struct workload w;
	int rc;

	if (workload_start(&w, cg, fn, arg))
		return -1;
	*pid = w.pid;
	rc = workload_await(&w, r);
	workload_end(&w);
	return rc;
}

static void guard_end(void)
{
	ASSERT_EQ(testenv_guard_finish(&guard, check_cur_failed), 0,
		  "guard exit status after SIGTERM");
}

/* Unguarded, the kernel opens the subflow to the announced address: the path is real. */
static void test_subflow_opens_unguarded(void)
{
	struct workload_report r;
	pid_t pid;

	ASSERT_EQ(run_workload(subflow_cg, mptcp_client, NULL, &r, &pid), 0, "workload ran");
	ASSERT_EQ(r.err, 0, "MPTCP connection");
	ASSERT_EQ(r.ret, 1, "one extra subflow, to " ANNOUNCED4);
}

static void subflow_denied(void)
{
	struct evmatch m = {
		.hook = "connect4", .verdict = "deny", .daddr = ANNOUNCED4, .dport = MPTCP_PORT};
	struct workload_report r;
	struct evlog got = {0};
	json_object *ev;
	pid_t pid;

	ASSERT_EQ(run_workload(subflow_cg, mptcp_client, NULL, &r, &pid), 0, "workload ran");
	ASSERT_EQ(r.err, 0, "the MPTCP connection itself is allowed");
	ASSERT_EQ(r.ret, 0, "no subflow to " ANNOUNCED4 ": the scope denies it");
	ASSERT_GE(evlog_expect(guard.events, evmatch_pred, &m, 1, &got), 1, "a deny event");
	ev = got.ev[0];
	ASSERT_STREQ(ev_str(ev, "scope"), "workload", "judged under the workload's scope");
	ASSERT_STREQ(ev_str(ev, "context"), "kernel", "opened by a kernel worker");
	ASSERT_EQ(ev_int(ev, "pid"), 0, "no borrowed pid");
	ASSERT_TRUE(ev_str(ev, "comm") == NULL, "no borrowed comm");
	ASSERT_CONTAINS(ev_str(ev, "cgroup"), "/" SUBFLOW_CG,
			"the socket's cgroup, the workload's");
	evlog_free(&got);
}

static void test_subflow_judged_under_the_sockets_scope(void)
{
	ASSERT_EQ(testenv_guard_start(&guard, policy_path, NULL, "mptcp"), 0, "guard started");
	subflow_denied();
	guard_end();
}

/* ---- packets sent from a timer ---- */

/* Workload: a TCP connection with keepalive probes every second, then idle until resumed. */
static void idle_keepalive(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(TESTHOST_TCP_PORT)};
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	(void)arg;
	inet_pton(AF_INET, ANNOUNCED4, &a.sin_addr);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
	    setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof(one)) ||
	    setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &one, sizeof(one)) ||
	    connect(s, (struct sockaddr *)&a, sizeof(a))) {
		workload_report(-1, errno);
		return;
	}
	workload_report(0, 0);
	workload_pause();
	close(s);
}

static void timer_sent_event(void)
{
	struct evmatch m = {.hook = "egress", .verdict = "deny", .daddr = ANNOUNCED4, .dport = -1};
	struct evlog got = {0};
	json_object *ev;

	ASSERT_GE(evlog_expect(guard.events, evmatch_pred, &m, 1, &got), 1, "a keepalive denied");
	ev = got.ev[0];
	ASSERT_EQ(ev_int(ev, "pid"), 0, "no borrowed pid");
	ASSERT_EQ(ev_int(ev, "tid"), 0, "no borrowed tid");
	ASSERT_TRUE(ev_str(ev, "comm") == NULL, "no borrowed comm");
	ASSERT_TRUE(ev_str(ev, "context") && strcmp(ev_str(ev, "context"), "task") != 0,
		    "context says no task of the socket's sent it");
	ASSERT_STREQ(ev_str(ev, "cgroup"), testenv.guarded_rel, "the socket's cgroup");
	evlog_free(&got);
}

static void test_timer_egress_borrows_no_pid(void)
{
	struct workload_report r;
	struct workload w;
	int started;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, idle_keepalive, NULL), 0, "workload");
	if (workload_await(&w, &r) || r.ret != 0) {
		workload_end(&w);
		ASSERT_EQ(r.err, 0, "keepalive connection");
	}
	started = testenv_guard_start(&guard, deny_path, NULL, "keepalive");

	if (started == 0)
		timer_sent_event();
	workload_resume(&w);
	workload_end(&w);
	guard_end();
	ASSERT_EQ(started, 0, "guard started");
}

/* ---- raw sockets that write their own IP header ---- */

enum raw_way { RAW_IPPROTO_RAW4, RAW_IPPROTO_RAW6, RAW_HDRINCL_OPTION };

/* An IPv4/UDP packet whose header names dst_text, to 9053. */
static size_t udp_packet(char *pkt, const char *dst_text)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(pkt + sizeof(*ip));
	size_t len = sizeof(*ip) + sizeof(*udp) + 2;

	memset(pkt, 0, len);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)len);
	inet_pton(AF_INET, TESTNET_CLIENT4, &ip->saddr);
	inet_pton(AF_INET, dst_text, &ip->daddr);
	udp->source = htons(40000);
	udp->dest = htons(TESTHOST_UDP_PORT);
	udp->len = htons((uint16_t)(len - sizeof(*ip)));
	memcpy(pkt + len - 2, "hi", 2);
	return len;
}

/* Workload: a header naming the allowed 198.19.113.10, sent to the denied 198.51.100.10. */
static void raw_send(void *arg)
{
	enum raw_way way = *(enum raw_way *)arg;
	struct sockaddr_in to = {.sin_family = AF_INET};
	char pkt[64];
	int s, one = 1;
	ssize_t n;

	if (way == RAW_IPPROTO_RAW6) {
		s = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
		workload_report(s < 0 ? -1 : 0, s < 0 ? errno : 0);
		return;
	}
	s = socket(AF_INET, SOCK_RAW, way == RAW_IPPROTO_RAW4 ? IPPROTO_RAW : IPPROTO_UDP);
	if (s < 0 || (way == RAW_HDRINCL_OPTION &&
		      setsockopt(s, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)))) {
		workload_report(-1, errno);
		return;
	}
	inet_pton(AF_INET, ANNOUNCED4, &to.sin_addr);
	n = sendto(s, pkt, udp_packet(pkt, SERVER4), 0, (struct sockaddr *)&to, sizeof(to));
	workload_report((int)n, n < 0 ? errno : 0);
	close(s);
}

static const struct {
	enum raw_way way;
	const char *label, *hook, *family;
} raw_ways[] = {
	{RAW_IPPROTO_RAW4, "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)", "sock_create", "ipv4"},
	{RAW_IPPROTO_RAW6, "socket(AF_INET6, SOCK_RAW, IPPROTO_RAW)", "sock_create", "ipv6"},
	{RAW_HDRINCL_OPTION, "setsockopt(IP_HDRINCL, 1)", "setsockopt", "ipv4"},
};

static void raw_refused(void)
{
	for (size_t i = 0; i < sizeof(raw_ways) / sizeof(raw_ways[0]); i++) {
		struct evmatch m = {.hook = raw_ways[i].hook, .verdict = "deny", .dport = -1};
		struct workload_report r;
		struct evlog got = {0};
		pid_t pid = 0;

		ASSERT_EQ(run_workload(testenv.cg_guarded, raw_send, (void *)&raw_ways[i].way, &r,
				       &pid),
			  0, "workload ran");
		ASSERT_TRUE(r.ret == -1 && r.err == EPERM, raw_ways[i].label);
		m.pid = pid;
		ASSERT_EQ(evlog_expect(guard.events, evmatch_pred, &m, 1, &got), 1,
			  raw_ways[i].label);
		ASSERT_STREQ(ev_str(got.ev[0], "match"), "raw-socket", "event match");
		ASSERT_STREQ(ev_str(got.ev[0], "family"), raw_ways[i].family, "event family");
		evlog_free(&got);
	}
}

static void test_raw_header_sockets_refused(void)
{
	ASSERT_EQ(testenv_guard_start(&guard, policy_path, NULL, "raw"), 0, "guard started");
	raw_refused();
	guard_end();
}

static void raw_allowed(void)
{
	for (size_t i = 0; i < sizeof(raw_ways) / sizeof(raw_ways[0]); i++) {
		struct workload_report r;
		pid_t pid;

		ASSERT_EQ(run_workload(testenv.cg_guarded, raw_send, (void *)&raw_ways[i].way, &r,
				       &pid),
			  0, "workload ran");
		ASSERT_TRUE(r.ret >= 0, raw_ways[i].label);
	}
}

static void test_raw_sockets_allow(void)
{
	ASSERT_EQ(testenv_guard_start(&guard, raw_allow_path, NULL, "raw-allow"), 0,
		  "guard started");
	raw_allowed();
	guard_end();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	RUN_TEST(test_subflow_opens_unguarded);
	RUN_TEST(test_subflow_judged_under_the_sockets_scope);
	RUN_TEST(test_timer_egress_borrows_no_pid);
	RUN_TEST(test_raw_header_sockets_refused);
	RUN_TEST(test_raw_sockets_allow);
	server_stop();
	return check_summary();
}
