// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of classification: the real binary guards a cgroup with
 * policies that name countries, providers, ASNs and jurisdictions, judged in
 * the kernel against fixture datasets generated at test time
 * (tests/fixtures/gen_fixtures.pl writes real MaxMind DB files):
 *
 *   198.51.100.0/24   country CN, AS4134
 *   198.19.113.0/25    country US, AS45102 (alibaba-cloud in the catalog: jurisdiction CN)
 *   192.0.2.0/24      country DE, no AS
 *   2001:db8:1::/48   country US, AS45102
 *
 * Workloads connect to the test host's real servers; each denial must fail
 * with EPERM, reach nothing, and be reported with its classification.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/clirun.h"
#include "../lib/evlog.h"
#include "../lib/realdata.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"

#define CN_ADDR	    "198.51.100.10"
#define ALIBABA_US  "198.19.113.10"
#define ALIBABA_US6 "2001:db8:1::10"
#define DE_ADDR	    "192.0.2.2"
#define ARRIVAL_MS  3000

static char fixtures[PATH_MAX];
static struct guard guard;

static void write_policy(const char *name, const char *rules, char path[PATH_MAX])
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "mode: enforce\n"
		 "default: allow\n"
		 "data:\n"
		 "  country: %s/geolite2-country.mmdb.gz\n"
		 "  asn: [%s/asn.csv]\n"
		 "rules:\n%s",
		 fixtures, fixtures, rules);
	if (testenv_write_file(name, text, path))
		path[0] = '\0';
}

static int start(const char *name, const char *rules)
{
	char policy[PATH_MAX];

	write_policy(name, rules, policy);
	if (!policy[0] || testenv_guard_start(&guard, policy, NULL, name)) {
		testenv_guard_reset();
		return -1;
	}
	return 0;
}

static void stop(void)
{
	int status = guard_stop(&guard);

	if (check_cur_failed || status) {
		evlog_dump(guard.events);
		guard_print_log(&guard);
	}
	testenv_guard_reset();
}

/* A TCP connect from the guarded cgroup: 0 when it was refused with EPERM and reached nothing. */
static int connect_refused(int family, const char *addr, pid_t *pid)
{
	struct client_action a = {CLIENT_TCP_CONNECT, family, addr, TESTHOST_TCP_PORT, "hello", 0};
	uint64_t before = testhost_count(TESTHOST_TCP_CONNS, addr);
	struct client_result r;

	if (client_run(testenv.cg_guarded, &a, &r) || r.ret != -1 || r.err != EPERM) {
		fprintf(stderr, "  connect %s: ret %d errno %d (expected -1, EPERM)\n", addr, r.ret,
			r.err);
		return -1;
	}
	*pid = r.pid;
	return testhost_count(TESTHOST_TCP_CONNS, addr) == before ? 0 : -1;
}

/* A TCP connect from the guarded cgroup that must succeed, its 5 bytes arriving. */
static int connect_allowed(int family, const char *addr)
{
	struct client_action a = {CLIENT_TCP_CONNECT, family, addr, TESTHOST_TCP_PORT, "hello", 0};
	uint64_t bytes = testhost_count(TESTHOST_TCP_BYTES, addr);
	struct client_result r;

	if (client_run(testenv.cg_guarded, &a, &r) || r.ret < 0) {
		fprintf(stderr, "  connect %s: ret %d errno %d (expected success)\n", addr, r.ret,
			r.err);
		return -1;
	}
	return testhost_wait_count(TESTHOST_TCP_BYTES, addr, bytes + 5, ARRIVAL_MS) >= bytes + 5
		       ? 0
		       : -1;
}

/* The one deny event of pid, with its classification. */
struct class_expect {
	const char *daddr, *match, *country, *provider, *jurisdiction, *prefix;
	long long asn; /* 0: null */
	int rule;
};

