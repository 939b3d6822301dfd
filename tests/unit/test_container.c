// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Container and pod identity from cgroup paths; scope globs and selectors. */
#include <limits.h>
#include <stdlib.h>
#include "../lib/check.h"
#include <sys/stat.h>
#include "container.h"
#include "scopes.h"

#define ID     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define ID63   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"
#define IDUP   "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define UID    "0f4a6c2e-1b2c-4d5e-8f90-123456789abc"
#define UID_   "0f4a6c2e_1b2c_4d5e_8f90_123456789abc"
#define HASH32 "6d2f8a0b1c3e4f5a6b7c8d9e0f1a2b3c" /* a static pod's UID */

#define KP	 "/kubepods.slice"
#define KP_BURST KP "/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice"
#define KP_BEST	 KP "/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice"
#define KP_GUAR	 KP "/kubepods-pod" UID_ ".slice"
#define USER_SVC "/user.slice/user-1000.slice/user@1000.service"

struct cgroup_case {
	const char *path;
	const char *runtime, *id, *pod, *qos;
};

static const struct cgroup_case cases[] = {
	/* Kubernetes, systemd driver */
	{KP_BURST "/cri-containerd-" ID ".scope", "containerd", ID, UID, "burstable"},
	{KP_BURST "/crio-" ID ".scope", "cri-o", ID, UID, "burstable"},
	{KP_BURST "/crio-conmon-" ID ".scope", "cri-o", ID, UID, "burstable"},
	{KP_BURST "/docker-" ID ".scope", "docker", ID, UID, "burstable"},
	{KP_GUAR "/cri-containerd-" ID ".scope", "containerd", ID, UID, "guaranteed"},
	{KP_BEST "/crio-" ID ".scope", "cri-o", ID, UID, "besteffort"},
	{KP_BURST "/cri-containerd-" ID ".scope/init", "containerd", ID, UID, "burstable"},
	{KP_BURST, "kubepods", "", UID, "burstable"},
	{KP "/kubepods-burstable.slice", "kubepods", "", "", "burstable"},
	{KP, "kubepods", "", "", ""},
	{KP "/kubepods-burstable.slice/kubepods-burstable-pod" HASH32 ".slice/cri-containerd-" ID
	    ".scope",
	 "containerd", ID, HASH32, "burstable"},
	/* kind: the kubelet's cgroup root is /kubelet */
	{"/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	 "kubelet-kubepods-besteffort-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	 "containerd", ID, UID, "besteffort"},
	/* Kubernetes, cgroupfs driver */
	{"/kubepods/burstable/pod" UID "/" ID, "kubepods", ID, UID, "burstable"},
	{"/kubepods/pod" UID "/" ID, "kubepods", ID, UID, "guaranteed"},
	{"/kubepods/besteffort/pod" UID "/" ID, "kubepods", ID, UID, "besteffort"},
	{"/kubepods/burstable/pod" UID "/crio-" ID, "cri-o", ID, UID, "burstable"},
	{"/kubepods/besteffort/pod" UID, "kubepods", "", UID, "besteffort"},
	/* docker */
	{"/system.slice/docker-" ID ".scope", "docker", ID, "", ""},
	{"/docker/" ID, "docker", ID, "", ""},
	{"//docker//" ID "/", "docker", ID, "", ""},
	/* containerd without Kubernetes */
	{"/system.slice/cri-containerd-" ID ".scope", "containerd", ID, "", ""},
	{"/system.slice/nerdctl-" ID ".scope", "containerd", ID, "", ""},
	{"/default/" ID, "containerd", ID, "", ""},
	{"/k8s.io/" ID, "containerd", ID, "", ""},
	/* podman */
	{"/machine.slice/libpod-" ID ".scope", "podman", ID, "", ""},
	{"/machine.slice/libpod-conmon-" ID ".scope", "podman", ID, "", ""},
	{"/machine.slice/libpod-" ID ".scope/container", "podman", ID, "", ""},
	{USER_SVC "/user.slice/libpod-" ID ".scope", "podman", ID, "", ""},
	{"/libpod_parent/libpod-" ID, "podman", ID, "", ""},
	/* nesting: the outer container, whose name the host's runtime chose */
	{"/system.slice/docker-" ID ".scope/system.slice/docker-" ID2 ".scope", "docker", ID, "",
	 ""},
	{"/docker/" ID "/docker/" ID2, "docker", ID, "", ""},
	{"/system.slice/docker-" ID ".scope/kubelet.slice/kubelet-kubepods.slice/"
	 "kubelet-kubepods-pod" UID_ ".slice/cri-containerd-" ID2 ".scope",
	 "docker", ID, "", ""},
	/* not containers */
	{"/user.slice/user-1000.slice/session-3.scope", "", "", "", ""},
	{"/system.slice/sshd.service", "", "", "", ""},
	{"/system.slice/containerd.service", "", "", "", ""},
	{"/system.slice/docker.service", "", "", "", ""},
	{"/init.scope", "", "", "", ""},
	{"/", "", "", "", ""},
	{"", "", "", "", ""},
	{"/docker", "", "", "", ""},
	/* ids that are not: wrong length, uppercase, inside another name, misplaced */
	{"/system.slice/docker-" ID63 ".scope", "", "", "", ""},
	{"/system.slice/docker-" ID "0.scope", "", "", "", ""},
	{"/docker/" ID63, "", "", "", ""},
	{"/system.slice/docker-" IDUP ".scope", "", "", "", ""},
	{"/docker/" IDUP, "", "", "", ""},
	{"/system.slice/myapp-" ID ".scope", "", "", "", ""},
	{"/system.slice/foo-docker-" ID ".scope", "", "", "", ""},
	{"/system.slice/docker-" ID ".service", "", "", "", ""},
	{"/system.slice/docker-" ID ".scope.bak", "", "", "", ""},
	{"/system.slice/" ID, "", "", "", ""},
	{USER_SVC "/app.slice/" ID, "", "", "", ""},
	{"/" ID, "", "", "", ""},
	/* pod UIDs that are not */
	{"/kubepods/burstable/pod" UID_ "/" ID, "kubepods", "", "", "burstable"},
	{KP "/kubepods-burstable.slice/kubepods-burstable-pod" UID ".slice", "kubepods", "", "",
	 "burstable"},
	{"/kubepods/pod0F4A6C2E-1B2C-4D5E-8F90-123456789ABC", "kubepods", "", "", ""},
	{"/kubepods/pod" UID "0", "kubepods", "", "", ""},
	{"/system.slice/pod" UID, "", "", "", ""},
	{"/kubepods/burstable/burstable/pod" UID, "kubepods", "", "", "burstable"},
};

