// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The exfilguard command line as a user meets it: exit codes, messages that
 * name file:line:column, --json output that is always valid JSON (errors
 * too), and --help on every command. Runs the built binary; needs no root.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "check.h"

static const char *binary;
static char tmpdir[] = "/tmp/eg-cli-XXXXXX";

struct result {
	int status;
	char out[16384];
	char err[16384];
};

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Run `binary ARGS` through the shell; stdout and stderr captured apart. */
static void run(struct result *r, const char *args)
{
	char cmd[4096], out[512], err[512];
	int st;

	snprintf(out, sizeof(out), "%s/out", tmpdir);
	snprintf(err, sizeof(err), "%s/err", tmpdir);
	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>%s", binary, args, out, err);
	st = system(cmd);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

static const char good_policy[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24, 2001:db8:bad::/48]\n"
				  "  - action: allow\n"
				  "    cidr: [198.51.100.7/32]\n";

static void test_check_valid_policy(void)
{
	struct result r;
	char args[600];

	snprintf(args, sizeof(args), "check %s", write_file("good.yaml", good_policy));
	run(&r, args);
	ASSERT_EQ(r.status, 0, "exit status");
	ASSERT_CONTAINS(r.out, "valid", "stdout");
	ASSERT_CONTAINS(r.out, "2 rules, 3 prefixes", "summary");
	snprintf(args, sizeof(args), "check %s",
		 write_file("one.yaml", "rules:\n  - action: deny\n    cidr: [198.51.100.0/24]\n"));
	run(&r, args);
	ASSERT_CONTAINS(r.out, "default allow, 1 rule, 1 prefix\n", "singular");
}

static void test_check_bad_cidr_names_line_and_column(void)
{
	struct result r;
	char args[600];

	snprintf(args, sizeof(args), "check %s",
		 write_file("bad.yaml", "rules:\n  - action: deny\n    cidr: [198.51.100.0/33]\n"));
	run(&r, args);
	ASSERT_EQ(r.status, 1, "exit status");
	ASSERT_CONTAINS(r.err, "bad.yaml:3:", "names file and line");
	ASSERT_CONTAINS(r.err, "198.51.100.0/33", "names the bad value");
	ASSERT_EQ(strlen(r.out), 0, "nothing on stdout");
}

/* "Did you mean" for country codes, jurisdictions and provider ids. */
static void test_check_suggests(void)
{
	static const struct {
		const char *file, *text, *want;
	} cases[] = {
		{"cc.yaml", "rules:\n  - action: deny\n    country: [CHN]\n",
		 "(did you mean 'CN'?)"},
		{"uk.yaml", "rules:\n  - action: deny\n    jurisdiction: [UK]\n",
		 "(did you mean 'GB'?)"},
		{"prov.yaml",
		 "data:\n  asn: asn.csv\nrules:\n  - action: deny\n    provider: [alibaba]\n",
		 "unknown provider \"alibaba\" (did you mean 'alibaba-cloud'?)"},
	};
	struct result r;
	char args[600];

	write_file("asn.csv", "198.51.100.0,198.51.100.255,4134\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(args, sizeof(args), "check %s", write_file(cases[i].file, cases[i].text));
		run(&r, args);
		ASSERT_EQ(r.status, 1, cases[i].file);
		ASSERT_CONTAINS(r.err, cases[i].want, cases[i].file);
	}
}

/* A missing dataset: where the policy names it, and the path really looked for. */
static void test_missing_dataset_names_policy_line(void)
{
	struct result r;
	char args[600], sub[600], want[700];

	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	ASSERT_TRUE(mkdir(sub, 0700) == 0 || errno == EEXIST, "sub directory");
	snprintf(args, sizeof(args), "check %s",
		 write_file("nodata.yaml", "mode: enforce\ndata:\n  country: sub/../nope.mmdb\n"));
	run(&r, args);
	ASSERT_EQ(r.status, 1, "exit status");
	ASSERT_CONTAINS(r.err, "nodata.yaml:2: data: country: /",
			"policy file:line, absolute path");
	snprintf(want, sizeof(want), "%s/nope.mmdb: cannot open", tmpdir);
	ASSERT_CONTAINS(r.err, want, "the resolved path, without ..");
}

/* --timing: a line per phase of the load on stderr, nothing without it. */
static void test_check_timing(void)
{
	/* A range file is read, digested and parsed in one pass, a piece at a time. */
	static const char *const phases[] = {"timing: +",
					     "policy parse",
					     "dataset read, digest and parse",
					     "asn.csv (in pieces): 78 bytes, 2 ranges",
					     "world sweep: ",
					     "world lookup tables: ",
					     "world build: ",
					     "rules compile"};
	struct result r;
	char args[600];

	write_file("asn.csv", "1.0.0.0,1.0.0.255,13335,CLOUDFLARENET\n"
			      "2001:db8::,2001:db8::ffff,64500,EXAMPLE\n");
	snprintf(args, sizeof(args), "check --timing %s",
		 write_file("timed.yaml", "data:\n  asn: asn.csv\nrules:\n"
					  "  - action: deny\n    asn: [13335]\n"));
	unsetenv("EXFILGUARD_TIMING");
	run(&r, args);
	ASSERT_EQ(r.status, 0, "exit status");
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		ASSERT_CONTAINS(r.err, phases[i], "a timing line");
	snprintf(args, sizeof(args), "check %s/timed.yaml", tmpdir);
	run(&r, args);
	ASSERT_EQ(r.status, 0, "exit status without --timing");
	ASSERT_TRUE(strstr(r.err, "timing:") == NULL, "no timing lines without --timing");
}

static void test_json_error_is_valid_json(void)
{
	json_object *obj, *msg;
	struct result r;
	char args[600];

	snprintf(args, sizeof(args), "--json check %s",
		 write_file("bad2.yaml", "rules:\n  - acton: deny\n"));
	run(&r, args);
	ASSERT_EQ(r.status, 1, "exit status");
	obj = json_tokener_parse(r.out);
	ASSERT_TRUE(obj != NULL, "stdout parses as JSON");
	msg = json_object_object_get(obj, "error");
	ASSERT_TRUE(msg != NULL, "has an error member");
	ASSERT_CONTAINS(json_object_get_string(msg), "bad2.yaml:2:5: unknown key \"acton\"",
			"error text");
	json_object_put(obj);
}

static void test_missing_file(void)
{
	struct result r;

	run(&r, "check /nonexistent/policy.yaml");
	ASSERT_EQ(r.status, 1, "exit status");
	ASSERT_CONTAINS(r.err, "/nonexistent/policy.yaml", "names the file");
}

static void test_usage_errors_exit_2(void)
{
	struct result r;

	run(&r, "frobnicate");
	ASSERT_EQ(r.status, 2, "unknown command");
	ASSERT_CONTAINS(r.err, "unknown command 'frobnicate'", "message");
	run(&r, "run");
	ASSERT_EQ(r.status, 2, "run without --policy");
	ASSERT_CONTAINS(r.err, "--policy FILE is required", "message");
	run(&r, "run --policy x --mode sideways");
	ASSERT_EQ(r.status, 2, "bad --mode");
	run(&r, "lookup --policy x");
	ASSERT_EQ(r.status, 2, "lookup without address");
	run(&r, "");
	ASSERT_EQ(r.status, 2, "no command");
}

/* --json and --pin-dir anywhere on the line; a clear word for each misuse. */
static void test_global_options_anywhere(void)
{
	json_object *obj;
	struct result r;
	char args[700];

	snprintf(args, sizeof(args), "status --json --pin-dir %s/none", tmpdir);
	run(&r, args);
	ASSERT_EQ(r.status, 3, "status --json after the command");
	obj = json_tokener_parse(r.out);
	ASSERT_TRUE(obj != NULL, "JSON out");
	json_object_put(obj);
	snprintf(args, sizeof(args), "lookup --policy %s --json 198.51.100.9",
		 write_file("g.yaml", good_policy));
	run(&r, args);
	ASSERT_EQ(r.status, 0, "lookup ... --json");
	ASSERT_CONTAINS(r.out, "\"verdict\":\"deny\"", "JSON verdict");
	run(&r, "status --pin-dir");
	ASSERT_EQ(r.status, 2, "--pin-dir with no value");
	ASSERT_CONTAINS(r.err, "--pin-dir needs a value", "says it needs a value");
	run(&r, "nosuch");
	ASSERT_STREQ(r.err, "exfilguard: unknown command 'nosuch' (see 'exfilguard --help')\n",
		     "no stray spaces");
	run(&r, "stauts");
	ASSERT_CONTAINS(r.err, "unknown command 'stauts' (did you mean 'status'?)", "suggestion");
}

static void test_help_on_every_command(void)
{
	static const char *const cmds[] = {"run", "check", "lookup", "status", "detach"};
	struct result r;
	char args[64];
	size_t i;

	run(&r, "--help");
	ASSERT_EQ(r.status, 0, "--help");
	ASSERT_CONTAINS(r.out, "Commands:", "global help");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(args, sizeof(args), "%s --help", cmds[i]);
		run(&r, args);
		ASSERT_EQ(r.status, 0, args);
		ASSERT_CONTAINS(r.out, "Usage: exfilguard", args);
		snprintf(args, sizeof(args), "help %s", cmds[i]);
		run(&r, args);
		ASSERT_EQ(r.status, 0, args);
		ASSERT_CONTAINS(r.out, "Usage: exfilguard", args);
	}
}

