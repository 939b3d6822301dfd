// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of scopes on a container node: sibling "containers" in
 * cgroups named the way containerd (Kubernetes, systemd driver) and docker
 * name them get their own scope's verdict for the same destination; a
 * container started after the guard is covered; events carry the scope, the
 * container id and the pod UID.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"

#define DEST "198.51.100.10"
#define POD  "0f4a6c2e-1b2c-4d5e-8f90-123456789abc"
#define CTR1 "1111111111111111111111111111111111111111111111111111111111111111"
#define CTR2 "2222222222222222222222222222222222222222222222222222222222222222"
#define DCK1 "d0c0000000000000000000000000000000000000000000000000000000000001"
#define DCK2 "d0c0000000000000000000000000000000000000000000000000000000000002"

/* Below the guarded cgroup, deepest last (created in this order, removed in reverse). */
static const char *const tree[] = {
	"kubepods.slice",
	"kubepods.slice/kubepods-besteffort.slice",
	"kubepods.slice/kubepods-besteffort.slice/"
	"kubepods-besteffort-pod0f4a6c2e_1b2c_4d5e_8f90_123456789abc.slice",
	"kubepods.slice/kubepods-besteffort.slice/"
	"kubepods-besteffort-pod0f4a6c2e_1b2c_4d5e_8f90_123456789abc.slice/cri-containerd-" CTR1
	".scope",
	"system.slice",
	"system.slice/docker-" DCK1 ".scope",
	"other",
};
#define POD_SLICE  tree[2]
#define CONTAINERD tree[3]
#define DOCKER	   tree[5]
#define UNSCOPED   tree[6]
#define LATE_IN_POD                                                                                \
	"kubepods.slice/kubepods-besteffort.slice/"                                                \
	"kubepods-besteffort-pod0f4a6c2e_1b2c_4d5e_8f90_123456789abc.slice/cri-containerd-" CTR2   \
	".scope"
#define LATE_DOCKER "system.slice/docker-" DCK2 ".scope"

static const char policy_yaml[] =
	"mode: enforce\n"
	"default: allow\n"
	"scopes:\n"
	"  - name: payments\n"
	"    match: {pod_uid: [" POD "]}\n"
	"    rules:\n"
	"      - action: deny\n"
	"        cidr: 198.51.100.0/24\n"
	"  - name: legacy\n"
	"    match: {container_id: "
	"[d0c000000000000000000000000000000000000000000000000000000000000]}\n"
	"    mode: audit\n"
	"    rules:\n"
	"      - action: deny\n"
	"        cidr: 198.51.100.0/24\n";

static struct guard guard;

static void cg_path(const char *rel, char out[PATH_MAX])
{
	snprintf(out, PATH_MAX, "%s/%s", testenv.cg_guarded, rel);
}

