// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of the netfilter hooks, the two ways around the cgroup
 * hooks of issue 9:
 *
 *  - forward: a pod-like workload in its own network namespace behind a
 *    veth connects to a Service address that the node (the test's own
 *    namespace, which also runs the guard) rewrites with an nftables DNAT,
 *    as kube-proxy does, to a denied test host. The cgroup hooks judge the
 *    Service address; only the forward hook, after the DNAT, sees the host.
 *
 *     pod netns  egpod1 198.19.0.2 --veth-- egpod0 198.19.0.1  node (test netns)
 *                 default via 198.19.0.1     DNAT 198.18.0.10:80 -> 198.51.100.10:8080 (denied)
 *                                            DNAT 198.18.0.11:80 -> 198.51.100.7:8080 (allowed)
 *                                            masquerade 198.19.0.0/24 -> test host
 *
 *  - local_out: a socket made outside the guarded cgroup, passed over
 *    SCM_RIGHTS to a guarded workload and used there; no cgroup hook runs
 *    for it.
 *
 * Needs root, cgroup v2, Linux >= 6.4 (BPF netfilter links) and nft.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/netns.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"
#include "../lib/workload.h"

#define DENIED4	     "198.51.100.10"
#define ALLOWED4     "198.51.100.7"
#define SVC_DENIED   "198.18.0.10"
#define SVC_ALLOWED  "198.18.0.11"
#define SVC_PORT     80
#define POD_ADDR     "198.19.0.2"
#define POD_GATEWAY  "198.19.0.1"
#define POD_IF_NODE  "egpod0"
#define POD_IF_POD   "egpod1"
#define CONNECT_SECS 2	  /* a connect whose SYN is dropped gives up after this */
#define SILENCE_MS   1500 /* for what must not arrive */

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24]\n"
				  "  - action: allow\n"
				  "    cidr: [198.51.100.7/32]\n";

/* kube-proxy's part: Services DNATed to endpoints, pod traffic leaving masqueraded. */
static const char nft_rules[] =
	"table ip egtest {\n"
	"  chain pre {\n"
	"    type nat hook prerouting priority dstnat;\n"
	"    ip daddr " SVC_DENIED " tcp dport 80 dnat to " DENIED4 ":8080\n"
	"    ip daddr " SVC_ALLOWED " tcp dport 80 dnat to " ALLOWED4 ":8080\n"
	"  }\n"
	"  chain post {\n"
	"    type nat hook postrouting priority srcnat;\n"
	"    ip saddr 198.19.0.0/24 oifname \"veth0\" masquerade\n"
	"  }\n"
	"}\n";

static char policy_path[PATH_MAX];
static struct guard guard;
static struct workload pod;

/* ---- the pod ---- */

/* Connect with a deadline and send 5 bytes: 5, or -1 with errno. */
static int send_hello_tcp(const char *addr, uint16_t port)
{
	struct timeval tv = {.tv_sec = CONNECT_SECS};
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = -1, e;

	if (fd < 0 || client_sockaddr(AF_INET, addr, port, &ss, &len))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		ret = (int)send(fd, "hello", 5, 0);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

/* The pod: its own namespace, addressed once the node moved the veth in; then one
 * Service connect per resume. */
static void pod_main(void *arg)
{
	static const char *const services[] = {SVC_DENIED, SVC_ALLOWED};
	unsigned i;
	int ret;

	(void)arg;
	workload_report(netns_unshare(), errno);
	if (workload_pause())
		return;
	ret = netns_ip("link set " POD_IF_POD " up") ||
	      netns_ip("addr add " POD_ADDR "/24 dev " POD_IF_POD) ||
	      netns_ip("route add default via " POD_GATEWAY);
	workload_report(ret ? -1 : 0, 0);
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		if (workload_pause())
			return;
		ret = send_hello_tcp(services[i], SVC_PORT);
		workload_report(ret, ret < 0 ? errno : 0);
	}
}

