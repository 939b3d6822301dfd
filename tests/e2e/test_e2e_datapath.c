// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of the datapath: the real binary ($EXFILGUARD) guards a
 * cgroup, and workloads in that cgroup use real sockets against a test host in
 * another network namespace (see tests/lib/testenv.h). Each test starts the
 * guard, acts, checks what reached the host and what the guard reported, and
 * stops the guard again (it must exit 0 on SIGTERM and remove its pins).
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"
#include "../lib/workload.h"
#include "exfilguard.h"

#define DENIED4	       "198.51.100.10"
#define DENIED4_MAPPED "::ffff:198.51.100.10"
#define EXCEPTION4     "198.51.100.7"
#define ALLOWED4       "198.19.113.10"
#define DENIED6	       "2001:db8:bad::10"
#define ALLOWED6       "2001:db8:1::10"
#define PREFIX4	       "198.51.100.0/24"
#define PREFIX6	       "2001:db8:bad::/48"

#define TCP_PORT TESTHOST_TCP_PORT
#define UDP_PORT TESTHOST_UDP_PORT

#define ARRIVAL_TIMEOUT_MS 3000 /* for what must arrive */
#define SILENCE_MS	   500	/* for what must not arrive (ICMP) */

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24, 2001:db8:bad::/48]\n"
				  "  - action: allow\n"
				  "    cidr: [198.51.100.7/32]\n";

static char policy_path[PATH_MAX];
static struct guard guard; /* the guard of the test now running */

