// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The real egress program (cgroup_skb/egress of the embedded object), loaded
 * and filled by the loader as `run` does, driven with BPF_PROG_TEST_RUN on
 * packets built here: IPv4/IPv6, TCP/UDP/ICMP, IPv4 options, IPv6 extension
 * headers, truncated headers, non-IP frames. Each test checks the verdict
 * (1 pass, 0 drop), the event the program reported (what it parsed) and its
 * counters (the socket-storage cache). Needs root; nothing is attached, no
 * packet leaves.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include "bundle.h"
#include "check.h"
#include "exfilguard.skel.h"
#include "guard.h"

/* Default allow; a deny with a hole in it, for both families. */
static const char policy_text[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24, 2001:db8:bad::/48]\n"
				  "  - action: allow\n"
				  "    cidr: [198.51.100.7, 2001:db8:bad::7]\n";

static struct eg_bundle bundle;
static struct eg_guard guard;
static struct ring_buffer *ring;

/* ---- packets: an Ethernet frame as BPF_PROG_TEST_RUN takes it ---- */

struct packet {
	unsigned char pad[2]; /* so that the IP header after the 14-byte Ethernet one is aligned */
	unsigned char buf[256];
	size_t len; /* bytes handed to the program */
	size_t l4;  /* offset of the transport header */
} __attribute__((aligned(8)));

static void *at(struct packet *p, size_t off)
{
	return p->buf + off;
}

/* Ethernet + IPv4 to dst; options_words 32-bit words of IPv4 options (NOPs). */
static void ipv4(struct packet *p, const char *dst, int proto, int options_words)
{
	struct ethhdr *eth = at(p, 0);
	struct iphdr *ip = at(p, sizeof(*eth));

	memset(p, 0, sizeof(*p));
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = (unsigned)(5 + options_words);
	ip->ttl = 64;
	ip->protocol = (unsigned char)proto;
	inet_pton(AF_INET, "192.0.2.1", &ip->saddr);
	inet_pton(AF_INET, dst, &ip->daddr);
	memset(ip + 1, 1 /* IPOPT_NOOP */, (size_t)options_words * 4);
	p->l4 = sizeof(*eth) + ip->ihl * 4u;
}

/*
 * Ethernet + IPv6 to dst; with hop_by_hop, an empty Hop-by-Hop Options header
 * (8 bytes: next header, length 0, six bytes of padding) before proto.
 */
static void ipv6(struct packet *p, const char *dst, int proto, int hop_by_hop)
{
	struct ethhdr *eth = at(p, 0);
	struct ipv6hdr *ip6 = at(p, sizeof(*eth));
	unsigned char *ext = (unsigned char *)(ip6 + 1);

	memset(p, 0, sizeof(*p));
	eth->h_proto = htons(ETH_P_IPV6);
	ip6->version = 6;
	ip6->hop_limit = 64;
	ip6->nexthdr = (unsigned char)(hop_by_hop ? IPPROTO_HOPOPTS : proto);
	inet_pton(AF_INET6, "2001:db8:ffff::1", &ip6->saddr);
	inet_pton(AF_INET6, dst, &ip6->daddr);
	p->l4 = sizeof(*eth) + sizeof(*ip6);
	if (hop_by_hop) {
		ext[0] = (unsigned char)proto;
		ext[2] = 1; /* PadN over the remaining 4 bytes */
		ext[3] = 4;
		p->l4 += 8;
	}
}

/* The transport header after the IP one (ports 40000 -> dport), and the lengths. */
static void transport(struct packet *p, int proto, unsigned dport)
{
	size_t l4_len = proto == IPPROTO_TCP   ? sizeof(struct tcphdr)
			: proto == IPPROTO_UDP ? sizeof(struct udphdr)
					       : sizeof(struct icmphdr);
	struct ethhdr *eth = at(p, 0);

	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = at(p, p->l4);

		tcp->source = htons(40000);
		tcp->dest = htons((uint16_t)dport);
		tcp->doff = 5;
		tcp->syn = 1;
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *udp = at(p, p->l4);

		udp->source = htons(40000);
		udp->dest = htons((uint16_t)dport);
		udp->len = htons((uint16_t)l4_len);
	} else {
		((struct icmphdr *)at(p, p->l4))->type = ICMP_ECHO;
	}
	p->len = p->l4 + l4_len;
	if (eth->h_proto == htons(ETH_P_IP))
		((struct iphdr *)at(p, sizeof(*eth)))->tot_len =
			htons((uint16_t)(p->len - sizeof(*eth)));
	else
		((struct ipv6hdr *)at(p, sizeof(*eth)))->payload_len =
			htons((uint16_t)(p->len - sizeof(*eth) - sizeof(struct ipv6hdr)));
}

