// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Ruleset compilation, the userspace longest-prefix match, and the decision on top of it. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "../lib/check.h"
#include "../../maps/decide.h"
#include "ruleset.h"

#define POLICY_ID 7

/* Parse YAML text and compile it; the policy is kept for rule texts. */
static int build(const char *text, struct eg_policy *policy, struct eg_ruleset *rs,
		 struct eg_error *err)
{
	if (eg_policy_parse(text, strlen(text), "policy.yaml", policy, err))
		return -1;
	if (eg_ruleset_build(policy, POLICY_ID, rs, err)) {
		eg_policy_free(policy);
		return -1;
	}
	return 0;
}

static void release(struct eg_policy *policy, struct eg_ruleset *rs)
{
	eg_ruleset_free(rs);
	eg_policy_free(policy);
}

static const struct eg_rule *lookup_text(const struct eg_ruleset *rs, const char *addr_text)
{
	uint8_t addr[16], family;

	if (eg_addr_parse(addr_text, addr, &family))
		return NULL;
	return eg_ruleset_lookup(rs, addr);
}

static const char nested_policy[] = "mode: enforce\n"
				    "default: allow\n"
				    "rules:\n"
				    "  - action: deny\n"
				    "    cidr: 198.51.100.0/24\n"
				    "  - action: allow\n"
				    "    cidr: 198.51.100.7/32\n";

static void test_entries(void)
{
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};
	uint8_t net[16], family;

	ASSERT_EQ(build(nested_policy, &p, &rs, &err), 0, err.msg);
	ASSERT_EQ(rs.hdr.loaded, 1, "loaded");
	ASSERT_EQ(rs.hdr.mode, EG_MODE_ENFORCE, "mode");
	ASSERT_EQ(rs.hdr.default_action, EG_ACT_ALLOW, "default");
	ASSERT_EQ(rs.hdr.selector_kinds, 0, "CIDR-only: the kernel never classifies");
	ASSERT_EQ(rs.hdr.rules, 2, "rules");
	ASSERT_EQ(rs.n_entries, 2, "entries");

	ASSERT_EQ(eg_addr_parse("198.51.100.0", net, &family), 0, "parse");
	ASSERT_EQ(rs.entries[0].key.prefixlen, 32 + 96 + 24, "key prefixlen");
	ASSERT_EQ(rs.entries[0].key.policy, htonl(POLICY_ID), "key policy in net order");
	ASSERT_EQ(memcmp(rs.entries[0].key.addr, net, 16), 0, "key addr");
	ASSERT_EQ(rs.entries[0].value.index, 0, "rule index");
	ASSERT_EQ(rs.entries[0].value.action, EG_ACT_DENY, "action");
	ASSERT_EQ(rs.entries[0].value.plen, 24, "plen as written");
	ASSERT_EQ(rs.entries[1].key.prefixlen, 32 + 128, "host key prefixlen");
	ASSERT_EQ(rs.entries[1].value.index, 1, "rule 2 index");
	ASSERT_EQ(rs.entries[1].value.plen, 32, "host plen");
	release(&p, &rs);
}

static void test_longest_prefix_wins(void)
{
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};
	const struct eg_rule *hit;

	ASSERT_EQ(build(nested_policy, &p, &rs, &err), 0, err.msg);
	hit = lookup_text(&rs, "198.51.100.7");
	ASSERT_TRUE(hit != NULL, "host hit");
	ASSERT_EQ(hit->action, EG_ACT_ALLOW, "the /32 allow wins inside the /24 deny");
	ASSERT_EQ(hit->index, 1, "rule 2");
	ASSERT_EQ(hit->plen, 32, "plen");
	hit = lookup_text(&rs, "198.51.100.8");
	ASSERT_TRUE(hit != NULL, "network hit");
	ASSERT_EQ(hit->action, EG_ACT_DENY, "the rest of the /24 is denied");
	ASSERT_EQ(hit->index, 0, "rule 1");
	ASSERT_EQ(hit->plen, 24, "plen");
	ASSERT_TRUE(lookup_text(&rs, "198.51.101.7") == NULL, "outside: no match");
	ASSERT_TRUE(lookup_text(&rs, "2001:db8::1") == NULL, "IPv6: no match");
	release(&p, &rs);
}

