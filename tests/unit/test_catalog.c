// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The provider catalog: the YAML reader, its errors, a policy's catalog
 * folded into the built-in one, the shipped maps/providers.yaml, and the
 * CN-controlled ASNs of issue 10 judged by "deny jurisdiction: [CN]" on a
 * fixture and, when `data` holds the real datasets, on real data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/realdata.h"
#include "bundle.h"
#include "exfilguard.h"
#include "judge.h"

#define PARSE(text, cat, err) eg_catalog_parse((text), strlen(text), "t.yaml", (cat), (err))

/* The CN-controlled clouds and carriers' ASNs of issue 10 (and the catalog's other carrier ASNs).
 */
static const uint32_t cn_asns[] = {
	150436, 396986, 138699, 137718, 139341, 137876, 135377, 139327, 59077,	137280,
	59019,	137753, 131486, 137787, 131444, 141180, 149167, 151610, 200756, 206798,
	265443, 206204, 63727,	38627,	63288,	133746, 199506, 150293, 153193, 59078,
	45102,	134963, 132203, 136907, 23764,	64079,	63527,	36678,	49209,	44516,
	4809,	58453,	58807,	137872, 9231,	10099,	19174,	197407,
};

static char tmpdir[] = "/tmp/eg-test-catalog-XXXXXX";

