// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Policy files: a good one read back whole, and every class of error with its position. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/check.h"
#include "policy.h"

static char tmpdir[64];

/* Write text to a fresh file under tmpdir; returns its path (static buffer). */
static const char *write_policy(const char *text, size_t len)
{
	static char path[128];
	static int serial;
	int fd;

	snprintf(path, sizeof(path), "%s/policy-%d.yaml", tmpdir, ++serial);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
	return path;
}

static int is_zeroed(const struct eg_policy *p)
{
	static const struct eg_policy zero;

	return memcmp(p, &zero, sizeof(zero)) == 0;
}

/*
 * Loading text must fail with "PATH:POS: " exactly, followed by a message
 * holding `what`, and leave the policy zeroed. Checks from a file (with
 * eg_policy_load) and from memory (with eg_policy_parse).
 */
static int expect_error_len(const char *text, size_t len, const char *pos, const char *what)
{
	struct eg_policy policy;
	struct eg_error err = {0};
	const char *path = write_policy(text, len);
	char prefix[256];
	const char *name = "mem.yaml";

	for (int from_file = 1; from_file >= 0; from_file--) {
		int rc = from_file ? eg_policy_load(path, &policy, &err)
				   : eg_policy_parse(text, len, name, &policy, &err);

		snprintf(prefix, sizeof(prefix), "%s:%s: ", from_file ? path : name, pos);
		if (rc != -1) {
			CHECK_FAIL_("accepted; expected \"%s%s\"", prefix, what);
			if (!rc)
				eg_policy_free(&policy);
			return -1;
		}
		if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || !strstr(err.msg, what)) {
			CHECK_FAIL_("error \"%s\"; expected \"%s...%s...\"", err.msg, prefix, what);
			return -1;
		}
		if (err.code == 0 || !is_zeroed(&policy)) {
			CHECK_FAIL_("\"%s\": code %d, policy zeroed %d", err.msg, err.code,
				    is_zeroed(&policy));
			return -1;
		}
	}
	return 0;
}

static int expect_error(const char *text, const char *pos, const char *what)
{
	return expect_error_len(text, strlen(text), pos, what);
}

static const char good_policy[] = "# exfilguard policy\n"
				  "mode: audit\n"
				  "default: deny\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24, 2001:db8:bad::/48]\n"
				  "    name: bad-nets\n"
				  "  - action: allow\n"
				  "    cidr: 198.51.100.7/32\n"
				  "  - action: audit\n"
				  "    cidr:\n"
				  "      - ::ffff:198.19.113.0/120\n"
				  "      - \"2001:db8::1\"\n"
				  "  - {cidr: 192.0.2.0/24, action: deny}\n";

static void test_class_selectors_and_data(void)
{
	static const char text[] = "data:\n"
				   "  country: geo/country.mmdb\n"
				   "  asn: [asn-v4.csv, /abs/asn-v6.csv.gz]\n"
				   "  providers: cat.conf\n"
				   "rules:\n"
				   "  - action: deny\n"
				   "    provider: [alibaba-cloud, tencent-cloud]\n"
				   "    asn: [45102, AS37963]\n"
				   "  - action: deny\n"
				   "    jurisdiction: cn\n"
				   "    country: [CN, hk]\n";
	const struct eg_policy_rule *r0, *r1;
	struct eg_error err = {0};
	struct eg_policy p;

	ASSERT_EQ(eg_policy_parse(text, sizeof(text) - 1, "etc/x/policy.yaml", &p, &err), 0,
		  err.msg);
	ASSERT_EQ(p.data.n_country, 1, "country sources");
	ASSERT_STREQ(p.data.country[0], "etc/x/geo/country.mmdb", "relative to the policy");
	ASSERT_EQ(p.data.n_asn, 2, "asn sources");
	ASSERT_STREQ(p.data.asn[1], "/abs/asn-v6.csv.gz", "absolute kept");
	ASSERT_STREQ(p.data.providers, "etc/x/cat.conf", "catalog");
	r0 = &p.rules[0];
	r1 = &p.rules[1];
	ASSERT_EQ(r0->n_selectors, 4, "rule 1 selectors");
	ASSERT_EQ(r0->selectors[0].kind, EG_MATCH_PROVIDER, "provider kind");
	ASSERT_STREQ(r0->selectors[1].provider, "tencent-cloud", "provider id");
	ASSERT_EQ(r0->selectors[2].kind, EG_MATCH_ASN, "asn kind");
	ASSERT_EQ(r0->selectors[3].value, 37963, "AS37963");
	ASSERT_EQ(r0->selectors[3].line, 8, "line of the value");
	ASSERT_STREQ(r0->text, "deny asn: [45102, 37963] provider: [alibaba-cloud, tencent-cloud]",
		     "rule text");
	ASSERT_EQ(r1->selectors[0].kind, EG_MATCH_JURISDICTION, "jurisdiction kind");
	ASSERT_EQ(r1->selectors[0].value, EG_CC('C', 'N'), "cn upper-cased");
	ASSERT_EQ(r1->selectors[2].value, EG_CC('H', 'K'), "hk");
	ASSERT_STREQ(r1->text, "deny country: [CN, HK] jurisdiction: [CN]", "rule 2 text");
	eg_policy_free(&p);
}

