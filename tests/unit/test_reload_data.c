// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A reload reuses the data in force when it is unchanged on disk
 * (user/bundle_share.c): the walk over a trimmed world gives the segments
 * the world was built with, so the decision tables compiled against the
 * world in force are the very ones a fresh world gives, on the real
 * datasets too; a reload of the same files borrows the datasets and the
 * world, which outlive the bundle that lent them once handed over; a failed
 * reload leaves the lender whole and still lending; a rewritten, touched or
 * just-written file, a manifest appearing beside it, or other files are read
 * anew.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "addr.h"
#include "bundle.h"
#include "check.h"
#include "realdata.h"
#include "dtable.h"

typedef unsigned __int128 u128;

#define SETTLE_US 1100000 /* past the key's 1 s: files written before it count as settled */

static char dir[] = "/tmp/eg-test-reload-data-XXXXXX";
static char policy[256], country[256], asn[256];
static struct eg_bundle a, b; /* in force and reloaded (large: off the stack) */

static const char country_v1[] = "198.51.100.0,198.51.100.127,CN\n"
				 "198.51.100.128,198.51.100.255,US\n"
				 "2001:db8:bad::,2001:db8:bad:ffff:ffff:ffff:ffff:ffff,CN\n";
static const char country_v2[] = "198.51.100.0,198.51.100.255,CN\n"
				 "2001:db8:bad::,2001:db8:bad:ffff:ffff:ffff:ffff:ffff,CN\n";
static const char asn_csv[] = "198.51.100.0,198.51.100.255,4134,Chinanet\n"
			      "2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,45102,Alibaba\n";
static const char rules[] = "rules:\n  - action: deny\n    country: [CN]\n";

/* The policy naming data (country and asn files) with extra rule text. */
static int write_policy(const char *data, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s%s%s", data, rules, extra);
	return testfile_write(policy, text);
}

static int write_fixture_policy(const char *extra)
{
	char data[1024];

	snprintf(data, sizeof(data), "data:\n  country: %s\n  asn: %s\n", country, asn);
	return write_policy(data, extra);
}