/* printf into one of a few rotating buffers: assertion labels naming the case. */
__attribute__((format(printf, 1, 2))) static const char *what(const char *fmt, ...)
{
	static char bufs[8][192];
	static unsigned next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* ---- the guard around each test ---- */

static int guard_begin(const char *mode, const char *name)
{
	int rc = testenv_guard_start(&guard, policy_path, mode, name);

	if (rc)
		testenv_guard_reset();
	return rc;
}

/* Stop the guard: it must exit 0 on SIGTERM and leave no pins. Shows its log and events on failure.
 */
static void guard_end(void)
{
	int status, pins_gone;

	if (guard.pid <= 0)
		return;
	status = guard_stop(&guard);
	pins_gone = testenv_pins_gone();
	if (check_cur_failed || status != 0 || !pins_gone) {
		evlog_dump(guard.events);
		guard_print_log(&guard);
	}
	testenv_guard_reset();
	ASSERT_EQ(status, 0, "guard exit status after SIGTERM");
	ASSERT_TRUE(pins_gone, "pin directory removed when the guard stopped");
}

static void run_guarded(const char *mode, const char *name, void (*body)(void))
{
	ASSERT_EQ(guard_begin(mode, name), 0, "guard started and wrote READY=1");
	body();
	guard_end();
}

/* ---- events ---- */

/* What one event must say. */
struct expect {
	const char *label;
	const char *verdict, *mode, *hook, *proto, *family, *daddr;
	int dport;	    /* -1: not checked (ICMP) */
	pid_t pid;	    /* 0: not checked (egress packets may leave outside the sender) */
	int rule_index;	    /* -1: the policy default (null) */
	const char *action; /* the rule's action */
	const char *prefix; /* NULL: null */
};

static void check_identity(json_object *ev, const struct expect *x)
{
	ASSERT_EQ(ev_int(ev, "uid"), getuid(), what("%s: uid", x->label));
	ASSERT_EQ(ev_int(ev, "cgroup_id"), (long long)testenv.guarded_id,
		  what("%s: cgroup_id (the guarded cgroup's id)", x->label));
	ASSERT_STREQ(ev_str(ev, "cgroup"), testenv.guarded_rel, what("%s: cgroup", x->label));
	if (!x->pid)
		return;
	ASSERT_EQ(ev_int(ev, "pid"), x->pid, what("%s: pid", x->label));
	ASSERT_EQ(ev_int(ev, "tid"), x->pid, what("%s: tid (single-threaded workload)", x->label));
	ASSERT_STREQ(ev_str(ev, "comm"), WORKLOAD_COMM, what("%s: comm", x->label));
}

static void check_rule(json_object *ev, const struct expect *x)
{
	json_object *index = ev_field(ev, "rule", "index"),
		    *action = ev_field(ev, "rule", "action");
	json_object *text = ev_field(ev, "rule", "text");

	if (x->rule_index < 0)
		ASSERT_TRUE(ev_is_null(ev, "rule", "index"),
			    what("%s: rule.index is null", x->label));
	else
		ASSERT_EQ(index && json_object_is_type(index, json_type_int)
				  ? json_object_get_int(index)
				  : -99,
			  x->rule_index, what("%s: rule.index (-99: missing)", x->label));
	ASSERT_STREQ(action ? json_object_get_string(action) : NULL, x->action,
		     what("%s: rule.action", x->label));
	ASSERT_TRUE(text && json_object_is_type(text, json_type_string) &&
			    json_object_get_string_len(text) > 0,
		    what("%s: rule.text is a non-empty string", x->label));
	if (x->prefix)
		ASSERT_STREQ(ev_str(ev, "prefix"), x->prefix, what("%s: prefix", x->label));
	else
		ASSERT_TRUE(ev_is_null(ev, "prefix", NULL), what("%s: prefix is null", x->label));
}

static void check_event(json_object *ev, const struct expect *x)
{
	ASSERT_TRUE(ev_str(ev, "time") != NULL, what("%s: time is a string", x->label));
	ASSERT_STREQ(ev_str(ev, "verdict"), x->verdict, what("%s: verdict", x->label));
	ASSERT_STREQ(ev_str(ev, "mode"), x->mode, what("%s: mode", x->label));
	ASSERT_STREQ(ev_str(ev, "hook"), x->hook, what("%s: hook", x->label));
	ASSERT_STREQ(ev_str(ev, "proto"), x->proto, what("%s: proto", x->label));
	ASSERT_STREQ(ev_str(ev, "family"), x->family, what("%s: family", x->label));
	ASSERT_STREQ(ev_str(ev, "daddr"), x->daddr, what("%s: daddr", x->label));
	if (x->dport >= 0)
		ASSERT_EQ(ev_int(ev, "dport"), x->dport, what("%s: dport", x->label));
	check_identity(ev, x);
	if (check_cur_failed)
		return;
	check_rule(ev, x);
}

/*
 * Events matching m: exactly `want` of them (at_least: `want` or more), the
 * first checked against x. 1 when all holds.
 */
static int expect_events(const struct evmatch *m, size_t want, int at_least, const struct expect *x)
{
	const char *label = x ? x->label : "events";
	struct evlog got;
	int n = evlog_expect(guard.events, evmatch_pred, m, want, &got), ok = 0;

	if (!EXPECT_NE(n, -1, what("%s: events file is well-formed", label)))
		goto out;
	if (n > 0 && x) {
		check_event(got.ev[0], x);
		if (check_cur_failed)
			goto out;
	}
	if (at_least)
		ok = EXPECT_GE(n, (long long)want, what("%s: number of events", label));
	else
		ok = EXPECT_EQ(n, (long long)want, what("%s: number of events", label));
out:
	evlog_free(&got);
	return ok;
}

static void expect_no_event_for(const char *daddr, const char *label)
{
	struct evmatch m = {.daddr = daddr, .dport = -1};
	struct evlog got;
	int n = evlog_expect(guard.events, evmatch_pred, &m, 0, &got);

	evlog_free(&got);
	ASSERT_EQ(n, 0, what("%s: events for %s", label, daddr));
}

/* ---- actions and their outcome at the host ---- */

/* Where the host sees an action's destination (mapped addresses land on the IPv4 one). */
static const char *host_addr(const char *addr)
{
	return strncmp(addr, "::ffff:", 7) == 0 ? addr + 7 : addr;
}

static int act(const char *cgroup, const struct client_action *a, struct client_result *r)
{
	return client_run(cgroup, a, r);
}

/* A denied call: EPERM, nothing at the host, exactly one event of the workload. */
static void expect_denied(const struct client_action *a, enum testhost_counter counter,
			  struct expect *x)
{
	const char *dst = host_addr(a->addr);
	uint64_t before = testhost_count(counter, dst);
	struct evmatch m = {.pid = 0, .dport = -1};
	struct client_result r;

	ASSERT_EQ(act(testenv.cg_guarded, a, &r), 0, what("%s: workload ran", x->label));
	ASSERT_EQ(r.ret, -1, what("%s: return value", x->label));
	ASSERT_EQ(r.err, EPERM, what("%s: errno (EPERM = %d)", x->label, EPERM));
	m.pid = x->pid = r.pid;
	if (!expect_events(&m, 1, 0, x))
		return;
	ASSERT_EQ(testhost_count(counter, dst) - before, 0,
		  what("%s: what reached the host", x->label));
}

/* An allowed TCP connect with 5 bytes: it works, the host accepts once and reads 5 bytes. */
static void expect_tcp_delivered(const char *cgroup, const char *addr, const char *label)
{
	struct client_action a = {CLIENT_TCP_CONNECT, AF_INET, addr, TCP_PORT, "hello", 0};
	uint64_t conns = testhost_count(TESTHOST_TCP_CONNS, addr);
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, addr);
	struct client_result r;

	ASSERT_EQ(act(cgroup, &a, &r), 0, what("%s: workload ran", label));
	ASSERT_EQ(r.err, 0, what("%s: errno", label));
	ASSERT_EQ(r.ret, 5, what("%s: bytes sent", label));
	ASSERT_EQ(testhost_wait_count(TESTHOST_TCP_BYTES, addr, bytes + 5, ARRIVAL_TIMEOUT_MS) -
			  bytes,
		  5, what("%s: bytes that arrived", label));
	ASSERT_EQ(testhost_count(TESTHOST_TCP_CONNS, addr) - conns, 1,
		  what("%s: connections accepted", label));
}

