// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `exfilguard report --format md`: events files summed up (attempts, bytes,
 * lost events, invalid lines named by file and line), tables by country,
 * provider, workload and destination, Markdown cells that cannot be broken
 * by what a workload names itself, and the policy given with --policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/realdata.h"
#include "cmd_report.h"
#include "sha256.h"

static char dir[] = "/tmp/exfilguard-report-XXXXXX";
static char events[64], policy[64];

static const char events_text[] =
	"{\"time\":\"2025-05-01T10:00:01.5Z\",\"event\":\"verdict\",\"verdict\":\"deny\","
	"\"mode\":\"enforce\",\"daddr\":\"198.51.100.7\",\"dport\":443,\"comm\":\"a|b\","
	"\"exe\":\"/usr/bin/curl\",\"cgroup\":\"/x\",\"container_id\":\"0123456789abcdef\","
	"\"rule\":{\"index\":0,\"text\":\"deny country: [CN]\"},\"country\":\"CN\","
	"\"provider\":\"alibaba\",\"jurisdiction\":\"CN\",\"dataset\":\"d1\"}\n"
	"{\"time\":\"2025-05-01T10:20:00Z\",\"event\":\"verdict\",\"verdict\":\"deny\","
	"\"mode\":\"enforce\",\"daddr\":\"198.51.100.7\",\"dport\":443,\"comm\":\"c|d\","
	"\"cgroup\":\"/x\",\"pod_uid\":\"p-1\",\"country\":\"CN\",\"provider\":\"alibaba\","
	"\"jurisdiction\":\"CN\",\"dataset\":\"d1\",\"rule\":{\"text\":\"deny country: [CN]\"}}\n"
	"\n"
	"{oops\n"
	"{\"time\":\"2025-05-01T11:00:00Z\",\"event\":\"verdict\",\"verdict\":\"audit\","
	"\"mode\":\"audit\",\"daddr\":\"2001:db8::5\",\"dport\":53,\"comm\":\"dig\","
	"\"cgroup\":\"/y\",\"country\":\"RU\",\"jurisdiction\":\"RU\",\"dataset\":\"d1\","
	"\"bytes\":1500,\"rule\":{\"text\":\"default\"}}\n"
	"{\"time\":\"2025-05-01T11:05:00Z\",\"event\":\"lost\",\"count\":7,\"total\":7}\n"
	"[1]\n";

static const char policy_text[] = "mode: audit\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    country: [CN]\n";

