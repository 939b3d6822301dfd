// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The compiled decision tables (user/dtable.c, read by maps/classify.h as
 * the kernel reads them) against the reference decision (rules +
 * classification + maps/decide.h): on every classification and rule
 * boundary +-1 and on 1M random IPv4 and 1M random IPv6 addresses, for
 * CIDR-only, country, provider, jurisdiction, mixed, scope and stale
 * policies, on the fixture world and on the real datasets in data/.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "addr.h"
#include "bundle.h"
#include "check.h"
#include "realdata.h"
#include "dtable.h"
#include "embed.h"

typedef unsigned __int128 u128;

static char fixtures[] = "/tmp/eg-test-dtable-XXXXXX";

static int load(const char *data, const char *body, struct eg_bundle *b)
{
	return testbundle_load(fixtures, data, body, b);
}

struct pair {
	struct eg_tables ref, dt;
	unsigned long checked;
};

static int same(const struct eg_decision *a, const struct eg_decision *b)
{
	return a->action == b->action && a->verdict == b->verdict && a->match == b->match &&
	       a->prefixlen == b->prefixlen && a->rule == b->rule && a->mode == b->mode &&
	       a->slot == b->slot && a->embed == b->embed && a->by_v4 == b->by_v4 &&
	       !memcmp(a->v4, b->v4, 4);
}

/* Both judges at a; 0 on disagreement (after saying where). */
static int agree(struct pair *p, u128 a)
{
	struct eg_decision want, got;
	uint8_t addr[16];
	uint32_t class_id;
	char text[64];

	eg_u128_to_addr(a, addr);
	eg_judge_user(&p->ref, addr, &want, &class_id);
	eg_judge_user(&p->dt, addr, &got, &class_id);
	p->checked++;
	if (same(&want, &got))
		return 1;
	eg_addr_format(addr, text, sizeof(text));
	fprintf(stderr,
		"  %s: reference rule %u match %u verdict %u plen %u, table rule %u match %u "
		"verdict %u plen %u\n",
		text, want.rule, want.match, want.verdict, want.prefixlen, got.rule, got.match,
		got.verdict, got.prefixlen);
	return 0;
}

/* x-1, x, x+1 (where they exist). */
static int agree_around(struct pair *p, u128 x)
{
	return (x == 0 || agree(p, x - 1)) && agree(p, x) && (x == ~(u128)0 || agree(p, x + 1));
}

static int agree_boundaries(struct pair *p, const struct eg_bundle *b)
{
	const struct eg_ruleset *rs = p->ref.rs;
	size_t i;

	for (i = 0; b->have_world && i < b->world.segs.n; i++)
		if (!agree_around(p, eg_world_segment(&b->world, i).first) ||
		    !agree_around(p, eg_world_segment(&b->world, i).last))
			return 0;
	for (i = 0; i < rs->n_entries; i++) {
		unsigned plen = rs->entries[i].key.prefixlen - 32;
		u128 first = eg_u128_from_addr(rs->entries[i].key.addr);

		if (!agree_around(p, first) ||
		    !agree_around(p, plen == 128 ? first : first | (~(u128)0 >> plen)))
			return 0;
	}
	return 1;
}

static u128 random_u128(unsigned *seed)
{
	u128 v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 16) | (u128)(rand_r(seed) & 0xffff);
	return v;
}

/* 1M IPv4 and 1M IPv6 (global unicast mostly, NAT64 forms among them). */
static int agree_random(struct pair *p)
{
	unsigned seed = 20260611;
	const u128 v4_base = (u128)0xffff << 32, nat64 = (u128)0x0064ff9b << 96;

	for (int i = 0; i < 1000000; i++) {
		u128 r = random_u128(&seed), v6;

		if (!agree(p, v4_base | (uint32_t)r))
			return 0;
		v6 = i % 8 == 0	  ? nat64 | (uint32_t)(r >> 32)
		     : i % 8 == 1 ? r
				  : (r & (~(u128)0 >> 3)) | ((u128)1 << 125); /* 2000::/3 */
		if (!agree(p, v6))
			return 0;
	}
	return 1;
}

