// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The kernel's classification of destinations (maps/classify.h run by the
 * real egress program over the compact tables of maps/tables.h, as the
 * loader fills them) equals a plain search of the segments the tables were
 * built from, on the real world: at the bounds of the /48s cut finer (the
 * second search), one address below each, the /48 after each, a spread of
 * coarse IPv6 bounds, and a spread of IPv4 bounds (in the mapped form). The egress program is
 * driven with BPF_PROG_TEST_RUN under a default-deny policy; each packet's deny event carries the
 * class the kernel found. Needs root and the real datasets; nothing is attached.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include "bundle.h"
#include "check.h"
#include "realdata.h"
#include "exfilguard.skel.h"
#include "guard.h"

typedef unsigned __int128 u128;

/* New ring events per window are budgeted (EG_BUDGET_EVENTS): stay under it, then wait. */
#define PER_WINDOW 1500

static struct eg_bundle bundle;
static struct eg_guard guard;
static struct ring_buffer *ring;
static struct eg_event last;
static int n_events, in_window;
static char policy_path[] = "/tmp/eg-test-bpf-classify-XXXXXX";

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size >= sizeof(last))
		memcpy(&last, data, sizeof(last));
	n_events++;
	return 0;
}

/*
 * The class the kernel reports for a UDP packet to a, port dport (a new port
 * each time: an address checked twice is not folded into the first event);
 * UINT32_MAX when no single event came.
 */
static uint32_t kernel_class(u128 a, uint16_t dport)
{
	struct {
		unsigned char pad[2]; /* aligns the IPv6 header after the 14-byte Ethernet one */
		unsigned char
			buf[sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + sizeof(struct udphdr)];
	} __attribute__((aligned(8))) p = {0};
	struct ethhdr *eth = (struct ethhdr *)p.buf;
	struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip6 + 1);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p.buf, .data_size_in = sizeof(p.buf));

	if (++in_window > PER_WINDOW) {
		usleep(1100000);
		in_window = 1;
	}
	eth->h_proto = htons(ETH_P_IPV6);
	ip6->version = 6;
	ip6->hop_limit = 64;
	ip6->nexthdr = IPPROTO_UDP;
	ip6->payload_len = htons(sizeof(*udp));
	inet_pton(AF_INET6, "2001:db8:ffff::1", &ip6->saddr);
	eg_u128_to_addr(a, ip6->daddr.s6_addr);
	udp->source = htons(40000);
	udp->dest = htons(dport);
	n_events = 0;
	if (bpf_prog_test_run_opts(bpf_program__fd(guard.skel->progs.EG_PROG(egress)), &opts) ||
	    opts.retval != 0)
		return UINT32_MAX;
	ring_buffer__consume(ring);
	return n_events == 1 ? last.class_id : UINT32_MAX;
}

static size_t checked, wrong;

static void check_at(u128 a)
{
	const struct eg_world *w = &bundle.world;

	wrong += kernel_class(a, (uint16_t)(1 + checked % 60000)) !=
		 eg_world_segment(w, eg_world_segment_find(w, a)).class_id;
	checked++;
}

/* Each fine bound of every 4th fine span, one below it, and the /48 after the span. */
static void check_fine_spans(void)
{
	const struct eg_world *w = &bundle.world;
	uint32_t cell, i, j;

	for (cell = 0; cell < 65536; cell++) {
		const struct eg_span *s = &w->v6_index[cell];

		for (i = s->first; s->count > 1 && i < s->first + s->count; i++) {
			uint32_t v = w->v6_bounds[i].value, span = v & ~EG_V6_FINE;
			u128 base = (((u128)cell << 32) | w->v6_bounds[i].start) << 80;
			const struct eg_span *f = &w->v6_fine_index[span];

			if (!(v & EG_V6_FINE) || span % 4)
				continue;
			for (j = f->first; j < f->first + f->count; j++) {
				const struct eg_v6_fine_bound *b = &w->v6_fine_bounds[j];
				u128 at = base | ((u128)b->start_mid << 64) | b->start_lo;

				check_at(at);
				check_at(at - 1);
			}
			check_at(base + ((u128)1 << 80));
		}
	}
}

