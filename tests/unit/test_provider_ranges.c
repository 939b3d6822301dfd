// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Providers' published range files (tests/fixtures/ranges/: small hand-written
 * files in the AWS, Google, Azure and Oracle formats) read as datasets, each
 * range's operator decided by its region; and the decision they feed: an AWS
 * China address located elsewhere is denied by `jurisdiction: [CN]`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundle.h"
#include "check.h"
#include "judge.h"
#include "operators.h"

#define FIX "tests/fixtures/ranges/"

static char tmpdir[] = "/tmp/eg-test-ranges-XXXXXX";

/* The operator id the dataset gives addr, "" when none. */
static const char *operator_at(const struct eg_dataset *ds, const char *text)
{
	uint8_t addr[16], family;

	if (eg_addr_parse(text, addr, &family))
		return "bad address";
	for (size_t i = 0; i < ds->ranges.n; i++)
		if (memcmp(ds->ranges.v[i].first, addr, 16) <= 0 &&
		    memcmp(addr, ds->ranges.v[i].last, 16) <= 0)
			return eg_range_operator_id(ds->ranges.v[i].value);
	return "";
}

static void test_aws(void)
{
	struct eg_error err = {0};
	struct eg_dataset ds;

	ASSERT_OK(eg_dataset_load(FIX "aws-ip-ranges.json", EG_DATA_PROVIDER, &ds, &err), err.msg);
	ASSERT_STREQ(ds.format, "aws-json", "format told from the content");
	ASSERT_EQ(ds.n_records, 7, "every prefix, IPv4 and IPv6, read");
	ASSERT_EQ(ds.build_epoch, 1717000000, "createDate 2024-05-29-16-26-40 UTC");
	ASSERT_STREQ(operator_at(&ds, "3.5.1.1"), "aws", "us-east-1");
	ASSERT_STREQ(operator_at(&ds, "52.81.2.3"), "aws-china", "cn-north-1 (Sinnet)");
	ASSERT_STREQ(operator_at(&ds, "161.189.7.7"), "aws-china", "cn-northwest-1 (NWCD)");
	ASSERT_STREQ(operator_at(&ds, "2404:c2c0::1"), "aws-china", "cn-northwest-1 IPv6");
	ASSERT_STREQ(operator_at(&ds, "15.220.0.9"), "aws-european-sovereign-cloud",
		     "eusc-de-east-1");
	ASSERT_STREQ(operator_at(&ds, "2600:1f18::1"), "aws", "us-east-1 IPv6");
	ASSERT_STREQ(operator_at(&ds, "9.9.9.9"), "", "not in the file");
	eg_dataset_free(&ds);
}

static void test_google(void)
{
	const char *const files[] = {FIX "google-cloud.json", FIX "google-goog.json"};
	struct eg_error err = {0};
	struct eg_dataset ds;

	ASSERT_OK(eg_dataset_load_files(files, 2, EG_DATA_PROVIDER, &ds, &err), err.msg);
	ASSERT_STREQ(ds.format, "google-json, google-json", "both files read as Google's");
	ASSERT_EQ(ds.n_records, 6, "prefixes of both files");
	ASSERT_STREQ(operator_at(&ds, "34.1.210.1"), "google-cloud", "cloud.json range");
	ASSERT_STREQ(operator_at(&ds, "8.8.8.8"), "google-cloud", "goog.json range");
	ASSERT_STREQ(operator_at(&ds, "2600:1900:4000::1"), "google-cloud", "IPv6");
	ASSERT_EQ(ds.build_epoch, 1717016495, "creationTime 2024-05-29T21:01:35 UTC");
	eg_dataset_free(&ds);
}

static void test_azure_public_and_china(void)
{
	struct eg_error err = {0};
	struct eg_dataset pub, cn;

	ASSERT_OK(eg_dataset_load(FIX "azure-public.json", EG_DATA_PROVIDER, &pub, &err), err.msg);
	ASSERT_STREQ(pub.format, "azure-json", "format");
	ASSERT_EQ(pub.n_records, 4, "every address prefix of every tag");
	ASSERT_STREQ(operator_at(&pub, "13.64.1.1"), "microsoft-azure", "overlapping tags merge");
	ASSERT_STREQ(operator_at(&pub, "2603:1000::1"), "microsoft-azure", "IPv6");
	ASSERT_OK(eg_dataset_load(FIX "azure-china.json", EG_DATA_PROVIDER, &cn, &err), err.msg);
	ASSERT_STREQ(operator_at(&cn, "40.73.0.1"), "azure-china", "China cloud (21Vianet)");
	ASSERT_STREQ(operator_at(&cn, "2406:e500:5000::1"), "azure-china", "China cloud IPv6");
	ASSERT_NE(cn.build_epoch, 0, "no date in the file: its mtime, never 0");
	eg_dataset_free(&pub);
	eg_dataset_free(&cn);
}

static void test_oracle(void)
{
	struct eg_error err = {0};
	struct eg_dataset ds;

	ASSERT_OK(eg_dataset_load(FIX "oracle-public_ip_ranges.json", EG_DATA_PROVIDER, &ds, &err),
		  err.msg);
	ASSERT_STREQ(ds.format, "oracle-json", "format");
	ASSERT_EQ(ds.n_records, 3, "cidrs of every region");
	ASSERT_STREQ(operator_at(&ds, "130.61.2.2"), "oracle-cloud", "eu-frankfurt-1");
	ASSERT_STREQ(operator_at(&ds, "134.70.9.1"), "oracle-cloud", "us-phoenix-1");
	eg_dataset_free(&ds);
}