/* One case: every field as expected? Reports each difference. */
static int check_case(const struct cgroup_case *c)
{
	struct eg_container_info ci;
	int bad;

	memset(&ci, 0x5a, sizeof(ci)); /* stale bytes must not survive */
	eg_container_from_cgroup(c->path, &ci);
	bad = strcmp(ci.runtime, c->runtime) || strcmp(ci.container_id, c->id) ||
	      strcmp(ci.pod_uid, c->pod) || strcmp(ci.qos, c->qos);
	if (bad)
		CHECK_FAIL_("\"%s\":\n    got runtime \"%s\" id \"%s\" pod \"%s\" qos \"%s\"\n"
			    "    want runtime \"%s\" id \"%s\" pod \"%s\" qos \"%s\"",
			    c->path, ci.runtime, ci.container_id, ci.pod_uid, ci.qos, c->runtime,
			    c->id, c->pod, c->qos);
	return bad ? -1 : 0;
}

static void test_container_shapes(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	int failed = 0;

	for (size_t i = 0; i < n; i++)
		failed |= check_case(&cases[i]);
	ASSERT_EQ(failed, 0, "every shape");
	ASSERT_GE(n, 20, "table size");
}

static void test_container_null_and_long(void)
{
	static const char tail[] = "/docker-" ID ".scope";
	struct eg_container_info ci;
	size_t len = 3 * PATH_MAX;
	char *path = malloc(len + 1);

	ASSERT_TRUE(path != NULL, "malloc");
	eg_container_from_cgroup(NULL, NULL);
	eg_container_from_cgroup("/docker/" ID, NULL);
	memset(&ci, 0x5a, sizeof(ci));
	eg_container_from_cgroup(NULL, &ci);
	ASSERT_STREQ(ci.runtime, "", "NULL path: runtime");
	ASSERT_STREQ(ci.container_id, "", "NULL path: id");
	ASSERT_STREQ(ci.pod_uid, "", "NULL path: pod");
	ASSERT_STREQ(ci.qos, "", "NULL path: qos");

	/* A very long component, then a real container far below the root. */
	memset(path, 'a', len);
	path[0] = '/';
	memcpy(path + len - strlen(tail), tail, strlen(tail) + 1);
	eg_container_from_cgroup(path, &ci);
	free(path);
	ASSERT_STREQ(ci.container_id, ID, "found after a long component");
	ASSERT_STREQ(ci.runtime, "docker", "runtime");
}