static struct expect deny_expect(const char *label, const char *hook, const char *proto,
				 const char *family, const char *daddr, int dport)
{
	int v6 = strchr(daddr, ':') != NULL;

	return (struct expect){
		.label = label,
		.verdict = "deny",
		.mode = "enforce",
		.hook = hook,
		.proto = proto,
		.family = family,
		.daddr = daddr,
		.dport = dport,
		.rule_index = 0,
		.action = "deny",
		.prefix = v6 ? PREFIX6 : PREFIX4,
	};
}

/* ---- the tests ---- */

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
}

static void tcp_connect_denied(void)
{
	struct client_action v4 = {CLIENT_TCP_CONNECT, AF_INET, DENIED4, TCP_PORT, "hello", 0};
	struct client_action v6 = {CLIENT_TCP_CONNECT, AF_INET6, DENIED6, TCP_PORT, "hello", 0};
	struct client_action mapped = {CLIENT_TCP_CONNECT, AF_INET6, DENIED4_MAPPED,
				       TCP_PORT,	   "hello",  0};
	struct expect x4 =
		deny_expect("TCP connect " DENIED4, "connect4", "tcp", "ipv4", DENIED4, TCP_PORT);
	struct expect x6 = deny_expect("TCP connect [" DENIED6 "]", "connect6", "tcp", "ipv6",
				       DENIED6, TCP_PORT);
	/* The socket's family is IPv6; the destination is shown as the IPv4 it is. */
	struct expect xm = deny_expect("TCP connect [" DENIED4_MAPPED "] on AF_INET6", "connect6",
				       "tcp", "ipv6", DENIED4, TCP_PORT);

	expect_denied(&v4, TESTHOST_TCP_CONNS, &x4);
	expect_denied(&v6, TESTHOST_TCP_CONNS, &x6);
	expect_denied(&mapped, TESTHOST_TCP_CONNS, &xm);
}