/* Loaded and trimmed, as the daemon holds the bundle in force. */
static int load_in_force(struct eg_bundle *b)
{
	struct eg_error err = {0};

	if (eg_bundle_load(policy, -1, b, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return -1;
	}
	return eg_bundle_trim(b);
}

static int reload(struct eg_bundle *in_force, struct eg_bundle *b, struct eg_error *err)
{
	memset(err, 0, sizeof(*err));
	return eg_bundle_reload(policy, -1, in_force, b, err);
}

static uint16_t country_of(const struct eg_bundle *b, const char *text)
{
	uint8_t addr[16], family;

	if (eg_addr_parse(text, addr, &family))
		return 0;
	return eg_world_class(&b->world, eg_world_classify(&b->world, addr))->country;
}

/* The walk over w (trimmed) against the segments it had before: all of them, in order. */
static void check_walk(struct eg_world *w)
{
	size_t n = w->segs.n, i, bad = 0;
	struct eg_segment *segs = malloc(n * sizeof(*segs));
	struct eg_world_walk k;

	ASSERT_TRUE(segs != NULL, "memory");
	for (i = 0; i < n; i++)
		segs[i] = eg_world_segment(w, i);
	ASSERT_OK(eg_world_trim(w), "trimmed");
	ASSERT_TRUE(w->segs.val == NULL, "no classes of segments left");
	eg_world_walk_start(&k, w);
	for (i = 0; i < n; i++) {
		eg_world_walk_to(&k, segs[i].first);
		bad += k.first != segs[i].first || k.last != segs[i].last ||
		       k.class_id != segs[i].class_id;
	}
	EXPECT_EQ(bad, 0, "every segment walked as built: bounds and class");
	EXPECT_EQ(k.i + 1, n, "and no more");
	free(segs);
}

/* Every table, index, bound and decision compiled from b, as bytes. */
static void check_same_tables(const struct eg_dtset *a, const struct eg_dtset *b)
{
	size_t cells = a->n_tables * EG_DT_CELLS;

	ASSERT_EQ(a->n_tables, b->n_tables, "as many tables");
	ASSERT_EQ(a->n_v4_lines, b->n_v4_lines, "as many IPv4 lines");
	ASSERT_EQ(a->bounds.n_v4, b->bounds.n_v4, "as many IPv4 bounds");
	ASSERT_EQ(a->bounds.n_v6, b->bounds.n_v6, "as many IPv6 bounds");
	ASSERT_EQ(a->n_decisions, b->n_decisions, "as many decisions");
	EXPECT_OK(memcmp(a->heads, b->heads, sizeof(a->heads)), "heads");
	EXPECT_OK(memcmp(a->v4_index, b->v4_index, cells * sizeof(*a->v4_index)), "IPv4 index");
	EXPECT_OK(memcmp(a->v6_index, b->v6_index, cells * sizeof(*a->v6_index)), "IPv6 index");
	EXPECT_OK(memcmp(a->v4_lines, b->v4_lines, a->n_v4_lines * sizeof(*a->v4_lines)),
		  "IPv4 lines");
	EXPECT_OK(memcmp(a->bounds.v4, b->bounds.v4, a->bounds.n_v4 * sizeof(*a->bounds.v4)),
		  "IPv4 bounds");
	EXPECT_OK(memcmp(a->bounds.v6, b->bounds.v6, a->bounds.n_v6 * sizeof(*a->bounds.v6)),
		  "IPv6 bounds");
	EXPECT_OK(memcmp(a->decisions, b->decisions, a->n_decisions * sizeof(*a->decisions)),
		  "decisions");
}

/* The tables compiled before and after the world is trimmed are the same; so is the walk. */
static void check_trimmed_world_compiles_the_same(const char *data)
{
	struct eg_dtset fresh, trimmed;
	struct eg_error err = {0};

	ASSERT_OK(write_policy(data, "  - action: allow\n    cidr: [198.51.100.9]\n"), "policy");
	ASSERT_OK(eg_bundle_load(policy, -1, &b, &err), err.msg);
	ASSERT_OK(eg_dtset_build(&fresh, &b, EG_SLOT_NODE, &err), err.msg);
	check_walk(&b.world);
	ASSERT_OK(eg_dtset_build(&trimmed, &b, EG_SLOT_NODE, &err), err.msg);
	check_same_tables(&fresh, &trimmed);
	eg_dtset_free(&fresh);
	eg_dtset_free(&trimmed);
	eg_bundle_free(&b);
}

static void test_trimmed_fixture_world(void)
{
	char data[1024];

	snprintf(data, sizeof(data), "data:\n  country: %s\n  asn: %s\n", country, asn);
	check_trimmed_world_compiles_the_same(data);
}

static void test_trimmed_real_world(void)
{
	char data[1024];

	ASSERT_EQ(realdata_section(data, sizeof(data)), 0, "real datasets in data/");
	check_trimmed_world_compiles_the_same(data);
}

static void test_unchanged_data_is_borrowed_then_handed_over(void)
{
	struct eg_error err;

	ASSERT_OK(write_fixture_policy(""), "policy");
	ASSERT_OK(load_in_force(&a), "in force");
	ASSERT_TRUE(a.data_key != NULL, "the data in force has a key");
	/* Another rule, the same data: the new bundle borrows it. */
	ASSERT_OK(write_fixture_policy("  - action: deny\n    cidr: [192.0.2.0/24]\n"), "policy");
	ASSERT_OK(reload(&a, &b, &err), err.msg);
	EXPECT_EQ(b.data_borrowed, 1, "borrowed");
	EXPECT_TRUE(b.world.classes == a.world.classes, "the very world in force");
	EXPECT_TRUE(b.asn.names == a.asn.names, "and its AS names");
	EXPECT_EQ(b.policy.n_rules, 2, "with the new rules");
	ASSERT_OK(eg_bundle_trim(&b), "trim of a borrower: nothing of the lender's");
	EXPECT_TRUE(a.world.segs.n > 0 && a.world.n_v4_bounds > 0, "the lender kept its world");
	eg_bundle_hand_over(&a, &b);
	EXPECT_EQ(b.data_borrowed, 0, "the new bundle owns the data");
	EXPECT_EQ(a.data_borrowed, 1, "the old one borrows it");
	eg_bundle_free(&a);
	EXPECT_EQ(country_of(&b, "198.51.100.10"), EG_CC('C', 'N'),
		  "the world outlived its lender");
	EXPECT_STREQ(eg_dataset_asn_name(&b.asn, 4134), "Chinanet", "and the AS names");
	eg_bundle_free(&b);
}

static void test_failed_reload_keeps_the_lender(void)
{
	struct eg_error err;

	ASSERT_OK(write_fixture_policy(""), "policy");
	ASSERT_OK(load_in_force(&a), "in force");
	/* Refused after the data was borrowed: the rules name a provider no catalog has. */
	ASSERT_OK(write_fixture_policy("  - action: deny\n    provider: [no-such-cloud]\n"),
		  "policy");
	EXPECT_EQ(reload(&a, &b, &err), -1, "refused");
	EXPECT_CONTAINS(err.msg, "no-such-cloud", "says why");
	EXPECT_TRUE(a.data_key != NULL && !a.data_borrowed, "the lender still owns and lends");
	EXPECT_EQ(country_of(&a, "198.51.100.10"), EG_CC('C', 'N'), "its world is whole");
	EXPECT_STREQ(eg_dataset_asn_name(&a.asn, 4134), "Chinanet", "and its AS names");
	ASSERT_OK(write_fixture_policy(""), "policy");
	ASSERT_OK(reload(&a, &b, &err), err.msg);
	EXPECT_EQ(b.data_borrowed, 1, "the next reload borrows again");
	eg_bundle_free(&b);
	eg_bundle_free(&a);
}

/* The bundle reloaded beside in_force (freed after), after change() altered the files: read anew?
 */
static int read_anew_after(struct eg_bundle *in_force, int (*change)(void), uint16_t *cn_at_200)
{
	struct eg_error err;
	int anew;

	if (change() || reload(in_force, &b, &err))
		return -1;
	anew = !b.data_borrowed;
	*cn_at_200 = country_of(&b, "198.51.100.200") == EG_CC('C', 'N');
	if (anew)
		EXPECT_TRUE(in_force->data_key == NULL && in_force->world.n_v4_bounds == 0,
			    "the lender shed what only a reload could reuse");
	eg_bundle_free(&b);
	return anew;
}

static int rewrite_country(void)
{
	return testfile_write(country, country_v2);
}

static int touch_asn(void)
{
	return utimensat(AT_FDCWD, asn, NULL, 0);
}

static int add_manifest(void)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/MANIFEST.json", dir);
	return testfile_write(path, "{\"files\": {}}\n");
}

