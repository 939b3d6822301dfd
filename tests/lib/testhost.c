// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "netns.h"
#include "testhost.h"

const char *const testhost_addrs[] = {
	TESTNET_HOST4, "198.51.100.10",	   "198.51.100.7",   "198.19.113.10",
	TESTNET_HOST6, "2001:db8:bad::10", "2001:db8:1::10", NULL,
};

#define TESTHOST_SLOTS	 8 /* one per address above, and the last for anything else */
#define HOST_MAX_FDS	 256
#define SETUP_TIMEOUT_MS 10000

struct testhost_slot {
	struct in6_addr addr;
	uint64_t count[TESTHOST_COUNTERS];
};

/* MAP_SHARED anonymous memory: the host writes, the client reads. */
static struct testhost_slot *slots;
static pid_t host_pid;
static int host_ctl_fd = -1; /* closing it tells the host to exit */

/* Text (IPv4 or IPv6) to the 16-byte form, IPv4 as ::ffff:a.b.c.d. */
static int parse_addr(const char *text, struct in6_addr *out)
{
	struct in_addr v4;

	if (inet_pton(AF_INET, text, &v4) == 1) {
		memset(out, 0, sizeof(*out));
		out->s6_addr[10] = 0xff;
		out->s6_addr[11] = 0xff;
		memcpy(&out->s6_addr[12], &v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

static struct testhost_slot *slot_of(const struct in6_addr *addr)
{
	int i;

	for (i = 0; i < TESTHOST_SLOTS - 1 && testhost_addrs[i]; i++)
		if (memcmp(&slots[i].addr, addr, sizeof(*addr)) == 0)
			return &slots[i];
	return &slots[TESTHOST_SLOTS - 1];
}

static void count(const struct in6_addr *addr, enum testhost_counter c, uint64_t n)
{
	__atomic_fetch_add(&slot_of(addr)->count[c], n, __ATOMIC_RELAXED);
}

static void v4_to_mapped(const void *v4, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], v4, 4);
}

/* ---- the host side, running in its own namespace ---- */

enum { FD_CTL, FD_TCP, FD_UDP, FD_ICMP4, FD_ICMP6, FD_FIRST_CONN };

struct host_server {
	struct pollfd pfd[HOST_MAX_FDS];
	struct in6_addr local[HOST_MAX_FDS]; /* the destination address of each connection */
	nfds_t n;
};

static int setsockopt_int(int fd, int level, int name, int value, const char *what)
{
	if (setsockopt(fd, level, name, &value, sizeof(value))) {
		fprintf(stderr, "  test host: setsockopt %s: %s\n", what, strerror(errno));
		return -1;
	}
	return 0;
}

/* A dual-stack ([::] with V6ONLY off) socket bound to port. */
static int open_dual_stack(int type, uint16_t port)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	int fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fprintf(stderr, "  test host: socket: %s\n", strerror(errno));
		return -1;
	}
	if (setsockopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY") ||
	    setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR"))
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "  test host: bind port %u: %s\n", port, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static int open_tcp_listener(void)
{
	int fd = open_dual_stack(SOCK_STREAM, TESTHOST_TCP_PORT);

	if (fd < 0)
		return -1;
	/* Accept data in the SYN, so a Fast Open that got through would be seen. */
	if (setsockopt_int(fd, IPPROTO_TCP, TCP_FASTOPEN, 16, "TCP_FASTOPEN") || listen(fd, 64)) {
		fprintf(stderr, "  test host: listen: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int open_udp(void)
{
	int fd = open_dual_stack(SOCK_DGRAM, TESTHOST_UDP_PORT);

	/* IPV6_PKTINFO carries the destination, as ::ffff:a.b.c.d for IPv4 datagrams. */
	if (fd >= 0 && setsockopt_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO")) {
		close(fd);
		return -1;
	}
	return fd;
}

static int open_icmp(int family)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto);

	if (fd < 0) {
		fprintf(stderr, "  test host: raw socket (family %d): %s\n", family,
			strerror(errno));
		return -1;
	}
	/* ICMPv6 raw sockets get no IP header: the destination comes as IPV6_PKTINFO. */
	if (family == AF_INET6 &&
	    setsockopt_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO")) {
		close(fd);
		return -1;
	}
	return fd;
}

static void server_add(struct host_server *s, int fd, short events)
{
	s->pfd[s->n].fd = fd;
	s->pfd[s->n].events = events;
	s->pfd[s->n].revents = 0;
	s->n++;
}

static int server_open(struct host_server *s, int ctl_fd)
{
	int tcp = open_tcp_listener(), udp = open_udp();
	int icmp4 = open_icmp(AF_INET), icmp6 = open_icmp(AF_INET6);

	if (tcp < 0 || udp < 0 || icmp4 < 0 || icmp6 < 0)
		return -1;
	s->n = 0;
	server_add(s, ctl_fd, POLLIN);
	server_add(s, tcp, POLLIN);
	server_add(s, udp, POLLIN);
	server_add(s, icmp4, POLLIN);
	server_add(s, icmp6, POLLIN);
	return 0;
}

static void server_accept(struct host_server *s)
{
	struct sockaddr_in6 local;
	socklen_t len = sizeof(local);
	int fd = accept4(s->pfd[FD_TCP].fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (s->n >= HOST_MAX_FDS || getsockname(fd, (struct sockaddr *)&local, &len)) {
		close(fd);
		return;
	}
	s->local[s->n] = local.sin6_addr;
	count(&local.sin6_addr, TESTHOST_TCP_CONNS, 1);
	server_add(s, fd, POLLIN);
}

/* Count what a connection sent; drop it on EOF or error. Returns 1 when it was dropped. */
static int server_read_conn(struct host_server *s, nfds_t i)
{
	char buf[4096];
	ssize_t n = read(s->pfd[i].fd, buf, sizeof(buf));

	if (n > 0) {
		count(&s->local[i], TESTHOST_TCP_BYTES, (uint64_t)n);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	close(s->pfd[i].fd);
	s->n--;
	s->pfd[i] = s->pfd[s->n];
	s->local[i] = s->local[s->n];
	return 1;
}

/* The destination of a received datagram, from IPV6_PKTINFO or IP_PKTINFO. */
static int pktinfo_dest(struct msghdr *msg, struct in6_addr *dst)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*dst = pi.ipi6_addr;
			return 0;
		}
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			v4_to_mapped(&pi.ipi_addr, dst);
			return 0;
		}
	}
	return -1;
}

