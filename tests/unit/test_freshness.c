// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Honest freshness: each dataset's own build date (the file's, else the one
 * data fetch recorded in MANIFEST.json, else the file's mtime, saying so);
 * the oldest file decides; a file that changed since the manifest recorded it
 * is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bundle.h"
#include "check.h"
#include "manifest.h"
#include "sha256.h"

static char dir[] = "/tmp/eg-test-fresh-XXXXXX";
static const char country_csv[] = "1.0.1.0,1.0.1.255,CN\n9.9.9.0,9.9.9.255,CH\n";
static const char asn_csv[] = "1.0.1.0,1.0.1.255,4134\n";
static const char asn6_csv[] = "2001:db8::,2001:db8::ffff,64500\n";

static int write_text(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* A manifest entry for a file of this content, built days_ago. */
static void add_entry(json_object *files, const char *name, const char *content, int days_ago)
{
	struct eg_manifest_file mf = {.rows = 1};

	snprintf(mf.package, sizeof(mf.package), "@ip-location-db/test");
	snprintf(mf.version, sizeof(mf.version), "1.0.0");
	mf.built = (uint64_t)time(NULL) - (uint64_t)days_ago * 86400;
	eg_sha256_hex(content, strlen(content), mf.sha256);
	json_object_object_add(files, name, eg_manifest_file_json(&mf));
}

static int write_manifest(int country_days, int asn_days, const char *asn_content)
{
	json_object *root = json_object_new_object(), *files = json_object_new_object();
	char path[256];
	int rc;

	add_entry(files, "country.csv", country_csv, country_days);
	add_entry(files, "asn.csv", asn_content, asn_days);
	add_entry(files, "asn6.csv", asn6_csv, 1);
	json_object_object_add(root, "files", files);
	snprintf(path, sizeof(path), "%s/" EG_MANIFEST_NAME, dir);
	rc = json_object_to_file(path, root);
	json_object_put(root);
	return rc;
}

static void test_version_date(void)
{
	ASSERT_EQ(eg_package_version_date("2.3.2026061719"), 1781722800, "2026-06-17 19:00 UTC");
	ASSERT_EQ(eg_package_version_date("2.3.0"), 0, "not a dated version");
	ASSERT_EQ(eg_package_version_date("2.3.2026136119"), 0, "month 13");
}

static void test_dates_from_manifest(void)
{
	char path[256];
	struct eg_error err = {0};
	struct eg_dataset ds;
	uint64_t now = (uint64_t)time(NULL);

	ASSERT_OK(write_manifest(10, 100, asn_csv), "manifest");
	snprintf(path, sizeof(path), "%s/asn.csv", dir);
	ASSERT_OK(eg_dataset_load(path, EG_DATA_ASN, &ds, &err), err.msg);
	ASSERT_EQ(ds.age_source, EG_AGE_MANIFEST, "a CSV's date comes from the manifest");
	ASSERT_LE(ds.build_epoch, now - 100 * 86400, "100 days old, not the file's mtime");
	eg_dataset_free(&ds);
	snprintf(path, sizeof(path), "%s/other.csv", dir);
	ASSERT_OK(write_text("other.csv", asn_csv), "other.csv");
	ASSERT_OK(eg_dataset_load(path, EG_DATA_ASN, &ds, &err), err.msg);
	ASSERT_EQ(ds.age_source, EG_AGE_MTIME, "not in the manifest: the mtime, and it says so");
	ASSERT_STREQ(eg_age_source_name(ds.age_source), "file mtime: no build date known", "name");
	eg_dataset_free(&ds);
}

static void test_changed_file_refused(void)
{
	char path[256];
	struct eg_error err = {0};
	struct eg_dataset ds;

	ASSERT_OK(write_manifest(10, 100, "1.0.1.0,1.0.1.255,4135\n"), "manifest of other content");
	snprintf(path, sizeof(path), "%s/asn.csv", dir);
	ASSERT_EQ(eg_dataset_load(path, EG_DATA_ASN, &ds, &err), -1, "refused");
	ASSERT_CONTAINS(err.msg, "asn.csv: SHA-256 ", "names the file");
	ASSERT_CONTAINS(err.msg, "the file changed since", "says why");
	ASSERT_OK(write_manifest(10, 100, asn_csv), "manifest restored");
}

/* Of several files, the oldest decides: asn.csv (100 days) and asn6.csv (1 day) are 100 days old.
 */
static void test_oldest_decides(void)
{
	const char *files[2];
	char a[256], b6[256], policy[1024], age[2048];
	struct eg_error err = {0};
	struct eg_dataset ds;
	struct eg_bundle b;
	uint64_t now = (uint64_t)time(NULL);
	json_object *j;

	ASSERT_OK(write_manifest(10, 100, asn_csv), "manifest");
	snprintf(a, sizeof(a), "%s/asn.csv", dir);
	snprintf(b6, sizeof(b6), "%s/asn6.csv", dir);
	files[0] = b6;
	files[1] = a;
	ASSERT_OK(eg_dataset_load_files(files, 2, EG_DATA_ASN, &ds, &err), err.msg);
	ASSERT_LE(ds.build_epoch, now - 100 * 86400, "the older part's date");
	eg_dataset_free(&ds);
	snprintf(policy, sizeof(policy),
		 "max_data_age: 30d\non_failure: closed\ndata:\n  country: country.csv\n"
		 "  asn: [asn6.csv, asn.csv]\nrules: []\n");
	ASSERT_OK(write_text("policy.yaml", policy), "policy");
	snprintf(policy, sizeof(policy), "%s/policy.yaml", dir);
	ASSERT_OK(eg_bundle_load(policy, -1, &b, &err), err.msg);
	ASSERT_LE(eg_bundle_oldest_build(&b), now - 100 * 86400, "the bundle's oldest");
	ASSERT_LE(eg_bundle_stale_after(&b), now, "stale: 100 days > 30 days");
	eg_bundle_describe_age(&b, now, age, sizeof(age));
	ASSERT_CONTAINS(age, "country.csv: 10.0 days", "country's age");
	ASSERT_CONTAINS(age, "manifest", "where the dates come from");
	ASSERT_CONTAINS(age, "oldest 100.0 days, max_data_age 30.0 days: STALE", "oldest decides");
	j = eg_bundle_age_json(&b, now);
	ASSERT_EQ(json_object_get_int64(json_object_object_get(j, "oldest_age_seconds")),
		  100 * 86400, "JSON oldest");
	ASSERT_TRUE(json_object_get_boolean(json_object_object_get(j, "stale")), "JSON stale");
	json_object_put(j);
	eg_bundle_free(&b);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir) || write_text("country.csv", country_csv) ||
	    write_text("asn.csv", asn_csv) || write_text("asn6.csv", asn6_csv)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_version_date);
	RUN_TEST(test_dates_from_manifest);
	RUN_TEST(test_changed_file_refused);
	RUN_TEST(test_oldest_decides);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	return check_summary();
}