/* One slot's tables (node 0 or scope i) against its reference, fresh and stale when compiled. */
static void check_slot(const struct eg_bundle *b, const struct eg_dtset *set,
		       const struct eg_ruleset *rs, uint32_t slot, int randoms)
{
	struct eg_nat64_prefix nat64[EG_MAX_NAT64_PREFIXES];
	struct pair p = {0};
	int stale;

	eg_nat64_table(b->policy.nat64, b->policy.n_nat64, nat64);
	for (stale = 0; stale <= (eg_bundle_stale_after(b) ? 1 : 0); stale++) {
		p.ref = (struct eg_tables){.world = b->have_world ? &b->world : NULL,
					   .rs = rs,
					   .fail_closed = b->policy.fail_closed,
					   .stale = stale,
					   .nat64 = nat64,
					   .slot = slot};
		p.dt = p.ref;
		p.dt.dt = set;
		ASSERT_TRUE(agree_boundaries(&p, b), "tables agree on every boundary +-1");
		if (randoms)
			ASSERT_TRUE(agree_random(&p), "tables agree on 1M IPv4 and 1M IPv6");
	}
	ASSERT_TRUE(p.checked > 0, "something checked");
}

static void check_policy(const char *data, const char *body, int randoms)
{
	struct eg_bundle b;
	struct eg_dtset set;
	struct eg_error err = {0};

	ASSERT_EQ(load(data, body, &b), 0, "policy loads");
	ASSERT_EQ(eg_dtset_build(&set, &b, EG_SLOT_NODE, &err), 0, err.msg);
	check_slot(&b, &set, &b.rules, EG_SLOT_NODE, randoms);
	for (size_t i = 0; i < b.n_scope_rules; i++)
		check_slot(&b, &set, &b.scope_rules[i], EG_SLOT_SCOPE(i), randoms);
	eg_dtset_free(&set);
	eg_bundle_free(&b);
}

static const char *const policies[] = {
	/* CIDR-only, nested holes, IPv6, the canary named by the user */
	"rules:\n  - action: deny\n    cidr: [198.51.100.0/24, 2001:db8:bad::/48, 0.0.0.0/1]\n"
	"  - action: allow\n    cidr: [198.51.100.7, 2001:db8:bad:1::/64, 0.0.0.1/32]\n"
	"  - action: audit\n    cidr: [64.0.0.0/2, '::/0']\n",
	/* country, default deny, audit mode */
	"mode: audit\ndefault: deny\nrules:\n  - action: allow\n    country: [US, DE]\n",
	/* provider and ASN */
	"rules:\n  - action: deny\n    provider: [alibaba-cloud]\n  - action: audit\n    asn: "
	"[AS4134]\n",
	/* jurisdiction over country, with allow holes */
	"rules:\n  - action: allow\n    country: [US]\n  - action: deny\n    jurisdiction: [CN]\n"
	"  - action: allow\n    cidr: [198.51.100.128/25, 47.74.0.0/24]\n",
	/* mixed, NAT64 prefix, scopes */
	"nat64_prefixes: [2001:db8:64::/96]\nrules:\n  - action: deny\n    country: [CN]\n"
	"  - action: deny\n    provider: [alibaba-cloud]\n  - action: deny\n    jurisdiction: "
	"[CN]\n"
	"scopes:\n  - name: a\n    match:\n      cgroup: [\"/x/**\"]\n    default: deny\n"
	"    rules:\n      - action: allow\n        country: [DE]\n"
	"  - name: b\n    match:\n      cgroup: [\"/y\"]\n    mode: audit\n    rules: []\n",
	/* stale data, open and closed */
	"max_data_age: 1s\nrules:\n  - action: deny\n    country: [CN]\n"
	"  - action: allow\n    cidr: [198.51.100.9]\n",
	"on_failure: closed\nmax_data_age: 1s\nrules:\n  - action: deny\n    country: [CN]\n"
	"  - action: allow\n    cidr: [198.51.100.9, 2001:db8::/32]\n",
};

