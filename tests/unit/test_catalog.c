// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The provider catalog: parsing, lookups, errors, and the shipped maps/providers.conf. */
#include <sys/socket.h>
#include "../lib/check.h"
#include "catalog.h"
#include "exfilguard.h"

#define PARSE(text, cat, err) eg_catalog_parse((text), sizeof(text) - 1, "t.conf", (cat), (err))

static void test_parse_good(void)
{
	static const char text[] = "# two providers\n"
				   "provider alpha-1   # trailing comment\n"
				   "  name \"Alpha \\\"One\\\" # not a comment\"\n"
				   "  jurisdiction cn\n"
				   "  asn 64500 AS64501\n"
				   "  asn as64502\n"
				   "  cidr 192.0.2.0/24 2001:db8::/32\n"
				   "\n"
				   "provider beta\r\n"
				   "\tname Beta\n"
				   "\tjurisdiction US\n"
				   "\tcidr 198.51.100.0/25\n";
	struct eg_catalog cat;
	struct eg_error err = {0};
	const struct eg_provider *a, *b;

	ASSERT_EQ(PARSE(text, &cat, &err), 0, err.msg);
	ASSERT_EQ(cat.n_providers, 2, "providers");
	ASSERT_STREQ(cat.path, "t.conf", "path");
	a = eg_catalog_find(&cat, "alpha-1");
	b = eg_catalog_find(&cat, "beta");
	ASSERT_TRUE(a && b, "found by id");
	ASSERT_TRUE(eg_catalog_find(&cat, "gamma") == NULL, "unknown id");
	ASSERT_EQ(a->index, 1, "1-based index");
	ASSERT_EQ(b->index, 2, "second");
	ASSERT_EQ(a->line, 2, "line of its provider statement");
	ASSERT_STREQ(a->name, "Alpha \"One\" # not a comment", "quoted name with escapes");
	ASSERT_STREQ(b->name, "Beta", "a bare word is a name too");
	ASSERT_EQ(a->jurisdiction, EG_CC('C', 'N'), "upper-cased");
	ASSERT_EQ(a->n_asns, 3, "asn lines add up");
	ASSERT_EQ(a->asns[2], 64502, "AS prefix in any case");
	ASSERT_EQ(a->n_cidrs, 2, "cidrs");
	ASSERT_EQ(a->cidrs[1].family, AF_INET6, "IPv6 cidr");
	ASSERT_EQ(b->n_asns, 0, "cidrs alone are enough");
	ASSERT_TRUE(eg_catalog_by_asn(&cat, 64501) == a, "by ASN");
	ASSERT_TRUE(eg_catalog_by_asn(&cat, 64503) == NULL, "unknown ASN");
	ASSERT_EQ(cat.n_by_asn, 3, "index entries");
	ASSERT_TRUE(eg_catalog_get(&cat, 2) == b, "by index");
	ASSERT_TRUE(eg_catalog_get(&cat, 0) == NULL && eg_catalog_get(&cat, 3) == NULL, "bounds");
	eg_catalog_free(&cat);
	ASSERT_TRUE(eg_catalog_find(NULL, "x") == NULL && eg_catalog_by_asn(NULL, 1) == NULL,
		    "NULL catalog");
}

