// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of scopes on a container node: sibling "containers" in
 * cgroups named the way containerd (Kubernetes, systemd driver) and docker
 * name them get their own scope's verdict for the same destination; a
 * container started after the guard is covered; events carry the scope, the
 * container id and the pod UID.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"
#include "bundle.h"
#include "scopes.h"

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

/*
 * Start the guard with the policy text (files named after name), run body,
 * stop it (showing events and log when something failed), then cleanup.
 */
static void with_guard(const char *name, const char *yaml, void (*body)(void),
		       void (*cleanup)(void))
{
	char policy[PATH_MAX], file[64];
	int status;

	snprintf(file, sizeof(file), "%s.yaml", name);
	ASSERT_EQ(testenv_write_file(file, yaml, policy), 0, "policy");
	if (testenv_guard_start(&guard, policy, NULL, name)) {
		cleanup();
		ASSERT_TRUE(0, "guard started");
	}
	body();
	status = guard_stop(&guard);
	if (check_cur_failed || status) {
		evlog_dump(guard.events);
		guard_print_log(&guard);
	}
	testenv_guard_reset();
	cleanup();
	ASSERT_EQ(status, 0, "guard exit status");
}

static void scopes_body(void)
{
	scoped_verdicts();
	if (!check_cur_failed)
		late_cgroups();
}

static void test_scopes(void)
{
	size_t i;

	ASSERT_TRUE(testenv.ready, "environment set-up");
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		ASSERT_EQ(make_cg(tree[i]), 0, tree[i]);
	with_guard("scopes", policy_yaml, scopes_body, remove_tree);
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
	ASSERT_TRUE(testenv.ready, "environment set-up");
	ASSERT_EQ(make_cg("runtime"), 0, "runtime slice");
	ASSERT_EQ(make_cg(RUNTIME_CTR), 0, "a container the runtime made");
	if (make_delegated()) {
		remove_forged_tree();
		ASSERT_TRUE(0, "nobody's subtree with a forged docker scope");
	}
	with_guard("forged", forged_policy_yaml, forged_scopes, remove_forged_tree);
}

/* ---- scopes on cgroups deeper than the hooks look ---- */

/* Levels 3..15 below the mount (the guarded cgroup is level 2); "deep" is level 16. */
#define CHAIN	"l3/l4/l5/l6/l7/l8/l9/l10/l11/l12/l13/l14"
#define SHALLOW CHAIN "/l15"
#define DEEP	SHALLOW "/deep"

static const char deep_policy_yaml[] = "mode: enforce\n"
				       "default: allow\n"
				       "scopes:\n"
				       "  - name: deep\n"
				       "    match: {cgroup: [\"/**/deep\"]}\n"
				       "    default: deny\n"
				       "  - name: shallow\n"
				       "    match: {cgroup: [\"/**/l15\"]}\n"
				       "    mode: audit\n"
				       "    default: deny\n";

static void remove_chain(void)
{
	char p[PATH_MAX], *slash;

	cg_path(DEEP, p);
	while (strlen(p) > strlen(testenv.cg_guarded) && rmdir(p) == 0 && (slash = strrchr(p, '/')))
		*slash = '\0';
}

/* Output of `exfilguard ARGS` (pin dir given), into out; its exit status. */
static int cli_output(const char *args, char *out, size_t len)
{
	char cmd[2 * PATH_MAX];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s --pin-dir %s %s 2>&1", guard_binary(), testenv.pin_dir,
		 args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	return pclose(f);
}