static void test_lookup_text_and_json(void)
{
	json_object *arr, *first, *second;
	struct result r;
	char args[700];
	const char *policy = write_file("lookup.yaml", good_policy);

	snprintf(args, sizeof(args),
		 "lookup --policy %s 198.51.100.9 198.51.100.7 ::ffff:198.51.100.9 8.8.8.8",
		 policy);
	run(&r, args);
	ASSERT_EQ(r.status, 0, "exit status");
	ASSERT_CONTAINS(r.out, "198.51.100.9                 deny", "deny line");
	ASSERT_CONTAINS(r.out,
			"rule #1 (line 4) \"deny cidr: [198.51.100.0/24, 2001:db8:bad::/48]\", "
			"prefix: 198.51.100.0/24",
			"numbered from 1, quoted, labelled");
	ASSERT_CONTAINS(r.out, "198.51.100.7                 allow", "allow exception");
	ASSERT_CONTAINS(r.out, "::ffff:198.51.100.9          deny", "mapped judged as IPv4");
	ASSERT_CONTAINS(r.out, "8.8.8.8                      allow  default", "default");

	snprintf(args, sizeof(args), "--json lookup --policy %s 2001:db8:bad::1 2001:db8::1",
		 policy);
	run(&r, args);
	ASSERT_EQ(r.status, 0, "json exit status");
	arr = json_tokener_parse(r.out);
	ASSERT_TRUE(arr && json_object_array_length(arr) == 2, "two results");
	first = json_object_array_get_idx(arr, 0);
	second = json_object_array_get_idx(arr, 1);
	ASSERT_STREQ(json_object_get_string(json_object_object_get(first, "verdict")), "deny",
		     "v6 deny");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(first, "prefix")),
		     "2001:db8:bad::/48", "v6 prefix");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(second, "match")), "default",
		     "v6 default");
	json_object_put(arr);
}