static void test_good_policy(void)
{
	const char *path = write_policy(good_policy, strlen(good_policy));
	struct eg_policy p;
	struct eg_error err = {0};
	char text[EG_ADDR_STRLEN];

	ASSERT_EQ(eg_policy_load(path, &p, &err), 0, err.msg);
	ASSERT_STREQ(p.path, path, "path");
	ASSERT_EQ(p.mode, EG_MODE_AUDIT, "mode");
	ASSERT_EQ(p.default_action, EG_ACT_DENY, "default");
	ASSERT_EQ(p.n_rules, 4, "rules");

	ASSERT_EQ(p.rules[0].action, EG_ACT_DENY, "rule 1 action");
	ASSERT_STREQ(p.rules[0].name, "bad-nets", "rule 1 name");
	ASSERT_EQ(p.rules[0].n_cidrs, 2, "rule 1 cidrs");
	eg_cidr_format(&p.rules[0].cidrs[0], text, sizeof(text));
	ASSERT_STREQ(text, "198.51.100.0/24", "rule 1 cidr 1");
	ASSERT_EQ(p.rules[0].cidrs[0].family, AF_INET, "rule 1 cidr 1 family");
	eg_cidr_format(&p.rules[0].cidrs[1], text, sizeof(text));
	ASSERT_STREQ(text, "2001:db8:bad::/48", "rule 1 cidr 2");
	ASSERT_EQ(p.rules[0].line, 5, "rule 1 line");
	ASSERT_EQ(p.rules[0].column, 5, "rule 1 column");
	ASSERT_STREQ(p.rules[0].text,
		     "deny cidr: [198.51.100.0/24, 2001:db8:bad::/48] name: bad-nets",
		     "rule 1 text");

	ASSERT_EQ(p.rules[1].action, EG_ACT_ALLOW, "rule 2 action");
	ASSERT_TRUE(p.rules[1].name == NULL, "rule 2 has no name");
	ASSERT_EQ(p.rules[1].n_cidrs, 1, "rule 2 cidrs");
	ASSERT_EQ(p.rules[1].cidrs[0].plen, 32, "rule 2 plen");
	ASSERT_EQ(p.rules[1].line, 8, "rule 2 line");
	ASSERT_STREQ(p.rules[1].text, "allow cidr: [198.51.100.7/32]", "rule 2 text");

	ASSERT_EQ(p.rules[2].action, EG_ACT_AUDIT, "rule 3 action");
	ASSERT_EQ(p.rules[2].line, 10, "rule 3 line");
	ASSERT_STREQ(p.rules[2].text, "audit cidr: [198.19.113.0/24, 2001:db8::1/128]",
		     "rule 3 text (mapped prefix normalized)");

	ASSERT_EQ(p.rules[3].line, 14, "rule 4 line");
	ASSERT_EQ(p.rules[3].column, 5, "rule 4 column (flow mapping)");
	ASSERT_STREQ(p.rules[3].text, "deny cidr: [192.0.2.0/24]", "rule 4 text");

	eg_policy_free(&p);
	ASSERT_TRUE(is_zeroed(&p), "free zeroes");
	eg_policy_free(&p); /* twice is harmless */
}

static void test_defaults(void)
{
	static const char *const texts[] = {"{}\n", "rules: []\n", "rules:\n", "mode: enforce\n",
					    "default: allow\nrules: ~\n"};
	struct eg_policy p;
	struct eg_error err = {0};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ASSERT_EQ(eg_policy_parse(texts[i], strlen(texts[i]), "d.yaml", &p, &err), 0,
			  err.msg);
		ASSERT_EQ(p.mode, EG_MODE_ENFORCE, "mode defaults to enforce");
		ASSERT_EQ(p.default_action, EG_ACT_ALLOW, "default defaults to allow");
		ASSERT_EQ(p.n_rules, 0, "no rules");
		ASSERT_STREQ(p.path, "d.yaml", "name");
		eg_policy_free(&p);
	}
}