/* A whole packet to dst (an IPv6 address when it has a colon). */
static void packet_to(struct packet *p, const char *dst, int proto, unsigned dport)
{
	if (strchr(dst, ':'))
		ipv6(p, dst, proto, 0);
	else
		ipv4(p, dst, proto, 0);
	transport(p, proto, dport);
}

/* ---- the program, its events and counters ---- */

/* The program's return value for p, run `repeat` times on one skb (and one socket); -1 on error. */
static int egress_run(const struct packet *p, int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p->buf, .data_size_in = (uint32_t)p->len,
		    .repeat = repeat);

	if (!EXPECT_OK(bpf_prog_test_run_opts(bpf_program__fd(guard.skel->progs.EG_PROG(egress)),
					      &opts),
		       "BPF_PROG_TEST_RUN on the egress program"))
		return -1;
	return (int)opts.retval;
}

static int egress(const struct packet *p)
{
	return egress_run(p, 1);
}

struct events {
	struct eg_event last;
	int n;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct events *ev = ctx;

	if (size >= sizeof(ev->last))
		memcpy(&ev->last, data, sizeof(ev->last));
	ev->n++;
	return 0;
}

static struct events seen;

/* The events reported since the last call (into seen). */
static int events_since(void)
{
	memset(&seen, 0, sizeof(seen));
	ring_buffer__consume(ring);
	return seen.n;
}

/* The event's destination as text. */
static const char *event_daddr(char out[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, seen.last.daddr, out, INET6_ADDRSTRLEN);
}

/* One deny event for this packet, with what the program parsed from it. */
static void expect_deny_event(const char *daddr, int family, int proto, int dport)
{
	char text[INET6_ADDRSTRLEN];

	ASSERT_EQ(events_since(), 1, "one event for the dropped packet");
	ASSERT_STREQ(event_daddr(text), daddr, "event daddr");
	ASSERT_EQ(seen.last.hook, EG_HOOK_EGRESS, "event hook");
	ASSERT_EQ(seen.last.verdict, EG_VERDICT_DENY, "event verdict");
	ASSERT_EQ(seen.last.family, family, "event family");
	ASSERT_EQ(seen.last.proto, proto, "event proto");
	ASSERT_EQ(seen.last.dport, dport, "event dport");
	ASSERT_EQ(seen.last.rule, 0, "the deny rule decided");
}

/* ---- tests ---- */

/* A whole packet to dst and the verdict it must get; a dropped one must be reported. */
struct egress_case {
	const char *label, *dst;
	int proto;
	unsigned dport;
	int verdict;
};

static void check_cases(const struct egress_case *c, size_t n)
{
	char daddr[INET6_ADDRSTRLEN + 8];
	struct packet p;
	size_t i;

	events_since();
	for (i = 0; i < n; i++, c++) {
		int v6 = strchr(c->dst, ':') != NULL;

		packet_to(&p, c->dst, c->proto, c->dport);
		ASSERT_EQ(egress(&p), c->verdict, c->label);
		if (c->verdict) {
			ASSERT_EQ(events_since(), 0, "no event for an allowed packet");
			continue;
		}
		snprintf(daddr, sizeof(daddr), "%s%s", v6 ? "" : "::ffff:", c->dst);
		expect_deny_event(daddr, v6 ? AF_INET6 : AF_INET, c->proto, (int)c->dport);
		if (check_cur_failed)
			return;
	}
}

#define N_CASES(a) (sizeof(a) / sizeof((a)[0]))

static void test_ipv4_tcp_udp_icmp(void)
{
	static const struct egress_case cases[] = {
		{"TCP to a denied /24", "198.51.100.10", IPPROTO_TCP, 443, 0},
		{"UDP to a denied /24", "198.51.100.11", IPPROTO_UDP, 53, 0},
		{"ICMP to a denied /24", "198.51.100.12", IPPROTO_ICMP, 0, 0},
		{"TCP to the allowed /32 in the denied /24", "198.51.100.7", IPPROTO_TCP, 443, 1},
		{"UDP to an address no rule names (default allow)", "198.18.0.1", IPPROTO_UDP, 53,
		 1},
	};

	check_cases(cases, N_CASES(cases));
}

