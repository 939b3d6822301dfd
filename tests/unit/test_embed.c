// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * IPv4 carried in IPv6 (maps/embed4.h): the IPv4 found in each form and
 * at each RFC 6052 prefix length, the decision taking the stronger of the
 * two forms' verdicts, `lookup`'s and events' report of both forms, and the
 * policy keys nat64_prefixes and raw_sockets.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "../lib/check.h"
#include "../../maps/embed4.h"
#include "embed.h"
#include "event_view.h"
#include "events.h"
#include "judge.h"
#include "ruleset.h"

/* The form a text address carries an IPv4 in, and that IPv4 as text into v4. */
static int embedded(const char *text, const struct eg_nat64_prefix *nsp, char v4[INET_ADDRSTRLEN])
{
	uint8_t a[16], ip[4] = {0};
	int form;

	if (inet_pton(AF_INET6, text, a) != 1)
		return -1;
	form = eg_embedded_v4(a, nsp, ip);
	inet_ntop(AF_INET, ip, v4, INET_ADDRSTRLEN);
	return form;
}

static void nat64_prefix(struct eg_nat64_prefix *p, const char *text, uint8_t plen)
{
	uint8_t a[16];

	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET6, text, a) == 1)
		memcpy(p->addr, a, sizeof(p->addr));
	p->plen = plen;
}

static void test_fixed_forms(void)
{
	char v4[INET_ADDRSTRLEN];

	ASSERT_EQ(embedded("64:ff9b::198.51.100.10", NULL, v4), EG_EMBED_NAT64, "well-known");
	ASSERT_STREQ(v4, "198.51.100.10", "well-known IPv4");
	ASSERT_EQ(embedded("64:ff9b:1:fffe::198.51.100.11", NULL, v4), EG_EMBED_NAT64_LOCAL,
		  "local use");
	ASSERT_STREQ(v4, "198.51.100.11", "local use: the /96 layout");
	ASSERT_EQ(embedded("2002:c633:640c::1", NULL, v4), EG_EMBED_6TO4, "6to4");
	ASSERT_STREQ(v4, "198.51.100.12", "6to4 IPv4 in bits 16-47");
	ASSERT_EQ(embedded("::198.51.100.13", NULL, v4), EG_EMBED_COMPAT, "IPv4-compatible");
	ASSERT_STREQ(v4, "198.51.100.13", "IPv4-compatible IPv4");
	ASSERT_EQ(embedded("::ffff:0:198.51.100.14", NULL, v4), EG_EMBED_SIIT, "SIIT");
	ASSERT_STREQ(v4, "198.51.100.14", "SIIT IPv4");
	ASSERT_EQ(embedded("::2", NULL, v4), EG_EMBED_COMPAT, "::2 is 0.0.0.2");
}

static void test_not_embedded(void)
{
	char v4[INET_ADDRSTRLEN];

	ASSERT_EQ(embedded("::", NULL, v4), EG_EMBED_NONE, "unspecified");
	ASSERT_EQ(embedded("::1", NULL, v4), EG_EMBED_NONE, "loopback");
	ASSERT_EQ(embedded("::ffff:198.51.100.1", NULL, v4), EG_EMBED_NONE,
		  "IPv4-mapped is the ABI's IPv4 form, not an embedding");
	ASSERT_EQ(embedded("2001:db8::198.51.100.1", NULL, v4), EG_EMBED_NONE,
		  "an unconfigured prefix");
	ASSERT_EQ(embedded("64:ff9b:0:0:1::198.51.100.1", NULL, v4), EG_EMBED_NONE,
		  "64:ff9b::/32 outside the /96 and the local-use /48");
	ASSERT_EQ(embedded("::1:0:0:198.51.100.1", NULL, v4), EG_EMBED_NONE,
		  "zero top 64 bits, but neither compatible nor SIIT");
}