static const char scoped_policy[] = "rules:\n"
				    "  - action: deny\n"
				    "    cidr: [198.51.100.0/24]\n"
				    "scopes:\n"
				    "  - name: build\n"
				    "    match:\n"
				    "      cgroup: [\"/ci/**\"]\n"
				    "    rules:\n"
				    "      - action: audit\n"
				    "        cidr: [198.18.0.0/15]\n"
				    "      - action: allow\n"
				    "        cidr: [198.51.100.0/25]\n";

/* --scope judges under the scope's rules; the canary is denied as the kernel has it. */
static void test_lookup_scope_and_canary(void)
{
	json_object *arr, *rule;
	struct result r;
	char args[700];
	const char *policy = write_file("scoped.yaml", scoped_policy);

	snprintf(args, sizeof(args), "lookup --policy %s 198.51.100.9 0.0.0.1", policy);
	run(&r, args);
	ASSERT_EQ(r.status, 0, "node lookup");
	ASSERT_CONTAINS(r.out, "198.51.100.9                 deny   rule #1", "node rule");
	ASSERT_CONTAINS(r.out, "0.0.0.1                      deny   self-test rule", "canary");
	snprintf(args, sizeof(args), "lookup --policy %s --scope build 198.51.100.9 0.0.0.1",
		 policy);
	run(&r, args);
	ASSERT_EQ(r.status, 0, "scope lookup");
	ASSERT_CONTAINS(r.out, "198.51.100.9                 allow  rule #2 (line 11)",
			"scope rule");
	ASSERT_CONTAINS(r.out, "scope: build", "scope named");
	ASSERT_CONTAINS(r.out, "0.0.0.1                      deny   self-test rule",
			"scope canary");
	snprintf(args, sizeof(args), "lookup --json --policy %s --scope build 198.51.100.9",
		 policy);
	run(&r, args);
	arr = json_tokener_parse(r.out);
	ASSERT_TRUE(arr != NULL, "JSON");
	rule = json_object_object_get(json_object_array_get_idx(arr, 0), "rule");
	ASSERT_EQ(json_object_get_int(json_object_object_get(rule, "index")), 1, "index from 0");
	ASSERT_EQ(json_object_get_int(json_object_object_get(rule, "number")), 2, "number from 1");
	json_object_put(arr);
	snprintf(args, sizeof(args), "lookup --policy %s --scope biuld 198.51.100.9", policy);
	run(&r, args);
	ASSERT_EQ(r.status, 1, "unknown scope");
	ASSERT_CONTAINS(r.err, "no scope named 'biuld' (did you mean 'build'?)", "suggestion");
}