/* The Markdown report of the fixture (with the policy when asked); allocated. */
static char *markdown(int with_policy)
{
	struct report *r = calloc(1, sizeof(*r));
	struct eg_error err = {0};
	char *out = NULL;
	size_t len;
	FILE *f;

	if (!r || report_init(r) || (with_policy && report_read_policy(r, policy, &err)) ||
	    report_read(r, events, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		free(r);
		return NULL;
	}
	report_finish(r);
	f = open_memstream(&out, &len);
	if (f) {
		report_write_md(r, f);
		fclose(f);
	}
	report_free(r);
	free(r);
	return out;
}

static void test_totals_and_tables(void)
{
	char *md = markdown(0);

	ASSERT_TRUE(md, "report made");
	ASSERT_CONTAINS(md, "| Attempts to flagged destinations | 3 |", "attempts");
	ASSERT_CONTAINS(md, "| Blocked before any data left | 2 |", "blocked");
	ASSERT_CONTAINS(md, "| Allowed but recorded (audit) | 1 |", "audited");
	ASSERT_CONTAINS(md, "| Sent in recorded packets | 1.5 KB |", "bytes");
	ASSERT_CONTAINS(md, "| Not recorded (guard's queue full) | 7 |", "lost events");
	ASSERT_CONTAINS(md, "| Unreadable lines (not counted) | 2 |", "invalid lines counted");
	ASSERT_CONTAINS(md, "period 2025-05-01T10:00:01Z to 2025-05-01T11:00:00Z", "period");
	ASSERT_CONTAINS(md, "| CN | 2 | 0 |\n| RU | 0 | 1 |", "by country, most first");
	ASSERT_CONTAINS(md, "| alibaba | 2 | 0 |", "by provider");
	ASSERT_CONTAINS(md, "| container 0123456789ab | 1 | 0 |", "a container by its short id");
	ASSERT_CONTAINS(md, "| pod p-1 | 1 | 0 |", "a pod by its uid");
	ASSERT_CONTAINS(md, "| 198.51.100.7:443 | 2 | 0 |", "a destination");
	ASSERT_CONTAINS(md, "| [2001:db8::5]:53 | 0 | 1 |", "an IPv6 destination");
	ASSERT_CONTAINS(md, "| c\\|d | 1 | 0 |", "a '|' in a name cannot split the cell");
	ASSERT_CONTAINS(md, "| /usr/bin/curl | 1 | 0 |", "the program's path when known");
	ASSERT_CONTAINS(md, "| deny country: [CN] | 2 | 0 |", "the rule that decided");
	ASSERT_CONTAINS(md, "| 2025-05-01 10:00 | 1 | 0 | 0 |", "over time");
	ASSERT_CONTAINS(md, "| 2025-05-01 11:00 | 0 | 1 | 1500 |", "with bytes");
	ASSERT_CONTAINS(md, "Per 5 min (UTC)", "the bar width");
	ASSERT_CONTAINS(md, "ev.json:4: not valid JSON", "an invalid line named by file and line");
	ASSERT_CONTAINS(md, "ev.json:7: not an exfilguard event", "and why");
	ASSERT_TRUE(!strstr(md, "Policy in force"), "no policy section without --policy");
	free(md);
}

/* A flood as the daemon writes it: the window's first event, then one line for its repeats. */
static const char folded_text[] =
	"{\"time\":\"2025-05-01T10:00:00Z\",\"event\":\"verdict\",\"verdict\":\"deny\","
	"\"daddr\":\"198.51.100.9\",\"dport\":80,\"cgroup\":\"/f\",\"country\":\"CN\"}\n"
	"{\"time\":\"2025-05-01T10:00:00Z\",\"event\":\"folded\",\"count\":9999,"
	"\"first\":\"2025-05-01T10:00:00Z\",\"last\":\"2025-05-01T10:00:01Z\","
	"\"verdict\":\"deny\",\"daddr\":\"198.51.100.9\",\"dport\":80,\"cgroup\":\"/f\","
	"\"country\":\"CN\"}\n"
	"{\"time\":\"2025-05-01T10:00:02Z\",\"event\":\"lost\",\"count\":2,"
	"\"verdict\":\"deny\",\"daddr\":\"198.51.100.10\",\"dport\":80,\"cgroup\":\"/f\","
	"\"country\":\"CN\"}\n";

/* Folded repeats and named unqueued reports count as the attempts they stand for. */
static void test_folded_lines_counted(void)
{
	char *md;

	ASSERT_TRUE(testfile_write(events, folded_text) == 0, "folded events written");
	md = markdown(0);
	ASSERT_TRUE(md, "report made");
	ASSERT_CONTAINS(md, "| Attempts to flagged destinations | 10002 |", "every attempt");
	ASSERT_CONTAINS(md,
			"| Repeats of a destination within a second (from folded lines) | 9999 |",
			"the repeats");
	ASSERT_CONTAINS(md, "| Not recorded (guard's queue full) | 0 |",
			"a named unqueued report is an attempt, not a lost one");
	ASSERT_CONTAINS(md, "| 198.51.100.9:80 | 10000 | 0 |", "the flooded destination");
	ASSERT_CONTAINS(md, "| 198.51.100.10:80 | 2 | 0 |", "the unqueued one");
	ASSERT_CONTAINS(md, "| 2025-05-01 10:00 | 10002 | 0 |", "over time, weighted");
	free(md);
	ASSERT_TRUE(testfile_write(events, events_text) == 0, "fixture restored");
}

static void test_policy_described(void)
{
	char *md = markdown(1), sha[EG_SHA256_HEXLEN], want[200];

	ASSERT_TRUE(md, "report made");
	eg_sha256_hex(policy_text, strlen(policy_text), sha);
	snprintf(want, sizeof(want), "(SHA-256 %s): mode audit, default allow.", sha);
	ASSERT_CONTAINS(md, want, "the policy's digest, mode and default");
	ASSERT_CONTAINS(md, "1. deny country: [CN]\n", "its rules as written");
	free(md);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(events, sizeof(events), "%s/ev.json", dir);
	snprintf(policy, sizeof(policy), "%s/p.yaml", dir);
	if (testfile_write(events, events_text) || testfile_write(policy, policy_text))
		return 1;
	RUN_TEST(test_totals_and_tables);
	RUN_TEST(test_folded_lines_counted);
	RUN_TEST(test_policy_described);
	unlink(events);
	unlink(policy);
	rmdir(dir);
	return check_summary();
}
