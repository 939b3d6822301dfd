// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of what a reload does with the datasets: a reload whose
 * files are unchanged on disk reuses the data in force (the reload's answer
 * and the daemon's log say so) and enforces as before, also after a reload
 * refused once it had borrowed that data; a rewritten dataset is read anew
 * and takes effect at once; a dataset that no longer loads is refused and
 * the generation in force keeps enforcing, and reloads fine once repaired;
 * a deny's event names its country before and after each (also once the
 * refused reload has freed the daemon's own lookup tables).
 * Verdicts come from UDP connects (nothing is sent) in the guarded cgroup.
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/clirun.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/realdata.h"
#include "../lib/testenv.h"
#include "../lib/workload.h"

#define LOW	  "198.51.100.10"  /* CN in both versions of the data */
#define HIGH	  "198.51.100.200" /* US, then CN */
#define SETTLE_US 1100000	   /* a file changed within the last second is read anew */
#define REUSED	  "(unchanged on disk: reused, not read again)"
#define READ_ANEW "(read anew)"

static const char country_v1[] = "198.51.100.0,198.51.100.127,CN\n"
				 "198.51.100.128,198.51.100.255,US\n";
static const char country_v2[] = "198.51.100.0,198.51.100.255,CN\n";
static const char asn_csv[] = "198.51.100.0,198.51.100.255,4134,Chinanet\n";

static char policy[PATH_MAX], country[PATH_MAX], asn[PATH_MAX];
static struct guard guard;

/* Deny CN, with more rule text. */
static int write_policy(const char *extra)
{
	char text[2 * PATH_MAX + 256];

	snprintf(text, sizeof(text),
		 "data:\n  country: %s\n  asn: %s\n"
		 "rules:\n  - action: deny\n    country: [CN]\n%s",
		 country, asn, extra);
	return testfile_write(policy, text);
}

/* `exfilguard reload`: its exit status, its answer in out. */
static int reload(char *out, size_t len)
{
	return clirun_capture("reload", out, len);
}

static void expect_verdicts(int low, int high, const char *when)
{
	char what[128];

	snprintf(what, sizeof(what), "%s: " LOW, when);
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, LOW, 53), low, what);
	snprintf(what, sizeof(what), "%s: " HIGH, when);
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, HIGH, 53), high, what);
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up");
	testenv_path("policy.yaml", policy);
	testenv_path("country.csv", country);
	testenv_path("asn.csv", asn);
	ASSERT_OK(testfile_write(country, country_v1), "country data");
	ASSERT_OK(testfile_write(asn, asn_csv), "asn data");
	ASSERT_OK(write_policy(""), "policy");
	usleep(SETTLE_US);
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "reload-data"), 0, "guard started");
	expect_verdicts(0, 1, "started");
}

static void test_unchanged_data_is_reused(void)
{
	char out[4096], log[65536];

	ASSERT_OK(write_policy("  - action: deny\n    cidr: [192.0.2.0/24]\n"), "another rule");
	ASSERT_EQ(reload(out, sizeof(out)), 0, "reload done");
	EXPECT_CONTAINS(out, "2 rules", "the new policy");
	EXPECT_CONTAINS(out, REUSED, "the data in force was reused");
	expect_verdicts(0, 1, "reused");
	testenv_read_file(guard.log, log, sizeof(log));
	EXPECT_CONTAINS(log, "reload done: reloaded", "the daemon logged the reload");
	EXPECT_CONTAINS(log, REUSED, "and that it reused the data");
}

static void test_refused_reload_keeps_the_data_in_force(void)
{
	char out[4096];

	/* Refused once the data was borrowed: no catalog has this provider. */
	ASSERT_OK(write_policy("  - action: deny\n    provider: [no-such-cloud]\n"), "bad rule");
	EXPECT_EQ(reload(out, sizeof(out)), 1, "reload refused");
	expect_verdicts(0, 1, "after the refusal");
	ASSERT_OK(write_policy(""), "policy back");
	ASSERT_EQ(reload(out, sizeof(out)), 0, "reload done");
	EXPECT_CONTAINS(out, REUSED, "the data in force is still there to reuse");
	expect_verdicts(0, 1, "reused again");
}

static void test_rewritten_data_is_read_and_enforced(void)
{
	char out[4096];

	ASSERT_OK(testfile_write(country, country_v2), "country data rewritten");
	ASSERT_EQ(reload(out, sizeof(out)), 0, "reload done");
	EXPECT_CONTAINS(out, READ_ANEW, "read anew");
	expect_verdicts(0, 0, "new data");
	usleep(SETTLE_US);
	ASSERT_EQ(reload(out, sizeof(out)), 0, "reload done");
	EXPECT_CONTAINS(out, READ_ANEW, "read when it had just changed");
	ASSERT_EQ(reload(out, sizeof(out)), 0, "reload done");
	EXPECT_CONTAINS(out, REUSED, "and reused once it had settled");
	expect_verdicts(0, 0, "new data reused");
}

/*
 * A deny's event names its country: the daemon classifies a socket hook's
 * deny (user/attempts.h) unless a reload freed its lookup tables, when the
 * kernel does (EG_CFG_KERNEL_COUNTS). port: one no other check uses.
 */
static void expect_deny_names_country(unsigned port, const char *country_code, const char *when)
{
	struct evmatch m = {.verdict = "deny", .daddr = LOW, .dport = (int)port};
	struct evlog got = {0};
	char what[128];

	snprintf(what, sizeof(what), "%s: " LOW " refused", when);
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, LOW, port), 0, what);
	snprintf(what, sizeof(what), "%s: its event", when);
	ASSERT_EQ(evlog_expect(guard.events, evmatch_pred, &m, 1, &got), 1, what);
	snprintf(what, sizeof(what), "%s: the event names the country", when);
	EXPECT_STREQ(ev_str(got.ev[0], "country"), country_code, what);
	evlog_free(&got);
}

static void test_broken_data_is_refused(void)
{
	char out[4096];

	expect_deny_names_country(5301, "CN", "before the refused reload");
	ASSERT_OK(testfile_write(country, "not,a dataset\n"), "country data broken");
	EXPECT_EQ(reload(out, sizeof(out)), 1, "reload refused");
	expect_verdicts(0, 0, "the generation in force still enforces");
	/* The refused reload freed the daemon's lookup tables before it read the broken file. */
	expect_deny_names_country(5302, "CN", "after the refused reload");
	ASSERT_OK(testfile_write(country, country_v1), "country data repaired");
	ASSERT_EQ(reload(out, sizeof(out)), 0, "reload done");
	EXPECT_CONTAINS(out, READ_ANEW, "read anew");
	expect_verdicts(0, 1, "repaired data");
	expect_deny_names_country(5303, "CN", "after the repair");
}

static void test_guard_stops(void)
{
	ASSERT_EQ(testenv_guard_finish(&guard, check_failed), 0, "guard exit status after SIGTERM");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	if (check_failed)
		return check_summary();
	RUN_TEST(test_unchanged_data_is_reused);
	RUN_TEST(test_refused_reload_keeps_the_data_in_force);
	RUN_TEST(test_rewritten_data_is_read_and_enforced);
	RUN_TEST(test_broken_data_is_refused);
	RUN_TEST(test_guard_stops);
	return check_summary();
}