/* recvmsg with room for a pktinfo; returns the length and fills dst. */
static ssize_t recv_with_dest(int fd, void *buf, size_t len, struct in6_addr *dst)
{
	char control[256];
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

	if (n >= 0 && pktinfo_dest(&msg, dst))
		memset(dst, 0, sizeof(*dst)); /* unknown: counts as "other" */
	return n;
}

static void server_read_udp(struct host_server *s)
{
	char buf[2048];
	struct in6_addr dst;

	if (recv_with_dest(s->pfd[FD_UDP].fd, buf, sizeof(buf), &dst) >= 0)
		count(&dst, TESTHOST_UDP_DGRAMS, 1);
}

/* Raw IPv4 ICMP sockets receive the IP header first. */
static void server_read_icmp4(struct host_server *s)
{
	unsigned char buf[2048];
	ssize_t n = recv(s->pfd[FD_ICMP4].fd, buf, sizeof(buf), MSG_DONTWAIT);
	struct in6_addr dst;
	size_t ihl;

	if (n < 20)
		return;
	ihl = (size_t)(buf[0] & 0xf) * 4;
	if ((size_t)n <= ihl || buf[ihl] != ICMP_ECHO)
		return;
	v4_to_mapped(&buf[16], &dst);
	count(&dst, TESTHOST_ICMP_ECHOS, 1);
}

static void server_read_icmp6(struct host_server *s)
{
	unsigned char buf[2048];
	struct in6_addr dst;
	ssize_t n = recv_with_dest(s->pfd[FD_ICMP6].fd, buf, sizeof(buf), &dst);

	if (n >= 1 && buf[0] == ICMP6_ECHO_REQUEST)
		count(&dst, TESTHOST_ICMP_ECHOS, 1);
}

/* Serve until the client closes the control pipe. */
static void server_loop(struct host_server *s)
{
	nfds_t i;

	for (;;) {
		if (poll(s->pfd, s->n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (s->pfd[FD_CTL].revents)
			return;
		if (s->pfd[FD_TCP].revents & POLLIN)
			server_accept(s);
		if (s->pfd[FD_UDP].revents & POLLIN)
			server_read_udp(s);
		if (s->pfd[FD_ICMP4].revents & POLLIN)
			server_read_icmp4(s);
		if (s->pfd[FD_ICMP6].revents & POLLIN)
			server_read_icmp6(s);
		for (i = FD_FIRST_CONN; i < s->n; i++)
			if (s->pfd[i].revents && server_read_conn(s, i))
				i--; /* the last connection moved into slot i */
	}
}

/* The host's side of veth1; the client already moved it into this namespace. */
static int host_configure(void)
{
	static const char *const cmds[] = {
		"link set veth1 up",
		"addr add " TESTNET_HOST4 "/24 dev veth1",
		"-6 addr add " TESTNET_HOST6 "/64 dev veth1 nodad",
		"addr add 198.51.100.10/32 dev veth1",
		"addr add 198.51.100.7/32 dev veth1",
		"addr add 198.19.113.10/32 dev veth1",
		"-6 addr add 2001:db8:bad::10/128 dev veth1 nodad",
		"-6 addr add 2001:db8:1::10/128 dev veth1 nodad",
		NULL,
	};
	int i;

	/* The client's addresses are on the connected /24 and /64: no more routes needed back. */
	for (i = 0; cmds[i]; i++)
		if (netns_ip("%s", cmds[i]))
			return -1;
	return netns_sysctl("net/ipv4/tcp_fastopen", "3");
}

static int read_byte(int fd, int timeout_ms, char *out)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int rc;

	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return -1;
	return read(fd, out, 1) == 1 ? 0 : -1;
}

static void host_reset_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

/*
 * The host child: new namespace, "n" to the client; wait for its "v" (veth
 * moved in); configure and open the servers, "r" (or "e" on failure); serve.
 */
static void host_main(pid_t client, int status_fd, int ctl_fd)
{
	struct host_server *s = calloc(1, sizeof(*s));
	char go;

	host_reset_signals();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != client || !s)
		_exit(1);
	if (netns_unshare()) {
		(void)!write(status_fd, "e", 1);
		_exit(1);
	}
	(void)!write(status_fd, "n", 1);
	if (read_byte(ctl_fd, SETUP_TIMEOUT_MS, &go) || go != 'v')
		_exit(1);
	if (host_configure() || server_open(s, ctl_fd)) {
		(void)!write(status_fd, "e", 1);
		_exit(1);
	}
	(void)!write(status_fd, "r", 1);
	close(status_fd);
	server_loop(s);
	_exit(0);
}

