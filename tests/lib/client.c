// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "client.h"
#include "workload.h"

#define CLIENT_MAX_MMSG 8

int client_sockaddr(int family, const char *addr, uint16_t port, struct sockaddr_storage *ss,
		    socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*len = sizeof(*sin6);
	return inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1 ? 0 : -1;
}

/* A socket and the destination of action a; -1 with errno on failure. */
static int open_for(const struct client_action *a, int type, int proto, struct sockaddr_storage *ss,
		    socklen_t *len)
{
	if (client_sockaddr(a->family, a->addr, a->port, ss, len)) {
		errno = EINVAL;
		return -1;
	}
	return socket(a->family, type | SOCK_CLOEXEC, proto);
}

int client_tcp_connect(int family, const char *addr, uint16_t port)
{
	static const struct timeval connect_timeout = {.tv_sec = 3};
	struct client_action a = {.family = family, .addr = addr, .port = port};
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = open_for(&a, SOCK_STREAM, 0, &ss, &len), saved;

	if (fd < 0)
		return -1;
	/* A connect whose SYN is silently dropped fails in 3 s instead of minutes. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &connect_timeout, sizeof(connect_timeout));
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static size_t data_len(const struct client_action *a)
{
	return a->data ? strlen(a->data) : 0;
}

static int tcp_connect_and_send(const struct client_action *a)
{
	int fd = client_tcp_connect(a->family, a->addr, a->port), ret = 0, saved;

	if (fd < 0)
		return -1;
	if (data_len(a))
		ret = (int)send(fd, a->data, data_len(a), MSG_NOSIGNAL);
	saved = errno;
	close(fd); /* an orderly close: what was sent still arrives */
	errno = saved;
	return ret;
}

static int tcp_fastopen(const struct client_action *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = open_for(a, SOCK_STREAM, 0, &ss, &len), ret, saved;

	if (fd < 0)
		return -1;
	ret = (int)sendto(fd, a->data, data_len(a), MSG_FASTOPEN | MSG_NOSIGNAL,
			  (struct sockaddr *)&ss, len);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static int udp_sendto(const struct client_action *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = open_for(a, SOCK_DGRAM, 0, &ss, &len), ret, saved;

	if (fd < 0)
		return -1;
	ret = (int)sendto(fd, a->data, data_len(a), 0, (struct sockaddr *)&ss, len);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static int udp_sendmmsg(const struct client_action *a)
{
	struct mmsghdr msgs[CLIENT_MAX_MMSG];
	struct iovec iov = {.iov_base = (void *)a->data, .iov_len = data_len(a)};
	struct sockaddr_storage ss;
	socklen_t len;
	int n = a->count < CLIENT_MAX_MMSG ? a->count : CLIENT_MAX_MMSG, i, ret, saved;
	int fd = open_for(a, SOCK_DGRAM, 0, &ss, &len);

	if (fd < 0)
		return -1;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < n; i++) {
		msgs[i].msg_hdr.msg_name = &ss;
		msgs[i].msg_hdr.msg_namelen = len;
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	ret = sendmmsg(fd, msgs, (unsigned)n, 0);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static uint16_t inet_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/*
 * An echo request: type, code 0, checksum, id, sequence, payload. The kernel
 * fills the checksum for ICMPv6 and ping sockets, and the id for ping sockets.
 */
static size_t build_echo(int family, uint8_t *buf, size_t size)
{
	static const char payload[] = "exfilguard-e2e";
	size_t len = 8 + sizeof(payload);

	if (len > size)
		return 0;
	memset(buf, 0, len);
	buf[0] = family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	buf[4] = 0x45; /* id */
	buf[7] = 1;    /* sequence */
	memcpy(buf + 8, payload, sizeof(payload));
	if (family == AF_INET) {
		uint16_t sum = inet_checksum(buf, len);

		memcpy(buf + 2, &sum, 2);
	}
	return len;
}

static int icmp_echo(const struct client_action *a, int type)
{
	int proto = a->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, fd, ret, saved;
	struct sockaddr_storage ss;
	uint8_t buf[64];
	size_t len = build_echo(a->family, buf, sizeof(buf));
	socklen_t slen;
	struct client_action icmp = *a;

	icmp.port = 0;
	fd = open_for(&icmp, type, proto, &ss, &slen);
	if (fd < 0)
		return -1;
	ret = (int)sendto(fd, buf, len, 0, (struct sockaddr *)&ss, slen);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

int client_act(const struct client_action *a)
{
	switch (a->op) {
	case CLIENT_TCP_CONNECT:
		return tcp_connect_and_send(a);
	case CLIENT_TCP_FASTOPEN:
		return tcp_fastopen(a);
	case CLIENT_UDP_SENDTO:
		return udp_sendto(a);
	case CLIENT_UDP_SENDMMSG:
		return udp_sendmmsg(a);
	case CLIENT_RAW_ECHO:
		return icmp_echo(a, SOCK_RAW);
	case CLIENT_PING_ECHO:
		return icmp_echo(a, SOCK_DGRAM);
	}
	errno = EINVAL;
	return -1;
}

static void act_and_report(void *arg)
{
	int ret = client_act(arg);

	workload_report(ret, ret < 0 ? errno : 0);
}

int client_run(const char *cgroup_dir, const struct client_action *a, struct client_result *r)
{
	struct workload w;
	struct workload_report rep;
	int rc;

	r->pid = 0;
	r->ret = -1;
	r->err = 0;
	if (workload_start(&w, cgroup_dir, act_and_report, (void *)a))
		return -1;
	r->pid = w.pid;
	rc = workload_await(&w, &rep);
	workload_end(&w);
	if (rc)
		return -1;
	r->ret = rep.ret;
	r->err = rep.err;
	return 0;
}