static void test_default_audit(void)
{
	const char *text = "mode: enforce\ndefault: audit\n";
	struct eg_policy p;
	struct eg_error err = {0};

	ASSERT_EQ(eg_policy_parse(text, strlen(text), "a.yaml", &p, &err), 0, err.msg);
	ASSERT_EQ(p.default_action, EG_ACT_AUDIT, "default audit");
	eg_policy_free(&p);
}

static void test_unknown_key(void)
{
	ASSERT_EQ(expect_error("mode: enforce\n"
			       "rules:\n"
			       "  - action: deny\n"
			       "    cidr: 10.0.0.0/8\n"
			       "  - acton: deny\n",
			       "5:5",
			       "unknown key \"acton\" in rule 2 (expected action, cidr, asn, "
			       "provider, country, jurisdiction, name)"),
		  0, "rule key");
	ASSERT_EQ(expect_error("mode: enforce\nrule:\n", "2:1",
			       "unknown key \"rule\" at the top level (expected mode, on_failure, "
			       "max_data_age, default, data, rules, scopes, nat64_prefixes, "
			       "raw_sockets, outputs)"),
		  0, "top-level key");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    country: [DE, XX]\n", "3:19",
			       "unknown country code \"XX\" (expected an ISO 3166-1 alpha-2 code"),
		  0, "unknown country code");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    asn: [AS0]\n", "3:11",
			       "bad AS number \"AS0\""),
		  0, "bad ASN");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    provider: Alibaba\n", "3:15",
			       "bad provider id \"Alibaba\""),
		  0, "bad provider id");
	ASSERT_EQ(expect_error("data:\n  geo: x.mmdb\n", "2:3",
			       "unknown key \"geo\" in data (expected country, asn, providers, "
			       "provider_ranges)"),
		  0, "unknown data key");
	ASSERT_EQ(expect_error("? [a]\n: b\n", "1:3",
			       "keys at the top level must be words, got a sequence"),
		  0, "non-scalar key");
}

static void test_bad_cidr(void)
{
	ASSERT_EQ(expect_error("rules:\n"
			       "  - action: deny\n"
			       "    cidr: [10.0.0.0/8, 198.51.100.0/33]\n",
			       "3:24",
			       "bad CIDR \"198.51.100.0/33\": prefix length must be 0-32 for IPv4"),
		  0, "/33");
	ASSERT_EQ(expect_error("rules:\n"
			       "  - action: deny\n"
			       "    cidr: 198.51.100.7/24\n",
			       "3:11",
			       "bad CIDR \"198.51.100.7/24\": host bits set; did you mean "
			       "198.51.100.0/24?"),
		  0, "host bits");
	ASSERT_EQ(expect_error("rules:\n"
			       "  - action: deny\n"
			       "    cidr:\n"
			       "      - 2001:db8::/48\n"
			       "      - example.com\n",
			       "5:9", "bad CIDR \"example.com\": not an IPv4 or IPv6 address"),
		  0, "hostname");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    cidr: []\n", "3:11",
			       "\"cidr\" of rule 1 is empty"),
		  0, "empty list");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    cidr:\n", "3:5",
			       "\"cidr\" of rule 1 is empty"),
		  0, "no value");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    cidr: [10.0.0.0/8, {a: b}]\n", "3:24",
			       "item 2 of \"cidr\" in rule 1 must be a scalar, got a mapping"),
		  0, "item not a scalar");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    cidr: \"10.0.0.0/8\\0\"\n", "3:11",
			       "\"cidr\" contains a NUL character"),
		  0, "NUL in a CIDR");
}