static void expect_event(pid_t pid, const struct class_expect *x)
{
	struct evmatch m = {.verdict = "deny", .daddr = x->daddr, .dport = -1, .pid = pid};
	struct evlog got = {0};
	json_object *ev;

	ASSERT_EQ(evlog_expect(guard.events, evmatch_pred, &m, 1, &got), 1, "exactly one event");
	ev = got.ev[0];
	ASSERT_STREQ(ev_str(ev, "match"), x->match, "match");
	ASSERT_STREQ(ev_str(ev, "country"), x->country, "country");
	if (x->asn)
		ASSERT_EQ(ev_int(ev, "asn"), x->asn, "asn");
	else
		ASSERT_TRUE(ev_is_null(ev, "asn", NULL), "asn is null");
	if (x->provider)
		ASSERT_STREQ(ev_str(ev, "provider"), x->provider, "provider");
	else
		ASSERT_TRUE(ev_is_null(ev, "provider", NULL), "provider is null");
	/* The effective jurisdiction: the provider's, else the located country's, and which. */
	if (x->jurisdiction) {
		ASSERT_STREQ(ev_str(ev, "jurisdiction"), x->jurisdiction, "jurisdiction");
		ASSERT_STREQ(ev_str(ev, "jurisdiction_source"),
			     x->provider ? "provider" : "country", "jurisdiction_source");
	} else
		ASSERT_TRUE(ev_is_null(ev, "jurisdiction", NULL), "jurisdiction is null");
	ASSERT_STREQ(ev_str(ev, "prefix"), x->prefix, "prefix");
	ASSERT_TRUE(ev_field(ev, "rule", "index") != NULL, "rule.index present");
	ASSERT_EQ(json_object_get_int(ev_field(ev, "rule", "index")), x->rule, "rule.index");
	ASSERT_TRUE(ev_str(ev, "dataset") && strstr(ev_str(ev, "dataset"), "country:"),
		    "dataset names the data version");
	evlog_free(&got);
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	testenv_path("fixtures", fixtures);
	ASSERT_EQ(fixtures_generate(fixtures), 0,
		  "fixture datasets generated (tests/fixtures/gen_fixtures.pl)");
}

/* Start a guard with rules, run body, always stop the guard. */
static void with_guard(const char *name, const char *rules, void (*body)(void))
{
	ASSERT_EQ(start(name, rules), 0, "guard started");
	body();
	stop();
}

static void country_rule(void)
{
	struct class_expect x = {CN_ADDR, "country", "CN", NULL, "CN", "198.51.100.0/24", 4134, 0};
	pid_t pid;

	ASSERT_EQ(connect_refused(AF_INET, CN_ADDR, &pid), 0, "CN destination refused");
	expect_event(pid, &x);
	ASSERT_EQ(connect_allowed(AF_INET, ALIBABA_US), 0,
		  "an Alibaba server located in the US passes a country rule");
}

static void test_country_rule(void)
{
	with_guard("country", "  - action: deny\n    country: [CN]\n", country_rule);
}

/*
 * Denied attempts `stats` counts for the guarded workload under a class
 * (country, provider, AS): the daemon's count of the denies the kernel left
 * to it (user/attempts.h).
 */
static long long denied_attempts_of(const char *country, const char *provider, long long asn)
{
	json_object *stats = clirun_json("stats --json"), *rows;
	long long sum = 0;

	if (!stats || !json_object_object_get_ex(stats, "rows", &rows)) {
		json_object_put(stats);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i);

		if (strcmp(ev_str(r, "verdict") ? ev_str(r, "verdict") : "", "deny") ||
		    strcmp(ev_str(r, "workload") ? ev_str(r, "workload") : "",
			   testenv.guarded_rel) ||
		    !ev_str(r, "country") || strcmp(ev_str(r, "country"), country) ||
		    !ev_str(r, "provider") || strcmp(ev_str(r, "provider"), provider) ||
		    ev_int(r, "asn") != asn)
			continue;
		sum += ev_int(r, "attempts");
	}
	json_object_put(stats);
	return sum;
}

/* denied_attempts_of once it reaches want (written at the end of the daemon's pass), or after 2 s.
 */
static long long await_denied_attempts(const char *country, const char *provider, long long asn,
				       long long want)
{
	long long got = denied_attempts_of(country, provider, asn);

	for (int i = 0; i < 40 && got >= 0 && got < want; i++) {
		usleep(50 * 1000);
		got = denied_attempts_of(country, provider, asn);
	}
	return got;
}