static int write_file(const char *name, const char *text, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_parse_good(void)
{
	static const char text[] =
		"# two providers\n"
		"providers:\n"
		"  - id: alpha-1\n"
		"    name: 'Alpha \"One\" # not a comment'\n"
		"    jurisdiction: cn\n"
		"    kind: cloud\n"
		"    asns:\n"
		"      - 64500\n"
		"      - AS64501\n"
		"      - {asn: as64502, org: \"Alpha, Inc.\", source: \"https://example.com\"}\n"
		"    cidrs: [192.0.2.0/24, 2001:db8::/32]\n"
		"    sources: https://example.com/alpha\n"
		"  - {id: beta, name: Beta, jurisdiction: US, kind: carrier, cidrs: "
		"198.51.100.0/25}\n";
	struct eg_catalog cat;
	struct eg_error err = {0};
	const struct eg_provider *a, *b;

	ASSERT_EQ(PARSE(text, &cat, &err), 0, err.msg);
	ASSERT_EQ(cat.n_providers, 2, "providers");
	ASSERT_STREQ(cat.path, "t.yaml", "path");
	a = eg_catalog_find(&cat, "alpha-1");
	b = eg_catalog_find(&cat, "beta");
	ASSERT_TRUE(a && b, "found by id");
	ASSERT_TRUE(eg_catalog_find(&cat, "gamma") == NULL, "unknown id");
	ASSERT_EQ(a->index, 1, "1-based index");
	ASSERT_EQ(b->index, 2, "second");
	ASSERT_EQ(a->line, 3, "line of its mapping");
	ASSERT_STREQ(a->name, "Alpha \"One\" # not a comment", "quoted name");
	ASSERT_EQ(a->jurisdiction, EG_CC('C', 'N'), "upper-cased");
	ASSERT_EQ(a->kind, EG_KIND_CLOUD, "kind");
	ASSERT_EQ(b->kind, EG_KIND_CARRIER, "carrier");
	ASSERT_STREQ(eg_provider_kind_name(b->kind), "carrier", "kind name");
	ASSERT_EQ(a->n_asns, 3, "asns");
	ASSERT_EQ(a->asns[2].asn, 64502, "AS prefix in any case, in a mapping");
	ASSERT_STREQ(a->asns[2].org, "Alpha, Inc.", "org");
	ASSERT_STREQ(a->asns[2].source, "https://example.com", "source");
	ASSERT_TRUE(a->asns[0].org == NULL, "a bare number has no org");
	ASSERT_EQ(a->n_cidrs, 2, "cidrs");
	ASSERT_EQ(a->cidrs[1].family, AF_INET6, "IPv6 cidr");
	ASSERT_EQ(a->n_sources, 1, "one source as a scalar");
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

#define P(body) "providers:\n  - id: a\n    name: A\n    jurisdiction: CN\n    kind: cloud\n" body
#define Q(body) "  - id: b\n    name: B\n    jurisdiction: US\n    kind: cloud\n" body

static void test_parse_bad(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"", "t.yaml:1:1: the top level must be a mapping with \"providers\", got nothing"},
		{"- a\n", "t.yaml:1:1: the top level must be a mapping"},
		{"providers: []\n", "t.yaml:1:1: no providers defined"},
		{"provider: []\n", "t.yaml:1:1: unknown key \"provider\" at the top level"},
		{"providers: x\n", "t.yaml:1:1: \"providers\" must be a sequence, got a scalar"},
		{"providers:\n  - 5\n", "t.yaml:2:5: provider 1 must be a mapping"},
		{P("    asns: [1]\n    colour: blue\n"),
		 "t.yaml:7:5: unknown key \"colour\" in provider 1 (expected id, name, "
		 "jurisdiction, kind, asns, cidrs, sources)"},
		{"providers:\n  - id: Bad_Id\n", "t.yaml:2:9: bad provider id \"Bad_Id\""},
		{"providers:\n  - id: -a\n", "t.yaml:2:9: bad provider id"},
		{"providers:\n  - {id: a, name: A, kind: cloud, asns: [1]}\n",
		 "t.yaml:2:5: provider 1 has no \"jurisdiction\""},
		{"providers:\n  - {id: a, name: A, jurisdiction: CN, asns: [1]}\n",
		 "t.yaml:2:5: provider 1 has no \"kind\""},
		{P(""), "t.yaml:2:5: provider a has neither \"asns\" nor \"cidrs\""},
		{"providers:\n  - {id: a, name: A, jurisdiction: CHN, kind: cloud, asns: [1]}\n",
		 "t.yaml:2:36: bad jurisdiction \"CHN\""},
		{"providers:\n  - {id: a, name: A, jurisdiction: CN, kind: cdn, asns: [1]}\n",
		 "t.yaml:2:46: unknown kind \"cdn\" (expected cloud, carrier, content or "
		 "enterprise)"},
		{P("    asns: [12x]\n"), "t.yaml:6:12: bad AS number \"12x\""},
		{P("    asns: [0]\n"), "t.yaml:6:12: bad AS number"},
		{P("    asns: [4294967296]\n"), "bad AS number"},
		{P("    asns: [[1]]\n"),
		 "t.yaml:6:12: an item of \"asns\" in provider 1 must be an AS"},
		{P("    asns: [{org: X}]\n"), "t.yaml:6:12: an ASN of provider 1 has no \"asn\""},
		{P("    asns: [{asn: 1, org: [X]}]\n"), "t.yaml:6:26: \"org\" must be a scalar"},
		{P("    asns: [{asn: 1, owner: X}]\n"),
		 "t.yaml:6:21: unknown key \"owner\" in an ASN of provider 1"},
		{P("    asns: 1\n"), "t.yaml:6:5: \"asns\" must be a sequence, got a scalar"},
		{P("    cidrs: 10.0.0.1/8\n"),
		 "t.yaml:6:12: bad CIDR \"10.0.0.1/8\": host bits set"},
		{P("    cidrs: []\n"), "t.yaml:6:12: \"cidrs\" of provider 1 is empty"},
		{P("    asns: [1]\n    name: B\n"),
		 "t.yaml:7:5: duplicate key \"name\" in provider 1 (first at line 3, column 5)"},
		{"providers:\n  - {id: a, name: \"A\\0\", jurisdiction: CN, kind: cloud, asns: "
		 "[1]}\n",
		 "t.yaml:2:19: \"name\" contains a NUL character"},
		{"providers:\n  - {id: a, name: \"A\\tB\", jurisdiction: CN, kind: cloud, asns: "
		 "[1]}\n",
		 "t.yaml:2:19: \"name\" must be one line of printable text"},
		{P("    asns: [1]\n") "  - {id: a, name: A, jurisdiction: CN, kind: cloud, asns: "
				      "[2]}\n",
		 "t.yaml:7:5: provider \"a\" is defined twice (first at line 2)"},
		{P("    asns: [1, 2]\n") Q("    asns: [3, AS2]\n"),
		 "t.yaml:7: AS2 of provider b is also listed by a (line 2)"},
		{P("    asns: [1, AS1]\n"), "t.yaml:2: provider a lists AS1 twice"},
		{P("    cidrs: [10.0.0.0/8]\n") Q("    cidrs: [10.1.0.0/16]\n"),
		 "t.yaml:7: 10.1.0.0/16 of provider b overlaps 10.0.0.0/8 of a (line 2)"},
		{"providers:\n\t- a\n", "t.yaml:2:1: invalid YAML"},
		{P("    asns: [1]\n") "---\nx: 1\n",
		 "a second YAML document; a catalog file holds exactly one"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eg_catalog cat;
		struct eg_error err = {0};

		if (PARSE(cases[i].text, &cat, &err) == 0) {
			CHECK_FAIL_("parsed: %s", cases[i].text);
			eg_catalog_free(&cat);
			return;
		}
		ASSERT_CONTAINS(err.msg, cases[i].want, cases[i].text);
		ASSERT_EQ(err.code, 22, "EINVAL");
		ASSERT_TRUE(cat.n_providers == 0 && !cat.providers && !cat.path && !cat.by_asn,
			    "left empty");
	}
}

static void test_load_missing(void)
{
	struct eg_catalog cat;
	struct eg_error err = {0};

	ASSERT_EQ(eg_catalog_load("tests/no-such-catalog.yaml", &cat, &err), -1, "missing");
	ASSERT_CONTAINS(err.msg, "tests/no-such-catalog.yaml: cannot open", "message");
	ASSERT_EQ(eg_catalog_load("tests", &cat, &err), -1, "a directory");
	ASSERT_CONTAINS(err.msg, "not a regular file", "message");
}

/* A user catalog extends and overrides: new ids added, same ids replaced, claimed ASNs moved. */
static void test_merge(void)
{
	static const char base_text[] =
		P("    asns: [1, 2]\n") Q("    asns: [3]\n") "  - {id: c, name: C, jurisdiction: "
							     "US, kind: cloud, asns: [4]}\n";
	static const char user_text[] =
		"providers:\n"
		"  - {id: b, name: Bee, jurisdiction: CN, kind: carrier, asns: [30]}\n"
		"  - {id: mine, name: Mine, jurisdiction: DE, kind: cloud, asns: [2, 4, 50]}\n";
	struct eg_catalog base, user;
	struct eg_error err = {0};
	const struct eg_provider *p;

	ASSERT_EQ(PARSE(base_text, &base, &err), 0, err.msg);
	ASSERT_EQ(eg_catalog_parse(user_text, strlen(user_text), "u.yaml", &user, &err), 0,
		  err.msg);
	ASSERT_EQ(eg_catalog_merge(&base, &user, &err), 0, err.msg);
	ASSERT_TRUE(user.n_providers == 0 && user.providers == NULL, "user consumed");
	ASSERT_STREQ(base.path, "t.yaml extended by u.yaml", "path names both");
	ASSERT_EQ(base.n_providers, 3,
		  "a kept, b replaced, c dropped (its only ASN claimed), mine");
	p = eg_catalog_find(&base, "a");
	ASSERT_TRUE(p && p->n_asns == 1 && p->asns[0].asn == 1, "a lost AS2 to mine");
	p = eg_catalog_find(&base, "b");
	ASSERT_TRUE(p && p->index == 2, "b replaced in place");
	ASSERT_STREQ(p->name, "Bee", "the user's b");
	ASSERT_EQ(p->jurisdiction, EG_CC('C', 'N'), "the user's jurisdiction");
	ASSERT_TRUE(eg_catalog_by_asn(&base, 3) == NULL, "the built-in b's ASN went with it");
	ASSERT_TRUE(eg_catalog_by_asn(&base, 30) == p, "the user's b's ASN");
	ASSERT_TRUE(eg_catalog_find(&base, "c") == NULL, "c dropped");
	p = eg_catalog_find(&base, "mine");
	ASSERT_TRUE(p && p->index == 3, "mine added last");
	ASSERT_TRUE(eg_catalog_by_asn(&base, 2) == p && eg_catalog_by_asn(&base, 4) == p,
		    "claimed ASNs are mine");
	for (size_t i = 0; i < base.n_providers; i++)
		ASSERT_EQ(base.providers[i].index, i + 1, "indexes contiguous");
	eg_catalog_free(&base);
}

/* data: providers: in a policy extends the built-in catalog (it replaced it before). */
static void test_policy_catalog_extends(void)
{
	char path[512];
	struct eg_catalog cat;
	struct eg_error err = {0};
	const struct eg_provider *p;

	ASSERT_EQ(write_file("user.yaml",
			     "providers:\n"
			     "  - {id: tiktok-usds, name: TikTok USDS, jurisdiction: CN, kind: "
			     "content, asns: [11983]}\n"
			     "  - {id: my-cloud, name: Mine, jurisdiction: DE, kind: cloud, asns: "
			     "[64500]}\n",
			     path, sizeof(path)),
		  0, "user catalog written");
	ASSERT_EQ(eg_catalog_load_for_policy(path, &cat, &err), 0, err.msg);
	ASSERT_TRUE(eg_catalog_find(&cat, "alibaba-cloud") != NULL, "built-in entries stay");
	p = eg_catalog_find(&cat, "tiktok-usds");
	ASSERT_TRUE(p && p->jurisdiction == EG_CC('C', 'N'), "overridden");
	ASSERT_TRUE(eg_catalog_by_asn(&cat, 64500) == eg_catalog_find(&cat, "my-cloud"), "added");
	ASSERT_CONTAINS(cat.path, "(built-in maps/providers.yaml) extended by", "path");
	eg_catalog_free(&cat);
	ASSERT_EQ(write_file("bad.yaml", "providers:\n  - {id: x}\n", path, sizeof(path)), 0,
		  "bad catalog written");
	ASSERT_EQ(eg_catalog_load_for_policy(path, &cat, &err), -1, "a bad user catalog fails");
	ASSERT_CONTAINS(err.msg, "bad.yaml:2:5: provider 1 has no \"name\"", "its error");
	ASSERT_TRUE(cat.n_providers == 0 && !cat.providers, "left empty");
}

/* The catalog we ship: it loads, cites every ASN, and holds what the README promises. */
static void test_shipped_catalog(void)
{
	static const struct {
		const char *id;
		uint32_t asn;
		char cc[3];
	} want[] = {
		{"alibaba-cloud", 45102, "CN"},
		{"alibaba-cloud", 37963, "CN"},
		{"tencent-cloud", 139341, "CN"},
		{"huawei-cloud", 136907, "CN"},
		{"byteplus", 150436, "CN"},
		{"bytedance", 396986, "CN"},
		{"baidu-cloud", 38627, "CN"},
		{"aws-china", 135629, "CN"},
		{"azure-china", 58593, "CN"},
		{"china-telecom-global", 23764, "CN"},
		{"china-mobile-international", 58453, "CN"},
		{"china-unicom-global", 10099, "CN"},
		{"aws", 7224, "US"},
		{"microsoft-azure", 8070, "US"},
		{"google-cloud", 394089, "US"},
		{"oracle-cloud", 54253, "US"},
		{"tiktok-usds", 11983, "US"},
		{"aws-european-sovereign-cloud", 214101, "US"},
		{"google-cloud-emea", 214611, "US"},
	};
	static const uint32_t not_listed[] = {4134, 53587, 34947, 211914};
	struct eg_catalog cat;
	struct eg_error err = {0};

	ASSERT_EQ(eg_catalog_load("maps/providers.yaml", &cat, &err), 0, err.msg);
	ASSERT_GE(cat.n_providers, 24, "providers");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct eg_provider *p = eg_catalog_by_asn(&cat, want[i].asn);

		ASSERT_TRUE(p != NULL, want[i].id);
		ASSERT_STREQ(p->id, want[i].id, "provider of the ASN");
		ASSERT_EQ(p->jurisdiction, EG_CC(want[i].cc[0], want[i].cc[1]), want[i].id);
	}
	for (size_t i = 0; i < sizeof(cn_asns) / sizeof(cn_asns[0]); i++) {
		const struct eg_provider *p = eg_catalog_by_asn(&cat, cn_asns[i]);

		ASSERT_TRUE(p && p->jurisdiction == EG_CC('C', 'N'), "a CN-controlled ASN is CN");
	}
	for (size_t i = 0; i < cat.n_providers; i++)
		for (size_t a = 0; a < cat.providers[i].n_asns; a++)
			ASSERT_TRUE(cat.providers[i].asns[a].org && cat.providers[i].asns[a].source,
				    "every ASN cites its registry name and a source");
	for (size_t i = 0; i < sizeof(not_listed) / sizeof(not_listed[0]); i++)
		ASSERT_TRUE(eg_catalog_by_asn(&cat, not_listed[i]) == NULL,
			    "domestic carriers and name-alikes are not listed");
	eg_catalog_free(&cat);
}