static void test_not_a_scalar(void)
{
	ASSERT_EQ(expect_error("mode: [enforce]\n", "1:7",
			       "\"mode\" must be a scalar (enforce or audit), got a sequence"),
		  0, "mode sequence");
	ASSERT_EQ(
		expect_error("default: {a: b}\n", "1:10",
			     "\"default\" must be a scalar (allow, deny or audit), got a mapping"),
		0, "default mapping");
	ASSERT_EQ(expect_error("mode:\n", "1:1",
			       "\"mode\" must be a scalar (enforce or audit), got nothing"),
		  0, "mode empty");
	ASSERT_EQ(
		expect_error("rules:\n  - action: [deny]\n    cidr: 10.0.0.0/8\n", "2:13",
			     "\"action\" must be a scalar (allow, deny or audit), got a sequence"),
		0, "action sequence");
	ASSERT_EQ(expect_error("rules: deny\n", "1:8",
			       "\"rules\" must be a sequence of rules, got a scalar"),
		  0, "rules scalar");
	ASSERT_EQ(expect_error("rules:\n  - deny\n", "2:5",
			       "rule 1 must be a mapping (action, a selector, name), got a scalar"),
		  0, "rule scalar");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    cidr: 10.0.0.0/8\n    name: [x]\n",
			       "4:11", "\"name\" must be a scalar"),
		  0, "name sequence");
	ASSERT_EQ(expect_error(
			  "rules:\n  - action: deny\n    cidr: 10.0.0.0/8\n    name: \"a\\nb\"\n",
			  "4:11", "\"name\" must be one line of printable text"),
		  0, "name with a newline");
}

static void test_unknown_words(void)
{
	ASSERT_EQ(expect_error("rules:\n  - action: block\n    cidr: 10.0.0.0/8\n", "2:13",
			       "unknown action \"block\" (expected allow, deny or audit)"),
		  0, "action");
	ASSERT_EQ(expect_error("mode: enforcing\n", "1:7",
			       "unknown mode \"enforcing\" (expected enforce or audit)"),
		  0, "mode");
	ASSERT_EQ(expect_error("default: drop\n", "1:10",
			       "unknown default \"drop\" (expected allow, deny or audit)"),
		  0, "default");
	ASSERT_EQ(expect_error("mode: Audit\n", "1:7", "unknown mode \"Audit\""), 0,
		  "words are case-sensitive");
}

static void test_missing_parts(void)
{
	ASSERT_EQ(expect_error("rules:\n"
			       "  - action: deny\n"
			       "    cidr: 10.0.0.0/8\n"
			       "  - cidr: 10.1.0.0/16\n"
			       "    name: no-action\n",
			       "4:5", "rule 2 has no \"action\""),
		  0, "no action");
	ASSERT_EQ(
		expect_error("rules:\n"
			     "  - action: deny\n"
			     "    cidr: 10.0.0.0/8\n"
			     "  - action: deny\n"
			     "    name: nothing-to-match\n",
			     "4:5",
			     "rule 2 has no selector (cidr, asn, provider, country, jurisdiction)"),
		0, "no selector");
	ASSERT_EQ(expect_error("rules:\n  - {}\n", "2:5", "rule 1 has no \"action\""), 0,
		  "empty rule");
}

static void test_duplicate_keys(void)
{
	ASSERT_EQ(
		expect_error("mode: enforce\ndefault: deny\nmode: audit\n", "3:1",
			     "duplicate key \"mode\" at the top level (first at line 1, column 1)"),
		0, "top level");
	ASSERT_EQ(expect_error("rules:\n"
			       "  - action: deny\n"
			       "    cidr: 10.0.0.0/8\n"
			       "    action: allow\n",
			       "4:5",
			       "duplicate key \"action\" in rule 1 (first at line 2, column 5)"),
		  0, "in a rule");
	ASSERT_EQ(expect_error("rules:\n"
			       "  - action: deny\n"
			       "    cidr: 10.0.0.0/8\n"
			       "    \"cidr\": 10.1.0.0/16\n",
			       "4:5",
			       "duplicate key \"cidr\" in rule 1 (first at line 3, column 5)"),
		  0, "quoted duplicate");
}