static void test_tcp_connect_denied(void)
{
	run_guarded(NULL, __func__, tcp_connect_denied);
}

static void tcp_allow_exception(void)
{
	expect_tcp_delivered(testenv.cg_guarded, EXCEPTION4, "TCP to the /32 allow exception");
	if (check_cur_failed)
		return;
	expect_no_event_for(EXCEPTION4, "allow exception");
}

static void test_tcp_allow_exception(void)
{
	run_guarded(NULL, __func__, tcp_allow_exception);
}

static void udp_allowed_arrives(void)
{
	struct client_action a = {CLIENT_UDP_SENDTO, AF_INET, ALLOWED4, UDP_PORT, "hello", 0};
	uint64_t before = testhost_count(TESTHOST_UDP_DGRAMS, ALLOWED4);
	struct client_result r;

	ASSERT_EQ(act(testenv.cg_guarded, &a, &r), 0, "UDP to " ALLOWED4 ": workload ran");
	ASSERT_EQ(r.ret, 5, "UDP to " ALLOWED4 ": bytes sent");
	ASSERT_EQ(
		testhost_wait_count(TESTHOST_UDP_DGRAMS, ALLOWED4, before + 1, ARRIVAL_TIMEOUT_MS) -
			before,
		1, "UDP to " ALLOWED4 ": datagrams that arrived");
}

static void udp_unconnected_denied(void)
{
	struct client_action v4 = {CLIENT_UDP_SENDTO, AF_INET, DENIED4, UDP_PORT, "hello", 0};
	struct client_action mmsg = {CLIENT_UDP_SENDMMSG, AF_INET, DENIED4, UDP_PORT, "hello", 3};
	struct client_action mapped = {CLIENT_UDP_SENDTO, AF_INET6, DENIED4_MAPPED,
				       UDP_PORT,	  "hello",  0};
	struct client_action v6 = {CLIENT_UDP_SENDTO, AF_INET6, DENIED6, UDP_PORT, "hello", 0};
	struct expect x4 =
		deny_expect("UDP sendto " DENIED4, "sendmsg4", "udp", "ipv4", DENIED4, UDP_PORT);
	/* The first message is refused, and sendmmsg stops there: one event. */
	struct expect xmm = deny_expect("UDP sendmmsg x3 to " DENIED4, "sendmsg4", "udp", "ipv4",
					DENIED4, UDP_PORT);
	/* The kernel hands a mapped destination of an AF_INET6 UDP socket to the IPv4 path. */
	struct expect xm = deny_expect("UDP sendto [" DENIED4_MAPPED "] on AF_INET6", "sendmsg4",
				       "udp", "ipv6", DENIED4, UDP_PORT);
	struct expect x6 = deny_expect("UDP sendto [" DENIED6 "]", "sendmsg6", "udp", "ipv6",
				       DENIED6, UDP_PORT);

	expect_denied(&v4, TESTHOST_UDP_DGRAMS, &x4);
	expect_denied(&mmsg, TESTHOST_UDP_DGRAMS, &xmm);
	expect_denied(&mapped, TESTHOST_UDP_DGRAMS, &xm);
	expect_denied(&v6, TESTHOST_UDP_DGRAMS, &x6);
	if (check_cur_failed)
		return;
	udp_allowed_arrives();
}

static void test_udp_unconnected_denied(void)
{
	run_guarded(NULL, __func__, udp_unconnected_denied);
}

static void tcp_fastopen_denied(void)
{
	struct client_action a = {CLIENT_TCP_FASTOPEN, AF_INET, DENIED4, TCP_PORT, "hello", 0};
	struct expect x = deny_expect("TCP Fast Open sendto " DENIED4, "connect4", "tcp", "ipv4",
				      DENIED4, TCP_PORT);
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, DENIED4);

	expect_denied(&a, TESTHOST_TCP_CONNS, &x);
	if (check_cur_failed)
		return;
	ASSERT_EQ(testhost_count(TESTHOST_TCP_BYTES, DENIED4) - bytes, 0,
		  "TCP Fast Open: bytes that reached the host");
}