static void test_parse_bad(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"name \"A\"\n", "t.conf:1:1: \"name\" outside a provider"},
		{"provider Bad_Id\n", "t.conf:1:10: bad provider id \"Bad_Id\""},
		{"provider -a\n", "t.conf:1:10: bad provider id"},
		{"provider\n", "t.conf:1:1: expected \"provider ID\""},
		{"provider a b\n", "t.conf:1:1: expected \"provider ID\""},
		{"provider a\n name \"A\"\n jurisdiction CHN\n asn 1\n",
		 "t.conf:3:15: bad jurisdiction \"CHN\""},
		{"provider a\n name \"A\"\n jurisdiction CN\n asn 12x\n",
		 "t.conf:4:6: bad AS number \"12x\""},
		{"provider a\n name \"A\"\n jurisdiction CN\n asn 0\n",
		 "t.conf:4:6: bad AS number"},
		{"provider a\n name \"A\"\n jurisdiction CN\n asn 4294967296\n", "bad AS number"},
		{"provider a\n name \"A\"\n jurisdiction CN\n cidr 10.0.0.1/8\n",
		 "t.conf:4:7: bad cidr \"10.0.0.1/8\": host bits set"},
		{"provider a\n colour blue\n", "t.conf:2:2: unknown keyword \"colour\""},
		{"provider a\n name \"A\n", "t.conf:2:7: unterminated quoted string"},
		{"provider a\n name \"A\"x\n", "t.conf:2:10: text right after a closing quote"},
		{"provider a\n name A\"B\"\n", "t.conf:2:8: quote inside a word"},
		{"provider a\n name \"\"\n", "t.conf:2:7: a name is 1-200 bytes"},
		{"provider a\n name \"A\"\n name \"B\"\n", "t.conf:3:2: provider a has two names"},
		{"provider a\n jurisdiction CN\n jurisdiction US\n", "has two jurisdictions"},
		{"provider a\n jurisdiction CN\n asn 1\n",
		 "t.conf:1: provider a lacks a name line"},
		{"provider a\n name \"A\"\n asn 1\n",
		 "t.conf:1: provider a lacks a jurisdiction line"},
		{"provider a\n name \"A\"\n jurisdiction CN\n",
		 "t.conf:1: provider a lacks an asn or cidr line"},
		{"provider a\n name \"A\"\n jurisdiction CN\n asn 1\nprovider a\n",
		 "t.conf:5:10: provider \"a\" is defined twice (first at line 1)"},
		{"provider a\n name \"A\"\n jurisdiction CN\n asn 1 2\n"
		 "provider b\n name \"B\"\n jurisdiction US\n asn 3 2\n",
		 "t.conf:5: AS2 of provider b is also listed by a (line 1)"},
		{"provider a\n name \"A\"\n jurisdiction CN\n asn 1 AS1\n",
		 "t.conf:1: provider a lists AS1 twice"},
		{"provider a\n name \"A\"\n jurisdiction CN\n cidr 10.0.0.0/8\n"
		 "provider b\n name \"B\"\n jurisdiction US\n cidr 10.1.0.0/16\n",
		 "t.conf:5: 10.1.0.0/16 of provider b overlaps 10.0.0.0/8 of a (line 1)"},
		{"# nothing\n\n", "t.conf: no providers defined"},
		{"", "t.conf: no providers defined"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eg_catalog cat;
		struct eg_error err = {0};

		if (eg_catalog_parse(cases[i].text, strlen(cases[i].text), "t.conf", &cat, &err) ==
		    0) {
			CHECK_FAIL_("parsed: %s", cases[i].text);
			eg_catalog_free(&cat);
			return;
		}
		ASSERT_CONTAINS(err.msg, cases[i].want, cases[i].text);
		ASSERT_EQ(err.code, 22, "EINVAL");
		ASSERT_TRUE(cat.n_providers == 0 && !cat.providers && !cat.path, "left empty");
	}
}

static void test_parse_nul(void)
{
	static const char text[] = "provider a\n name \"A\0\"\n";
	struct eg_catalog cat;
	struct eg_error err = {0};

	ASSERT_EQ(PARSE(text, &cat, &err), -1, "refused");
	ASSERT_CONTAINS(err.msg, "t.conf:2: NUL byte", "message");
}

static void test_load_missing(void)
{
	struct eg_catalog cat;
	struct eg_error err = {0};

	ASSERT_EQ(eg_catalog_load("tests/no-such-catalog.conf", &cat, &err), -1, "missing");
	ASSERT_CONTAINS(err.msg, "tests/no-such-catalog.conf: cannot open", "message");
	ASSERT_EQ(eg_catalog_load("tests", &cat, &err), -1, "a directory");
	ASSERT_CONTAINS(err.msg, "not a regular file", "message");
}

/* The catalog we ship: it loads, and holds what the README promises. */
static void test_shipped_catalog(void)
{
	static const struct {
		const char *id;
		uint32_t asn;
		char cc[3];
	} want[] = {
		{"alibaba-cloud", 45102, "CN"},	 {"alibaba-cloud", 37963, "CN"},
		{"tencent-cloud", 45090, "CN"},	 {"huawei-cloud", 136907, "CN"},
		{"baidu-cloud", 38365, "CN"},	 {"aws", 16509, "US"},
		{"microsoft-azure", 8075, "US"}, {"google-cloud", 396982, "US"},
		{"oracle-cloud", 31898, "US"},
	};
	struct eg_catalog cat;
	struct eg_error err = {0};
	const struct eg_provider *ali;

	ASSERT_EQ(eg_catalog_load("maps/providers.conf", &cat, &err), 0, err.msg);
	ASSERT_EQ(cat.n_providers, 8, "providers");
	ali = eg_catalog_find(&cat, "alibaba-cloud");
	ASSERT_TRUE(ali != NULL, "alibaba-cloud");
	ASSERT_STREQ(ali->name, "Alibaba Cloud", "name");
	ASSERT_EQ(ali->jurisdiction, EG_CC('C', 'N'), "jurisdiction CN");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct eg_provider *p = eg_catalog_by_asn(&cat, want[i].asn);

		ASSERT_TRUE(p != NULL, want[i].id);
		ASSERT_STREQ(p->id, want[i].id, "provider of the ASN");
		ASSERT_EQ(p->jurisdiction, EG_CC(want[i].cc[0], want[i].cc[1]), want[i].id);
	}
	for (size_t i = 0; i < cat.n_providers; i++)
		ASSERT_TRUE(cat.providers[i].n_asns > 0, cat.providers[i].id);
	ASSERT_TRUE(eg_catalog_by_asn(&cat, 4134) == NULL, "Chinanet is no cloud provider");
	eg_catalog_free(&cat);
}

int main(void)
{
	RUN_TEST(test_parse_good);
	RUN_TEST(test_parse_bad);
	RUN_TEST(test_parse_nul);
	RUN_TEST(test_load_missing);
	RUN_TEST(test_shipped_catalog);
	return check_summary();
}