static void test_yaml_syntax(void)
{
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n   cidr: 10.0.0.0/8\n", "3:4",
			       "invalid YAML: did not find expected '-' indicator (while parsing a "
			       "block collection at line 2, column 3)"),
		  0, "bad indentation");
	ASSERT_EQ(expect_error("rules:\n  - action: deny\n    cidr: [10.0.0.0/8\n", "4:1",
			       "invalid YAML: did not find expected ',' or ']' (while parsing a "
			       "flow sequence at line 3, column 11)"),
		  0, "unclosed bracket");
	ASSERT_EQ(expect_error("mode: *nothing\n", "1:7", "invalid YAML: found undefined alias"), 0,
		  "undefined alias");
	ASSERT_EQ(expect_error("\tmode: enforce\n", "1:1", "YAML indents with spaces, never tabs"),
		  0, "tab");
	ASSERT_EQ(expect_error("mode: enforce\ndefault: \xff\n", "2:10",
			       "invalid YAML: invalid leading UTF-8 octet"),
		  0, "bad UTF-8");
	ASSERT_EQ(expect_error("mode: enforce\n---\nmode: audit\n", "2:1",
			       "a second YAML document; a policy file holds exactly one"),
		  0, "two documents");
	ASSERT_EQ(expect_error("mode: enforce\n---\n[\n", "4:1", "invalid YAML"), 0,
		  "broken second document");
	ASSERT_EQ(expect_error_len("mode: en\0force\n", 15, "1:9", "invalid YAML"), 0,
		  "NUL byte in the file");
}

static void test_not_a_policy(void)
{
	ASSERT_EQ(expect_error("", "1:1", "the policy is empty"), 0, "empty file");
	ASSERT_EQ(expect_error("# only a comment\n", "1:1", "the policy is empty"), 0, "comment");
	ASSERT_EQ(expect_error("---\n", "2:1", "the policy is empty"), 0, "empty document");
	ASSERT_EQ(expect_error("- mode: enforce\n", "1:1",
			       "the top level must be a mapping (mode, default, data, rules), got "
			       "a sequence"),
		  0, "sequence");
	ASSERT_EQ(expect_error("enforce\n", "1:1",
			       "the top level must be a mapping (mode, default, data, rules), got "
			       "a scalar"),
		  0, "scalar");
}

static void test_alias_list(void)
{
	const char *text = "rules:\n"
			   "  - action: deny\n"
			   "    cidr: &nets [10.0.0.0/8, 10.1.0.0/16]\n"
			   "  - action: audit\n"
			   "    cidr: *nets\n";
	struct eg_policy p;
	struct eg_error err = {0};

	/* Legal YAML; the ruleset is what refuses the shared prefixes. */
	ASSERT_EQ(eg_policy_parse(text, strlen(text), "alias.yaml", &p, &err), 0, err.msg);
	ASSERT_EQ(p.rules[1].n_cidrs, 2, "alias expanded");
	eg_policy_free(&p);
}

/* One list of 256 prefixes, aliased by 257 rules: more than the trie holds. */
static void test_too_many_prefixes(void)
{
	size_t cap = 1 << 16, used = 0;
	char *text = malloc(cap);
	char pos[32];
	int rc;

	ASSERT_TRUE(text != NULL, "malloc");
	used += snprintf(text + used, cap - used, "rules:\n  - action: deny\n    cidr: &n [");
	for (int i = 0; i < 256; i++)
		used += snprintf(text + used, cap - used, "%s10.%d.0.0/16", i ? ", " : "", i);
	used += snprintf(text + used, cap - used, "]\n");
	for (int i = 2; i <= 257; i++)
		used += snprintf(text + used, cap - used, "  - action: deny\n    cidr: *n\n");
	/* Rule 257 starts on line 2 + 2 * 256; its cidr key is on the line after. */
	snprintf(pos, sizeof(pos), "%d:5", 2 + 2 * 256 + 1);
	rc = expect_error(
		text, pos,
		"rule 257 takes the policy past 65536 prefixes, the most the rule trie holds");
	free(text);
	ASSERT_EQ(rc, 0, "refused");
}

static void test_missing_file(void)
{
	struct eg_policy p;
	struct eg_error err = {0};
	char path[128], expected[256];

	snprintf(path, sizeof(path), "%s/does-not-exist.yaml", tmpdir);
	snprintf(expected, sizeof(expected), "%s: cannot open: %s", path, strerror(ENOENT));
	ASSERT_EQ(eg_policy_load(path, &p, &err), -1, "missing file");
	ASSERT_STREQ(err.msg, expected, "message");
	ASSERT_EQ(err.code, ENOENT, "code");
	ASSERT_TRUE(is_zeroed(&p), "zeroed");

	snprintf(expected, sizeof(expected), "%s: cannot read: %s", tmpdir, strerror(EISDIR));
	ASSERT_EQ(eg_policy_load(tmpdir, &p, &err), -1, "directory");
	ASSERT_STREQ(err.msg, expected, "directory message");
}