static void deep_body(void)
{
	static char out[16384];
	char want[PATH_MAX + 64];
	struct client_result r;
	struct evlog got = {0};

	r = connect_from(SHALLOW);
	ASSERT_TRUE(r.ret >= 0, "level 15: the shallow scope (audit) applies");
	ASSERT_TRUE(one_event(&got, r.pid, "audit") != NULL, "its audit event");
	evlog_free(&got);
	r = connect_from(DEEP);
	ASSERT_TRUE(r.ret >= 0, "level 16: the deep scope's deny is not enforced (the limit)");
	testenv_read_file(guard.log, out, sizeof(out));
	snprintf(want, sizeof(want), "cgroup %s/%s is 16 levels deep", testenv.guarded_rel, DEEP);
	ASSERT_CONTAINS(out, want, "run warns, naming the cgroup");
	ASSERT_CONTAINS(out, "scope \"deep\" is NOT enforced", "and the scope");
	ASSERT_CONTAINS(out, "only on the first 15 levels", "and the limit");
	ASSERT_EQ(cli_output("status", out, sizeof(out)), 0, "status");
	snprintf(want, sizeof(want), "WARNING     %s/%s is 16 levels deep", testenv.guarded_rel,
		 DEEP);
	ASSERT_CONTAINS(out, want, "status names the cgroup");
	ASSERT_CONTAINS(out, "scopes      2 cgroups assigned", "status counts scoped cgroups");
	ASSERT_EQ(cli_output("--json status", out, sizeof(out)), 0, "status --json");
	ASSERT_CONTAINS(out, "\"too_deep\":[{\"cgroup\":", "too_deep in JSON");
}

static void test_deep_cgroups(void)
{
	char p[PATH_MAX], out[4096];

	ASSERT_TRUE(testenv.ready, "environment set-up");
	cg_path(DEEP, p);
	ASSERT_EQ(testenv_write_file("deep-check.yaml", deep_policy_yaml, p), 0, "policy");
	snprintf(out, sizeof(out), "check %s", p);
	ASSERT_EQ(cli_output(out, out, sizeof(out)), 0, "check");
	ASSERT_CONTAINS(out, "note: scope deep: cgroup glob /**/deep can select cgroups 16 or more",
			"check says a glob can reach the limit");
	snprintf(p, sizeof(p), "%s", DEEP);
	for (char *slash = p; (slash = strchr(slash + 1, '/'));) {
		*slash = '\0';
		ASSERT_EQ(make_cg(p), 0, p);
		*slash = '/';
	}
	ASSERT_EQ(make_cg(DEEP), 0, "a cgroup 16 levels deep");
	with_guard("deep", deep_policy_yaml, deep_body, remove_chain);
}

/* ---- cgroup churn: each new cgroup examined alone, no rescans ---- */

#define CHURN_N 2000

static const char churn_policy_yaml[] = "scopes:\n"
					"  - name: apps\n"
					"    match: {cgroup: [\"/**/churn/app-*.scope\"]}\n";

/* The sync under test, run in this process on a map of its own. */
static struct {
	struct eg_policy policy;
	struct eg_scope_watch watch;
	int map_fd;
	char dir[PATH_MAX]; /* <guarded>/churn */
} churn = {.map_fd = -1, .watch.inotify_fd = -1};

/* As the daemon does: drain the watch, and sync what it reported; 0, or -1 when that failed. */
static int churn_sync(void)
{
	size_t assigned, changed;

	if (!eg_scope_watch_pending(&churn.watch))
		return 0;
	return eg_scopes_sync(&churn.policy, testenv.cg_mount, testenv.cg_guarded, churn.map_fd,
			      &churn.watch, &assigned, &changed);
}

/* The map's slot for the cgroup with this id: its scope's, or 0 when it has none. */
static uint32_t churn_slot(uint64_t id)
{
	uint32_t slot = 0;

	bpf_map_lookup_elem(churn.map_fd, &id, &slot);
	return slot;
}

static uint32_t map_entries(void)
{
	uint64_t key, prev;
	uint32_t n = 0;

	for (void *at = NULL; bpf_map_get_next_key(churn.map_fd, at, &key) == 0; at = &prev, n++)
		prev = key;
	return n;
}