/* The same rules written as IPv4 and as IPv4-mapped IPv6 compile to the same entries. */
static void test_v4_and_mapped_agree(void)
{
	static const char *const addrs[] = {"198.51.100.7", "::ffff:198.51.100.7",
					    "198.51.100.9", "::ffff:198.51.100.9",
					    "198.51.99.1",  "::ffff:198.51.99.1"};
	const char *mapped_policy = "rules:\n"
				    "  - action: deny\n"
				    "    cidr: ::ffff:198.51.100.0/120\n"
				    "  - action: allow\n"
				    "    cidr: ::ffff:198.51.100.7\n";
	struct eg_policy p4, p6;
	struct eg_ruleset rs4, rs6;
	struct eg_error err = {0};

	ASSERT_EQ(build(nested_policy, &p4, &rs4, &err), 0, err.msg);
	ASSERT_EQ(build(mapped_policy, &p6, &rs6, &err), 0, err.msg);
	ASSERT_EQ(rs6.n_entries, rs4.n_entries, "entries");
	ASSERT_EQ(memcmp(rs6.entries, rs4.entries, rs4.n_entries * sizeof(*rs4.entries)), 0,
		  "identical trie entries");
	ASSERT_EQ(rs6.entries[0].value.plen, 24, "mapped /120 is stored as plen 24");
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		const struct eg_rule *a = lookup_text(&rs4, addrs[i]),
				     *b = lookup_text(&rs6, addrs[i]);
		const struct eg_rule *v4 = lookup_text(&rs4, addrs[i & ~1u]);

		ASSERT_EQ(!a, !b, addrs[i]);
		ASSERT_EQ(!a, !v4, addrs[i]);
		if (a) {
			ASSERT_EQ(memcmp(a, b, sizeof(*a)), 0, addrs[i]);
			ASSERT_EQ(memcmp(a, v4, sizeof(*a)), 0, addrs[i]);
		}
	}
	release(&p4, &rs4);
	release(&p6, &rs6);
}

static void test_v6(void)
{
	const char *text = "rules:\n"
			   "  - action: deny\n"
			   "    cidr: 2001:db8:bad::/48\n"
			   "  - action: allow\n"
			   "    cidr: 2001:db8:bad:1::/64\n"
			   "  - action: audit\n"
			   "    cidr: ::/0\n"
			   "  - action: deny\n"
			   "    cidr: 2001:db8:bad:1::1\n";
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};
	const struct eg_rule *hit;

	ASSERT_EQ(build(text, &p, &rs, &err), 0, err.msg);
	ASSERT_EQ(rs.entries[2].key.prefixlen, 32, "::/0 key prefixlen");
	hit = lookup_text(&rs, "2001:db8:bad:2::1");
	ASSERT_TRUE(hit && hit->index == 0 && hit->plen == 48, "in the /48");
	hit = lookup_text(&rs, "2001:db8:bad:1::2");
	ASSERT_TRUE(hit && hit->index == 1 && hit->plen == 64, "in the /64");
	hit = lookup_text(&rs, "2001:db8:bad:1::1");
	ASSERT_TRUE(hit && hit->index == 3 && hit->plen == 128, "the /128");
	hit = lookup_text(&rs, "2001:db8:beef::1");
	ASSERT_TRUE(hit && hit->index == 2 && hit->plen == 0, "only ::/0");
	hit = lookup_text(&rs, "192.0.2.1");
	ASSERT_TRUE(hit && hit->index == 2, "::/0 holds IPv4 too, as the kernel trie does");
	release(&p, &rs);
}

static void test_no_match(void)
{
	const char *text = "default: deny\nrules:\n  - action: allow\n    cidr: 10.0.0.0/8\n";
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};

	ASSERT_EQ(build(text, &p, &rs, &err), 0, err.msg);
	ASSERT_TRUE(lookup_text(&rs, "11.0.0.1") == NULL, "no match");
	ASSERT_EQ(rs.hdr.default_action, EG_ACT_DENY, "default");
	release(&p, &rs);

	ASSERT_EQ(build("rules: []\n", &p, &rs, &err), 0, err.msg);
	ASSERT_EQ(rs.n_entries, 0, "no entries");
	ASSERT_EQ(rs.hdr.loaded, 1, "still loaded");
	ASSERT_TRUE(lookup_text(&rs, "10.0.0.1") == NULL, "empty ruleset");
	release(&p, &rs);
}

