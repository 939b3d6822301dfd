// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The kernel's decision-table lookup (maps/classify.h eg_dt_find run by the
 * real egress program over the maps as the loader fills them) gives the
 * reference decision's verdict on IPv4 cells of every form of maps/tables.h:
 * inline, leaf, tree, bitmap and wide. The policy is CIDR-only and dense in
 * a few /8s (tests/unit/test_dtable.c checks the same forms in userspace,
 * against the reference, on every boundary). The egress program is driven
 * with BPF_PROG_TEST_RUN: it passes (1) or drops (0) each packet. Needs root;
 * nothing is attached.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include "bundle.h"
#include "dtable.h"
#include "check.h"
#include "exfilguard.skel.h"
#include "guard.h"
#include "judge.h"
#include "realdata.h"

static struct eg_bundle bundle;
static struct eg_guard guard;
static char policy_path[] = "/tmp/eg-test-bpf-dtable-XXXXXX";

static void cidr_add(FILE *f, int *first, uint32_t a, unsigned plen)
{
	fprintf(f, "%s%u.%u.%u.%u/%u", *first ? "" : ", ", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		a & 255, plen);
	*first = 0;
}

/* Distinct pseudo-random values below 2^bits for distinct i (an odd multiplier permutes). */
static uint32_t pick(uint32_t i, unsigned bits)
{
	return (i * 0x9e3779b1u) & ((1u << bits) - 1);
}

/*
 * 21.0/12: /24s (bitmaps); 22.0/12: 8-120 /28s a /16 and /32 allow holes
 * (trees); 23.0/12: a few /28s a /16 (leaves); 24.9/16: 200 /30s (wide).
 */
static void write_policy(FILE *f)
{
	int first = 1;
	uint32_t i, k;

	fprintf(f, "mode: enforce\nrules:\n  - action: deny\n    cidr: [");
	for (i = 0; i < 3000; i++)
		cidr_add(f, &first, 21u << 24 | pick(i, 12) << 8, 24);
	for (i = 0; i < 16; i++)
		for (k = 8 + i * 7; k > 0; k--)
			cidr_add(f, &first, 22u << 24 | i << 16 | pick(k, 12) << 4, 28);
	for (i = 0; i < 16; i++)
		for (k = 1 + i % 7; k > 0; k--)
			cidr_add(f, &first, 23u << 24 | i << 16 | pick(k + i, 12) << 4, 28);
	for (i = 0; i < 200; i++)
		cidr_add(f, &first, 24u << 24 | 9u << 16 | pick(i, 14) << 2, 30);
	fprintf(f, "]\n  - action: allow\n    cidr: [");
	first = 1;
	for (i = 0; i < 300; i++)
		cidr_add(f, &first, 22u << 24 | pick(i, 20), 32);
	fprintf(f, "]\n");
}

/* g's egress program's verdict on a UDP packet to a (host order): 1 pass, 0 drop, -1 error. */
static int passes_under(struct eg_guard *g, uint32_t a)
{
	struct {
		unsigned char pad[2];
		unsigned char
			buf[sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr)];
	} __attribute__((aligned(8))) p = {0};
	struct ethhdr *eth = (struct ethhdr *)p.buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p.buf, .data_size_in = sizeof(p.buf));

	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*udp));
	ip->saddr = htonl(0xc6120001u); /* 198.18.0.1 */
	ip->daddr = htonl(a);
	udp->source = htons(40000);
	udp->dest = htons(9);
	udp->len = htons(sizeof(*udp));
	if (bpf_prog_test_run_opts(bpf_program__fd(g->skel->progs.EG_PROG(egress)), &opts))
		return -1;
	return (int)opts.retval;
}

static int kernel_passes(uint32_t a)
{
	return passes_under(&guard, a);
}

