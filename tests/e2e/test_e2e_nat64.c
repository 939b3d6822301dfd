// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of IPv4 carried in IPv6: a real NAT64 translator (TAYGA,
 * network-specific prefix 2001:db8:64::/96) runs in the test host's
 * namespace and turns the client's IPv6 traffic to 2001:db8:64::198.51.100.10
 * into IPv4 to 198.51.100.10. Without the guard data arrives that way; with
 * a policy that names the prefix and denies 198.51.100.10, the IPv6 form is
 * refused at connect, sendmsg and the egress backstop, and the events name
 * both forms. The well-known prefix, 6to4, IPv4-compatible and SIIT forms are
 * refused with no nat64_prefixes at all. (TAYGA 0.9 refuses the well-known
 * prefix for non-global IPv4 such as 198.51.100.0/24, RFC 6052 section 3.1,
 * hence a network-specific prefix for the translated path.)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/netns.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"

#define DENIED4	   "198.51.100.10"
#define WKP_DENIED "64:ff9b::198.51.100.10"
#define WKP_SHOWN  "64:ff9b::c633:640a" /* how events print it */
#define NSP_DENIED "2001:db8:64::198.51.100.10"
#define NSP_SHOWN  "2001:db8:64::c633:640a"
#define POOL4	   "198.18.254.0/24" /* the translator's IPv4 addresses for IPv6 clients */
#define ARRIVAL_MS 3000
#define SILENCE_MS 700

static const char policy_wkp[] = "mode: enforce\n"
				 "default: allow\n"
				 "rules:\n"
				 "  - action: deny\n"
				 "    cidr: 198.51.100.10/32\n";

static const char policy_nsp[] = "mode: enforce\n"
				 "default: allow\n"
				 "nat64_prefixes: [2001:db8:64::/96]\n"
				 "rules:\n"
				 "  - action: deny\n"
				 "    cidr: 198.51.100.10/32\n";

static char wkp_path[PATH_MAX], nsp_path[PATH_MAX];
static struct guard guard;
static pid_t tayga_pid;

static void tayga_stop(void)
{
	if (tayga_pid > 0) {
		kill(tayga_pid, SIGKILL);
		waitpid(tayga_pid, NULL, 0);
		tayga_pid = 0;
	}
}

/* Run argv in the test host's network namespace; 0 when it exited 0. */
static int in_host(char *const argv[])
{
	char ns[64];
	char *full[16] = {"nsenter", ns};
	int i;

	snprintf(ns, sizeof(ns), "--net=/proc/%d/ns/net", (int)testhost_pid());
	for (i = 0; argv[i] && i < 13; i++)
		full[i + 2] = argv[i];
	full[i + 2] = NULL;
	return netns_run(full);
}

#define HOST(...) in_host((char *const[]){__VA_ARGS__, NULL})

static int tayga_config(char conf[PATH_MAX])
{
	char dir[PATH_MAX], text[1024];

	testenv_path("tayga", dir);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	snprintf(text, sizeof(text),
		 "tun-device nat64\n"
		 "ipv4-addr 198.18.255.1\n"
		 "ipv6-addr 2001:db8:ff64::1\n"
		 "prefix 2001:db8:64::/96\n"
		 "dynamic-pool " POOL4 "\n"
		 "data-dir %s\n",
		 dir);
	return testenv_write_file("tayga.conf", text, conf);
}

/*
 * TAYGA in the host's namespace: its TUN device made first (so that it can be
 * addressed and routed before the translator reads from it), forwarding on,
 * its prefix and pool routed into it; the client routes the prefix to the host.
 */
static int tayga_start(void)
{
	char conf[PATH_MAX], ns[64];
	int fd;

	if (tayga_config(conf) || HOST("tayga", "--mktun", "-c", conf) ||
	    HOST("ip", "link", "set", "nat64", "up") ||
	    HOST("ip", "route", "add", "2001:db8:64::/96", "dev", "nat64") ||
	    HOST("ip", "route", "add", POOL4, "dev", "nat64") ||
	    HOST("sh", "-c",
		 "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding && "
		 "echo 1 > /proc/sys/net/ipv4/ip_forward") ||
	    netns_ip("-6 route add 2001:db8:64::/96 via " TESTNET_HOST6))
		return -1;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)testhost_pid());
	tayga_pid = fork();
	if (tayga_pid < 0)
		return -1;
	if (tayga_pid == 0) {
		fd = open(ns, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(127);
		execlp("tayga", "tayga", "--nodetach", "-c", conf, (char *)NULL);
		_exit(127);
	}
	atexit(tayga_stop);
	return 0;
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("wkp.yaml", policy_wkp, wkp_path), 0, "policy file");
	ASSERT_EQ(testenv_write_file("nsp.yaml", policy_nsp, nsp_path), 0, "policy file");
	ASSERT_EQ(tayga_start(), 0, "TAYGA (apt-get install tayga; needs /dev/net/tun) started");
}

static struct client_result act(enum client_op op, const char *addr, uint16_t port)
{
	struct client_action a = {op, AF_INET6, addr, port, "hello", 0};
	struct client_result r = {.ret = -2};

	if (client_run(testenv.cg_guarded, &a, &r))
		r.ret = -2;
	return r;
}