/* Building must fail with exactly msg, leaving the ruleset zeroed. */
static int expect_build_error(const char *text, const char *msg)
{
	static const struct eg_ruleset zero;
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};

	if (eg_policy_parse(text, strlen(text), "policy.yaml", &p, &err)) {
		CHECK_FAIL_("policy refused: %s", err.msg);
		return -1;
	}
	if (eg_ruleset_build(&p, POLICY_ID, &rs, &err) != -1 || strcmp(err.msg, msg) != 0 ||
	    memcmp(&rs, &zero, sizeof(rs)) != 0) {
		CHECK_FAIL_("error \"%s\"; expected \"%s\"", err.msg, msg);
		eg_policy_free(&p);
		return -1;
	}
	eg_policy_free(&p);
	return 0;
}

static void test_duplicate_prefix(void)
{
	ASSERT_EQ(expect_build_error(
			  "mode: enforce\n"
			  "rules:\n"
			  "  - action: deny\n"
			  "    cidr: [198.51.100.0/24]\n"
			  "  - action: allow\n"
			  "    cidr: 10.0.0.0/8\n"
			  "  - action: allow\n"
			  "    cidr: [192.0.2.0/24, 198.51.100.0/24]\n",
			  "policy.yaml:7:5: prefix 198.51.100.0/24 is already in rule 1 (line 3); "
			  "one prefix can belong to one rule"),
		  0, "same spelling");
	ASSERT_EQ(expect_build_error(
			  "rules:\n"
			  "  - action: deny\n"
			  "    cidr: 198.51.100.0/24\n"
			  "  - action: audit\n"
			  "    cidr: ::ffff:198.51.100.0/120\n",
			  "policy.yaml:4:5: prefix 198.51.100.0/24 is already in rule 1 (line 2); "
			  "one prefix can belong to one rule"),
		  0, "mapped spelling");
	ASSERT_EQ(expect_build_error(
			  "rules:\n"
			  "  - action: deny\n"
			  "    cidr: [2001:db8::/32, 2001:DB8:0::/32]\n",
			  "policy.yaml:2:5: prefix 2001:db8::/32 is listed twice in rule 1"),
		  0, "twice in one rule");
	ASSERT_EQ(expect_build_error(
			  "rules:\n"
			  "  - action: deny\n"
			  "    cidr: &nets [10.0.0.0/8, 10.1.0.0/16]\n"
			  "  - action: audit\n"
			  "    cidr: *nets\n",
			  "policy.yaml:4:5: prefix 10.0.0.0/8 is already in rule 1 (line 2); "
			  "one prefix can belong to one rule"),
		  0, "alias");
}

static void test_limit(void)
{
	struct eg_policy_rule rule = {.action = EG_ACT_DENY, .line = 1, .column = 1};
	struct eg_policy p = {.path = "big.yaml", .rules = &rule, .n_rules = 1};
	struct eg_ruleset rs;
	struct eg_error err = {0};

	rule.n_cidrs = EG_MAX_RULE_PREFIXES + 1;
	rule.cidrs = calloc(rule.n_cidrs, sizeof(*rule.cidrs));
	ASSERT_TRUE(rule.cidrs != NULL, "calloc");
	for (size_t i = 0; i < rule.n_cidrs; i++) {
		rule.cidrs[i].family = AF_INET6;
		rule.cidrs[i].plen = 128;
		rule.cidrs[i].addr[0] = 0x20;
		rule.cidrs[i].addr[13] = (uint8_t)(i >> 16);
		rule.cidrs[i].addr[14] = (uint8_t)(i >> 8);
		rule.cidrs[i].addr[15] = (uint8_t)i;
	}
	ASSERT_EQ(eg_ruleset_build(&p, 0, &rs, &err), -1, "one too many");
	ASSERT_STREQ(err.msg, "big.yaml: 1048577 prefixes; a policy holds at most 1048576",
		     "message");
	rule.n_cidrs = EG_MAX_RULE_PREFIXES;
	ASSERT_EQ(eg_ruleset_build(&p, 0, &rs, &err), 0, err.msg);
	ASSERT_EQ(rs.n_entries, EG_MAX_RULE_PREFIXES, "exactly the limit");
	ASSERT_TRUE(eg_ruleset_lookup(&rs, rule.cidrs[12345].addr) == &rs.entries[12345].value,
		    "lookup at the limit");
	eg_ruleset_free(&rs);
	free(rule.cidrs);
}