static void expect_load_error(const char *text, enum eg_data_kind kind, const char *msg)
{
	struct eg_error err = {0};
	struct eg_dataset ds;

	if (EXPECT_EQ(eg_dataset_load_mem(text, strlen(text), kind, "x.json", &ds, &err), -1, msg))
		EXPECT_CONTAINS(err.msg, msg, "the error says what is wrong");
}

static void test_errors(void)
{
	static const char aws_head[] =
		"{\"syncToken\": \"1\", \"createDate\": \"2024-01-01-00-00-00\"";
	char text[512];

	snprintf(text, sizeof(text), "%s, \"prefixes\": [{\"ip_prefix\": \"3.5.0.0/40\"}]}",
		 aws_head);
	expect_load_error(text, EG_DATA_PROVIDER, "x.json: entry 0: bad prefix \"3.5.0.0/40\"");
	snprintf(text, sizeof(text), "%s, \"prefixes\": [{\"ip_prefix\": \"3.5.0.0/16\"}",
		 aws_head);
	expect_load_error(text, EG_DATA_PROVIDER, "x.json: byte ");
	snprintf(text, sizeof(text), "%s}", aws_head);
	expect_load_error(text, EG_DATA_PROVIDER, "x.json: no \"prefixes\" list in it");
	snprintf(text, sizeof(text), "%s, \"prefixes\": [{\"ip_prefix\": \"3.5.0.0/16\"}]}",
		 aws_head);
	expect_load_error(text, EG_DATA_COUNTRY, "x.json: a aws-json file gives no country data");
	expect_load_error("1.0.0.0,1.0.0.255,13335\n", EG_DATA_PROVIDER,
			  "x.json: a csv file gives no provider data");
}

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

/*
 * The country data says AWS Beijing's 52.80.0.0/15 is in the US (as a
 * mislocated or re-announced block might be) and no ASN data is given: the
 * AWS range file alone makes it aws-china, controlled from CN, and the
 * deny jurisdiction rule wins over the allow country rule written before it.
 */
static void test_aws_china_denied_by_range_file(void)
{
	static const char policy[] = "data:\n"
				     "  country: [%s]\n"
				     "  provider_ranges: [%s/" FIX "aws-ip-ranges.json]\n"
				     "default: allow\n"
				     "rules:\n"
				     "  - action: allow\n"
				     "    country: [US]\n"
				     "  - action: deny\n"
				     "    jurisdiction: [CN]\n";
	char cwd[512], csv[600], path[600], text[2048];
	struct eg_error err = {0};
	struct eg_decision d;
	struct eg_bundle b;
	struct eg_tables t;
	uint8_t addr[16], family;
	uint32_t class_id;

	ASSERT_OK_PTR(getcwd(cwd, sizeof(cwd)), "cwd");
	ASSERT_OK(write_file("country.csv", "52.80.0.0,52.81.255.255,US\n3.5.0.0,3.5.31.255,US\n",
			     csv, sizeof(csv)),
		  "country csv");
	snprintf(text, sizeof(text), policy, csv, cwd);
	ASSERT_OK(write_file("policy.yaml", text, path, sizeof(path)), "policy");
	ASSERT_OK(eg_bundle_load(path, -1, &b, &err), err.msg);
	t = (struct eg_tables){.world = &b.world, .rs = &b.rules};
	eg_addr_parse("52.80.1.1", addr, &family);
	eg_judge_user(&t, addr, &d, &class_id);
	EXPECT_STREQ(b.catalog.providers[eg_world_class(&b.world, class_id)->provider - 1].id,
		     "aws-china", "the range file names the operator");
	EXPECT_EQ(eg_world_class(&b.world, class_id)->country, EG_CC('U', 'S'), "located in US");
	EXPECT_EQ(d.verdict, EG_VERDICT_DENY, "AWS China denied by jurisdiction: [CN]");
	EXPECT_EQ(d.match, EG_MATCH_JURISDICTION, "decided by jurisdiction");
	eg_addr_parse("3.5.1.1", addr, &family);
	eg_judge_user(&t, addr, &d, &class_id);
	EXPECT_EQ(d.verdict, EG_VERDICT_ALLOW, "AWS us-east-1 allowed by country: [US]");
	eg_bundle_free(&b);
}

/* A range file's operator must be a provider of the catalog the world is built with. */
static void test_operator_missing_from_catalog(void)
{
	struct eg_catalog empty = {.path = "empty.yaml"};
	struct eg_error err = {0};
	struct eg_dataset ds;
	struct eg_world w;

	ASSERT_OK(eg_dataset_load(FIX "oracle-public_ip_ranges.json", EG_DATA_PROVIDER, &ds, &err),
		  err.msg);
	ASSERT_EQ(eg_world_build(&w, NULL, NULL, &ds, &empty, &err), -1, "refused");
	EXPECT_CONTAINS(err.msg, "provider \"oracle-cloud\", which the provider catalog does not",
			"names the operator");
	eg_dataset_free(&ds);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(tmpdir)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_aws);
	RUN_TEST(test_google);
	RUN_TEST(test_azure_public_and_china);
	RUN_TEST(test_oracle);
	RUN_TEST(test_errors);
	RUN_TEST(test_aws_china_denied_by_range_file);
	RUN_TEST(test_operator_missing_from_catalog);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_summary();
}