static void test_tcp_fastopen_denied(void)
{
	run_guarded(NULL, __func__, tcp_fastopen_denied);
}

/*
 * Raw and ping sockets pass no socket hook: the egress backstop drops their
 * packets. Whether sendto() reports the drop is the kernel's business, so
 * only the host and the events are checked.
 */
static void echo_dropped(const struct client_action *a, struct expect *x)
{
	uint64_t before = testhost_count(TESTHOST_ICMP_ECHOS, a->addr);
	struct evmatch m = {.hook = "egress", .verdict = "deny", .dport = -1};
	struct client_result r;

	ASSERT_EQ(act(testenv.cg_guarded, a, &r), 0, what("%s: workload ran", x->label));
	usleep(SILENCE_MS * 1000);
	ASSERT_EQ(testhost_count(TESTHOST_ICMP_ECHOS, a->addr) - before, 0,
		  what("%s: echo requests that reached the host", x->label));
	m.pid = x->pid = r.pid;
	expect_events(&m, 1, 1, x);
}

static void echo_arrives(const struct client_action *a, const char *label)
{
	uint64_t before = testhost_count(TESTHOST_ICMP_ECHOS, a->addr);
	struct client_result r;

	ASSERT_EQ(act(testenv.cg_guarded, a, &r), 0, what("%s: workload ran", label));
	ASSERT_GE(r.ret, 8, what("%s: sendto result (errno %d)", label, r.err));
	ASSERT_EQ(
		testhost_wait_count(TESTHOST_ICMP_ECHOS, a->addr, before + 1, ARRIVAL_TIMEOUT_MS) -
			before,
		1, what("%s: echo requests that reached the host", label));
}

static void icmp_denied_at_egress(void)
{
	struct client_action raw = {CLIENT_RAW_ECHO, AF_INET, DENIED4, 0, NULL, 0};
	struct client_action ping = {CLIENT_PING_ECHO, AF_INET, DENIED4, 0, NULL, 0};
	struct client_action raw6 = {CLIENT_RAW_ECHO, AF_INET6, DENIED6, 0, NULL, 0};
	struct client_action raw_ok = {CLIENT_RAW_ECHO, AF_INET, ALLOWED4, 0, NULL, 0};
	struct client_action ping_ok = {CLIENT_PING_ECHO, AF_INET, ALLOWED4, 0, NULL, 0};
	struct client_action raw6_ok = {CLIENT_RAW_ECHO, AF_INET6, ALLOWED6, 0, NULL, 0};
	struct expect xraw =
		deny_expect("raw ICMP echo to " DENIED4, "egress", "icmp", "ipv4", DENIED4, -1);
	struct expect xping =
		deny_expect("ping socket echo to " DENIED4, "egress", "icmp", "ipv4", DENIED4, -1);
	struct expect xraw6 = deny_expect("raw ICMPv6 echo to " DENIED6, "egress", "ipv6-icmp",
					  "ipv6", DENIED6, -1);

	echo_dropped(&raw, &xraw);
	echo_dropped(&ping, &xping);
	echo_dropped(&raw6, &xraw6);
	if (check_cur_failed)
		return;
	/* The same echoes to an allowed destination arrive: the counter works. */
	echo_arrives(&raw_ok, "raw ICMP echo to " ALLOWED4);
	echo_arrives(&ping_ok, "ping socket echo to " ALLOWED4);
	echo_arrives(&raw6_ok, "raw ICMPv6 echo to " ALLOWED6);
	if (check_cur_failed)
		return;
	expect_no_event_for(ALLOWED4, "echo to an allowed destination");
	expect_no_event_for(ALLOWED6, "echo to an allowed destination");
}