/* ---- the decision, with the code the BPF hooks run ---- */

static void decide_text(const struct eg_ruleset *rs, const char *addr, struct eg_decision *d)
{
	memset(d, 0xaa, sizeof(*d));
	eg_decide(&rs->hdr, lookup_text(rs, addr), d);
}

static const char decide_rules[] = "rules:\n"
				   "  - action: deny\n"
				   "    cidr: 198.51.100.0/24\n"
				   "  - action: allow\n"
				   "    cidr: 198.51.100.7\n"
				   "  - action: audit\n"
				   "    cidr: 2001:db8::/32\n";

/* decide_rules with its mode and default filled in. */
static int build_decide(const char *mode, const char *def, struct eg_policy *p,
			struct eg_ruleset *rs, struct eg_error *err)
{
	char text[512];

	snprintf(text, sizeof(text), "mode: %s\ndefault: %s\n%s", mode, def, decide_rules);
	return build(text, p, rs, err);
}

static void test_decide_enforce(void)
{
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};
	struct eg_decision d;

	ASSERT_EQ(build_decide("enforce", "allow", &p, &rs, &err), 0, err.msg);
	decide_text(&rs, "198.51.100.1", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_DENY, "deny verdict");
	ASSERT_EQ(d.action, EG_ACT_DENY, "deny action");
	ASSERT_EQ(d.match, EG_MATCH_CIDR, "cidr match");
	ASSERT_EQ(d.rule, 0, "rule 1");
	ASSERT_EQ(d.prefixlen, 24, "prefixlen as written");
	ASSERT_EQ(d.mode, EG_MODE_ENFORCE, "mode");

	decide_text(&rs, "198.51.100.7", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_ALLOW, "allow verdict");
	ASSERT_EQ(d.rule, 1, "rule 2");
	ASSERT_EQ(d.prefixlen, 32, "host prefixlen");

	decide_text(&rs, "2001:db8::5", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_AUDIT, "audit action: reported");
	ASSERT_EQ(d.action, EG_ACT_AUDIT, "audit action");
	ASSERT_EQ(d.rule, 2, "rule 3");

	decide_text(&rs, "192.0.2.1", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_ALLOW, "default allow");
	ASSERT_EQ(d.match, EG_MATCH_DEFAULT, "default match");
	ASSERT_EQ(d.rule, EG_RULE_DEFAULT, "default rule");
	ASSERT_EQ(d.prefixlen, 0, "no prefix");
	release(&p, &rs);
}

static void test_decide_audit_mode(void)
{
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};
	struct eg_decision d;

	ASSERT_EQ(build_decide("audit", "deny", &p, &rs, &err), 0, err.msg);
	decide_text(&rs, "198.51.100.1", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_AUDIT, "deny becomes audit");
	ASSERT_EQ(d.action, EG_ACT_DENY, "the action is still deny");
	ASSERT_EQ(d.mode, EG_MODE_AUDIT, "mode");
	decide_text(&rs, "192.0.2.1", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_AUDIT, "default deny becomes audit");
	ASSERT_EQ(d.match, EG_MATCH_DEFAULT, "default");
	decide_text(&rs, "198.51.100.7", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_ALLOW, "allow stays allow");
	release(&p, &rs);
}

static void test_decide_default_deny(void)
{
	struct eg_policy p;
	struct eg_ruleset rs;
	struct eg_error err = {0};
	struct eg_decision d;

	ASSERT_EQ(build_decide("enforce", "deny", &p, &rs, &err), 0, err.msg);
	decide_text(&rs, "192.0.2.1", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_DENY, "default deny");
	ASSERT_EQ(d.action, EG_ACT_DENY, "action");
	ASSERT_EQ(d.match, EG_MATCH_DEFAULT, "match");
	ASSERT_EQ(d.rule, EG_RULE_DEFAULT, "rule");
	decide_text(&rs, "2001:db9::1", &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_DENY, "IPv6 default deny");
	release(&p, &rs);
}

/*
 * The precedence trap: `allow country: [US, SG]` written before
 * `deny jurisdiction: [CN]`. A destination of a CN-controlled provider located
 * in the US (Alibaba US) must be denied: the provider's jurisdiction ranks with
 * what is known of the operator, above the location.
 */
