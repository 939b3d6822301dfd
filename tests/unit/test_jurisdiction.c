// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Jurisdiction as policies write it and as events report it: "CN+" for CN,
 * HK and MO; `check`'s warnings about allow rules that can shadow a deny
 * jurisdiction rule for catalog space; the effective jurisdiction (the
 * provider's, else the located country's) and which one it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundle.h"
#include "check.h"
#include "event_names.h"
#include "judge.h"
#include "shadow.h"

static char tmpdir[] = "/tmp/eg-test-jur-XXXXXX";

/* A policy over a small country CSV and the AWS range fixture, loaded into b. */
static int load(const char *rules, struct eg_bundle *b, struct eg_error *err)
{
	char cwd[400], path[600], csv[600];
	FILE *f;

	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	snprintf(csv, sizeof(csv), "%s/country.csv", tmpdir);
	f = fopen(csv, "w");
	if (!f)
		return -1;
	fputs("1.0.1.0,1.0.1.255,CN\n1.64.0.0,1.64.255.255,HK\n60.246.0.0,60.246.255.255,MO\n"
	      "52.80.0.0,52.81.255.255,US\n3.5.0.0,3.5.31.255,US\n9.9.9.0,9.9.9.255,CH\n",
	      f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/asn.csv", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("47.88.0.0,47.88.255.255,45102\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/policy.yaml", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f,
		"data:\n  country: %s\n  asn: asn.csv\n"
		"  provider_ranges: %s/tests/fixtures/ranges/aws-ip-ranges.json\n"
		"rules:\n%s",
		csv, cwd, rules);
	fclose(f);
	return eg_bundle_load(path, -1, b, err);
}

static unsigned verdict_of(const struct eg_bundle *b, const char *text)
{
	struct eg_tables t = {.world = &b->world, .rs = &b->rules};
	struct eg_decision d;
	uint8_t addr[16], family;
	uint32_t class_id;

	eg_addr_parse(text, addr, &family);
	eg_judge_user(&t, addr, &d, &class_id);
	return d.verdict;
}

static void test_parse_spellings(void)
{
	uint16_t codes[EG_JURISDICTION_MAX_CODES];

	ASSERT_EQ(eg_jurisdiction_parse("CN+", codes), 3, "CN+ is three codes");
	ASSERT_EQ(codes[0], EG_CC('C', 'N'), "CN");
	ASSERT_EQ(codes[1], EG_CC('H', 'K'), "HK");
	ASSERT_EQ(codes[2], EG_CC('M', 'O'), "MO");
	ASSERT_EQ(eg_jurisdiction_parse("cn+", codes), 3, "any case");
	ASSERT_EQ(eg_jurisdiction_parse("us", codes), 1, "a plain code");
	ASSERT_EQ(codes[0], EG_CC('U', 'S'), "US");
	ASSERT_EQ(eg_jurisdiction_parse("US+", codes), -1, "no other group");
	ASSERT_EQ(eg_jurisdiction_parse("QQ", codes), -1, "unassigned code");
}

static void test_cn_plus_policy(void)
{
	struct eg_error err = {0};
	struct eg_bundle b;

	ASSERT_OK(load("  - action: deny\n    jurisdiction: [CN+]\n", &b, &err), err.msg);
	ASSERT_EQ(b.policy.rules[0].n_selectors, 3, "expanded to three selectors");
	ASSERT_STREQ(b.policy.rules[0].text, "deny jurisdiction: [CN, HK, MO]", "rule text");
	EXPECT_EQ(verdict_of(&b, "1.0.1.1"), EG_VERDICT_DENY, "CN denied");
	EXPECT_EQ(verdict_of(&b, "1.64.1.1"), EG_VERDICT_DENY, "HK denied");
	EXPECT_EQ(verdict_of(&b, "60.246.1.1"), EG_VERDICT_DENY, "MO denied");
	EXPECT_EQ(verdict_of(&b, "52.80.1.1"), EG_VERDICT_DENY, "AWS China (provider's CN) denied");
	EXPECT_EQ(verdict_of(&b, "9.9.9.9"), EG_VERDICT_ALLOW, "CH allowed");
	eg_bundle_free(&b);
	ASSERT_OK(load("  - action: deny\n    jurisdiction: [CN]\n", &b, &err), err.msg);
	EXPECT_EQ(verdict_of(&b, "1.64.1.1"), EG_VERDICT_ALLOW, "plain CN does not cover HK");
	eg_bundle_free(&b);
	ASSERT_EQ(load("  - action: deny\n    jurisdiction: [CN++]\n", &b, &err), -1, "refused");
	ASSERT_CONTAINS(err.msg, "policy.yaml:7:20: unknown jurisdiction \"CN++\"", "where, what");
}

