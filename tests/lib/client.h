/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One socket action by a workload in a cgroup, the way a program guarded by
 * exfilguard would do it, and its result:
 *
 *   struct client_action a = {CLIENT_TCP_CONNECT, AF_INET6, "::ffff:198.51.100.10", 8080, "hello"};
 *   struct client_result r;
 *   client_run(cgroup, &a, &r);   // r.pid, r.ret, r.err (errno)
 *
 * Addresses are text; an AF_INET6 socket aimed at an IPv4 destination takes
 * the mapped form "::ffff:a.b.c.d".
 */
#ifndef EXFILGUARD_TESTS_CLIENT_H
#define EXFILGUARD_TESTS_CLIENT_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

enum client_op {
	CLIENT_TCP_CONNECT,  /* connect(), then send data if any */
	CLIENT_TCP_FASTOPEN, /* sendto(MSG_FASTOPEN) of data on a fresh socket */
	CLIENT_UDP_SENDTO,   /* sendto() of data on an unconnected socket */
	CLIENT_UDP_SENDMMSG, /* sendmmsg() of `count` copies of data, unconnected */
	CLIENT_RAW_ECHO,     /* echo request on a SOCK_RAW ICMP / ICMPv6 socket */
	CLIENT_PING_ECHO,    /* echo request on an unconnected SOCK_DGRAM ICMP (ping) socket */
};

struct client_action {
	enum client_op op;
	int family;	  /* socket family: AF_INET or AF_INET6 */
	const char *addr; /* destination */
	uint16_t port;	  /* ignored for ICMP */
	const char *data; /* payload (TCP, UDP) or NULL */
	int count;	  /* messages for CLIENT_UDP_SENDMMSG */
};

struct client_result {
	pid_t pid; /* the workload that acted: what events should name */
	int ret;   /* the call's return value (bytes, messages, or 0 for a bare connect) */
	int err;   /* errno when ret is -1, else 0 */
};

/* Run the action in a fresh workload in cgroup_dir; 0 when the workload ran and reported. */
int client_run(const char *cgroup_dir, const struct client_action *a, struct client_result *r);

/* Run the action in the calling process; returns ret and leaves errno. */
int client_act(const struct client_action *a);

/* Fill a socket address for family from text; -1 when the text does not fit the family. */
int client_sockaddr(int family, const char *addr, uint16_t port, struct sockaddr_storage *ss,
		    socklen_t *len);

/* A TCP socket connected to addr:port (blocking), or -1 with errno. */
int client_tcp_connect(int family, const char *addr, uint16_t port);

#endif