/* Unguarded, the translator carries TCP, UDP and ICMPv6 to the IPv4 host: the path is real. */
static void test_translator_carries_data(void)
{
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, DENIED4);
	uint64_t dgrams = testhost_count(TESTHOST_UDP_DGRAMS, DENIED4);
	uint64_t echos = testhost_count(TESTHOST_ICMP_ECHOS, DENIED4);
	struct client_result r;

	/* TAYGA reads its TUN device once started: the first tries may find it not yet there. */
	for (int i = 0; i < 30; i++) {
		r = act(CLIENT_TCP_CONNECT, NSP_DENIED, TESTHOST_TCP_PORT);
		if (r.ret == 5)
			break;
		usleep(100 * 1000);
	}
	if (r.ret != 5)
		fprintf(stderr, "  TCP through NAT64: %s\n", strerror(r.err));
	ASSERT_EQ(r.ret, 5, "unguarded TCP through NAT64 sent");
	ASSERT_GE(testhost_wait_count(TESTHOST_TCP_BYTES, DENIED4, bytes + 5, ARRIVAL_MS),
		  bytes + 5, "TCP data reached " DENIED4 " through the translator");
	act(CLIENT_UDP_SENDTO, NSP_DENIED, TESTHOST_UDP_PORT);
	ASSERT_GE(testhost_wait_count(TESTHOST_UDP_DGRAMS, DENIED4, dgrams + 1, ARRIVAL_MS),
		  dgrams + 1, "UDP reached " DENIED4 " through the translator");
	act(CLIENT_RAW_ECHO, NSP_DENIED, 0);
	ASSERT_GE(testhost_wait_count(TESTHOST_ICMP_ECHOS, DENIED4, echos + 1, ARRIVAL_MS),
		  echos + 1, "an ICMPv6 echo reached " DENIED4 " as ICMP");
}

static int guard_begin(const char *policy, const char *name)
{
	int rc = testenv_guard_start(&guard, policy, NULL, name);

	if (rc)
		testenv_guard_reset();
	return rc;
}

static void guard_end(void)
{
	ASSERT_EQ(testenv_guard_finish(&guard, check_cur_failed), 0,
		  "guard exit status after SIGTERM");
}

/* The one event for daddr from hook must name both forms and the IPv4 form as the decider. */
static void expect_both_forms(const char *hook, const char *daddr, const char *embedding)
{
	struct evmatch m = {.hook = hook, .verdict = "deny", .daddr = daddr, .dport = -1};
	struct evlog got = {0};
	json_object *ev;

	ASSERT_GE(evlog_expect(guard.events, evmatch_pred, &m, 1, &got), 1, hook);
	ev = got.ev[0];
	ASSERT_STREQ(ev_str(ev, "embedded_v4"), DENIED4, "event: the carried IPv4");
	ASSERT_STREQ(ev_str(ev, "embedding"), embedding, "event: the form");
	ASSERT_STREQ(ev_str(ev, "decided_by"), "embedded_v4", "event: the IPv4 form decided");
	ASSERT_STREQ(ev_str(ev, "prefix"), DENIED4 "/32", "event: the IPv4 rule's prefix");
	evlog_free(&got);
}

static void nsp_denied(void)
{
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, DENIED4);
	uint64_t dgrams = testhost_count(TESTHOST_UDP_DGRAMS, DENIED4);
	uint64_t echos = testhost_count(TESTHOST_ICMP_ECHOS, DENIED4);
	struct client_result r;

	r = act(CLIENT_TCP_CONNECT, NSP_DENIED, TESTHOST_TCP_PORT);
	ASSERT_TRUE(r.ret == -1 && r.err == EPERM, "TCP connect to " NSP_DENIED " refused");
	expect_both_forms("connect6", NSP_SHOWN, "nat64-prefix");
	r = act(CLIENT_UDP_SENDTO, NSP_DENIED, TESTHOST_UDP_PORT);
	ASSERT_TRUE(r.ret == -1 && r.err == EPERM, "UDP sendto " NSP_DENIED " refused");
	expect_both_forms("sendmsg6", NSP_SHOWN, "nat64-prefix");
	act(CLIENT_RAW_ECHO, NSP_DENIED, 0);
	expect_both_forms("egress", NSP_SHOWN, "nat64-prefix");
	usleep(SILENCE_MS * 1000);
	ASSERT_EQ(testhost_count(TESTHOST_TCP_BYTES, DENIED4), bytes, "no TCP data arrived");
	ASSERT_EQ(testhost_count(TESTHOST_UDP_DGRAMS, DENIED4), dgrams, "no datagram arrived");
	ASSERT_EQ(testhost_count(TESTHOST_ICMP_ECHOS, DENIED4), echos, "no echo arrived");
}

static void test_translated_path_denied(void)
{
	ASSERT_EQ(guard_begin(nsp_path, "nsp"), 0, "guard started");
	nsp_denied();
	guard_end();
}

static void other_forms_denied(void)
{
	static const struct {
		const char *addr, *shown, *embedding;
	} forms[] = {
		{WKP_DENIED, WKP_SHOWN, "nat64"},
		{"2002:c633:640a::1", "2002:c633:640a::1", "6to4"},
		{"::198.51.100.10", "::198.51.100.10", "ipv4-compatible"},
		{"::ffff:0:198.51.100.10", "::ffff:0:c633:640a", "siit"},
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct client_result r = act(CLIENT_TCP_CONNECT, forms[i].addr, TESTHOST_TCP_PORT);

		ASSERT_TRUE(r.ret == -1 && r.err == EPERM, forms[i].addr);
		expect_both_forms("connect6", forms[i].shown, forms[i].embedding);
	}
}

static void test_other_forms_denied(void)
{
	ASSERT_EQ(guard_begin(wkp_path, "forms"), 0, "guard started");
	other_forms_denied();
	guard_end();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	RUN_TEST(test_translator_carries_data);
	RUN_TEST(test_translated_path_denied);
	RUN_TEST(test_other_forms_denied);
	tayga_stop();
	return check_summary();
}