/* Every 331st coarse bound, one address inside and one below it (the first /16s hold the inline
 * cells too). */
static void check_coarse(void)
{
	const struct eg_world *w = &bundle.world;
	uint32_t cell, i;

	for (cell = 0; cell < 65536; cell++) {
		const struct eg_span *s = &w->v6_index[cell];

		if (s->count == 1 && cell % 512 == 0)
			check_at((u128)cell << 112);
		for (i = s->first; s->count > 1 && i < s->first + s->count; i += 331) {
			u128 at = (((u128)cell << 32) | w->v6_bounds[i].start) << 80;

			check_at(at);
			check_at(at + 12345);
			check_at(at - 1);
		}
	}
}

/* Every 211th IPv4 bound (four to a value) and the address below it, as ::ffff:a.b.c.d. */
static void check_v4(void)
{
	const struct eg_world *w = &bundle.world;
	const u128 mapped = (u128)0xffff << 32;
	uint32_t cell, i;

	for (cell = 0; cell < 65536; cell++) {
		const struct eg_span *s = &w->v4_index[cell];

		if (s->count == 1 && cell % 64 == 0)
			check_at(mapped | (u128)cell << 16);
		for (i = s->first + cell % 211; s->count > 1 && i < s->first + s->count; i += 211) {
			u128 at = mapped | (u128)cell << 16 | w->v4_bounds[i / 4].start[i % 4];

			check_at(at);
			check_at(at - 1);
		}
	}
}

static void test_load(void)
{
	struct eg_error err = {0};
	char data[1024];
	FILE *f;
	int fd;

	if (realdata_section(data, sizeof(data)))
		SKIP(REALDATA_ABSENT);
	fd = mkstemp(policy_path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	ASSERT_OK_PTR(f, "policy file");
	fprintf(f, "mode: enforce\ndefault: deny\nrules: []\n%s", data);
	fclose(f);
	ASSERT_OK(eg_bundle_load(policy_path, -1, &bundle, &err), err.msg);
	unlink(policy_path);
	ASSERT_OK(eg_guard_load_bundle(&guard, &bundle, NULL, &err), err.msg);
	ASSERT_OK(eg_guard_apply(&guard, &bundle.rules, &err), err.msg);
	ring = ring_buffer__new(eg_guard_events_fd(&guard), on_event, NULL, NULL);
	ASSERT_OK_PTR(ring, "event ring buffer");
}

static void test_ipv6_fine_and_coarse_bounds(void)
{
	ASSERT_GE(bundle.world.n_v6_fine_spans, 1000, "real /48s cut finer");
	checked = wrong = 0;
	check_fine_spans();
	check_coarse();
	printf("  %zu IPv6 destinations classified by the kernel, %zu differ\n", checked, wrong);
	EXPECT_GE(checked, 8000, "destinations checked");
	EXPECT_EQ(wrong, 0, "the kernel's class is the segment's");
}

static void test_ipv4_bounds(void)
{
	checked = wrong = 0;
	check_v4();
	printf("  %zu IPv4 destinations classified by the kernel, %zu differ\n", checked, wrong);
	EXPECT_GE(checked, 5000, "destinations checked");
	EXPECT_EQ(wrong, 0, "the kernel's class is the segment's");
}

int main(void)
{
	RUN_TEST(test_load);
	if (ring) {
		RUN_TEST(test_ipv6_fine_and_coarse_bounds);
		RUN_TEST(test_ipv4_bounds);
	}
	ring_buffer__free(ring);
	eg_guard_destroy(&guard);
	eg_bundle_free(&bundle);
	return check_summary();
}