static void test_lookup_rejects_bad_address(void)
{
	struct result r;
	char args[700];

	snprintf(args, sizeof(args), "lookup --policy %s 198.51.100",
		 write_file("l2.yaml", good_policy));
	run(&r, args);
	ASSERT_EQ(r.status, 2, "exit status");
	ASSERT_CONTAINS(r.err, "'198.51.100' is not an IPv4 or IPv6 address", "message");
}

static void test_status_without_guard(void)
{
	json_object *obj;
	struct result r;
	char args[700];

	snprintf(args, sizeof(args), "--pin-dir %s/nothing-here --json status", tmpdir);
	run(&r, args);
	ASSERT_EQ(r.status, 3, "exit status 3: no guard");
	obj = json_tokener_parse(r.out);
	ASSERT_TRUE(obj != NULL, "valid JSON");
	ASSERT_EQ(json_object_get_boolean(json_object_object_get(obj, "running")), 0, "running");
	json_object_put(obj);
}

int main(void)
{
	binary = getenv("EXFILGUARD") ? getenv("EXFILGUARD") : "build/exfilguard";
	if (access(binary, X_OK) || !mkdtemp(tmpdir)) {
		fprintf(stderr, "test_cli: no executable %s (set EXFILGUARD) or no temp dir\n",
			binary);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_check_valid_policy);
	RUN_TEST(test_check_bad_cidr_names_line_and_column);
	RUN_TEST(test_check_suggests);
	RUN_TEST(test_missing_dataset_names_policy_line);
	RUN_TEST(test_check_timing);
	RUN_TEST(test_json_error_is_valid_json);
	RUN_TEST(test_missing_file);
	RUN_TEST(test_usage_errors_exit_2);
	RUN_TEST(test_global_options_anywhere);
	RUN_TEST(test_help_on_every_command);
	RUN_TEST(test_lookup_text_and_json);
	RUN_TEST(test_lookup_scope_and_canary);
	RUN_TEST(test_lookup_rejects_bad_address);
	RUN_TEST(test_status_without_guard);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			fprintf(stderr, "test_cli: could not remove %s\n", tmpdir);
	}
	return check_summary();
}