static void test_fixture_world(void)
{
	static const char data[] = "data:\n  country: geolite2-country.mmdb\n  asn: asn.csv\n";

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		check_policy(data, policies[i], 1);
}

static void test_no_world(void)
{
	check_policy("", policies[0], 1);
}

static void test_real_world(void)
{
	char data[1024];

	ASSERT_EQ(realdata_section(data, sizeof(data)), 0, "real datasets in data/");
	/* Boundaries of every policy; the random millions on two of them. */
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		check_policy(data, policies[i], i == 3 || i == 6);
}

/* Append a.b.c.d/plen to the list in buf (at *len). */
static void cidr_add(char *buf, size_t *len, uint32_t a, unsigned plen)
{
	*len += (size_t)sprintf(buf + *len, "%s%u.%u.%u.%u/%u", buf[*len - 1] == '[' ? "" : ", ",
				a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, plen);
}

/*
 * Dense IPv4 cells, one group per form of maps/tables.h: 20.0/12 thick with
 * random /24s of one rule (bitmaps), 30.0/12 with 8-120 random /28s per /16
 * and /32 holes (trees), 31.0/12 with 1-7 /28s per /16 (leaves), 32.7/16
 * with 200 /30s (more than a tree holds: wide), 40.0/12 with /24s of two
 * actions (three decisions: not a bitmap).
 */
static char *dense_policy(void)
{
	char *b = malloc(1 << 20);
	size_t len = 0;
	unsigned seed = 7;
	uint32_t i, k;

/* Distinct pseudo-random values below 2^bits for distinct i (an odd multiplier permutes). */
#define PICK(i, bits) (((uint32_t)(i)*0x9e3779b1u) & ((1u << (bits)) - 1))

	len += (size_t)sprintf(b, "rules:\n  - action: deny\n    cidr: [");
	for (i = 0; i < 3000; i++)
		cidr_add(b, &len, (20u << 24) | PICK(i, 12) << 8, 24);
	for (i = 0; i < 16; i++)
		for (k = 8 + (uint32_t)rand_r(&seed) % 113; k > 0; k--)
			cidr_add(b, &len, (30u << 24) | i << 16 | PICK(k, 12) << 4, 28);
	for (i = 0; i < 16; i++)
		for (k = 1 + (uint32_t)rand_r(&seed) % 7; k > 0; k--)
			cidr_add(b, &len, (31u << 24) | i << 16 | PICK(k + i, 12) << 4, 28);
	for (i = 0; i < 200; i++)
		cidr_add(b, &len, (32u << 24) | 7u << 16 | PICK(i, 14) << 2, 30);
	for (i = 0; i < 800; i++)
		cidr_add(b, &len, (40u << 24) | PICK(i, 12) << 8, 24);
	len += (size_t)sprintf(b + len, "]\n  - action: allow\n    cidr: [");
	for (i = 0; i < 300; i++)
		cidr_add(b, &len, (30u << 24) | PICK(i, 20), 32);
	len += (size_t)sprintf(b + len, "]\n  - action: audit\n    cidr: [");
	for (i = 800; i < 1600; i++)
		cidr_add(b, &len, (40u << 24) | PICK(i, 12) << 8, 24);
	sprintf(b + len, "]\n");
#undef PICK
	return b;
}

/* 200k random addresses in the dense /8s. */
static int agree_dense(struct pair *p)
{
	static const uint32_t eights[] = {20, 30, 31, 32, 40};
	unsigned seed = 11;

	for (int i = 0; i < 200000; i++) {
		uint32_t a = eights[i % 5] << 24 | ((uint32_t)rand_r(&seed) & 0xfffffu);

		if (!agree(p, ((u128)0xffff << 32) | a))
			return 0;
	}
	return 1;
}