/* mkdir/rmdir of a matching cgroup, CHURN_N times, each followed by a sync. */
static void churn_loop(void)
{
	uint32_t want = EG_SLOT_SCOPE(0);
	int assigned_each = 1, dropped_each = 1;
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/app-1.scope", churn.dir);
	for (int i = 0; i < CHURN_N && !check_cur_failed; i++) {
		ASSERT_EQ(mkdir(p, 0755) == 0 && stat(p, &st) == 0, 1, "mkdir");
		ASSERT_EQ(churn_sync(), 0, "sync after mkdir");
		assigned_each &= churn_slot(st.st_ino) == want;
		ASSERT_EQ(rmdir(p), 0, "rmdir");
		ASSERT_EQ(churn_sync(), 0, "sync after rmdir");
		dropped_each &= churn_slot(st.st_ino) == 0;
	}
	ASSERT_TRUE(assigned_each, "every new cgroup got its scope at the sync after its mkdir");
	ASSERT_TRUE(dropped_each, "every removed cgroup's entry was dropped");
	ASSERT_EQ(churn.watch.full_walks, 1, "no whole-tree walk but the first");
	ASSERT_EQ(churn.watch.examined, CHURN_N, "one examination per mkdir");
	ASSERT_EQ(map_entries(), 0, "nothing left in the map");
}

/* Directories made before their parent's watch existed are found by examining the parent. */
static void churn_subtree(void)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct stat st;

	snprintf(a, sizeof(a), "%s/nest", churn.dir);
	snprintf(b, sizeof(b), "%s/nest/churn", churn.dir);
	ASSERT_EQ(mkdir(a, 0755), 0, "nest");
	ASSERT_EQ(mkdir(b, 0755), 0, "nest/churn");
	ASSERT_EQ(mkdir(strcat(b, "/app-2.scope"), 0755) == 0 && stat(b, &st) == 0, 1,
		  "nest/churn/app-2.scope, before any sync");
	ASSERT_EQ(churn_sync(), 0, "sync");
	ASSERT_EQ(churn_slot(st.st_ino), EG_SLOT_SCOPE(0), "the nested cgroup has its scope");
	ASSERT_EQ(churn.watch.examined, CHURN_N + 1, "one examination: the new subtree");
	rmdir(b);
	rmdir(dirname(b));
	rmdir(a);
	ASSERT_EQ(churn_sync(), 0, "sync");
	ASSERT_EQ(map_entries(), 0, "its entry dropped");
	ASSERT_EQ(churn.watch.full_walks, 1, "still no rescan");
}

static void test_scope_churn(void)
{
	struct eg_error err = {0};
	size_t assigned, changed;

	ASSERT_TRUE(testenv.ready, "environment set-up");
	ASSERT_EQ(eg_policy_parse(churn_policy_yaml, sizeof(churn_policy_yaml) - 1, "churn",
				  &churn.policy, &err),
		  0, err.msg);
	churn.map_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "eg_churn", sizeof(uint64_t),
				      sizeof(uint32_t), 4096, NULL);
	ASSERT_TRUE(churn.map_fd >= 0, "a cgroup -> slot map");
	snprintf(churn.dir, sizeof(churn.dir), "%s/churn", testenv.cg_guarded);
	ASSERT_EQ(mkdir(churn.dir, 0755), 0, "churn cgroup");
	ASSERT_EQ(eg_scope_watch_open(&churn.watch, testenv.cg_mount, testenv.cg_guarded), 0,
		  "watch");
	ASSERT_EQ(eg_scopes_sync(&churn.policy, testenv.cg_mount, testenv.cg_guarded, churn.map_fd,
				 &churn.watch, &assigned, &changed),
		  0, "first sync");
	ASSERT_EQ(churn.watch.full_walks, 1, "the first sync walks the tree");
	churn_loop();
	if (!check_cur_failed)
		churn_subtree();
	eg_scope_watch_close(&churn.watch);
	close(churn.map_fd);
	eg_policy_free(&churn.policy);
	rmdir(churn.dir);
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
	RUN_TEST(test_scope_churn);
	RUN_TEST(test_deep_cgroups);
	return check_summary();
}