static int change_nothing(void)
{
	return 0;
}

static void test_changed_data_is_read_anew(void)
{
	int (*const changes[])(void) = {rewrite_country, touch_asn, add_manifest};
	uint16_t cn;

	ASSERT_OK(testfile_write(country, country_v1), "country v1");
	ASSERT_OK(write_fixture_policy(""), "policy");
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		usleep(SETTLE_US); /* after the last change */
		ASSERT_OK(load_in_force(&a), "in force");
		ASSERT_TRUE(a.data_key != NULL, "settled: a key");
		EXPECT_EQ(read_anew_after(&a, changes[i], &cn), 1, "changed: read anew");
		eg_bundle_free(&a);
	}
	EXPECT_EQ(cn, 1, "the rewritten country file took effect");
	/* Just written: no key, so read anew until it settled. */
	ASSERT_OK(load_in_force(&a), "in force");
	EXPECT_TRUE(a.data_key == NULL, "files changed in the last seconds: no key");
	EXPECT_EQ(read_anew_after(&a, change_nothing, &cn), 1, "read anew");
	eg_bundle_free(&a);
	usleep(SETTLE_US);
	ASSERT_OK(load_in_force(&a), "in force");
	EXPECT_EQ(read_anew_after(&a, change_nothing, &cn), 0, "settled: borrowed");
	eg_bundle_free(&a);
}

static void test_other_files_or_no_data(void)
{
	struct eg_error err;
	char data[1024];

	ASSERT_OK(write_fixture_policy(""), "policy");
	ASSERT_OK(load_in_force(&a), "in force");
	snprintf(data, sizeof(data), "data:\n  country: %s\n", country); /* no asn file */
	ASSERT_OK(write_policy(data, ""), "policy");
	ASSERT_OK(reload(&a, &b, &err), err.msg);
	EXPECT_EQ(b.data_borrowed, 0, "other files: read");
	EXPECT_TRUE(b.have_world && !b.have_asn, "as the policy names them");
	eg_bundle_free(&b);
	eg_bundle_free(&a);
	ASSERT_OK(testfile_write(policy, "rules:\n  - action: deny\n    cidr: [192.0.2.0/24]\n"),
		  "cidr");
	ASSERT_OK(load_in_force(&a), "in force");
	EXPECT_TRUE(a.data_key == NULL, "no data: nothing to reuse");
	ASSERT_OK(reload(&a, &b, &err), err.msg);
	EXPECT_TRUE(!b.data_borrowed && !b.have_world, "no data either");
	eg_bundle_free(&b);
	eg_bundle_free(&a);
}

int main(void)
{
	char cmd[512];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(policy, sizeof(policy), "%s/policy.yaml", dir);
	snprintf(country, sizeof(country), "%s/country.csv", dir);
	snprintf(asn, sizeof(asn), "%s/asn.csv", dir);
	if (testfile_write(country, country_v1) || testfile_write(asn, asn_csv)) {
		perror(dir);
		return 1;
	}
	usleep(SETTLE_US);
	RUN_TEST(test_trimmed_fixture_world);
	RUN_TEST(test_trimmed_real_world);
	RUN_TEST(test_unchanged_data_is_borrowed_then_handed_over);
	RUN_TEST(test_failed_reload_keeps_the_lender);
	RUN_TEST(test_other_files_or_no_data);
	RUN_TEST(test_changed_data_is_read_anew);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "test_reload_data: could not remove %s\n", dir);
	return check_summary();
}