static int reference_passes(uint32_t a)
{
	struct eg_tables ref = {.rs = &bundle.rules, .fail_closed = bundle.policy.fail_closed};
	struct eg_decision d;
	uint32_t class_id, net = htonl(a);
	uint8_t addr[16];

	eg_addr_from_v4(addr, net);
	eg_judge_user(&ref, addr, &d, &class_id);
	return d.verdict != EG_VERDICT_DENY;
}

static void test_load(void)
{
	struct eg_error err = {0};
	int fd = mkstemp(policy_path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	ASSERT_OK_PTR(f, "policy file");
	write_policy(f);
	fclose(f);
	ASSERT_OK(eg_bundle_load(policy_path, -1, &bundle, &err), err.msg);
	unlink(policy_path);
	ASSERT_OK(eg_guard_load_bundle(&guard, &bundle, NULL, &err), err.msg);
	ASSERT_OK(eg_guard_apply(&guard, &bundle.rules, &err), err.msg);
}

/* Every rule's first and last address +-1, and 40k random addresses in the dense /8s. */
static void test_verdicts(void)
{
	static const uint32_t eights[] = {21, 22, 23, 24};
	size_t checked = 0, wrong = 0, denied = 0, i;
	unsigned seed = 5;

	for (i = 0; i < bundle.rules.n_entries; i++) {
		const struct eg_ruleset_entry *e = &bundle.rules.entries[i];
		unsigned plen = e->key.prefixlen - 32 - 96;
		uint32_t first = ntohl(*(const uint32_t *)(e->key.addr + 12));
		uint32_t last = first | (plen == 32 ? 0 : 0xffffffffu >> plen);
		uint32_t at[] = {first - 1, first, first + 1, last - 1, last, last + 1};

		for (size_t j = 0; j < sizeof(at) / sizeof(at[0]); j++, checked++)
			wrong += kernel_passes(at[j]) != reference_passes(at[j]);
	}
	for (i = 0; i < 40000; i++, checked++) {
		uint32_t a = eights[i % 4] << 24 | ((uint32_t)rand_r(&seed) & 0xfffffu);
		int k = kernel_passes(a);

		wrong += k != reference_passes(a);
		denied += k == 0;
	}
	printf("  %zu IPv4 destinations judged by the kernel, %zu denied at random, %zu differ\n",
	       checked, denied, wrong);
	EXPECT_GE(checked, 60000, "destinations checked");
	EXPECT_GE(denied, 5000, "many of them denied");
	EXPECT_EQ(wrong, 0, "the kernel's verdict is the reference's");
}

/*
 * The config's summary (maps/tables.h struct eg_dt_summary, kept by the
 * loader from the cells it filled the index map with) is the one userspace
 * builds from the same policy; the
 * kernel judges the marked blocks from it (a wrong id there changes the
 * verdict), and as the reference does across the whole IPv4 space.
 */
static void test_summary(void)
{
	struct eg_dt_summary *live = &guard.hot->cfg[guard.cfg_slot].node_summary;
	const uint32_t open_ip = 0x01020304u; /* 1.2.3.4: no rule near */
	struct eg_error err = {0};
	struct eg_dtset set;
	size_t wrong = 0, marked = 0, i;
	uint32_t deny_id, allow_id;
	unsigned seed = 9;

	ASSERT_OK(eg_dtset_build(&set, &bundle, EG_SLOT_NODE, &err), err.msg);
	EXPECT_TRUE(!memcmp(live, &set.summaries[EG_SLOT_NODE], sizeof(*live)),
		    "the config's summary is the tables' own");
	for (deny_id = 1; deny_id + 1 < set.n_decisions; deny_id++) /* the deny rule's decision */
		if (set.decisions[deny_id].verdict == EG_VERDICT_DENY)
			break;
	EXPECT_EQ(set.decisions[deny_id].verdict, EG_VERDICT_DENY, "a deny decision");
	eg_dtset_free(&set);
	for (i = 0; i < 20000; i++) {
		uint32_t a = (uint32_t)rand_r(&seed) << 16 ^ (uint32_t)rand_r(&seed);

		wrong += kernel_passes(a) != reference_passes(a);
		marked += (live->blocks[(a >> 20) / 64] >> ((a >> 20) % 64)) & 1;
	}
	printf("  20000 random IPv4 destinations, %zu in marked blocks, %zu differ\n", marked,
	       wrong);
	EXPECT_GE(marked, 15000, "most blocks are marked");
	EXPECT_EQ(wrong, 0, "the kernel's verdict is the reference's");
	allow_id = live->id;
	EXPECT_EQ(kernel_passes(open_ip), 1, "a marked block passes");
	live->id = deny_id;
	EXPECT_EQ(kernel_passes(open_ip), 0, "the kernel takes a marked block's decision from it");
	live->id = allow_id;
	EXPECT_EQ(kernel_passes(open_ip), 1, "and passes again with its own");
}

/*
 * A policy on the fixture world, with and without a stale-data table: the
 * config's summary is userspace's for the same policy, over both tables'
 * cells (the stale one's after the fresh one's in the index map); with stale
 * data closed the two tables share no block, so nothing is marked, and the
 * fresh table still decides.
 */
static void check_world_summary(const char *fixtures, const char *age, int want_marks)
{
	char path[] = "/tmp/eg-test-bpf-dtable-world-XXXXXX", text[1024];
	struct eg_error err = {0};
	struct eg_bundle b;
	struct eg_dtset set;
	struct eg_guard g = {0};
	const struct eg_dt_summary *live;
	int fd = mkstemp(path);

	snprintf(text, sizeof(text),
		 "%son_failure: closed\ndata:\n  country: %s/geolite2-country.mmdb\n  asn: "
		 "[%s/asn.csv]\nrules:\n  - action: deny\n    country: [CN]\n",
		 age, fixtures, fixtures);
	ASSERT_TRUE(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text),
		    "policy written");
	close(fd);
	ASSERT_OK(eg_bundle_load(path, -1, &b, &err), err.msg);
	unlink(path);
	ASSERT_OK(eg_dtset_build(&set, &b, EG_SLOT_NODE, &err), err.msg);
	if (eg_guard_load_bundle(&g, &b, NULL, &err) || eg_guard_apply(&g, &b.rules, &err)) {
		EXPECT_TRUE(0, err.msg);
	} else {
		live = &g.hot->cfg[g.cfg_slot].node_summary;
		printf("  %s: %zu tables, %u blocks marked\n",
		       age[0] ? "stale table" : "fresh only", set.n_tables,
		       eg_dt_summary_marked(live));
		EXPECT_EQ(set.n_tables, age[0] ? 2 : 1, "tables compiled");
		EXPECT_TRUE(!memcmp(live, &set.summaries[EG_SLOT_NODE], sizeof(*live)),
			    "the config's summary is the tables' own");
		EXPECT_EQ(eg_dt_summary_marked(live) > 0, want_marks, "blocks marked or not");
		EXPECT_EQ(passes_under(&g, 0x01020304u), 1, "fresh data: 1.2.3.4 passes");
	}
	eg_guard_destroy(&g);
	eg_dtset_free(&set);
	eg_bundle_free(&b);
}

static void test_summary_stale(void)
{
	char fixtures[] = "/tmp/eg-test-bpf-dtable-fx-XXXXXX", cmd[128];

	ASSERT_OK_PTR(mkdtemp(fixtures), "fixture directory");
	if (fixtures_generate(fixtures) == 0) {
		check_world_summary(fixtures, "", 1);
		check_world_summary(fixtures, "max_data_age: 1000d\n", 0);
	} else {
		EXPECT_TRUE(0, "fixtures generated");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fixtures);
	EXPECT_EQ(system(cmd), 0, "fixtures removed");
}

int main(void)
{
	RUN_TEST(test_load);
	if (guard.skel) {
		RUN_TEST(test_verdicts);
		RUN_TEST(test_summary);
		RUN_TEST(test_summary_stale);
	}
	eg_guard_destroy(&guard);
	eg_bundle_free(&bundle);
	return check_summary();
}
