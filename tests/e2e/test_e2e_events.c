// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of the event log's integrity: a guarded process that names
 * itself with bytes that are not UTF-8, a newline and a terminal escape
 * (prctl PR_SET_NAME), in a cgroup named the same way, makes a denied
 * connect. Every line of the events file must parse with json-c's strict,
 * UTF-8-validating parser, and the deny must be among them, its names escaped
 * and marked so.
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/guard.h"
#include "../lib/testcg.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"
#include "../lib/workload.h"

#define DENIED4 "198.51.100.10"
/* What an attacker names itself: not UTF-8, a newline, "clear the screen". */
#define HOSTILE_COMM "\xff\xfe\n\x1b[2J"
/* How the JSON shows it: the ill-formed bytes escaped, the rest as JSON escapes it. */
#define HOSTILE_COMM_SHOWN "\\xff\\xfe\n\x1b[2J"
/* (The kernel refuses a newline in a cgroup name, not the rest.) */
#define HOSTILE_CGROUP	 "c\xc0\xaf\x1b[8m"
#define EVENT_TIMEOUT_MS 3000

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24]\n";

static char policy_path[PATH_MAX];

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
}

/* In the workload: take the hostile name, then connect to the denied host. */
static void hostile_client(void *arg)
{
	int ret;

	prctl(PR_SET_NAME, HOSTILE_COMM);
	ret = client_act(arg);
	workload_report(ret, ret < 0 ? errno : 0);
}

/* One line parsed strictly (json-c's STRICT and VALIDATE_UTF8), or NULL. */
static json_object *parse_strict(const char *line, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj = NULL;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, line, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		fprintf(stderr, "  events: not strict JSON (%s): %.*s\n",
			json_tokener_error_desc(json_tokener_get_error(tok)), (int)len, line);
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/*
 * Every complete line of the events file parsed strictly; the event of pid
 * (a new reference) into *found. -1 when a line does not parse.
 */
static int scan_events(const char *path, pid_t pid, json_object **found)
{
	static char buf[1 << 16];
	char *line = buf, *nl;
	json_object *obj, *v;

	if (testenv_read_file(path, buf, sizeof(buf)))
		return 0; /* not there yet */
	for (; (nl = strchr(line, '\n')); line = nl + 1) {
		obj = parse_strict(line, (size_t)(nl - line));
		if (!obj)
			return -1;
		if (!*found && json_object_object_get_ex(obj, "pid", &v) &&
		    json_object_get_int64(v) == pid)
			*found = json_object_get(obj);
		json_object_put(obj);
	}
	return 0;
}

/* Wait for the event of pid; -1 when the file holds a line that is not strict JSON. */
static int await_event(const char *path, pid_t pid, json_object **found)
{
	int waited, rc = 0;

	*found = NULL;
	for (waited = 0; !*found && rc == 0 && waited < EVENT_TIMEOUT_MS; waited += 20) {
		rc = scan_events(path, pid, found);
		if (!*found)
			usleep(20 * 1000);
	}
	return rc;
}

static int lists_escaped(json_object *ev, const char *field)
{
	json_object *list;
	size_t i;

	if (!json_object_object_get_ex(ev, "escaped", &list))
		return 0;
	for (i = 0; i < json_object_array_length(list); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(list, i)), field))
			return 1;
	return 0;
}

static void hostile_deny_logged(struct guard *g, const char *cgroup)
{
	struct client_action a = {CLIENT_TCP_CONNECT, AF_INET, DENIED4, TESTHOST_TCP_PORT, "x", 0};
	struct workload_report r = {0};
	struct workload w;
	json_object *ev = NULL;
	pid_t pid;
	int rc;

	ASSERT_EQ(workload_start(&w, cgroup, hostile_client, &a), 0, "workload started");
	pid = w.pid;
	rc = workload_await(&w, &r);
	workload_end(&w);
	ASSERT_EQ(rc, 0, "workload reported");
	ASSERT_EQ(r.err, EPERM, "the connect was denied (EPERM)");
	ASSERT_EQ(await_event(g->events, pid, &ev), 0, "every line is strict JSON");
	ASSERT_TRUE(ev, "the hostile workload's deny is in the log");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(ev, "comm")), HOSTILE_COMM_SHOWN,
		     "comm, its ill-formed bytes escaped");
	ASSERT_CONTAINS(json_object_get_string(json_object_object_get(ev, "cgroup")),
			"/c\\xc0\\xaf\x1b[8m", "cgroup, its ill-formed bytes escaped");
	ASSERT_TRUE(lists_escaped(ev, "comm") && lists_escaped(ev, "cgroup"),
		    "both marked as escaped");
	json_object_put(ev);
}

static void test_hostile_names_keep_the_log_valid(void)
{
	char cgroup[PATH_MAX];
	struct guard g;
	int started, status = -1;

	snprintf(cgroup, sizeof(cgroup), "%s/" HOSTILE_CGROUP, testenv.cg_guarded);
	ASSERT_EQ(testcg_create(cgroup), 0, "a cgroup with a hostile name");
	started = testenv_guard_start(&g, policy_path, NULL, __func__) == 0;
	if (started) {
		hostile_deny_logged(&g, cgroup);
		if (check_cur_failed)
			guard_print_log(&g);
		status = guard_stop(&g);
	}
	testenv_guard_reset();
	testcg_remove(cgroup, testenv.cg_guarded);
	ASSERT_TRUE(started, "guard started and wrote READY=1");
	ASSERT_EQ(status, 0, "guard exit status after SIGTERM");
}

int main(void)
{
	RUN_TEST(test_environment);
	RUN_TEST(test_hostile_names_keep_the_log_valid);
	return check_summary();
}