struct notes {
	char text[4096];
	int n;
};

static void collect(void *ctx, const char *text)
{
	struct notes *n = ctx;

	snprintf(n->text + strlen(n->text), sizeof(n->text) - strlen(n->text), "%s\n", text);
	n->n++;
}

static int warnings(const char *rules, struct notes *n)
{
	struct eg_error err = {0};
	struct eg_bundle b;

	memset(n, 0, sizeof(*n));
	if (load(rules, &b, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return -1;
	}
	eg_shadow_check(&b, collect, n);
	eg_bundle_free(&b);
	return n->n;
}

static void test_shadow_warnings(void)
{
	static const char deny[] = "  - action: deny\n    jurisdiction: [CN]\n";
	char rules[512];
	struct notes n;

	snprintf(rules, sizeof(rules), "  - action: allow\n    provider: [aws-china, aws]\n%s",
		 deny);
	ASSERT_EQ(warnings(rules, &n), 1, "an allow of a CN provider written first: one warning");
	ASSERT_CONTAINS(n.text,
			"rule 1 (line 6) \"allow provider: [aws-china, aws]\" names "
			"aws-china",
			"names the rule and the provider");
	ASSERT_CONTAINS(n.text, "rule 2 (line 8) \"deny jurisdiction: [CN]\"", "and the deny");
	snprintf(rules, sizeof(rules), "%s  - action: allow\n    provider: [aws-china]\n", deny);
	ASSERT_EQ(warnings(rules, &n), 0, "written after the deny: it never decides");
	snprintf(rules, sizeof(rules), "  - action: allow\n    asn: [45102]\n%s", deny);
	ASSERT_EQ(warnings(rules, &n), 1, "an ASN of a CN provider (Alibaba)");
	ASSERT_CONTAINS(n.text, "alibaba-cloud (Alibaba Cloud, jurisdiction CN)", "its provider");
	snprintf(rules, sizeof(rules), "%s  - action: allow\n    cidr: [52.81.0.0/16]\n", deny);
	ASSERT_EQ(warnings(rules, &n), 1, "an allow CIDR over AWS China's published range");
	ASSERT_CONTAINS(n.text, "52.81.0.0/16 overlaps ranges of aws-china", "says where");
	snprintf(rules, sizeof(rules), "%s  - action: allow\n    cidr: [3.5.0.0/16]\n", deny);
	ASSERT_EQ(warnings(rules, &n), 0, "an allow CIDR over AWS us-east-1 only");
	snprintf(rules, sizeof(rules), "  - action: allow\n    provider: [aws]\n%s", deny);
	ASSERT_EQ(warnings(rules, &n), 0, "a US provider");
}

static void test_effective_jurisdiction(void)
{
	struct eg_class by_provider = {
		.country = EG_CC('U', 'S'), .provider = 1, .jurisdiction = EG_CC('C', 'N')};
	struct eg_class by_country = {.country = EG_CC('H', 'K')}, nothing = {0};
	struct eg_class_names names;
	json_object *obj;

	eg_class_describe(&by_provider, NULL, NULL, &names);
	ASSERT_STREQ(names.jurisdiction, "CN", "the provider's");
	ASSERT_STREQ(names.jurisdiction_source, "provider", "said to be the provider's");
	eg_class_describe(&by_country, NULL, NULL, &names);
	ASSERT_STREQ(names.jurisdiction, "HK", "else the located country's");
	ASSERT_STREQ(names.jurisdiction_source, "country", "said to be the country's");
	obj = json_object_new_object();
	eg_class_names_to_json(&names, obj);
	ASSERT_STREQ(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN),
		     "{\"country\":\"HK\",\"asn\":null,\"as_org\":null,\"provider\":null,"
		     "\"jurisdiction\":\"HK\",\"jurisdiction_source\":\"country\"}",
		     "JSON");
	json_object_put(obj);
	eg_class_describe(&nothing, NULL, NULL, &names);
	ASSERT_STREQ(names.jurisdiction, "", "nothing known");
	ASSERT_TRUE(names.jurisdiction_source == NULL, "no source");
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(tmpdir)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_parse_spellings);
	RUN_TEST(test_cn_plus_policy);
	RUN_TEST(test_shadow_warnings);
	RUN_TEST(test_effective_jurisdiction);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_summary();
}