/* ---- the client side ---- */

static int client_configure(pid_t host)
{
	static const char *const cmds[] = {
		"link set veth0 up",
		"addr add " TESTNET_CLIENT4 "/24 dev veth0",
		"-6 addr add " TESTNET_CLIENT6 "/64 dev veth0 nodad",
		"route add 198.51.100.0/24 dev veth0",
		"route add 198.19.113.0/24 dev veth0",
		"-6 route add 2001:db8::/32 dev veth0",
		NULL,
	};
	int i;

	if (netns_ip("link add veth0 type veth peer name veth1 netns %d", (int)host))
		return -1;
	for (i = 0; cmds[i]; i++)
		if (netns_ip("%s", cmds[i]))
			return -1;
	/* Unconnected ping sockets for root too; Fast Open for the client. */
	return netns_sysctl("net/ipv4/ping_group_range", "0 2147483647") ||
	       netns_sysctl("net/ipv4/tcp_fastopen", "3");
}

static int map_counters(void)
{
	int i;

	slots = mmap(NULL, sizeof(*slots) * TESTHOST_SLOTS, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		slots = NULL;
		perror("  mmap");
		return -1;
	}
	for (i = 0; testhost_addrs[i]; i++)
		parse_addr(testhost_addrs[i], &slots[i].addr);
	return 0;
}

/* Wait for the host's status byte `want`; anything else is a set-up failure. */
static int expect_host(int status_fd, char want, const char *stage)
{
	char got = 0;

	if (read_byte(status_fd, SETUP_TIMEOUT_MS, &got) == 0 && got == want)
		return 0;
	fprintf(stderr, "  test host failed while %s (see above)\n", stage);
	return -1;
}

int testhost_start(void)
{
	int status[2], ctl[2], rc = -1;
	pid_t client = getpid();

	if (!slots && map_counters())
		return -1;
	if (pipe2(status, O_CLOEXEC) || pipe2(ctl, O_CLOEXEC)) {
		perror("  pipe");
		return -1;
	}
	host_pid = fork();
	if (host_pid < 0) {
		perror("  fork");
		return -1;
	}
	if (host_pid == 0) {
		close(status[0]);
		close(ctl[1]);
		host_main(client, status[1], ctl[0]);
	}
	close(status[1]);
	close(ctl[0]);
	host_ctl_fd = ctl[1];
	if (expect_host(status[0], 'n', "creating its network namespace"))
		goto out;
	if (client_configure(host_pid))
		goto out;
	if (write(host_ctl_fd, "v", 1) != 1 || expect_host(status[0], 'r', "configuring"))
		goto out;
	rc = 0;
out:
	close(status[0]);
	return rc;
}

void testhost_stop(void)
{
	if (host_ctl_fd >= 0) {
		close(host_ctl_fd);
		host_ctl_fd = -1;
	}
	if (host_pid > 0) {
		kill(host_pid, SIGKILL);
		while (waitpid(host_pid, NULL, 0) < 0 && errno == EINTR)
			;
		host_pid = 0;
	}
}

pid_t testhost_pid(void)
{
	return host_pid;
}

uint64_t testhost_count(enum testhost_counter c, const char *addr)
{
	struct in6_addr a;

	if (!slots || parse_addr(addr, &a)) {
		fprintf(stderr, "  testhost_count: bad address %s or no test host\n", addr);
		return UINT64_MAX;
	}
	return __atomic_load_n(&slot_of(&a)->count[c], __ATOMIC_RELAXED);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

uint64_t testhost_wait_count(enum testhost_counter c, const char *addr, uint64_t at_least,
			     int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	uint64_t v;

	for (;;) {
		v = testhost_count(c, addr);
		if (v >= at_least || v == UINT64_MAX || now_ms() >= deadline)
			return v;
		usleep(10 * 1000);
	}
}