static void provider_rule(void)
{
	struct class_expect x = {ALIBABA_US, "provider",	"US",  "alibaba-cloud",
				 "CN",	     "198.19.113.0/25", 45102, 0};
	struct class_expect x6 = {ALIBABA_US6, "provider",	  "US",	 "alibaba-cloud",
				  "CN",	       "2001:db8:1::/48", 45102, 0};
	pid_t pid;

	ASSERT_EQ(connect_refused(AF_INET, ALIBABA_US, &pid), 0, "Alibaba (US) refused");
	expect_event(pid, &x);
	ASSERT_EQ(connect_refused(AF_INET6, ALIBABA_US6, &pid), 0, "Alibaba (US) IPv6 refused");
	expect_event(pid, &x6);
	ASSERT_EQ(await_denied_attempts("US", "alibaba-cloud", 45102, 2), 2,
		  "stats: both refusals counted under their class (US, alibaba-cloud, AS45102)");
	ASSERT_EQ(connect_allowed(AF_INET, CN_ADDR), 0, "a CN address of another AS passes");
}

/* KEY's integer in obj (obj's KEY2 object first when key2 is set); -1 when absent. */
static long long json_int(json_object *obj, const char *key2, const char *key)
{
	json_object *inner = obj, *v = NULL;

	if (key2 && !json_object_object_get_ex(obj, key2, &inner))
		return -1;
	return json_object_object_get_ex(inner, key, &v) ? json_object_get_int64(v) : -1;
}

/* `status` counts the loaded world's ranges as `check` does for the same policy. */
static void status_counts_ranges(void)
{
	char args[PATH_MAX + 32], policy[PATH_MAX];
	json_object *status = clirun_json("--json status"), *check;

	testenv_path("counts", policy); /* where start() wrote it */
	snprintf(args, sizeof(args), "--json check %s", policy);
	check = clirun_json(args);
	ASSERT_TRUE(status && check, "status and check answered");
	EXPECT_GE(json_int(check, NULL, "ipv4_ranges"), 8, "the fixture has IPv4 ranges");
	EXPECT_EQ(json_int(status, "classification", "ipv4_ranges"),
		  json_int(check, NULL, "ipv4_ranges"), "IPv4 ranges: status as check");
	EXPECT_EQ(json_int(status, "classification", "ipv6_ranges"),
		  json_int(check, NULL, "ipv6_ranges"), "IPv6 ranges: status as check");
	json_object_put(status);
	json_object_put(check);
}

static void test_status_counts_ranges(void)
{
	with_guard("counts", "  - action: deny\n    country: [CN]\n", status_counts_ranges);
}

static void test_provider_rule_catches_us_region(void)
{
	with_guard("provider", "  - action: deny\n    provider: [alibaba-cloud]\n", provider_rule);
}

static void jurisdiction_rule(void)
{
	struct class_expect by_provider = {ALIBABA_US, "jurisdiction",	  "US",	 "alibaba-cloud",
					   "CN",       "198.19.113.0/25", 45102, 0};
	struct class_expect by_country = {CN_ADDR, "jurisdiction",    "CN", NULL,
					  "CN",	   "198.51.100.0/24", 4134, 0};
	pid_t pid;

	ASSERT_EQ(connect_refused(AF_INET, ALIBABA_US, &pid), 0,
		  "a US-located server of a CN-controlled provider refused");
	expect_event(pid, &by_provider);
	ASSERT_EQ(connect_refused(AF_INET, CN_ADDR, &pid), 0, "a CN-located server refused");
	expect_event(pid, &by_country);
	ASSERT_EQ(connect_allowed(AF_INET, DE_ADDR), 0, "a DE destination passes");
}

static void test_jurisdiction_rule(void)
{
	with_guard("jurisdiction", "  - action: deny\n    jurisdiction: [CN]\n", jurisdiction_rule);
}

static void precedence(void)
{
	/* CIDR > ASN/provider > country/jurisdiction, whatever the order of the rules. */
	struct class_expect asn = {ALIBABA_US6,	      "asn", "US", "alibaba-cloud", "CN",
				   "2001:db8:1::/48", 45102, 1};
	pid_t pid;

	ASSERT_EQ(connect_allowed(AF_INET, ALIBABA_US), 0,
		  "an allow CIDR beats the ASN and jurisdiction denies");
	ASSERT_EQ(connect_refused(AF_INET6, ALIBABA_US6, &pid), 0,
		  "the ASN deny beats the country allow");
	expect_event(pid, &asn);
}