/* The node: forwarding, the veth to the pod, and the Service NAT. */
static int node_setup(void)
{
	struct workload_report r;
	char nft_path[PATH_MAX];

	if (netns_sysctl("net/ipv4/ip_forward", "1") ||
	    testenv_write_file("services.nft", nft_rules, nft_path) ||
	    netns_run((char *const[]){"nft", "-f", nft_path, NULL}))
		return -1;
	if (workload_start(&pod, testenv.cg_guarded, pod_main, NULL) || workload_await(&pod, &r) ||
	    r.ret != 0)
		return -1;
	if (netns_ip("link add " POD_IF_NODE " type veth peer name " POD_IF_POD " netns %d",
		     (int)pod.pid) ||
	    netns_ip("addr add " POD_GATEWAY "/24 dev " POD_IF_NODE) ||
	    netns_ip("link set " POD_IF_NODE " up"))
		return -1;
	if (workload_resume(&pod) || workload_await(&pod, &r))
		return -1;
	return r.ret;
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
	ASSERT_EQ(node_setup(), 0, "node set-up: forwarding, pod namespace behind a veth, DNAT");
}

/* ---- the guard ---- */

static int guard_begin(const char *name)
{
	int rc = testenv_guard_start(&guard, policy_path, NULL, name);

	if (rc)
		testenv_guard_reset();
	return rc;
}

static void guard_end(void)
{
	int status;

	if (guard.pid <= 0)
		return;
	status = guard_stop(&guard);
	if (check_cur_failed || status != 0) {
		evlog_dump(guard.events);
		guard_print_log(&guard);
	}
	testenv_guard_reset();
	ASSERT_EQ(status, 0, "guard exit status after SIGTERM");
	ASSERT_TRUE(testenv_pins_gone(), "pin directory removed when the guard stopped");
}

/* Exactly one event matching m, into *got (to be freed, whatever came). */
static void one_event(const struct evmatch *m, struct evlog *got, const char *label)
{
	ASSERT_EQ(evlog_expect(guard.events, evmatch_pred, m, 1, got), 1, label);
}

static void expect_no_event_for(const char *daddr, const char *label)
{
	struct evmatch m = {.daddr = daddr, .dport = -1};
	struct evlog got;

	ASSERT_EQ(evlog_expect(guard.events, evmatch_pred, &m, 0, &got), 0, label);
	evlog_free(&got);
}

/* ---- forward: a Service DNATed to a denied host ---- */

static void check_forward_event(json_object *ev)
{
	ASSERT_STREQ(ev_str(ev, "verdict"), "deny", "forward event: verdict");
	ASSERT_STREQ(ev_str(ev, "proto"), "tcp", "forward event: proto");
	ASSERT_EQ(ev_int(ev, "dport"), 8080, "forward event: dport (the endpoint's, after DNAT)");
	ASSERT_STREQ(ev_str(ev, "saddr"), POD_ADDR, "forward event: saddr (the pod)");
	ASSERT_STREQ(ev_str(ev, "in_interface"), POD_IF_NODE, "forward event: in_interface");
	ASSERT_EQ(ev_int(ev, "cgroup_id"), (long long)testenv.guarded_id,
		  "forward event: cgroup_id (the pod's cgroup)");
	ASSERT_STREQ(ev_str(ev, "cgroup"), testenv.guarded_rel, "forward event: cgroup");
	ASSERT_EQ(ev_int(ev, "pid"), 0, "forward event: pid (no local task sent it)");
	ASSERT_TRUE(ev_is_null(ev, "comm", NULL), "forward event: comm is null");
}