/* RFC 6052 section 2.4's table: 192.0.2.33 under each prefix length. */
static void test_rfc6052_layouts(void)
{
	static const struct {
		const char *prefix, *addr;
		uint8_t plen;
	} rows[] = {
		{"2001:db8::", "2001:db8:c000:221::", 32},
		{"2001:db8:100::", "2001:db8:1c0:2:21::", 40},
		{"2001:db8:122::", "2001:db8:122:c000:2:2100::", 48},
		{"2001:db8:122:300::", "2001:db8:122:3c0:0:221::", 56},
		{"2001:db8:122:344::", "2001:db8:122:344:c0:2:2100:0", 64},
		{"2001:db8:122:344::", "2001:db8:122:344::192.0.2.33", 96},
	};
	struct eg_nat64_prefix nsp[EG_MAX_NAT64_PREFIXES];
	char v4[INET_ADDRSTRLEN];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(nsp, 0, sizeof(nsp));
		nat64_prefix(&nsp[3], rows[i].prefix, rows[i].plen);
		ASSERT_EQ(embedded(rows[i].addr, nsp, v4), EG_EMBED_NAT64_NSP, rows[i].addr);
		ASSERT_STREQ(v4, "192.0.2.33", rows[i].addr);
	}
}

/* The u octet (bits 64-71) is skipped, and not required to be zero: a translator may ignore it. */
static void test_u_octet(void)
{
	struct eg_nat64_prefix nsp[EG_MAX_NAT64_PREFIXES] = {0};
	char v4[INET_ADDRSTRLEN];

	nat64_prefix(&nsp[0], "2001:db8:122::", 48);
	ASSERT_EQ(embedded("2001:db8:122:c000:ff02:2100::", nsp, v4), EG_EMBED_NAT64_NSP,
		  "a non-zero u octet");
	ASSERT_STREQ(v4, "192.0.2.33", "the u octet is not part of the IPv4");
	nat64_prefix(&nsp[0], "2001:db8:122:344::", 64);
	ASSERT_EQ(embedded("2001:db8:122:344:ffc0:2:2100:0", nsp, v4), EG_EMBED_NAT64_NSP,
		  "/64: u octet first");
	ASSERT_STREQ(v4, "192.0.2.33", "/64 IPv4 after the u octet");
}

/* A configured prefix inside 64:ff9b:1::/48 keeps its own layout. */
static void test_configured_prefix_first(void)
{
	struct eg_nat64_prefix nsp[EG_MAX_NAT64_PREFIXES] = {0};
	char v4[INET_ADDRSTRLEN];

	nat64_prefix(&nsp[0], "64:ff9b:1::", 48);
	ASSERT_EQ(embedded("64:ff9b:1:c000:2:2100::", nsp, v4), EG_EMBED_NAT64_NSP, "configured");
	ASSERT_STREQ(v4, "192.0.2.33", "the /48 layout");
}

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "nat64_prefixes: [2001:db8:64::/96, 2001:db8:4000::/40]\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: 198.51.100.0/24\n"
				  "  - action: audit\n"
				  "    cidr: [198.18.0.0/15, 2001:db8:bad::/48]\n"
				  "  - action: deny\n"
				  "    cidr: 64:ff9b::198.18.0.7/128\n";

struct judged {
	struct eg_policy policy;
	struct eg_ruleset rs;
	struct eg_nat64_prefix nat64[EG_MAX_NAT64_PREFIXES];
};