struct glob_case {
	const char *pattern, *path;
	int match;
};

static const struct glob_case globs[] = {
	{"/system.slice/sshd.service", "/system.slice/sshd.service", 1},
	{"/system.slice/sshd.service", "/system.slice/sshd.service/x", 0},
	{"/system.slice/sshd.service", "/system.slice/sshd.servic", 0},
	/* '*' stays in its component */
	{"/system.slice/docker-*.scope", "/system.slice/docker-" ID ".scope", 1},
	{"/system.slice/docker-*.scope", "/system.slice/docker-.scope", 1},
	{"/system.slice/docker-*.scope", "/system.slice/docker-a/b.scope", 0},
	{"/system.slice/docker-*.scope", "/system.slice/docker-" ID ".scope/init", 0},
	{"/*", "/init.scope", 1},
	{"/*", "/a/b", 0},
	{"*", "x", 1},
	{"*", "/x", 0},
	/* a trailing '**' component: the path itself and all below */
	{"/kubepods.slice/**", "/kubepods.slice", 1},
	{"/kubepods.slice/**", "/kubepods.slice/", 1},
	{"/kubepods.slice/**", KP_BURST "/cri-containerd-" ID ".scope", 1},
	{"/kubepods.slice/**", "/kubepods.slicex", 0},
	{"/kubepods.slice/**", "/kubepods.slice-x/a", 0},
	{"/kubepods.slice/**", "/system.slice/kubepods.slice", 0},
	{"/system.slice/docker-*.scope/**", "/system.slice/docker-" ID ".scope", 1},
	{"/system.slice/docker-*.scope/**", "/system.slice/docker-" ID ".scope/init", 1},
	{"/**", "/", 1},
	{"/**", "/a/b/c", 1},
	{"/**", "", 1},
	{"**", "/a/b", 1},
	{"**", "", 1},
	/* a middle '**' component: zero or more components */
	{"/kubepods.slice/**/cri-containerd-*.scope", KP_BURST "/cri-containerd-" ID ".scope", 1},
	{"/kubepods.slice/**/cri-containerd-*.scope", KP "/cri-containerd-" ID ".scope", 1},
	{"/kubepods.slice/**/cri-containerd-*.scope", KP_BURST "/crio-" ID ".scope", 0},
	{"/kubepods.slice/**/cri-containerd-*.scope", KP "cri-containerd-x.scope", 0},
	{"/a/**/b/**/c", "/a/b/c", 1},
	{"/a/**/b/**/c", "/a/x/b/y/z/c", 1},
	{"/a/**/b/**/c", "/a/x/y/c", 0},
	{"**/libpod-*.scope", USER_SVC "/user.slice/libpod-" ID ".scope", 1},
	/* '**' inside a component crosses '/' */
	{"/kube**", KP_BURST, 1},
	{"/kube**.scope", KP_BURST "/crio-" ID ".scope", 1},
	{"/kube**.scope", KP_BURST, 0},
	{"/a/***", "/a/b/c", 1},
	/* '?', classes, quoting */
	{"/a?c", "/abc", 1},
	{"/a?c", "/a/c", 0},
	{"/a?c", "/ac", 0},
	{"/[a-c]x", "/bx", 1},
	{"/[a-c]x", "/dx", 0},
	{"/[!a-c]x", "/dx", 1},
	{"/[^a-c]x", "/ax", 0},
	{"/a[/]b", "/a/b", 0},
	{"/a[!x]b", "/a/b", 0},
	{"/[]]", "/]", 1},
	{"/[a-]", "/-", 1},
	{"/[ab", "/[ab", 1},
	{"/[ab", "/a", 0},
	{"/a\\*", "/a*", 1},
	{"/a\\*", "/ab", 0},
	{"/a\\", "/a\\", 1},
	/* edges */
	{"", "", 1},
	{"", "/", 0},
	{"/", "/", 1},
	{"/", "", 0},
	{"*a*a*a*a*a*a*a*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
	{"**a**a**a**a**a**a**a**a**b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
	{"/*a*a*a*b", "/aaaab", 1},
};

static void test_glob_match(void)
{
	int failed = 0;

	for (size_t i = 0; i < sizeof(globs) / sizeof(globs[0]); i++) {
		const struct glob_case *g = &globs[i];
		int got = eg_cgroup_glob_match(g->pattern, g->path);

		if (got != g->match) {
			CHECK_FAIL_("pattern \"%s\" path \"%s\": got %d, want %d", g->pattern,
				    g->path, got, g->match);
			failed = 1;
		}
	}
	ASSERT_EQ(failed, 0, "every glob");
}

static void test_glob_null_and_long(void)
{
	size_t len = PATH_MAX + 1;
	char *path = malloc(len + 1);

	ASSERT_TRUE(path != NULL, "malloc");
	ASSERT_EQ(eg_cgroup_glob_match(NULL, "/"), 0, "NULL pattern");
	ASSERT_EQ(eg_cgroup_glob_match("/**", NULL), 0, "NULL path");
	memset(path, 'a', len);
	path[0] = '/';
	path[len] = '\0';
	ASSERT_EQ(eg_cgroup_glob_match("/**", path), 0, "longer than PATH_MAX");
	path[len - 1] = '\0';
	ASSERT_EQ(eg_cgroup_glob_match("/**", path), 1, "PATH_MAX long");
	ASSERT_EQ(eg_cgroup_glob_match("/*a", path), 1, "PATH_MAX long, star");
	free(path);
}

static void info_for(const char *path, struct eg_container_info *ci)
{
	eg_container_from_cgroup(path, ci);
}

static void test_container_id_match(void)
{
	struct eg_container_info ci, none;

	info_for(KP_BURST "/cri-containerd-" ID ".scope", &ci);
	info_for("/system.slice/sshd.service", &none);
	ASSERT_EQ(eg_container_id_match(ID, &ci), 1, "full id");
	ASSERT_EQ(eg_container_id_match("0123456789ab", &ci), 1, "12-char short id");
	ASSERT_EQ(eg_container_id_match("0123456789abcdef01", &ci), 1, "longer prefix");
	ASSERT_EQ(eg_container_id_match("0123456789AB", &ci), 1, "any case");
	ASSERT_EQ(eg_container_id_match("containerd://" ID, &ci), 1, "Kubernetes form");
	ASSERT_EQ(eg_container_id_match("docker://0123456789ab", &ci), 1, "scheme + short");
	ASSERT_EQ(eg_container_id_match("0123456789a", &ci), 0, "11 chars is too short");
	ASSERT_EQ(eg_container_id_match(ID "0", &ci), 0, "65 chars");
	ASSERT_EQ(eg_container_id_match(ID2, &ci), 0, "other id");
	ASSERT_EQ(eg_container_id_match("0123456789ac", &ci), 0, "other prefix");
	ASSERT_EQ(eg_container_id_match("0123456789ag", &ci), 0, "not hex");
	ASSERT_EQ(eg_container_id_match(" 0123456789ab", &ci), 0, "space");
	ASSERT_EQ(eg_container_id_match("", &ci), 0, "empty");
	ASSERT_EQ(eg_container_id_match(NULL, &ci), 0, "NULL selector");
	ASSERT_EQ(eg_container_id_match(ID, NULL), 0, "NULL info");
	ASSERT_EQ(eg_container_id_match(ID, &none), 0, "not in a container");
	ASSERT_EQ(eg_container_id_match("", &none), 0, "empty against empty");
}

static void test_pod_uid_match(void)
{
	struct eg_container_info ci, stat, none;

	info_for(KP_BURST "/cri-containerd-" ID ".scope", &ci);
	info_for(KP "/kubepods-besteffort.slice/kubepods-besteffort-pod" HASH32 ".slice", &stat);
	info_for("/docker/" ID, &none);
	ASSERT_EQ(eg_pod_uid_match(UID, &ci), 1, "dashes");
	ASSERT_EQ(eg_pod_uid_match(UID_, &ci), 1, "underscores");
	ASSERT_EQ(eg_pod_uid_match("0F4A6C2E-1B2C-4D5E-8F90-123456789ABC", &ci), 1, "any case");
	ASSERT_EQ(eg_pod_uid_match("0f4a6c2e_1b2c-4d5e_8f90-123456789abc", &ci), 1, "mixed");
	ASSERT_EQ(eg_pod_uid_match("0f4a6c2e-1b2c-4d5e-8f90-123456789abd", &ci), 0, "other");
	ASSERT_EQ(eg_pod_uid_match("0f4a6c2e-1b2c-4d5e-8f90-123456789ab", &ci), 0, "short");
	ASSERT_EQ(eg_pod_uid_match("0f4a6c2e1b2c4d5e8f90123456789abc", &ci), 0, "no dashes");
	ASSERT_EQ(eg_pod_uid_match("0f4a6c2e.1b2c.4d5e.8f90.123456789abc", &ci), 0, "dots");
	ASSERT_EQ(eg_pod_uid_match("0f4a6c2e-1b2c-4d5e-8f90-123456789abc ", &ci), 0, "space");
	ASSERT_EQ(eg_pod_uid_match(HASH32, &stat), 1, "static pod hash");
	ASSERT_EQ(eg_pod_uid_match("6D2F8A0B1C3E4F5A6B7C8D9E0F1A2B3C", &stat), 1, "hash, any case");
	ASSERT_EQ(eg_pod_uid_match(UID, &stat), 0, "hash vs UID");
	ASSERT_EQ(eg_pod_uid_match("", &ci), 0, "empty");
	ASSERT_EQ(eg_pod_uid_match(NULL, &ci), 0, "NULL selector");
	ASSERT_EQ(eg_pod_uid_match(UID, NULL), 0, "NULL info");
	ASSERT_EQ(eg_pod_uid_match(UID, &none), 0, "not in a pod");
}

static void test_selector_valid(void)
{
	ASSERT_EQ(eg_container_id_selector_valid(ID), 1, "full id");
	ASSERT_EQ(eg_container_id_selector_valid("cri-o://0123456789AB"), 1, "scheme, short");
	ASSERT_EQ(eg_container_id_selector_valid("0123456789a"), 0, "too short");
	ASSERT_EQ(eg_container_id_selector_valid(ID "0"), 0, "too long");
	ASSERT_EQ(eg_container_id_selector_valid("nginx"), 0, "a name");
	ASSERT_EQ(eg_container_id_selector_valid(NULL), 0, "NULL");
	ASSERT_EQ(eg_pod_uid_selector_valid(UID), 1, "UID");
	ASSERT_EQ(eg_pod_uid_selector_valid(UID_), 1, "underscored UID");
	ASSERT_EQ(eg_pod_uid_selector_valid(HASH32), 1, "static pod hash");
	ASSERT_EQ(eg_pod_uid_selector_valid("pod" UID), 0, "pod prefix");
	ASSERT_EQ(eg_pod_uid_selector_valid("0f4a6c2e-1b2c"), 0, "partial");
	ASSERT_EQ(eg_pod_uid_selector_valid(NULL), 0, "NULL");
}

/* ---- delegated cgroups never take a container's or pod's scope ---- */

static const char scoped_policy[] =
	"scopes:\n"
	"  - name: docker\n"
	"    match: {container_id: [" ID "]}\n"
	"  - name: pod\n"
	"    match: {pod_uid: [" UID "]}\n"
	"  - name: glob\n"
	"    match: {cgroup: [\"/**/app-*.scope\"]}\n"
	"  - name: rootless\n"
	"    allow_delegated: true\n"
	"    match: {cgroup: [\"/**/rootless-*.scope\", \"/**/both-*.scope\"]}\n";

static void test_delegated_paths(void)
{
	ASSERT_TRUE(eg_cgroup_path_delegated("/user.slice"), "user.slice itself");
	ASSERT_TRUE(eg_cgroup_path_delegated(USER_SVC "/docker-" ID ".scope"),
		    "below user@1000.service");
	ASSERT_TRUE(eg_cgroup_path_delegated("/x/user@0.service/y"), "user@0.service anywhere");
	ASSERT_TRUE(!eg_cgroup_path_delegated("/system.slice/docker-" ID ".scope"),
		    "system.slice is the runtime's");
	ASSERT_TRUE(!eg_cgroup_path_delegated("/user.slices/a"), "only the whole word");
	ASSERT_TRUE(!eg_cgroup_path_delegated("/user@.service/a"), "user@ needs a uid");
	ASSERT_TRUE(!eg_cgroup_path_delegated("/user@10x.service/a"), "a numeric uid");
	ASSERT_TRUE(!eg_cgroup_path_delegated(KP_BURST), "kubepods");
	ASSERT_TRUE(!eg_cgroup_path_delegated("/"), "the root");
}

static void test_untrusted_dirs(void)
{
	struct stat st = {.st_uid = 0, .st_gid = 0, .st_mode = S_IFDIR | 0755};

	ASSERT_TRUE(!eg_dir_untrusted(&st), "root's 0755");
	st.st_mode = S_IFDIR | 0775;
	ASSERT_TRUE(!eg_dir_untrusted(&st), "group-writable by root's group");
	st.st_gid = 1000;
	ASSERT_TRUE(eg_dir_untrusted(&st), "group-writable by another group");
	st.st_mode = S_IFDIR | 0757;
	st.st_gid = 0;
	ASSERT_TRUE(eg_dir_untrusted(&st), "writable by anyone");
	st.st_mode = S_IFDIR | 0700;
	st.st_uid = 65534;
	ASSERT_TRUE(eg_dir_untrusted(&st), "owned by nobody");
}

static void test_scope_of_delegated(void)
{
	struct eg_policy p;
	struct eg_error err = {0};
	const char *forged_docker = USER_SVC "/docker-" ID ".scope";
	const char *forged_pod = USER_SVC "/kubepods.slice/kubepods-pod" UID_ ".slice";

	ASSERT_EQ(eg_policy_parse(scoped_policy, sizeof(scoped_policy) - 1, "mem", &p, &err), 0,
		  err.msg);
	ASSERT_TRUE(p.scopes[3].allow_delegated && !p.scopes[0].allow_delegated,
		    "allow_delegated read");
	ASSERT_EQ(eg_scope_of(&p, "/system.slice/docker-" ID ".scope", 0), 0, "runtime's docker");
	ASSERT_EQ(eg_scope_of(&p, "/system.slice/docker-" ID ".scope", 1), -1,
		  "the same name where a user could make it: no scope");
	ASSERT_EQ(eg_scope_of(&p, KP_GUAR, 0), 1, "runtime's pod");
	ASSERT_EQ(eg_scope_of(&p, forged_pod, eg_cgroup_path_delegated(forged_pod)), -1,
		  "a pod slice in a user's subtree: no scope");
	ASSERT_EQ(eg_scope_of(&p, forged_docker, eg_cgroup_path_delegated(forged_docker)), -1,
		  "a docker scope in a user's subtree: no scope");
	ASSERT_EQ(eg_scope_of(&p, "/system.slice/app-x.scope", 1), -1, "globs too");
	ASSERT_EQ(eg_scope_of(&p, "/system.slice/app-x.scope", 0), 2, "glob, runtime's");
	ASSERT_EQ(eg_scope_of(&p, USER_SVC "/rootless-x.scope", 1), 3,
		  "a scope that allows delegated cgroups selects them");
	ASSERT_EQ(eg_scope_of(&p, USER_SVC "/both-" ID ".scope", 1), 3,
		  "a delegated cgroup skips the scopes that refuse it, to one that allows");
	eg_policy_free(&p);
	static const char yes[] = "scopes:\n  - name: a\n    allow_delegated: yes\n"
				  "    match: {cgroup: [\"/a\"]}\n";

	ASSERT_EQ(eg_policy_parse(yes, sizeof(yes) - 1, "mem", &p, &err), -1,
		  "allow_delegated: yes refused");
	ASSERT_CONTAINS(err.msg, "mem:3:22: allow_delegated must be true or false", "its error");
}

int main(void)
{
	RUN_TEST(test_container_shapes);
	RUN_TEST(test_container_null_and_long);
	RUN_TEST(test_glob_match);
	RUN_TEST(test_glob_null_and_long);
	RUN_TEST(test_container_id_match);
	RUN_TEST(test_pod_uid_match);
	RUN_TEST(test_selector_valid);
	RUN_TEST(test_delegated_paths);
	RUN_TEST(test_untrusted_dirs);
	RUN_TEST(test_scope_of_delegated);
	return check_summary();
}