static void service_to_denied_host(void)
{
	uint64_t conns = testhost_count(TESTHOST_TCP_CONNS, DENIED4);
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, ALLOWED4);
	struct evmatch m = {.hook = "forward", .daddr = DENIED4, .dport = -1};
	struct workload_report r;
	struct evlog got;

	ASSERT_EQ(workload_resume(&pod), 0, "pod: connect to the denied Service");
	ASSERT_EQ(workload_await(&pod, &r), 0, "pod: reported");
	ASSERT_EQ(r.ret, -1, "pod: connect through the DNAT to " DENIED4 " fails");
	ASSERT_EQ(testhost_count(TESTHOST_TCP_CONNS, DENIED4) - conns, 0,
		  "connections that reached " DENIED4);
	one_event(&m, &got, "one forward event for " DENIED4);
	if (!check_cur_failed)
		check_forward_event(got.ev[0]);
	evlog_free(&got);
	if (check_cur_failed)
		return;

	ASSERT_EQ(workload_resume(&pod), 0, "pod: connect to the allowed Service");
	ASSERT_EQ(workload_await(&pod, &r), 0, "pod: reported");
	ASSERT_EQ(r.ret, 5, "pod: bytes sent through the DNAT to " ALLOWED4);
	ASSERT_EQ(testhost_wait_count(TESTHOST_TCP_BYTES, ALLOWED4, bytes + 5, 3000) - bytes, 5,
		  "bytes that reached " ALLOWED4);
	expect_no_event_for(ALLOWED4, "no event for the allowed endpoint");
}

static void test_service_dnat_to_denied_host(void)
{
	/* The pod exists before the guard starts: its first sync maps the pod's address. */
	ASSERT_EQ(guard_begin(__func__), 0, "guard started and wrote READY=1");
	if (!check_cur_failed)
		service_to_denied_host();
	guard_end();
}

/* ---- local_out: a socket passed in over SCM_RIGHTS ---- */

/*
 * What a guarded workload is handed: workloads close every inherited fd, so
 * it connects to the test's abstract unix socket and receives it there.
 */
struct passing {
	struct sockaddr_un un; /* the test's listener */
	socklen_t un_len;
	const char *addr; /* NULL: send() on the connected socket, else sendto() addr:port */
	uint16_t port;
};

static int send_fd(int sock, int fd)
{
	char buf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = "f", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = buf,
			     .msg_controllen = sizeof(buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char buf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = buf,
			     .msg_controllen = sizeof(buf)};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1 || !(c = CMSG_FIRSTHDR(&msg)) || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The guarded workload: use the socket it is handed. */
static void receiver_main(void *arg)
{
	const struct passing *p = arg;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int conn = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), fd = -1, ret = -1;

	if (conn >= 0 && connect(conn, (const struct sockaddr *)&p->un, p->un_len) == 0)
		fd = recv_fd(conn);
	if (fd >= 0 && !p->addr)
		ret = (int)send(fd, "hello", 5, 0);
	else if (fd >= 0 && client_sockaddr(AF_INET, p->addr, p->port, &ss, &len) == 0)
		ret = (int)sendto(fd, "hello", 5, 0, (struct sockaddr *)&ss, len);
	workload_report(ret, ret < 0 ? errno : 0);
}

/* The workload's connection to the listener, or -1 when none comes in time. */
static int accept_workload(int listener)
{
	struct pollfd pfd = {.fd = listener, .events = POLLIN};

	if (poll(&pfd, 1, WORKLOAD_TIMEOUT_MS) != 1)
		return -1;
	return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
}

/* Hand fd (made outside the guarded cgroup, by the test process) to a guarded workload. */
static int pass_socket(int fd, const char *addr, uint16_t port, struct workload_report *r,
		       pid_t *pid)
{
	struct passing p = {.un = {.sun_family = AF_UNIX}, .addr = addr, .port = port};
	int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), conn = -1, rc = -1;
	struct workload w;

	/* Abstract name: sun_path[0] is NUL. */
	p.un_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			       (size_t)snprintf(p.un.sun_path + 1, sizeof(p.un.sun_path) - 1,
						"egtest-pass-%d", (int)getpid()));
	if (fd < 0 || listener < 0 || bind(listener, (struct sockaddr *)&p.un, p.un_len) ||
	    listen(listener, 1))
		goto out;
	if (workload_start(&w, testenv.cg_guarded, receiver_main, &p) == 0) {
		*pid = w.pid;
		conn = accept_workload(listener);
		rc = conn < 0 || send_fd(conn, fd) || workload_await(&w, r) ? -1 : 0;
		workload_end(&w);
	}