static void test_precedence(void)
{
	with_guard("precedence",
		   "  - action: allow\n    country: [US]\n"
		   "  - action: deny\n    asn: [AS45102]\n"
		   "  - action: deny\n    jurisdiction: [CN]\n"
		   "  - action: allow\n    cidr: 198.19.113.10/32\n",
		   precedence);
}

/* ---- on_failure with data older than max_data_age ---- */

static void write_stale_policy(const char *name, const char *on_failure, const char *rules,
			       char path[PATH_MAX])
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "on_failure: %s\n"
		 "max_data_age: 1s\n"
		 "data:\n"
		 "  country: %s/geolite2-country.mmdb\n"
		 "  asn: [%s/asn.csv]\n"
		 "rules:\n%s",
		 on_failure, fixtures, fixtures, rules);
	if (testenv_write_file(name, text, path))
		path[0] = '\0';
}

static void stale_closed(void)
{
	struct evmatch m = {.verdict = "deny", .daddr = DE_ADDR, .dport = -1};
	struct evlog got = {0};
	pid_t pid;

	ASSERT_EQ(connect_refused(AF_INET, DE_ADDR, &pid), 0,
		  "stale data, fail closed: a destination no CIDR allows is refused");
	m.pid = pid;
	ASSERT_EQ(evlog_expect(guard.events, evmatch_pred, &m, 1, &got), 1, "one event");
	ASSERT_STREQ(ev_str(got.ev[0], "match"), "stale-data", "match");
	evlog_free(&got);
	ASSERT_EQ(connect_allowed(AF_INET, ALIBABA_US), 0, "an allow CIDR still allows");
}

static void stale_open(void)
{
	ASSERT_EQ(connect_allowed(AF_INET, CN_ADDR), 0,
		  "stale data, fail open: the country rule no longer decides");
}

static void run_stale(const char *name, const char *on_failure, const char *rules,
		      void (*body)(void))
{
	char policy[PATH_MAX];

	write_stale_policy(name, on_failure, rules, policy);
	ASSERT_TRUE(policy[0], "policy written");
	sleep(2); /* the fixtures were written at least max_data_age ago */
	if (testenv_guard_start(&guard, policy, NULL, name)) {
		testenv_guard_reset();
		ASSERT_TRUE(0, "guard started");
	}
	body();
	stop();
}

static void test_stale_data_fail_closed(void)
{
	run_stale("stale-closed", "closed",
		  "  - action: deny\n    country: [CN]\n"
		  "  - action: allow\n    cidr: 198.19.113.10/32\n",
		  stale_closed);
}

static void test_stale_data_fail_open(void)
{
	run_stale("stale-open", "open", "  - action: deny\n    country: [CN]\n", stale_open);
}

static void test_bad_dataset_refused(void)
{
	char policy[PATH_MAX], text[1024], log[PATH_MAX], cmd[4 * PATH_MAX];
	FILE *f;
	int rc;

	snprintf(text, sizeof(text), "data:\n  country: %s/truncated.mmdb\nrules: []\n", fixtures);
	ASSERT_EQ(testenv_write_file("bad-data.yaml", text, policy), 0, "policy file");
	testenv_path("bad-data.log", log);
	snprintf(cmd, sizeof(cmd), "%s --pin-dir %s run --policy %s --cgroup %s >%s 2>&1",
		 guard_binary(), testenv.pin_dir, policy, testenv.cg_guarded, log);
	rc = system(cmd);
	ASSERT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 1, "run exits 1 on a truncated database");
	ASSERT_TRUE(testenv_pins_gone(), "nothing pinned");
	f = fopen(log, "r");
	ASSERT_TRUE(f != NULL, "log");
	ASSERT_TRUE(fgets(text, sizeof(text), f) != NULL, "an error message");
	fclose(f);
	ASSERT_CONTAINS(text, "truncated.mmdb", "the message names the file");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	if (check_failed)
		return check_summary();
	RUN_TEST(test_country_rule);
	RUN_TEST(test_status_counts_ranges);
	RUN_TEST(test_provider_rule_catches_us_region);
	RUN_TEST(test_jurisdiction_rule);
	RUN_TEST(test_precedence);
	RUN_TEST(test_bad_dataset_refused);
	RUN_TEST(test_stale_data_fail_closed);
	RUN_TEST(test_stale_data_fail_open);
	return check_summary();
}
