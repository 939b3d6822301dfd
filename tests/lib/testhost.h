/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The test network: the calling process's network namespace is the client,
 * and a forked child serves in a second namespace, the "test host", behind a
 * veth pair. Only documentation addresses are used:
 *
 *   client  veth0  192.0.2.1/24  2001:db8:ffff::1/64
 *                  on-link routes 198.51.100.0/24, 198.19.113.0/24, 2001:db8::/32
 *   host    veth1  192.0.2.2/24  2001:db8:ffff::2/64
 *                  198.51.100.10  198.51.100.7  198.19.113.10
 *                  2001:db8:bad::10  2001:db8:1::10
 *
 * The host runs a dual-stack TCP listener, a dual-stack UDP socket and raw
 * ICMP/ICMPv6 sockets, and counts, per destination address, what reaches
 * them into shared memory that the client side reads.
 */
#ifndef EXFILGUARD_TESTS_TESTHOST_H
#define EXFILGUARD_TESTS_TESTHOST_H

#include <stdint.h>
#include <sys/types.h>

#define TESTHOST_TCP_PORT 8080
#define TESTHOST_UDP_PORT 9053

#define TESTNET_CLIENT4 "192.0.2.1"
#define TESTNET_CLIENT6 "2001:db8:ffff::1"
#define TESTNET_HOST4	"192.0.2.2"
#define TESTNET_HOST6	"2001:db8:ffff::2"

enum testhost_counter {
	TESTHOST_TCP_CONNS,  /* connections accepted */
	TESTHOST_TCP_BYTES,  /* bytes read from accepted connections */
	TESTHOST_UDP_DGRAMS, /* datagrams received */
	TESTHOST_ICMP_ECHOS, /* ICMP and ICMPv6 echo requests received */
	TESTHOST_COUNTERS,
};

/* Every address the host answers on, NULL-terminated. */
extern const char *const testhost_addrs[];

/*
 * Build the network from the client namespace (the caller must already be in
 * its own one): fork the host, create and address the veth pair, set the
 * namespaced sysctls, and return once the host's servers listen.
 */
int testhost_start(void);

/* Kill the host (its namespace and the veth pair go with it). */
void testhost_stop(void);

pid_t testhost_pid(void);

/* A counter for one destination address (text, IPv4 or IPv6); never reset, so tests take deltas. */
uint64_t testhost_count(enum testhost_counter c, const char *addr);

/* Poll until the counter reaches at_least or timeout_ms passes; returns its last value. */
uint64_t testhost_wait_count(enum testhost_counter c, const char *addr, uint64_t at_least,
			     int timeout_ms);

#endif