out:
	if (conn >= 0)
		close(conn);
	if (listener >= 0)
		close(listener);
	return rc;
}

static void check_local_out_fields(json_object *ev, pid_t pid, uint16_t dport)
{
	ASSERT_STREQ(ev_str(ev, "verdict"), "deny", "local_out event: verdict");
	ASSERT_EQ(ev_int(ev, "dport"), dport, "local_out event: dport");
	ASSERT_EQ(ev_int(ev, "pid"), pid, "local_out event: the workload's pid");
	ASSERT_STREQ(ev_str(ev, "comm"), WORKLOAD_COMM, "local_out event: comm");
	ASSERT_EQ(ev_int(ev, "cgroup_id"), (long long)testenv.guarded_id,
		  "local_out event: cgroup_id (the sender's, not the socket's)");
}

static void check_local_out_event(const char *proto, pid_t pid, uint16_t dport)
{
	struct evmatch m = {.hook = "local_out", .daddr = DENIED4, .proto = proto, .dport = -1};
	struct evlog got;

	one_event(&m, &got, "one local_out event");
	if (!check_cur_failed)
		check_local_out_fields(got.ev[0], pid, dport);
	evlog_free(&got);
}

static void passed_sockets(void)
{
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, DENIED4);
	uint64_t dgrams = testhost_count(TESTHOST_UDP_DGRAMS, DENIED4);
	uint64_t allowed = testhost_count(TESTHOST_UDP_DGRAMS, ALLOWED4);
	int tcp = client_tcp_connect(AF_INET, DENIED4, TESTHOST_TCP_PORT);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct workload_report r;
	pid_t pid = 0;

	/* TCP, connected outside: the guarded send is dropped, and so are its retransmits. */
	ASSERT_EQ(pass_socket(tcp, NULL, 0, &r, &pid), 0, "TCP socket passed and used");
	ASSERT_EQ(r.ret, 5, "TCP: send() queues the bytes");
	usleep(SILENCE_MS * 1000);
	ASSERT_EQ(testhost_count(TESTHOST_TCP_BYTES, DENIED4) - bytes, 0,
		  "TCP: bytes that reached " DENIED4 " (retransmits included)");
	check_local_out_event("tcp", pid, TESTHOST_TCP_PORT);
	if (tcp >= 0)
		close(tcp);

	/* UDP, unconnected: the guarded sendto fails. */
	ASSERT_EQ(pass_socket(udp, DENIED4, TESTHOST_UDP_PORT, &r, &pid), 0,
		  "UDP socket passed and used");
	ASSERT_EQ(r.ret, -1, "UDP: sendto " DENIED4 " fails");
	ASSERT_EQ(r.err, EPERM, "UDP: errno");
	ASSERT_EQ(testhost_count(TESTHOST_UDP_DGRAMS, DENIED4) - dgrams, 0,
		  "UDP: datagrams that reached " DENIED4);
	check_local_out_event("udp", pid, TESTHOST_UDP_PORT);

	/* The same socket to an allowed host still works. */
	ASSERT_EQ(pass_socket(udp, ALLOWED4, TESTHOST_UDP_PORT, &r, &pid), 0,
		  "UDP socket passed again");
	ASSERT_EQ(r.ret, 5, "UDP: sendto " ALLOWED4 " works");
	ASSERT_EQ(testhost_wait_count(TESTHOST_UDP_DGRAMS, ALLOWED4, allowed + 1, 3000) - allowed,
		  1, "UDP: datagrams that reached " ALLOWED4);
	if (udp >= 0)
		close(udp);
}

static void test_socket_passed_in_over_scm_rights(void)
{
	ASSERT_EQ(guard_begin(__func__), 0, "guard started and wrote READY=1");
	if (!check_cur_failed)
		passed_sockets();
	guard_end();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	RUN_TEST(test_service_dnat_to_denied_host);
	RUN_TEST(test_socket_passed_in_over_scm_rights);
	return check_summary();
}