static void test_icmp_denied_at_egress(void)
{
	run_guarded(NULL, __func__, icmp_denied_at_egress);
}

static void outside_cgroup_unguarded(void)
{
	expect_tcp_delivered(testenv.cg_outside, DENIED4, "TCP to " DENIED4 " from outside");
	if (check_cur_failed)
		return;
	expect_no_event_for(DENIED4, "outside the guarded cgroup");
}

static void test_outside_cgroup_unguarded(void)
{
	run_guarded(NULL, __func__, outside_cgroup_unguarded);
}

static void allowed_destination(void)
{
	expect_tcp_delivered(testenv.cg_guarded, ALLOWED4, "TCP to " ALLOWED4 " (default allow)");
	if (check_cur_failed)
		return;
	expect_no_event_for(ALLOWED4, "allowed destination");
}

static void test_allowed_destination(void)
{
	run_guarded(NULL, __func__, allowed_destination);
}

/* connect() a UDP socket to EXCEPTION4, report; then send three datagrams on it, report. */
static void udp_connected_client(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(UDP_PORT)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sent = 0, i;

	(void)arg;
	inet_pton(AF_INET, EXCEPTION4, &a.sin_addr);
	workload_report(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : -1,
			errno);
	if (workload_pause() == 0)
		for (i = 0; i < 3; i++)
			sent += send(fd, "hello", 5, 0) == 5;
	workload_report(sent, errno);
	workload_pause();
}

/* The egress counters and the datagrams EXCEPTION4 received, before a workload sends to it. */
struct egress_seen {
	uint64_t lookups, cached, arrived;
};

static struct egress_seen egress_seen_now(void)
{
	return (struct egress_seen){testenv_counter(EG_CTR_EGRESS_LOOKUPS),
				    testenv_counter(EG_CTR_EGRESS_CACHED),
				    testhost_count(TESTHOST_UDP_DGRAMS, EXCEPTION4)};
}

/*
 * w's report of its 3 datagrams to EXCEPTION4, their arrival, and how many
 * of them egress judged from the tables and passed by the socket cache since.
 */
static void expect_three_datagrams(struct workload *w, const struct egress_seen *since,
				   uint64_t judged, uint64_t cached)
{
	struct workload_report r;

	ASSERT_EQ(workload_await(w, &r), 0, "sends reported");
	ASSERT_EQ(r.ret, 3, "datagrams sent");
	ASSERT_EQ(testhost_wait_count(TESTHOST_UDP_DGRAMS, EXCEPTION4, since->arrived + 3,
				      ARRIVAL_TIMEOUT_MS) -
			  since->arrived,
		  3, "datagrams that arrived");
	ASSERT_EQ(testenv_counter(EG_CTR_EGRESS_LOOKUPS) - since->lookups, judged,
		  "datagrams judged at egress from the tables");
	ASSERT_EQ(testenv_counter(EG_CTR_EGRESS_CACHED) - since->cached, cached,
		  "datagrams passed by the socket cache");
}

/*
 * An allowed UDP connect() (here to the /32 allow exception) allocates no socket storage: the
 * egress program judges the socket's first datagram from the tables (one lookup) and makes the
 * cache entry there, which passes the next two.
 */
static void udp_connected_cached_from_first_packet(void)
{
	struct egress_seen since = egress_seen_now();
	struct workload_report r;
	struct workload w;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, udp_connected_client, NULL), 0,
		  "workload started");
	ASSERT_EQ(workload_await(&w, &r), 0, "connect reported");
	ASSERT_EQ(r.ret, 0, "UDP connect to " EXCEPTION4);
	ASSERT_EQ(testenv_counter(EG_CTR_EGRESS_LOOKUPS) - since.lookups, 0,
		  "connect: no packet judged");
	ASSERT_EQ(workload_resume(&w), 0, "resume: send");
	expect_three_datagrams(&w, &since, 1, 2); /* the first judged, the other two cached */
	workload_end(&w);
	expect_no_event_for(EXCEPTION4, "connected UDP to the allow exception");
}

