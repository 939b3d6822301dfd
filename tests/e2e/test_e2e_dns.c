// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of DNS names: a tiny DNS server written here answers, in
 * the test host's namespace, A 198.51.100.10 for test.example. A guarded
 * workload resolves the name through it and connects to the address (denied):
 * the event must carry "name": "test.example", learned in the kernel from
 * the answer; a connect to an address nobody resolved carries "name": null;
 * `lookup --live` reads the name from the guard's pinned map, and `lookup`
 * resolves host names (here, localhost) and judges each address.
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/clirun.h"
#include "../lib/evlog.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"
#include "../lib/workload.h"

#define DNS_SERVER TESTNET_HOST4
#define RESOLVED   "198.51.100.10"
#define UNRESOLVED "198.51.100.7"
#define QNAME_WIRE                                                                                 \
	"\x04test\x07"                                                                             \
	"example"
#define QNAME_LEN (sizeof(QNAME_WIRE)) /* with the root's 0 */

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24]\n";

static char policy_path[PATH_MAX];
static struct guard guard;
static pid_t dns_pid;

/* The answer to a query: the question echoed, then A RESOLVED under a compression pointer. */
static size_t dns_answer(const unsigned char *q, size_t qlen, unsigned char *out)
{
	static const unsigned char flags_counts[] = {0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
	static const unsigned char rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4};
	struct in_addr a;

	memcpy(out, q, qlen);
	memcpy(out + 2, flags_counts, sizeof(flags_counts));
	memcpy(out + qlen, rr, sizeof(rr));
	inet_pton(AF_INET, RESOLVED, &a);
	memcpy(out + qlen + sizeof(rr), &a, 4);
	return qlen + sizeof(rr) + 4;
}

/* The DNS server, in the test host's namespace, until killed. */
static void dns_serve(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)}, from;
	unsigned char q[512], a[600];
	char ns[64];
	int fd, nsfd;

	prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives the test */
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)testhost_pid());
	nsfd = open(ns, O_RDONLY);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
		_exit(1);
	inet_pton(AF_INET, DNS_SERVER, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		_exit(2);
	for (;;) {
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);

		if (n >= 12 && (size_t)n <= sizeof(q))
			sendto(fd, a, dns_answer(q, (size_t)n, a), 0, (struct sockaddr *)&from, fl);
	}
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
	dns_pid = fork();
	ASSERT_TRUE(dns_pid >= 0, "DNS server forked");
	if (dns_pid == 0)
		dns_serve();
	ASSERT_EQ(testenv_guard_start(&guard, policy_path, NULL, "dns"), 0, "guard started");
}

/* In the workload: ask for test.example A, read the answer, then connect to the address. */
static void resolve_then_connect(void *arg)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)};
	unsigned char q[64] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}, a[600];
	struct timeval tv = {.tv_sec = 2};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;
	ssize_t n;

	memcpy(q + 12, QNAME_WIRE, QNAME_LEN);
	memcpy(q + 12 + QNAME_LEN, "\0\1\0\1", 4);
	inet_pton(AF_INET, DNS_SERVER, &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sendto(fd, q, 12 + QNAME_LEN + 4, 0, (struct sockaddr *)&sa, sizeof(sa));
	n = recv(fd, a, sizeof(a), 0);
	close(fd);
	if (n < 12 + (ssize_t)QNAME_LEN + 4 + 16) {
		workload_report(-2, errno);
		return;
	}
	ret = client_act(arg);
	workload_report(ret, ret < 0 ? errno : 0);
}

static json_object *connect_event(const char *daddr, pid_t pid, struct evlog *got)
{
	struct evmatch m = {.hook = "connect4", .daddr = daddr, .dport = -1, .pid = pid};

	if (evlog_expect(guard.events, evmatch_pred, &m, 1, got) != 1)
		return NULL;
	return got->ev[0];
}