/* The transport header is found after the options (IHL), not at a fixed offset. */
static void test_ipv4_options(void)
{
	struct packet p;

	events_since();
	ipv4(&p, "198.51.100.20", IPPROTO_TCP, 2);
	transport(&p, IPPROTO_TCP, 8443);
	ASSERT_EQ(egress(&p), 0, "denied destination with IPv4 options: dropped");
	expect_deny_event("::ffff:198.51.100.20", AF_INET, IPPROTO_TCP, 8443);
}

/* The mapped form of a denied IPv4 address is denied: no bypass through an AF_INET6 socket. */
static void test_ipv6(void)
{
	static const struct egress_case cases[] = {
		{"TCP to a denied /48", "2001:db8:bad::1", IPPROTO_TCP, 443, 0},
		{"UDP to a denied /48", "2001:db8:bad::2", IPPROTO_UDP, 123, 0},
		{"mapped form of a denied IPv4 address", "::ffff:198.51.100.30", IPPROTO_UDP, 53,
		 0},
		{"TCP to the allowed /128 in the denied /48", "2001:db8:bad::7", IPPROTO_TCP, 443,
		 1},
		{"an IPv6 address no rule names", "2001:db8:1::1", IPPROTO_TCP, 443, 1},
	};

	check_cases(cases, N_CASES(cases));
}

/*
 * Extension headers are not walked: the destination (fixed offset) still
 * decides; the event names the first next-header as the protocol and no port.
 */
static void test_ipv6_extension_header(void)
{
	struct packet p;

	events_since();
	ipv6(&p, "2001:db8:bad::3", IPPROTO_TCP, 1);
	transport(&p, IPPROTO_TCP, 443);
	ASSERT_EQ(egress(&p), 0, "denied destination behind a Hop-by-Hop header: dropped");
	expect_deny_event("2001:db8:bad::3", AF_INET6, IPPROTO_HOPOPTS, 0);
	ipv6(&p, "2001:db8:1::3", IPPROTO_UDP, 1);
	transport(&p, IPPROTO_UDP, 53);
	ASSERT_EQ(egress(&p), 1, "allowed destination behind a Hop-by-Hop header: passes");
}

/*
 * Truncated transport headers: the destination still decides, with no port
 * (the program reads nothing past the end). A packet whose IP header itself is
 * cut cannot reach the program: the kernel never emits one, and refuses to
 * test-run one (EINVAL).
 */
static void test_truncated_headers(void)
{
	uint64_t lookups = eg_guard_counter(&guard, EG_CTR_EGRESS_LOOKUPS);
	struct packet p;

	events_since();
	packet_to(&p, "198.51.100.40", IPPROTO_TCP, 443);
	p.len = ETH_HLEN + sizeof(struct iphdr) + 2; /* half a port pair */
	ASSERT_EQ(egress(&p), 0, "denied IPv4 destination, TCP header cut: dropped");
	expect_deny_event("::ffff:198.51.100.40", AF_INET, IPPROTO_TCP, 0);
	packet_to(&p, "2001:db8:bad::40", IPPROTO_UDP, 53);
	p.len = ETH_HLEN + sizeof(struct ipv6hdr);
	ASSERT_EQ(egress(&p), 0, "denied IPv6 destination, no UDP header: dropped");
	expect_deny_event("2001:db8:bad::40", AF_INET6, IPPROTO_UDP, 0);
	packet_to(&p, "198.51.100.7", IPPROTO_UDP, 53);
	p.len = ETH_HLEN + sizeof(struct iphdr);
	ASSERT_EQ(egress(&p), 1, "allowed IPv4 destination, no UDP header: passes");
	ASSERT_EQ(eg_guard_counter(&guard, EG_CTR_EGRESS_LOOKUPS) - lookups, 3,
		  "each judged by a lookup");
	ASSERT_EQ(events_since(), 0, "no event for the allowed one");
}