static void test_udp_connected_cached_from_first_packet(void)
{
	run_guarded(NULL, __func__, udp_connected_cached_from_first_packet);
}

static void udp_unconnected_client(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(UDP_PORT)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sent = 0, i;

	(void)arg;
	inet_pton(AF_INET, EXCEPTION4, &a.sin_addr);
	for (i = 0; fd >= 0 && i < 3; i++)
		sent += sendto(fd, "hello", 5, 0, (struct sockaddr *)&a, sizeof(a)) == 5;
	workload_report(sent, errno);
	workload_pause();
}

/*
 * An unconnected UDP socket keeps no socket cache: sendmsg4 judges each
 * send, and the egress program judges each datagram again from the tables.
 */
static void udp_unconnected_judged_each_packet(void)
{
	struct egress_seen since = egress_seen_now();
	uint64_t sends = testenv_counter(EG_CTR_HOOK(EG_HOOK_SENDMSG4, EG_VERDICT_ALLOW));
	struct workload w;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, udp_unconnected_client, NULL), 0,
		  "workload started");
	expect_three_datagrams(&w, &since, 3, 0); /* each judged, none cached */
	ASSERT_EQ(testenv_counter(EG_CTR_HOOK(EG_HOOK_SENDMSG4, EG_VERDICT_ALLOW)) - sends, 3,
		  "each send allowed by sendmsg4");
	workload_end(&w);
	expect_no_event_for(EXCEPTION4, "unconnected UDP to the allow exception");
}

static void test_udp_unconnected_judged_each_packet(void)
{
	run_guarded(NULL, __func__, udp_unconnected_judged_each_packet);
}

/*
 * A workload connected before the guard starts, stepping on the parent's word:
 * connect; send "before"; send "after"; abort the connection (RST, so no
 * retransmission of "after" reaches the host once the guard is gone).
 */
static void preexisting_client(void *arg)
{
	struct linger abort_close = {.l_onoff = 1, .l_linger = 0};
	int fd = client_tcp_connect(AF_INET, DENIED4, TCP_PORT);
	ssize_t n;

	(void)arg;
	workload_report(fd < 0 ? -1 : 0, fd < 0 ? errno : 0);
	if (fd < 0 || workload_pause())
		goto out;
	n = send(fd, "before", 6, MSG_NOSIGNAL);
	workload_report((int)n, n < 0 ? errno : 0);
	if (workload_pause())
		goto out;
	n = send(fd, "after", 5, MSG_NOSIGNAL);
	workload_report((int)n, n < 0 ? errno : 0);
	workload_pause();
out:
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof(abort_close));
		close(fd);
	}
}

static void preexisting_connection_cut(struct workload *w)
{
	struct expect x = deny_expect("connection made before the guard", "egress", "tcp", "ipv4",
				      DENIED4, TCP_PORT);
	struct evmatch m = {.hook = "egress", .daddr = DENIED4, .dport = TCP_PORT};
	struct workload_report r;
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, DENIED4);

	ASSERT_EQ(workload_await(w, &r), 0, "connect reported");
	ASSERT_EQ(r.ret, 0, "connect to " DENIED4 " before the guard starts");
	ASSERT_EQ(workload_resume(w), 0, "resume: send before");
	ASSERT_EQ(workload_await(w, &r), 0, "send before reported");
	ASSERT_EQ(r.ret, 6, "send \"before\"");
	ASSERT_EQ(testhost_wait_count(TESTHOST_TCP_BYTES, DENIED4, bytes + 6, ARRIVAL_TIMEOUT_MS) -
			  bytes,
		  6, "bytes of \"before\" that arrived");

	ASSERT_EQ(guard_begin(NULL, "test_preexisting_connection_cut"), 0,
		  "guard started and wrote READY=1");
	ASSERT_EQ(workload_resume(w), 0, "resume: send after");
	ASSERT_EQ(workload_await(w, &r), 0, "send after reported");
	usleep(1000 * 1000);
	ASSERT_EQ(testhost_count(TESTHOST_TCP_BYTES, DENIED4) - bytes, 6,
		  "bytes that arrived in all (\"before\" only)");
	expect_events(&m, 1, 1, &x);
}