static int judged_load(struct judged *j)
{
	struct eg_error err = {0};

	if (eg_policy_parse(policy_yaml, strlen(policy_yaml), "p.yaml", &j->policy, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return -1;
	}
	if (eg_ruleset_build(&j->policy, 0, &j->rs, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		eg_policy_free(&j->policy);
		return -1;
	}
	eg_nat64_table(j->policy.nat64, j->policy.n_nat64, j->nat64);
	return 0;
}

static struct eg_decision judge_text(const struct judged *j, const char *text)
{
	struct eg_tables t = {.rs = &j->rs, .nat64 = j->nat64};
	struct eg_decision d;
	uint8_t addr[16], family;
	uint32_t class_id;

	memset(&d, 0xee, sizeof(d));
	if (eg_addr_parse(text, addr, &family) == 0)
		eg_judge_user(&t, addr, &d, &class_id);
	return d;
}

static void test_decision_takes_the_stronger_form(void)
{
	struct judged j;
	struct eg_decision d;

	ASSERT_EQ(judged_load(&j), 0, "policy");
	ASSERT_EQ(j.policy.n_nat64, 2, "two prefixes parsed");
	d = judge_text(&j, "64:ff9b::198.51.100.10");
	ASSERT_EQ(d.verdict, EG_VERDICT_DENY, "the IPv4 rule denies the NAT64 form");
	ASSERT_EQ(d.by_v4, 1, "decided by the embedded IPv4");
	ASSERT_EQ(d.embed, EG_EMBED_NAT64, "form");
	ASSERT_EQ(d.rule, 0, "rule 0");
	d = judge_text(&j, "2001:db8:64::198.51.100.10");
	ASSERT_TRUE(d.verdict == EG_VERDICT_DENY && d.embed == EG_EMBED_NAT64_NSP,
		    "a configured /96");
	d = judge_text(&j, "2001:db8:40c6:3364:a:100::");
	ASSERT_TRUE(d.verdict == EG_VERDICT_DENY && d.embed == EG_EMBED_NAT64_NSP && d.v4[3] == 10,
		    "a configured /40 (u octet skipped)");
	d = judge_text(&j, "2002:c633:640a::1");
	ASSERT_TRUE(d.verdict == EG_VERDICT_DENY && d.embed == EG_EMBED_6TO4, "6to4");
	d = judge_text(&j, "::198.51.100.10");
	ASSERT_TRUE(d.verdict == EG_VERDICT_DENY && d.embed == EG_EMBED_COMPAT, "compatible");
	d = judge_text(&j, "::ffff:0:198.51.100.10");
	ASSERT_TRUE(d.verdict == EG_VERDICT_DENY && d.embed == EG_EMBED_SIIT, "SIIT");
	/* The IPv6 form's deny beats the IPv4 form's audit, and says so. */
	d = judge_text(&j, "64:ff9b::198.18.0.7");
	ASSERT_TRUE(d.verdict == EG_VERDICT_DENY && !d.by_v4 && d.rule == 2, "IPv6 form denies");
	/* Audit beats allow, from either side. */
	d = judge_text(&j, "64:ff9b::198.18.0.8");
	ASSERT_TRUE(d.verdict == EG_VERDICT_AUDIT && d.by_v4 && d.rule == 1, "IPv4 form audits");
	d = judge_text(&j, "2001:db8:bad::198.51.100.10");
	ASSERT_TRUE(d.verdict == EG_VERDICT_AUDIT && !d.by_v4 && d.embed == EG_EMBED_NONE,
		    "not an embedding: the IPv6 rule alone");
	d = judge_text(&j, "64:ff9b::192.0.2.1");
	ASSERT_TRUE(d.verdict == EG_VERDICT_ALLOW && d.rule == EG_RULE_DEFAULT && !d.by_v4,
		    "both allowed: the default");
	eg_ruleset_free(&j.rs);
	eg_policy_free(&j.policy);
}

static void test_policy_keys_refused(void)
{
	static const struct {
		const char *yaml, *msg;
	} bad[] = {
		{"nat64_prefixes: [2001:db8::/80]\n", "p.yaml:1:18: bad nat64 prefix"},
		{"nat64_prefixes: [198.51.100.0/24]\n", "bad nat64 prefix"},
		{"nat64_prefixes: 2001:db8::/96\n", "must be a list of IPv6 prefixes"},
		{"nat64_prefixes: [a::/96, b::/96, c::/96, d::/96, e::/96, f::/96, 1::/96, 2::/96, "
		 "3::/96]\n",
		 "more than 8 nat64_prefixes"},
		{"raw_sockets: maybe\n", "unknown raw_sockets"},
		{"raw_sockets: audit\n", "p.yaml:1:14: raw_sockets cannot be audit"},
	};
	struct eg_policy p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eg_error err = {0};

		ASSERT_NE(eg_policy_parse(bad[i].yaml, strlen(bad[i].yaml), "p.yaml", &p, &err), 0,
			  bad[i].yaml);
		ASSERT_CONTAINS(err.msg, bad[i].msg, bad[i].yaml);
	}
}

static void test_raw_sockets_key(void)
{
	struct eg_error err = {0};
	struct eg_policy p;

	ASSERT_EQ(eg_policy_parse("default: allow\n", 15, "p.yaml", &p, &err), 0, err.msg);
	ASSERT_EQ(p.raw_allow, 0, "raw sockets denied by default");
	eg_policy_free(&p);
	ASSERT_EQ(eg_policy_parse("raw_sockets: allow\n", 19, "p.yaml", &p, &err), 0, err.msg);
	ASSERT_EQ(p.raw_allow, 1, "raw_sockets: allow");
	eg_policy_free(&p);
}

static json_object *event_json(const struct eg_event *ev)
{
	struct eg_event_ctx *ctx = calloc(1, sizeof(*ctx));
	struct eg_event_view v;
	json_object *obj = NULL;
	char *line;
	size_t len;

	if (!ctx)
		return NULL;
	eg_event_ctx_init(ctx, EG_FORMAT_JSON, NULL, "/nonexistent");
	eg_event_view_resolve(ctx, ev, &v);
	line = eg_event_view_json(&v, &len);
	if (line)
		obj = json_tokener_parse(line);
	free(line);
	eg_event_view_free(&v);
	free(ctx);
	return obj;
}

static const char *field(json_object *obj, const char *key)
{
	return json_object_get_string(json_object_object_get(obj, key));
}

/* An event names both forms, which decided, and the prefix of the deciding form. */
static void test_event_shows_both_forms(void)
{
	struct eg_event ev = {.hook = EG_HOOK_CONNECT6,
			      .verdict = EG_VERDICT_DENY,
			      .match = EG_MATCH_CIDR,
			      .prefixlen = 24,
			      .family = AF_INET6,
			      .embed = EG_EMBED_NAT64,
			      .flags = EG_EVF_BY_V4,
			      .daddr_v4 = {198, 51, 100, 10},
			      .pid = 7};
	json_object *obj;

	inet_pton(AF_INET6, "64:ff9b::198.51.100.10", ev.daddr);
	obj = event_json(&ev);
	ASSERT_TRUE(obj, "event JSON");
	ASSERT_STREQ(field(obj, "daddr"), "64:ff9b::c633:640a", "the IPv6 form");
	ASSERT_STREQ(field(obj, "embedded_v4"), "198.51.100.10", "the IPv4 form");
	ASSERT_STREQ(field(obj, "embedding"), "nat64", "how");
	ASSERT_STREQ(field(obj, "decided_by"), "embedded_v4", "which form decided");
	ASSERT_STREQ(field(obj, "prefix"), "198.51.100.0/24", "the deciding form's prefix");
	ASSERT_STREQ(field(obj, "context"), "task", "a task sent it");
	json_object_put(obj);
}

/* Kernel context: no pid is borrowed, and the event says why. */
static void test_event_kernel_context(void)
{
	struct eg_event ev = {.hook = EG_HOOK_EGRESS,
			      .verdict = EG_VERDICT_DENY,
			      .match = EG_MATCH_DEFAULT,
			      .rule = EG_RULE_DEFAULT,
			      .family = AF_INET,
			      .flags = EG_EVF_KERNEL};
	json_object *obj;

	ev.daddr[10] = ev.daddr[11] = 0xff;
	obj = event_json(&ev);
	ASSERT_TRUE(obj, "event JSON");
	ASSERT_STREQ(field(obj, "context"), "kernel", "kernel context");
	ASSERT_TRUE(json_object_object_get(obj, "embedded_v4") == NULL, "no embedded IPv4");
	json_object_put(obj);
	ev.flags = EG_EVF_FOREIGN;
	obj = event_json(&ev);
	ASSERT_STREQ(field(obj, "context"), "foreign", "not the socket's task");
	json_object_put(obj);
}

int main(void)
{
	RUN_TEST(test_fixed_forms);
	RUN_TEST(test_not_embedded);
	RUN_TEST(test_rfc6052_layouts);
	RUN_TEST(test_u_octet);
	RUN_TEST(test_configured_prefix_first);
	RUN_TEST(test_decision_takes_the_stronger_form);
	RUN_TEST(test_policy_keys_refused);
	RUN_TEST(test_raw_sockets_key);
	RUN_TEST(test_event_shows_both_forms);
	RUN_TEST(test_event_kernel_context);
	return check_summary();
}