static void test_event_carries_the_resolved_name(void)
{
	struct client_action a = {CLIENT_TCP_CONNECT, AF_INET, RESOLVED,
				  TESTHOST_TCP_PORT,  NULL,    0};
	struct workload_report r = {0};
	struct evlog got = {0};
	struct workload w;
	json_object *ev;
	int rc;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, resolve_then_connect, &a), 0, "started");
	rc = workload_await(&w, &r);
	workload_end(&w);
	ASSERT_EQ(rc, 0, "workload reported");
	ASSERT_NE(r.ret, -2, "the test DNS server answered");
	ASSERT_EQ(r.err, EPERM, "the connect to the resolved address was denied");
	ev = connect_event(RESOLVED, w.pid, &got);
	ASSERT_TRUE(ev, "its event");
	ASSERT_STREQ(ev_str(ev, "name"), "test.example", "the event names what was resolved");
	evlog_free(&got);
}

static void test_unresolved_address_has_no_name(void)
{
	struct client_action a = {CLIENT_TCP_CONNECT, AF_INET, UNRESOLVED,
				  TESTHOST_TCP_PORT,  NULL,    0};
	struct client_result r;
	struct evlog got = {0};
	json_object *ev;

	ASSERT_EQ(client_run(testenv.cg_guarded, &a, &r), 0, "workload ran");
	ASSERT_EQ(r.err, EPERM, "denied");
	ev = connect_event(UNRESOLVED, r.pid, &got);
	ASSERT_TRUE(ev, "its event");
	ASSERT_TRUE(ev_is_null(ev, "name", NULL), "\"name\": null");
	evlog_free(&got);
}

static void test_lookup_live_reads_the_name_map(void)
{
	json_object *out = clirun_json("--json lookup --live " RESOLVED " " UNRESOLVED), *addrs;

	ASSERT_TRUE(out, "lookup --live ran");
	addrs = json_object_object_get(out, "addresses");
	ASSERT_EQ(json_object_array_length(addrs), 2, "two addresses");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(
			     json_object_array_get_idx(addrs, 0), "resolved_name")),
		     "test.example", "the kernel's name for the resolved address");
	ASSERT_TRUE(!json_object_object_get(json_object_array_get_idx(addrs, 1), "resolved_name"),
		    "none for the other");
	ASSERT_GE(json_object_get_int64(
			  json_object_object_get(json_object_object_get(out, "verdicts"), "deny")),
		  2, "the guard's deny counter");
	json_object_put(out);
}

static void test_lookup_resolves_host_names(void)
{
	char args[PATH_MAX + 64];
	json_object *out, *first;

	snprintf(args, sizeof(args), "--json lookup --policy %s localhost", policy_path);
	out = clirun_json(args);
	ASSERT_TRUE(out && json_object_array_length(out) >= 1, "localhost resolved");
	first = json_object_array_get_idx(out, 0);
	ASSERT_STREQ(json_object_get_string(json_object_object_get(first, "name")), "localhost",
		     "each address says which name it came from");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(first, "verdict")), "allow",
		     "and is judged");
	json_object_put(out);
	snprintf(args, sizeof(args), "lookup --policy %s no-such-host.invalid", policy_path);
	ASSERT_EQ(clirun_capture(args, args, sizeof(args)), 1,
		  "a name that does not resolve fails");
}

static void test_stop(void)
{
	kill(dns_pid, SIGKILL);
	waitpid(dns_pid, NULL, 0);
	ASSERT_EQ(testenv_guard_finish(&guard, 0), 0, "guard exit status after SIGTERM");
}

int main(void)
{
	RUN_TEST(test_environment);
	RUN_TEST(test_event_carries_the_resolved_name);
	RUN_TEST(test_unresolved_address_has_no_name);
	RUN_TEST(test_lookup_live_reads_the_name_map);
	RUN_TEST(test_lookup_resolves_host_names);
	RUN_TEST(test_stop);
	return check_summary();
}