/* Cells of each form in table 0 (the node's). */
static void count_forms(const struct eg_dtset *set, unsigned forms[5])
{
	memset(forms, 0, 5 * sizeof(*forms));
	for (uint32_t c = 0; c < EG_DT_CELLS; c++)
		forms[EG_DT_FORM(set->v4_index[c].count) >> 28]++;
}

/* The dense policy compiled with narrow_ids (0: the default), checked everywhere. */
static void check_dense(uint32_t narrow_ids, unsigned forms[5])
{
	char *body = dense_policy();
	struct eg_bundle b;
	struct eg_dtset set;
	struct eg_error err = {0};
	struct pair p = {0};

	ASSERT_EQ(load("", body, &b), 0, "policy loads");
	free(body);
	memset(&set, 0, sizeof(set));
	set.narrow_ids = narrow_ids;
	p.ref = (struct eg_tables){.rs = &b.rules, .fail_closed = b.policy.fail_closed};
	ASSERT_EQ(eg_dtset_add(&set, &p.ref, EG_SLOT_NODE, &err), 0, err.msg);
	p.dt = p.ref;
	p.dt.dt = &set;
	count_forms(&set, forms);
	EXPECT_TRUE(agree_boundaries(&p, &b), "tables agree on every boundary +-1");
	EXPECT_TRUE(agree_dense(&p), "tables agree on 200k addresses in the dense /8s");
	EXPECT_TRUE(eg_dtset_kernel_bytes(&set) > 0, "tables hold something");
	eg_dtset_free(&set);
	eg_bundle_free(&b);
}

static void test_dense_forms(void)
{
	unsigned forms[5];

	check_dense(0, forms);
	printf("  cells: %u leaf, %u tree, %u bitmap, %u wide\n", forms[1], forms[2], forms[3],
	       forms[4]);
	EXPECT_GE(forms[EG_DT_LEAF >> 28], 16, "leaves");
	EXPECT_GE(forms[EG_DT_TREE >> 28], 16, "trees");
	EXPECT_GE(forms[EG_DT_BITMAP >> 28], 16, "bitmaps");
	EXPECT_GE(forms[EG_DT_WIDE >> 28], 1, "a wide cell (past a tree's 256 ranges)");
	/* Decision ids too wide for a line: narrow_ids 2 makes nearly every id one. */
	check_dense(2, forms);
	EXPECT_EQ(forms[EG_DT_LEAF >> 28] + forms[EG_DT_TREE >> 28], 0, "no line holds a wide id");
	EXPECT_GE(forms[EG_DT_WIDE >> 28], 32, "their cells keep 8-byte bounds");
	EXPECT_EQ(forms[EG_DT_BITMAP >> 28], 0, "nor a bitmap (its ids: 14 bits, in the cell)");
}

/* Whether the summary marks ip's /12 (read independently of maps/dtable_v4.h). */
static int marked(const struct eg_dt_summary *s, uint32_t ip)
{
	return s->id != EG_DT_NONE && (s->blocks[(ip >> 20) / 64] >> ((ip >> 20) % 64)) & 1;
}

static uint8_t verdict_at(const struct eg_tables *t, uint32_t ip)
{
	struct eg_decision d;
	uint32_t class_id;
	uint8_t addr[16];

	eg_addr_from_v4(addr, htonl(ip));
	eg_judge_user(t, addr, &d, &class_id);
	return d.verdict;
}

/* The node policy's tables and summary for data and body; NULL on failure. */
static struct eg_dt_summary *summary_of(const char *data, const char *body, struct eg_bundle *b,
					struct eg_dtset *set)
{
	struct eg_error err = {0};

	memset(set, 0, sizeof(*set));
	if (load(data, body, b) || eg_dtset_build(set, b, EG_SLOT_NODE, &err) || !set->summaries) {
		fprintf(stderr, "  cannot build the tables: %s\n", err.msg);
		return NULL;
	}
	return &set->summaries[EG_SLOT_NODE];
}