static void test_too_large(void)
{
	const char *path = write_policy("mode: enforce\n", 14);
	struct eg_policy p;
	struct eg_error err = {0};

	ASSERT_EQ(truncate(path, EG_POLICY_MAX_BYTES + 1), 0, "truncate");
	ASSERT_EQ(eg_policy_load(path, &p, &err), -1, "refused");
	ASSERT_CONTAINS(err.msg, "a policy can be at most 16 MiB", "message");
	ASSERT_EQ(err.code, EFBIG, "code");
	ASSERT_TRUE(is_zeroed(&p), "zeroed");
}

static void test_names(void)
{
	ASSERT_STREQ(eg_action_name(EG_ACT_ALLOW), "allow", "allow");
	ASSERT_STREQ(eg_action_name(EG_ACT_DENY), "deny", "deny");
	ASSERT_STREQ(eg_action_name(EG_ACT_AUDIT), "audit", "audit");
	ASSERT_STREQ(eg_action_name((enum eg_action)7), "unknown", "out of range");
	ASSERT_STREQ(eg_mode_name(EG_MODE_ENFORCE), "enforce", "enforce");
	ASSERT_STREQ(eg_mode_name(EG_MODE_AUDIT), "audit", "audit mode");
	ASSERT_EQ(eg_action_from_name("deny"), EG_ACT_DENY, "from deny");
	ASSERT_EQ(eg_action_from_name("audit"), EG_ACT_AUDIT, "from audit");
	ASSERT_EQ(eg_action_from_name("block"), -1, "from block");
	ASSERT_EQ(eg_action_from_name(NULL), -1, "from NULL");
	ASSERT_EQ(eg_mode_from_name("audit"), EG_MODE_AUDIT, "mode from audit");
	ASSERT_EQ(eg_mode_from_name("deny"), -1, "mode from deny");
}

static void test_free_zeroed(void)
{
	struct eg_policy p = {0};

	eg_policy_free(&p);
	eg_policy_free(NULL);
	ASSERT_TRUE(is_zeroed(&p), "still zeroed");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tmpdir(void)
{
	if (nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Brackets nested n deep as the value of "rules:", closed again. */
static char *nested_rules(size_t n)
{
	char *text = malloc(strlen("rules: ") + 2 * n + 2);
	size_t o = (size_t)sprintf(text, "rules: ");

	memset(text + o, '[', n);
	memset(text + o + n, ']', n);
	strcpy(text + o + 2 * n, "\n");
	return text;
}

static void test_nesting_depth(void)
{
	/* 200 KB of brackets: refused at the 33rd level (the top mapping is the first). */
	char *deep = nested_rules(100000), *limit = nested_rules(31);

	ASSERT_EQ(expect_error(deep, "1:39", "collections nested more than 32 deep"), 0,
		  "deep flow nesting refused where it passes the limit");
	ASSERT_EQ(expect_error(limit, "1:9", "rule 1 must be a mapping"), 0,
		  "32 levels are read (and judged on their content)");
	ASSERT_EQ(
		expect_error("a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g:\n       h:\n"
			     "        i:\n         j:\n          k:\n           l:\n"
			     "            m:\n             n:\n              o:\n"
			     "               p:\n                q:\n                 r:\n"
			     "                  s:\n                   t:\n"
			     "                    u:\n                     v:\n"
			     "                      w:\n                       x:\n"
			     "                        y:\n                         z:\n"
			     "                          A:\n                           B:\n"
			     "                            C:\n                             D:\n"
			     "                              E:\n                               F:\n"
			     "                                G: x\n",
			     "33:33", "nested more than 32 deep"),
		0, "block nesting counts the same");
	free(deep);
	free(limit);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/eg-test-policy.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	RUN_TEST(test_good_policy);
	RUN_TEST(test_class_selectors_and_data);
	RUN_TEST(test_defaults);
	RUN_TEST(test_default_audit);
	RUN_TEST(test_unknown_key);
	RUN_TEST(test_bad_cidr);
	RUN_TEST(test_not_a_scalar);
	RUN_TEST(test_unknown_words);
	RUN_TEST(test_missing_parts);
	RUN_TEST(test_duplicate_keys);
	RUN_TEST(test_yaml_syntax);
	RUN_TEST(test_not_a_policy);
	RUN_TEST(test_alias_list);
	RUN_TEST(test_too_many_prefixes);
	RUN_TEST(test_missing_file);
	RUN_TEST(test_too_large);
	RUN_TEST(test_names);
	RUN_TEST(test_free_zeroed);
	RUN_TEST(test_nesting_depth);
	remove_tmpdir();
	return check_summary();
}