static void test_preexisting_connection_cut(void)
{
	struct workload w;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, preexisting_client, NULL), 0,
		  "workload started");
	preexisting_connection_cut(&w);
	workload_end(&w); /* the workload aborts its connection while the guard still runs */
	guard_end();
}

static void audit_mode_reports_and_allows(void)
{
	struct client_action tcp = {CLIENT_TCP_CONNECT, AF_INET, DENIED4, TCP_PORT, "hello", 0};
	struct client_action udp = {CLIENT_UDP_SENDTO, AF_INET, DENIED4, UDP_PORT, "hello", 0};
	struct expect xt = deny_expect("audit: TCP connect " DENIED4, "connect4", "tcp", "ipv4",
				       DENIED4, TCP_PORT);
	struct expect xu = deny_expect("audit: UDP sendto " DENIED4, "sendmsg4", "udp", "ipv4",
				       DENIED4, UDP_PORT);
	uint64_t conns = testhost_count(TESTHOST_TCP_CONNS, DENIED4);
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, DENIED4);
	uint64_t dgrams = testhost_count(TESTHOST_UDP_DGRAMS, DENIED4);
	struct evmatch m = {.dport = -1};
	struct client_result r;

	xt.verdict = xu.verdict = "audit";
	xt.mode = xu.mode = "audit";

	ASSERT_EQ(act(testenv.cg_guarded, &tcp, &r), 0, "audit TCP: workload ran");
	ASSERT_EQ(r.ret, 5, what("audit TCP: bytes sent (errno %d)", r.err));
	ASSERT_EQ(testhost_wait_count(TESTHOST_TCP_BYTES, DENIED4, bytes + 5, ARRIVAL_TIMEOUT_MS) -
			  bytes,
		  5, "audit TCP: bytes that arrived");
	ASSERT_EQ(testhost_count(TESTHOST_TCP_CONNS, DENIED4) - conns, 1,
		  "audit TCP: connections accepted");
	m.pid = xt.pid = r.pid;
	if (!expect_events(&m, 1, 0, &xt))
		return;

	ASSERT_EQ(act(testenv.cg_guarded, &udp, &r), 0, "audit UDP: workload ran");
	ASSERT_EQ(r.ret, 5, what("audit UDP: bytes sent (errno %d)", r.err));
	ASSERT_EQ(
		testhost_wait_count(TESTHOST_UDP_DGRAMS, DENIED4, dgrams + 1, ARRIVAL_TIMEOUT_MS) -
			dgrams,
		1, "audit UDP: datagrams that arrived");
	m.pid = xu.pid = r.pid;
	expect_events(&m, 1, 0, &xu);
}

static void test_audit_mode_reports_and_allows(void)
{
	run_guarded("audit", __func__, audit_mode_reports_and_allows);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	RUN_TEST(test_tcp_connect_denied);
	RUN_TEST(test_tcp_allow_exception);
	RUN_TEST(test_udp_unconnected_denied);
	RUN_TEST(test_udp_connected_cached_from_first_packet);
	RUN_TEST(test_udp_unconnected_judged_each_packet);
	RUN_TEST(test_tcp_fastopen_denied);
	RUN_TEST(test_icmp_denied_at_egress);
	RUN_TEST(test_outside_cgroup_unguarded);
	RUN_TEST(test_allowed_destination);
	RUN_TEST(test_preexisting_connection_cut);
	RUN_TEST(test_audit_mode_reports_and_allows);
	return check_summary();
}