/* Judge addr under the bundle's node-wide rules: the decision and the class. */
static void judge(const struct eg_bundle *b, const char *text, struct eg_decision *d,
		  const struct eg_class **c)
{
	struct eg_tables t = {.world = &b->world, .rs = &b->rules};
	uint8_t addr[16], family;
	uint32_t class_id = 0;

	memset(d, 0, sizeof(*d));
	*c = NULL;
	if (eg_addr_parse(text, addr, &family))
		return;
	eg_judge_user(&t, addr, d, &class_id);
	*c = eg_world_class(&b->world, eg_world_classify(&b->world, addr));
}

static int load_bundle(const char *policy_text, struct eg_bundle *b)
{
	char path[512];
	struct eg_error err = {0};

	if (write_file("policy.yaml", policy_text, path, sizeof(path)))
		return -1;
	if (eg_bundle_load(path, -1, b, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* Fixture: each CN-controlled ASN announces a /24 located in Singapore; jurisdiction CN denies. */
static void test_fixture_cn_abroad_denied(void)
{
	char path[512], *csv = NULL, addr[32];
	struct eg_decision d;
	const struct eg_class *c;
	struct eg_bundle b;
	size_t len = 0;
	FILE *out = open_memstream(&csv, &len);

	ASSERT_TRUE(out != NULL, "memstream");
	for (size_t i = 0; i < sizeof(cn_asns) / sizeof(cn_asns[0]); i++)
		fprintf(out, "198.18.%zu.0,198.18.%zu.255,%u,Fixture\n", i, i, cn_asns[i]);
	fprintf(out, "198.19.0.0,198.19.0.255,16509,Fixture\n");
	fclose(out);
	ASSERT_EQ(write_file("asn.csv", csv, path, sizeof(path)), 0, "asn.csv");
	free(csv);
	ASSERT_EQ(write_file("country.csv", "198.18.0.0,198.19.255.255,SG\n", path, sizeof(path)),
		  0, "country.csv");
	ASSERT_EQ(load_bundle("data:\n  country: country.csv\n  asn: asn.csv\nrules:\n"
			      "  - action: deny\n    jurisdiction: [CN]\n",
			      &b),
		  0, "fixture bundle loads");
	for (size_t i = 0; i < sizeof(cn_asns) / sizeof(cn_asns[0]); i++) {
		snprintf(addr, sizeof(addr), "198.18.%zu.7", i);
		judge(&b, addr, &d, &c);
		ASSERT_TRUE(c && c->asn == cn_asns[i] && c->country == EG_CC('S', 'G'), addr);
		ASSERT_EQ(c->jurisdiction, EG_CC('C', 'N'), addr);
		ASSERT_EQ(d.action, EG_ACT_DENY, addr);
		ASSERT_EQ(d.match, EG_MATCH_JURISDICTION, addr);
	}
	judge(&b, "198.19.0.7", &d, &c);
	ASSERT_EQ(d.action, EG_ACT_ALLOW, "AWS in Singapore is not CN");
	eg_bundle_free(&b);
}

/* Real data: every catalog ASN is in the dataset under the org name the catalog cites. */
static void test_real_catalog_asns_in_data(void)
{
	const char *files[] = {"data/asn-ipv4.csv", "data/asn-ipv6.csv"};
	struct eg_catalog cat;
	struct eg_dataset asn;
	struct eg_error err = {0};
	size_t checked = 0;

	if (access(files[0], R_OK) || access(files[1], R_OK))
		SKIP("real datasets absent (run: exfilguard data fetch data)");
	ASSERT_EQ(eg_dataset_load_files(files, 2, EG_DATA_ASN, &asn, &err), 0, err.msg);
	ASSERT_EQ(eg_catalog_load("maps/providers.yaml", &cat, &err), 0, err.msg);
	for (size_t i = 0; i < cat.n_providers; i++) {
		for (size_t a = 0; a < cat.providers[i].n_asns; a++) {
			const struct eg_provider_asn *pa = &cat.providers[i].asns[a];
			const char *name = eg_dataset_asn_name(&asn, pa->asn);
			char what[160];

			snprintf(what, sizeof(what), "AS%u of %s", pa->asn, cat.providers[i].id);
			ASSERT_TRUE(name != NULL, what);
			ASSERT_STREQ(name, pa->org, what);
			checked++;
		}
	}
	printf("  real data: %zu catalog ASNs found under their cited names\n", checked);
	eg_catalog_free(&cat);
	eg_dataset_free(&asn);
}

/* The first address of asn in the CSV that lies outside China, or 0. */
static int address_abroad(const struct eg_bundle *b, FILE *csv, uint32_t asn, char *out, size_t len)
{
	char line[512], want[16];

	snprintf(want, sizeof(want), ",%u,", asn);
	rewind(csv);
	while (fgets(line, sizeof(line), csv)) {
		char *at = strstr(line, want), *comma = strchr(line, ',');
		struct eg_decision d;
		const struct eg_class *c;

		if (!at || at != strchr(comma + 1, ','))
			continue;
		*comma = '\0';
		judge(b, line, &d, &c);
		if (c && c->country && c->country != EG_CC('C', 'N')) {
			snprintf(out, len, "%s", line);
			return 1;
		}
	}
	return 0;
}

/* Real data: an address abroad of every CN-controlled ASN present is denied by jurisdiction CN. */
static void test_real_cn_abroad_denied(void)
{
	char data[1024], text[1200], addr[64];
	size_t checked = 0;
	struct eg_bundle b;
	FILE *v4, *v6;

	if (realdata_section(data, sizeof(data)))
		SKIP(REALDATA_ABSENT);
	snprintf(text, sizeof(text), "%srules:\n  - action: deny\n    jurisdiction: [CN]\n", data);
	ASSERT_EQ(load_bundle(text, &b), 0, "real bundle loads");
	v4 = fopen("data/asn-ipv4.csv", "r");
	v6 = fopen("data/asn-ipv6.csv", "r");
	ASSERT_TRUE(v4 && v6, "CSVs open");
	for (size_t i = 0; i < sizeof(cn_asns) / sizeof(cn_asns[0]); i++) {
		struct eg_decision d;
		const struct eg_class *c;

		if (!address_abroad(&b, v4, cn_asns[i], addr, sizeof(addr)) &&
		    !address_abroad(&b, v6, cn_asns[i], addr, sizeof(addr)))
			continue; /* all of it in China, or absent */
		judge(&b, addr, &d, &c);
		ASSERT_EQ(c->jurisdiction, EG_CC('C', 'N'), addr);
		ASSERT_EQ(d.action, EG_ACT_DENY, addr);
		checked++;
	}
	fclose(v4);
	fclose(v6);
	printf("  real data: %zu CN-controlled ASNs with addresses abroad, all denied\n", checked);
	ASSERT_GE(checked, 35, "ASNs checked");
	eg_bundle_free(&b);
}

int main(void)
{
	char cmd[512];

	if (!mkdtemp(tmpdir)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_parse_good);
	RUN_TEST(test_parse_bad);
	RUN_TEST(test_load_missing);
	RUN_TEST(test_merge);
	RUN_TEST(test_policy_catalog_extends);
	RUN_TEST(test_shipped_catalog);
	RUN_TEST(test_fixture_cn_abroad_denied);
	RUN_TEST(test_real_catalog_asns_in_data);
	RUN_TEST(test_real_cn_abroad_denied);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		fprintf(stderr, "test_catalog: could not remove %s\n", tmpdir);
	return check_summary();
}