static void test_non_ip_passes(void)
{
	uint64_t lookups = eg_guard_counter(&guard, EG_CTR_EGRESS_LOOKUPS);
	struct packet p;

	packet_to(&p, "198.51.100.50", IPPROTO_UDP, 53);
	((struct ethhdr *)p.buf)->h_proto = htons(ETH_P_ARP);
	ASSERT_EQ(egress(&p), 1, "an ARP frame: not the guard's business");
	ASSERT_EQ(eg_guard_counter(&guard, EG_CTR_EGRESS_LOOKUPS) - lookups, 0, "no lookup");
}

/*
 * BPF_PROG_TEST_RUN gives the program one socket for all repetitions: an
 * allowed destination is looked up once and then passed from the socket's
 * storage; a denied one is looked up every time but reported once.
 */
static void test_socket_cache(void)
{
	uint64_t cached = eg_guard_counter(&guard, EG_CTR_EGRESS_CACHED);
	uint64_t lookups = eg_guard_counter(&guard, EG_CTR_EGRESS_LOOKUPS);
	struct packet p;

	events_since();
	packet_to(&p, "198.18.0.60", IPPROTO_TCP, 443);
	ASSERT_EQ(egress_run(&p, 4), 1, "allowed destination, 4 packets: pass");
	ASSERT_EQ(eg_guard_counter(&guard, EG_CTR_EGRESS_LOOKUPS) - lookups, 1, "one lookup");
	ASSERT_EQ(eg_guard_counter(&guard, EG_CTR_EGRESS_CACHED) - cached, 3,
		  "the other three passed by the socket cache");

	packet_to(&p, "198.51.100.60", IPPROTO_TCP, 443);
	ASSERT_EQ(egress_run(&p, 4), 0, "denied destination, 4 packets: dropped");
	ASSERT_EQ(eg_guard_counter(&guard, EG_CTR_EGRESS_LOOKUPS) - lookups, 5,
		  "a denied destination is never cached");
	ASSERT_EQ(eg_guard_counter(&guard, EG_CTR_EGRESS_CACHED) - cached, 3, "nothing cached");
	ASSERT_EQ(events_since(), 1, "one event per socket, not one per packet");
}

/* ---- set-up: the policy compiled and loaded as `run` loads it, nothing attached ---- */

static char tmpdir[] = "/tmp/eg-test-bpf-XXXXXX";
static char policy_path[sizeof(tmpdir) + 16];

static void remove_tmpdir(void)
{
	unlink(policy_path);
	rmdir(tmpdir);
}

static int write_policy(void)
{
	FILE *f;
	int ok = 0;

	if (!EXPECT_OK_PTR(mkdtemp(tmpdir), "temporary directory"))
		return 0;
	atexit(remove_tmpdir);
	snprintf(policy_path, sizeof(policy_path), "%s/policy.yaml", tmpdir);
	f = fopen(policy_path, "w");
	if (!EXPECT_OK_PTR(f, policy_path))
		return 0;
	ok = EXPECT_GE(fputs(policy_text, f), 0, "policy written");
	return EXPECT_OK(fclose(f), "policy closed") && ok;
}

static void test_load(void)
{
	struct eg_error err = {0};

	ASSERT_TRUE(write_policy(), "policy file");
	ASSERT_OK(eg_guard_load(&guard, NULL, -1, &err), err.msg);
	ASSERT_OK(eg_bundle_load(policy_path, -1, &bundle, &err), err.msg);
	ASSERT_OK(eg_guard_apply(&guard, &bundle.rules, &err), err.msg);
	ring = ring_buffer__new(eg_guard_events_fd(&guard), on_event, &seen, NULL);
	ASSERT_OK_PTR(ring, "event ring buffer");
}

int main(void)
{
	RUN_TEST(test_load);
	if (!ring) /* test_load failed and said why: nothing to drive */
		return check_summary();
	RUN_TEST(test_ipv4_tcp_udp_icmp);
	RUN_TEST(test_ipv4_options);
	RUN_TEST(test_ipv6);
	RUN_TEST(test_ipv6_extension_header);
	RUN_TEST(test_truncated_headers);
	RUN_TEST(test_non_ip_passes);
	RUN_TEST(test_socket_cache);
	ring_buffer__free(ring);
	eg_guard_destroy(&guard);
	eg_bundle_free(&bundle);
	return check_summary();
}