static void test_decide_jurisdiction_above_country(void)
{
	struct eg_policy_hdr pol = {.loaded = 1, .mode = EG_MODE_ENFORCE};
	struct eg_rule allow_us = {.index = 0, .action = EG_ACT_ALLOW};
	struct eg_rule deny_cn = {.index = 1, .action = EG_ACT_DENY};
	struct eg_rule allow_asn = {.index = 2, .action = EG_ACT_ALLOW};
	struct eg_hits alibaba_us = {.country = &allow_us, .jur_by_provider = &deny_cn};
	struct eg_hits located_cn = {.country = &allow_us, .jur_by_country = &deny_cn};
	struct eg_hits asn_hole = {.asn = &allow_asn, .jur_by_provider = &deny_cn};
	struct eg_decision d;

	eg_decide_hits(&pol, &alibaba_us, &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_DENY, "CN-controlled provider in the US: denied");
	ASSERT_EQ(d.match, EG_MATCH_JURISDICTION, "decided by jurisdiction");
	ASSERT_EQ(d.rule, 1, "the jurisdiction rule");

	/* By location only, the two rules share a level: the one written first wins. */
	eg_decide_hits(&pol, &located_cn, &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_ALLOW, "location level: first written wins");
	ASSERT_EQ(d.match, EG_MATCH_COUNTRY, "decided by country");

	/* On the operator level, first written wins too: an earlier ASN allow is a hole. */
	allow_asn.index = 0;
	deny_cn.index = 1;
	eg_decide_hits(&pol, &asn_hole, &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_ALLOW, "an ASN allow written first wins");
	ASSERT_EQ(d.match, EG_MATCH_ASN, "decided by ASN");
	allow_asn.index = 2;
	eg_decide_hits(&pol, &asn_hole, &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_DENY, "a jurisdiction deny written first wins");
	ASSERT_EQ(d.match, EG_MATCH_JURISDICTION, "decided by jurisdiction");
}

static void test_decide_no_policy(void)
{
	struct eg_policy_hdr unused = {0};
	struct eg_rule hit = {.index = 3, .action = EG_ACT_DENY, .plen = 8};
	struct eg_decision d;

	memset(&d, 0xaa, sizeof(d));
	eg_decide(NULL, NULL, &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_ALLOW, "allowed");
	ASSERT_EQ(d.action, EG_ACT_ALLOW, "action");
	ASSERT_EQ(d.match, EG_MATCH_NO_POLICY, "no policy");
	ASSERT_EQ(d.rule, EG_RULE_DEFAULT, "rule");
	ASSERT_EQ(d.mode, EG_MODE_ENFORCE, "mode");

	memset(&d, 0xaa, sizeof(d));
	eg_decide(&unused, &hit, &d);
	ASSERT_EQ(d.verdict, EG_VERDICT_ALLOW, "an unused slot allows, whatever the trie says");
	ASSERT_EQ(d.match, EG_MATCH_NO_POLICY, "unused slot");
}

/* ---- randomized cross-check against a linear scan ---- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	/* xorshift64*: deterministic for a given seed, so failures can be replayed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static void mask_to(uint8_t addr[16], unsigned plen16)
{
	for (unsigned i = plen16; i < 128; i++)
		addr[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

/* A few bases, so random prefixes nest and share bits the way real policies do. */
#define N_BASES 24
static uint8_t bases[N_BASES][16];

static void random_bases(void)
{
	for (int b = 0; b < N_BASES; b++) {
		for (int i = 0; i < 16; i++)
			bases[b][i] = (uint8_t)rng();
		if (b % 2 == 0) { /* half IPv4 */
			memset(bases[b], 0, 10);
			bases[b][10] = bases[b][11] = 0xff;
		}
	}
}

/* A base address with every bit from `keep` on replaced by random ones. */
static void random_near(uint8_t out[16], unsigned keep)
{
	uint8_t noise[16];

	memcpy(out, bases[rng() % N_BASES], 16);
	for (int i = 0; i < 16; i++)
		noise[i] = (uint8_t)rng();
	for (unsigned i = keep; i < 128; i++) {
		uint8_t bit = 0x80u >> (i % 8);

		out[i / 8] = (uint8_t)((out[i / 8] & ~bit) | (noise[i / 8] & bit));
	}
}