/*
 * The /12 blocks the summary marks: whole blocks of the commonest decision
 * only, none where either table (fresh, stale) differs; and a lookup in a
 * marked block answers from the summary, not the cells.
 */
static void test_summary(void)
{
	static const char body[] =
		"rules:\n  - action: deny\n    cidr: [16.0.0.0/12, 48.1.2.0/24]\n"
		"  - action: allow\n    cidr: [198.51.100.9]\n";
	const uint32_t open_ip = 0x01020304u, deny12 = 0x10000000u, deny24 = 0x30010200u,
		       hole = 0xc6336409u; /* 1.2.3.4, 16.0.0.0, 48.1.2.0, 198.51.100.9 */
	struct eg_bundle b;
	struct eg_dtset set;
	struct eg_dt_summary *s = summary_of("", body, &b, &set);
	struct eg_tables t = {.rs = &b.rules, .dt = &set};
	uint32_t allow_id, deny_id;
	unsigned n = 0;

	ASSERT_OK_PTR(s, "the tables build");
	allow_id = s->id;
	deny_id = set.v4_index[deny12 >> 16].first;

	for (uint32_t k = 0; k < EG_DT_SUMMARY_BLOCKS; k++)
		n += marked(s, k << 20);
	printf("  %u of %u /12 blocks marked\n", n, EG_DT_SUMMARY_BLOCKS);
	EXPECT_GE(n, EG_DT_SUMMARY_BLOCKS - 8, "nearly every block is the default's");
	EXPECT_TRUE(allow_id < set.n_decisions && set.decisions[allow_id].rule == EG_RULE_DEFAULT,
		    "the commonest decision is the default");
	EXPECT_TRUE(marked(s, open_ip), "an open block is marked");
	EXPECT_TRUE(!marked(s, deny12), "a whole block of another decision is not");
	EXPECT_TRUE(!marked(s, deny24), "nor a block with a hole of another decision");
	EXPECT_TRUE(!marked(s, hole), "nor the allow rule's");
	EXPECT_EQ(verdict_at(&t, open_ip), EG_VERDICT_ALLOW, "the open block allowed");
	s->id = deny_id; /* the lookup must take the marked block's decision from the summary */
	EXPECT_EQ(verdict_at(&t, open_ip), EG_VERDICT_DENY,
		  "a marked block's decision is the summary's");
	EXPECT_EQ(verdict_at(&t, deny24 + 256), EG_VERDICT_ALLOW,
		  "an unmarked block's is its cell's");
	eg_dtset_free(&set);
	eg_bundle_free(&b);

	/* Stale data closed: the stale table denies what the fresh one allows: nothing in common.
	 */
	s = summary_of("data:\n  country: geolite2-country.mmdb\n  asn: asn.csv\n",
		       "on_failure: closed\nmax_data_age: 1s\nrules: []\n", &b, &set);
	ASSERT_OK_PTR(s, "the tables build");
	EXPECT_EQ(set.n_tables, 2, "a fresh and a stale table");
	EXPECT_EQ(s->id, EG_DT_NONE, "no block decides the same in both");
	EXPECT_TRUE(!marked(s, open_ip), "so none is marked");
	eg_dtset_free(&set);
	eg_bundle_free(&b);
}

int main(void)
{
	char cmd[512];

	if (!mkdtemp(fixtures)) {
		perror("mkdtemp");
		return 1;
	}
	if (fixtures_generate(fixtures))
		return 1;
	RUN_TEST(test_no_world);
	RUN_TEST(test_dense_forms);
	RUN_TEST(test_summary);
	RUN_TEST(test_fixture_world);
	RUN_TEST(test_real_world);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fixtures);
	if (system(cmd))
		fprintf(stderr, "test_dtable: could not remove %s\n", fixtures);
	return check_summary();
}