static int make_cg(const char *rel)
{
	char p[PATH_MAX];

	cg_path(rel, p);
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

static void remove_tree(void)
{
	char p[PATH_MAX];
	int i;

	cg_path(LATE_IN_POD, p);
	rmdir(p);
	cg_path(LATE_DOCKER, p);
	rmdir(p);
	for (i = (int)(sizeof(tree) / sizeof(tree[0])) - 1; i >= 0; i--) {
		cg_path(tree[i], p);
		rmdir(p);
	}
}

/* TCP connect from a workload in the cgroup: its result, and its pid. */
static struct client_result connect_from(const char *rel)
{
	struct client_action a = {CLIENT_TCP_CONNECT, AF_INET, DEST, TESTHOST_TCP_PORT, "hi", 0};
	struct client_result r = {.ret = -2};
	char p[PATH_MAX];

	cg_path(rel, p);
	if (client_run(p, &a, &r))
		r.ret = -2;
	return r;
}

static json_object *one_event(struct evlog *got, pid_t pid, const char *verdict)
{
	struct evmatch m = {.verdict = verdict, .daddr = DEST, .dport = -1, .pid = pid};

	if (evlog_expect(guard.events, evmatch_pred, &m, 1, got) != 1)
		return NULL;
	return got->ev[0];
}

static void scoped_verdicts(void)
{
	struct client_result r;
	struct evlog got = {0};
	json_object *ev;

	r = connect_from(CONTAINERD);
	ASSERT_TRUE(r.ret == -1 && r.err == EPERM, "the containerd container's scope denies");
	ev = one_event(&got, r.pid, "deny");
	ASSERT_TRUE(ev != NULL, "one deny event");
	ASSERT_STREQ(ev_str(ev, "scope"), "payments", "event scope");
	ASSERT_STREQ(ev_str(ev, "pod_uid"), POD, "event pod_uid");
	ASSERT_STREQ(ev_str(ev, "container_id"), CTR1, "event container_id");
	evlog_free(&got);

	r = connect_from(DOCKER);
	ASSERT_TRUE(r.ret >= 0, "the docker container's scope only audits");
	ev = one_event(&got, r.pid, "audit");
	ASSERT_TRUE(ev != NULL, "one audit event");
	ASSERT_STREQ(ev_str(ev, "scope"), "legacy", "event scope");
	ASSERT_STREQ(ev_str(ev, "mode"), "audit", "the scope's mode");
	ASSERT_STREQ(ev_str(ev, "container_id"), DCK1, "event container_id");
	ASSERT_TRUE(ev_is_null(ev, "pod_uid", NULL), "no pod");
	evlog_free(&got);

	r = connect_from(UNSCOPED);
	ASSERT_TRUE(r.ret >= 0, "outside any scope the node policy (allow) applies");
}

static void late_cgroups(void)
{
	struct client_result r;
	int tries;

	/* A new container in the pod: its ancestor, the pod, is scoped, so it is covered at once.
	 */
	ASSERT_EQ(make_cg(LATE_IN_POD), 0, "a new container cgroup in the pod");
	r = connect_from(LATE_IN_POD);
	ASSERT_TRUE(r.ret == -1 && r.err == EPERM, "covered the moment it exists");

	/*
	 * A new docker container matched by its own id: the daemon's cgroup watch
	 * assigns it as the directory appears; a runtime takes far longer than
	 * this pause to start a container's process in it.
	 */
	ASSERT_EQ(make_cg(LATE_DOCKER), 0, "a new docker container cgroup");
	usleep(100 * 1000);
	for (tries = 0; tries < 20; tries++) {
		struct evlog got = {0};

		r = connect_from(LATE_DOCKER);
		if (one_event(&got, r.pid, "audit")) {
			evlog_free(&got);
			break;
		}
		evlog_free(&got);
	}
	fprintf(stderr, "  new docker cgroup scoped after %d connect(s)\n", tries + 1);
	ASSERT_TRUE(tries < 20, "the new docker container gets its scope");
	ASSERT_TRUE(tries == 0, "at its first connect");
}

static void test_scopes(void)
{
	char policy[PATH_MAX];
	size_t i;
	int status;

	ASSERT_TRUE(testenv.ready, "environment set-up");
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		ASSERT_EQ(make_cg(tree[i]), 0, tree[i]);
	ASSERT_EQ(testenv_write_file("scopes.yaml", policy_yaml, policy), 0, "policy");
	if (testenv_guard_start(&guard, policy, NULL, "scopes")) {
		remove_tree();
		ASSERT_TRUE(0, "guard started");
	}
	scoped_verdicts();
	if (!check_cur_failed)
		late_cgroups();
	status = guard_stop(&guard);
	if (check_cur_failed || status) {
		evlog_dump(guard.events);
		guard_print_log(&guard);
	}
	testenv_guard_reset();
	remove_tree();
	ASSERT_EQ(status, 0, "guard exit status");
}

/* ---- forged container names in a subtree delegated to a user ---- */

#define FORGED	    "f0f0000000000000000000000000000000000000000000000000000000000001"
#define NOBODY	    65534
#define RUNTIME_CTR "runtime/docker-" FORGED ".scope"
#define DELEG	    "deleg"
#define FORGED_CTR  DELEG "/docker-" FORGED ".scope"
#define LATE_FORGED DELEG "/late/docker-" FORGED ".scope"

/* The node denies DEST; the container's own scope would allow it. */
static const char forged_policy_yaml[] = "mode: enforce\n"
					 "default: allow\n"
					 "rules:\n"
					 "  - action: deny\n"
					 "    cidr: 198.51.100.0/24\n"
					 "scopes:\n"
					 "  - name: trusted-container\n"
					 "    match: {container_id: [" FORGED "]}\n"
					 "    rules:\n"
					 "      - action: allow\n"
					 "        cidr: 198.51.100.0/24\n";

/* mkdir as nobody, the way a user makes cgroups in the subtree systemd delegated to them. */
static int make_cg_as_nobody(const char *rel)
{
	char p[PATH_MAX];
	int status;
	pid_t pid;

	cg_path(rel, p);
	pid = fork();
	if (pid == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		_exit(mkdir(p, 0755) ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* A delegated subtree: DELEG owned by nobody, as systemd chowns user@UID.service. */
static int make_delegated(void)
{
	char p[PATH_MAX];

	cg_path(DELEG, p);
	if (make_cg(DELEG) || chown(p, NOBODY, NOBODY))
		return -1;
	return make_cg_as_nobody(FORGED_CTR);
}

static void remove_forged_tree(void)
{
	static const char *const dirs[] = {LATE_FORGED, DELEG "/late", FORGED_CTR,
					   DELEG,	RUNTIME_CTR,   "runtime"};
	char p[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		cg_path(dirs[i], p);
		rmdir(p);
	}
}

/* The forged cgroup's connect is refused under the node policy, and its event names no scope. */
static void expect_node_policy(const char *rel, const char *what)
{
	struct client_result r = connect_from(rel);
	struct evlog got = {0};
	json_object *ev;

	ASSERT_TRUE(r.ret == -1 && r.err == EPERM, what);
	ev = one_event(&got, r.pid, "deny");
	ASSERT_TRUE(ev != NULL, "one deny event");
	if (ev)
		ASSERT_TRUE(ev_is_null(ev, "scope", NULL), "the event names no scope");
	evlog_free(&got);
}

static void forged_scopes(void)
{
	struct client_result r;

	r = connect_from(RUNTIME_CTR);
	ASSERT_TRUE(r.ret >= 0, "the runtime's container gets its scope (allow)");
	expect_node_policy(FORGED_CTR, "a forged docker scope in nobody's subtree is refused");
	/* One made after the guard started is judged by the watch, with the same rule. */
	ASSERT_EQ(make_cg_as_nobody(DELEG "/late"), 0, "nobody makes a sub-cgroup");
	ASSERT_EQ(make_cg_as_nobody(LATE_FORGED), 0, "and a docker scope in it");
	usleep(200 * 1000); /* the watch assigns in milliseconds: give it the chance to err */
	expect_node_policy(LATE_FORGED, "a forged scope made after start is refused");
	r = connect_from(RUNTIME_CTR);
	ASSERT_TRUE(r.ret >= 0, "the runtime's container still gets its scope");
}

static void test_forged_scopes(void)
{
	char policy[PATH_MAX];
	int status;

	ASSERT_TRUE(testenv.ready, "environment set-up");
	ASSERT_EQ(make_cg("runtime"), 0, "runtime slice");
	ASSERT_EQ(make_cg(RUNTIME_CTR), 0, "a container the runtime made");
	if (make_delegated()) {
		remove_forged_tree();
		ASSERT_TRUE(0, "nobody's subtree with a forged docker scope");
	}
	ASSERT_EQ(testenv_write_file("forged.yaml", forged_policy_yaml, policy), 0, "policy");
	if (testenv_guard_start(&guard, policy, NULL, "forged")) {
		remove_forged_tree();
		ASSERT_TRUE(0, "guard started");
	}
	forged_scopes();
	status = guard_stop(&guard);
	if (check_cur_failed || status) {
		evlog_dump(guard.events);
		guard_print_log(&guard);
	}
	testenv_guard_reset();
	remove_forged_tree();
	ASSERT_EQ(status, 0, "guard exit status");
}

static void test_setup(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_setup);
	RUN_TEST(test_scopes);
	RUN_TEST(test_forged_scopes);
	return check_summary();
}
