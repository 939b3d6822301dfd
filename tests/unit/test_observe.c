// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of what observes rather than decides: the policy keys
 * accounting and metrics, the metrics listen address, --since durations, and
 * stats snapshots (saved, loaded, subtracted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../lib/check.h"
#include "metrics.h"
#include "policy.h"
#include "stats.h"

static int parse(const char *text, struct eg_policy *p, struct eg_error *err)
{
	memset(err, 0, sizeof(*err));
	return eg_policy_parse(text, strlen(text), "p.yaml", p, err);
}

static void test_accounting_key(void)
{
	struct eg_policy p;
	struct eg_error err;

	ASSERT_OK(parse("default: allow\nrules: []\n", &p, &err), err.msg);
	ASSERT_EQ(p.acct_all, 0, "denied and audited only by default");
	eg_policy_free(&p);
	ASSERT_OK(parse("default: allow\naccounting: all\nrules: []\n", &p, &err), err.msg);
	ASSERT_EQ(p.acct_all, 1, "accounting: all");
	eg_policy_free(&p);
	ASSERT_NE(parse("default: allow\naccounting: some\n", &p, &err), 0, "a bad value");
	ASSERT_CONTAINS(err.msg, "p.yaml:2:", "names the file and line");
	ASSERT_CONTAINS(err.msg, "denied or all", "and what it takes");
}

static void test_metrics_key(void)
{
	struct eg_policy p;
	struct eg_error err;

	ASSERT_OK(parse("default: allow\nmetrics: \"127.0.0.1:9464\"\n", &p, &err), err.msg);
	ASSERT_STREQ(p.metrics, "127.0.0.1:9464", "kept as written");
	eg_policy_free(&p);
	ASSERT_NE(parse("default: allow\nmetrics: 70000\n", &p, &err), 0, "a port out of range");
	ASSERT_CONTAINS(err.msg, "p.yaml:2:10: bad metrics \"70000\": the port must be",
			"says where and what");
}

static void test_listen_address(void)
{
	struct eg_metrics_listen l;
	const char *why = NULL;

	ASSERT_OK(eg_metrics_parse_listen("9464", &l, &why), "a port alone");
	ASSERT_STREQ(l.addr, "127.0.0.1", "loopback by default");
	ASSERT_EQ(l.port, 9464, "the port");
	ASSERT_OK(eg_metrics_parse_listen("[::1]:19464", &l, &why), "IPv6 in brackets");
	ASSERT_STREQ(l.addr, "::1", "brackets removed");
	ASSERT_EQ(l.port, 19464, "its port");
	ASSERT_NE(eg_metrics_parse_listen("0", &l, &why), 0, "port 0 refused");
	ASSERT_NE(eg_metrics_parse_listen(":80", &l, &why), 0, "an empty address refused");
	ASSERT_NE(eg_metrics_parse_listen("127.0.0.1:http", &l, &why), 0, "a service name refused");
}

static void test_durations(void)
{
	ASSERT_EQ(eg_duration_parse("90s"), 90, "seconds");
	ASSERT_EQ(eg_duration_parse("15m"), 900, "minutes");
	ASSERT_EQ(eg_duration_parse("2h"), 7200, "hours");
	ASSERT_EQ(eg_duration_parse("7d"), 604800, "days");
	ASSERT_EQ(eg_duration_parse("7"), -1, "a unit is required");
	ASSERT_EQ(eg_duration_parse("0s"), -1, "zero refused");
	ASSERT_EQ(eg_duration_parse("1w"), -1, "an unknown unit refused");
}

static void test_snapshot_round_trip_and_subtract(void)
{
	struct eg_stat_row rows[2] = {
		{.key = {.cgroup_id = 7,
			 .cls = {.asn = 4134, .country = EG_CC('C', 'N')},
			 .verdict = 2},
		 .bytes = 1000,
		 .packets = 10,
		 .attempts = 2},
		{.key = {.cgroup_id = 8, .verdict = 1}, .bytes = 0, .packets = 0, .attempts = 5},
	};
	struct eg_stats now = {rows, 2}, base, later;
	struct eg_stat_row later_rows[2];
	char path[] = "/tmp/eg-test-snapshot-XXXXXX";
	struct eg_error err = {0};
	uint64_t t = 0;
	int fd = mkstemp(path);

	ASSERT_TRUE(fd >= 0, "temporary file");
	close(fd);
	ASSERT_OK(eg_stats_save(&now, 1700000000, path, &err), err.msg);
	ASSERT_OK(eg_stats_load(path, &base, &t, &err), err.msg);
	unlink(path);
	ASSERT_EQ(t, 1700000000, "the snapshot's time");
	ASSERT_EQ(base.n, 2, "both rows");
	ASSERT_TRUE(!memcmp(&base.rows[0].key, &rows[0].key, sizeof(rows[0].key)), "same key");
	ASSERT_EQ(base.rows[0].attempts, 2, "attempts kept");
	memcpy(later_rows, rows, sizeof(rows));
	later_rows[0].bytes += 500;
	later_rows[0].packets += 3;
	later = (struct eg_stats){later_rows, 2};
	eg_stats_subtract(&later, &base);
	ASSERT_EQ(later.n, 1, "a row that did not move is dropped");
	ASSERT_EQ(later.rows[0].bytes, 500, "only the bytes since");
	ASSERT_EQ(later.rows[0].packets, 3, "and the packets");
	eg_stats_free(&base);
}

int main(void)
{
	RUN_TEST(test_accounting_key);
	RUN_TEST(test_metrics_key);
	RUN_TEST(test_listen_address);
	RUN_TEST(test_durations);
	RUN_TEST(test_snapshot_round_trip_and_subtract);
	return check_summary();
}