static void random_cidr(struct eg_cidr *c)
{
	unsigned plen16 = rng() % 129;

	random_near(c->addr, rng() % 129);
	if (rng() % 8 == 0)
		for (int i = 0; i < 16; i++)
			c->addr[i] = (uint8_t)rng();
	mask_to(c->addr, plen16);
	/* The invariant eg_cidr_parse keeps: mapped prefixes of /96+ are IPv4. */
	if (plen16 >= 96 && eg_addr_is_v4mapped(c->addr)) {
		c->family = AF_INET;
		c->plen = (uint8_t)(plen16 - 96);
	} else {
		c->family = AF_INET6;
		c->plen = (uint8_t)plen16;
	}
}

static int same_cidr(const struct eg_cidr *a, const struct eg_cidr *b)
{
	return eg_cidr_plen16(a) == eg_cidr_plen16(b) && memcmp(a->addr, b->addr, 16) == 0;
}

static const struct eg_rule *linear_lookup(const struct eg_ruleset *rs, const uint8_t addr[16])
{
	const struct eg_ruleset_entry *best = NULL;

	for (size_t i = 0; i < rs->n_entries; i++) {
		const struct eg_ruleset_entry *e = &rs->entries[i];
		struct eg_cidr c = {.plen = (uint8_t)(e->key.prefixlen - 32), .family = AF_INET6};

		memcpy(c.addr, e->key.addr, 16);
		if (eg_cidr_contains(&c, addr) && (!best || e->key.prefixlen > best->key.prefixlen))
			best = e;
	}
	return best ? &best->value : NULL;
}

#define N_PREFIXES 2000
#define N_ADDRS	   20000

static void test_random_cross_check(void)
{
	static struct eg_policy_rule rules[N_PREFIXES];
	static struct eg_cidr cidrs[N_PREFIXES];
	struct eg_policy p = {
		.path = "random.yaml", .rules = rules, .default_action = EG_ACT_ALLOW};
	uint64_t seed = 0x6567667573656564ull; /* fixed: the run is reproducible */
	struct eg_ruleset rs;
	struct eg_error err = {0};
	size_t hits = 0;

	rng_state = seed;
	random_bases();
	while (p.n_rules < N_PREFIXES) {
		struct eg_cidr *c = &cidrs[p.n_rules];
		int dup = 0;

		random_cidr(c);
		for (size_t i = 0; i < p.n_rules && !dup; i++)
			dup = same_cidr(c, &cidrs[i]);
		if (dup)
			continue;
		rules[p.n_rules] = (struct eg_policy_rule){
			.action = rng() % 3, .cidrs = c, .n_cidrs = 1, .line = p.n_rules + 1};
		p.n_rules++;
	}
	ASSERT_EQ(eg_ruleset_build(&p, 1, &rs, &err), 0, err.msg);
	for (int i = 0; i < N_ADDRS; i++) {
		uint8_t addr[16];
		const struct eg_rule *got, *want;

		random_near(addr, rng() % 129);
		got = eg_ruleset_lookup(&rs, addr);
		want = linear_lookup(&rs, addr);
		if (got != want) {
			char text[EG_ADDR_STRLEN];

			eg_addr_format(addr, text, sizeof(text));
			CHECK_FAIL_("seed %#llx address %d (%s): trie says rule %d, linear scan %d",
				    (unsigned long long)seed, i, text, got ? got->index : -1,
				    want ? want->index : -1);
			eg_ruleset_free(&rs);
			return;
		}
		hits += got != NULL;
	}
	eg_ruleset_free(&rs);
	/* The check means little if nothing ever matched. */
	ASSERT_GE(hits, N_ADDRS / 10, "enough matches");
}

int main(void)
{
	RUN_TEST(test_entries);
	RUN_TEST(test_longest_prefix_wins);
	RUN_TEST(test_v4_and_mapped_agree);
	RUN_TEST(test_v6);
	RUN_TEST(test_no_match);
	RUN_TEST(test_duplicate_prefix);
	RUN_TEST(test_limit);
	RUN_TEST(test_decide_enforce);
	RUN_TEST(test_decide_audit_mode);
	RUN_TEST(test_decide_default_deny);
	RUN_TEST(test_decide_jurisdiction_above_country);
	RUN_TEST(test_decide_no_policy);
	RUN_TEST(test_random_cross_check);
	return check_summary();
}
