// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of the daemon as a service manager and a cluster run it:
 * the sd_notify messages in order (READY=1 after the self-test, RELOADING=1
 * and READY=1 around a reload, WATCHDOG=1, STOPPING=1) read from a fake
 * $NOTIFY_SOCKET; and the policy reloaded from a directory laid out like a
 * kubelet's ConfigMap volume when its `..data` symlink is swapped, a broken
 * new policy leaving the old one in force.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/workload.h"

#define FIRST_DENIED  "198.51.100.10" /* denied by the first policy, allowed by the second */
#define SECOND_DENIED "198.51.100.7"  /* the other way round */

static const char first_policy[] = "rules:\n  - action: deny\n    cidr: [198.51.100.10/32]\n";
static const char second_policy[] = "rules:\n  - action: deny\n    cidr: [198.51.100.7/32]\n";

static struct guard guard;

/* Wait up to ms for addr's verdict to become want; 0 when it did. */
static int guarded_verdict(const char *addr)
{
	return workload_udp_verdict(testenv.cg_guarded, addr, 53);
}

static int await_verdict(const char *addr, int want, int ms)
{
	for (int waited = 0; waited < ms; waited += 100) {
		if (guarded_verdict(addr) == want)
			return 0;
		usleep(100000);
	}
	return -1;
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up");
}

/* ---- sd_notify ---- */

static int notify_fd = -1;
static int watchdogs;

static int open_notify_socket(char path[PATH_MAX])
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	testenv_path("notify.sock", path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return notify_fd < 0 || bind(notify_fd, (struct sockaddr *)&sun, sizeof(sun)) ? -1 : 0;
}

/* The next message other than a watchdog ping (those are counted), within 5 s; "" when none. */
static const char *next_message(char *buf, size_t len)
{
	struct pollfd p = {.fd = notify_fd, .events = POLLIN};
	ssize_t n;

	buf[0] = '\0';
	while (poll(&p, 1, 5000) == 1 && (n = recv(notify_fd, buf, len - 1, 0)) > 0) {
		buf[n] = '\0';
		if (strcmp(buf, "WATCHDOG=1") != 0)
			return buf;
		watchdogs++;
		buf[0] = '\0';
	}
	return buf;
}

static void test_sd_notify_in_order(void)
{
	static const char *const extra[] = {"--persist", NULL};
	char path[PATH_MAX], policy[PATH_MAX], msg[4096];
	struct guard_config c = {.pin_dir = testenv.pin_dir, .cgroup = testenv.cg_guarded};
	char events[PATH_MAX], log[PATH_MAX];

	ASSERT_EQ(open_notify_socket(path), 0, "notify socket");
	ASSERT_EQ(testenv_write_file("notify.yaml", first_policy, policy), 0, "policy");
	testenv_path("notify.events", events);
	testenv_path("notify.log", log);
	c.policy = policy, c.events = events, c.log = log, c.extra = extra;
	setenv("NOTIFY_SOCKET", path, 1);
	setenv("WATCHDOG_USEC", "600000", 1);
	ASSERT_EQ(guard_start(&guard, &c), 0, "guard started");
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	next_message(msg, sizeof(msg));
	ASSERT_CONTAINS(msg, "READY=1\nSTATUS=guarding ", "READY=1 first");
	ASSERT_CONTAINS(msg, "1 rule, enforce mode, default allow; self-test passed", "status");
	usleep(2000000); /* the loop wakes every 250 ms: pings come every 300 to 500 ms */
	ASSERT_EQ(kill(guard.pid, SIGHUP), 0, "SIGHUP");
	next_message(msg, sizeof(msg));
	ASSERT_CONTAINS(msg, "RELOADING=1\nMONOTONIC_USEC=", "RELOADING=1 before the reload");
	ASSERT_GE(watchdogs, 2, "watchdog pinged meanwhile");
	next_message(msg, sizeof(msg));
	ASSERT_CONTAINS(msg, "READY=1\nSTATUS=reloaded ", "READY=1 after it");
	ASSERT_EQ(testenv_write_file("notify.yaml", "rules: [\n", policy), 0, "broken policy");
	ASSERT_EQ(kill(guard.pid, SIGHUP), 0, "SIGHUP");
	next_message(msg, sizeof(msg));
	ASSERT_CONTAINS(msg, "RELOADING=1", "RELOADING=1 again");
	next_message(msg, sizeof(msg));
	ASSERT_CONTAINS(msg, "READY=1\nSTATUS=reload refused, the policy in force stays: ",
			"READY=1 and the refusal");
	ASSERT_EQ(guard_stop(&guard), 0, "guard exit status");
	next_message(msg, sizeof(msg));
	ASSERT_STREQ(msg, "STOPPING=1\nSTATUS=stopping", "STOPPING=1 last");
	close(notify_fd);
}

/* ---- a ConfigMap volume's ..data swap ---- */

static char cm_dir[PATH_MAX];

/* A new timestamped directory holding text as policy.yaml, swapped in as ..data atomically. */
static int configmap_publish(const char *stamp, const char *text)
{
	char dir[PATH_MAX + 64], file[2 * PATH_MAX], tmp[PATH_MAX + 64], data[PATH_MAX + 64];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/%s", cm_dir, stamp);
	snprintf(file, sizeof(file), "%s/policy.yaml", dir);
	snprintf(tmp, sizeof(tmp), "%s/..data_tmp", cm_dir);
	snprintf(data, sizeof(data), "%s/..data", cm_dir);
	if (mkdir(dir, 0755) || !(f = fopen(file, "w")))
		return -1;
	fputs(text, f);
	fclose(f);
	unlink(tmp);
	return symlink(stamp, tmp) || rename(tmp, data) ? -1 : 0;
}

static int configmap_create(void)
{
	char link[PATH_MAX + 64];

	testenv_path("configmap", cm_dir);
	snprintf(link, sizeof(link), "%s/policy.yaml", cm_dir);
	if (mkdir(cm_dir, 0755) || configmap_publish("..2026_12_01_00_00_00.123", first_policy))
		return -1;
	return symlink("..data/policy.yaml", link);
}

static void test_configmap_swap_reloads(void)
{
	char policy[PATH_MAX + 64];

	ASSERT_EQ(configmap_create(), 0, "a ConfigMap-like volume");
	snprintf(policy, sizeof(policy), "%s/policy.yaml", cm_dir);
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "configmap"), 0, "guard started");
	ASSERT_EQ(guarded_verdict(FIRST_DENIED), 0, "first policy denies");
	ASSERT_EQ(guarded_verdict(SECOND_DENIED), 1, "first policy allows");
	ASSERT_EQ(configmap_publish("..2026_12_01_00_05_00.456", second_policy), 0, "swap");
	ASSERT_EQ(await_verdict(SECOND_DENIED, 0, 5000), 0, "second policy in force");
	ASSERT_EQ(guarded_verdict(FIRST_DENIED), 1, "what the first denied is allowed");
	ASSERT_EQ(configmap_publish("..2026_12_01_00_10_00.789", "rules:\n  - action: maybe\n"), 0,
		  "swap to a broken policy");
	sleep(2);
	ASSERT_EQ(guarded_verdict(SECOND_DENIED), 0, "the broken policy is refused");
	ASSERT_EQ(guarded_verdict(FIRST_DENIED), 1, "the one in force stays");
	ASSERT_EQ(testenv_guard_finish(&guard, check_failed), 0, "guard exit status");
}

/* `exfilguard ARGS` (stderr too) into out, as uid when uid >= 0; its exit status. */
static int cli_as(int uid, const char *args, char *out, size_t len)
{
	char cmd[4 * PATH_MAX], who[96] = "";
	FILE *p;
	size_t n;

	if (uid >= 0)
		snprintf(who, sizeof(who), "setpriv --clear-groups --reuid=%d --regid=%d ", uid,
			 uid);
	snprintf(cmd, sizeof(cmd), "%s%s --pin-dir %s %s 2>&1", who, guard_binary(),
		 testenv.pin_dir, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	return WEXITSTATUS(pclose(p));
}

static int cli(const char *args, char *out, size_t len)
{
	return cli_as(-1, args, out, len);
}

/* ---- a user who may not read the pins is told so, not "no guard" ---- */

static void test_permission_errors_say_so(void)
{
	static const char *const cmds[] = {"status", "reload", "detach"};
	char policy[PATH_MAX], out[8192], want[PATH_MAX + 128];

	ASSERT_EQ(testenv_write_file("perm.yaml", first_policy, policy), 0, "policy");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "perm"), 0, "guard started");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(want, sizeof(want),
			 "exfilguard %s: %s is not readable without root: %s needs root", cmds[i],
			 testenv.pin_dir, cmds[i]);
		ASSERT_EQ(cli_as(65534, cmds[i], out, sizeof(out)), 1, cmds[i]);
		ASSERT_CONTAINS(out, want, cmds[i]);
	}
	ASSERT_EQ(guarded_verdict(FIRST_DENIED), 0, "still enforcing");
	ASSERT_EQ(testenv_guard_finish(&guard, check_failed), 0, "guard exit status");
}

/* ---- lookup --cgroup: the scope that cgroup is in ---- */

static void test_lookup_under_a_cgroups_scope(void)
{
	char text[1024], policy[PATH_MAX], args[4 * PATH_MAX], out[8192];

	snprintf(text, sizeof(text),
		 "rules:\n  - action: deny\n    cidr: [198.51.100.0/24]\nscopes:\n"
		 "  - name: guarded\n    match:\n      cgroup: [\"%s\"]\n    rules:\n"
		 "      - action: allow\n        cidr: [198.51.100.0/25]\n",
		 testenv.guarded_rel);
	ASSERT_EQ(testenv_write_file("scoped.yaml", text, policy), 0, "policy");
	snprintf(args, sizeof(args), "lookup --policy %s --cgroup %s 198.51.100.9", policy,
		 testenv.cg_guarded);
	ASSERT_EQ(cli(args, out, sizeof(out)), 0, "lookup --cgroup (absolute)");
	ASSERT_CONTAINS(out, "allow  rule #1 (line 9)", "the scope's rule");
	ASSERT_CONTAINS(out, "scope: guarded", "the scope named");
	snprintf(args, sizeof(args), "lookup --policy %s --cgroup %s 198.51.100.9", policy,
		 testenv.cg_outside + strlen(testenv.cg_mount));
	ASSERT_EQ(cli(args, out, sizeof(out)), 0, "lookup --cgroup (below the mount)");
	ASSERT_CONTAINS(out, "deny   rule #1 (line 2)", "the node's rule outside the scope");
}

/* ---- a cgroup v1 hierarchy is refused, naming where v2 is ---- */

static void test_cgroup_v1_refused(void)
{
	char v1[PATH_MAX], policy[PATH_MAX], args[4 * PATH_MAX], out[8192], want[2 * PATH_MAX];
	int status;

	testenv_path("cgroup-v1", v1);
	ASSERT_EQ(testenv_write_file("v1.yaml", first_policy, policy), 0, "policy");
	ASSERT_EQ(mkdir(v1, 0755), 0, "mount point");
	ASSERT_EQ(mount("cgroup", v1, "cgroup", 0, "none,name=egtest"), 0,
		  "a named cgroup v1 hierarchy");
	snprintf(args, sizeof(args), "run --policy %s --cgroup %s", policy, v1);
	status = cli(args, out, sizeof(out));
	snprintf(args, sizeof(args), "lookup --policy %s --cgroup %s 198.51.100.9", policy, v1);
	cli(args, out + strlen(out), sizeof(out) - strlen(out));
	umount(v1);
	ASSERT_EQ(status, 1, "run refuses");
	snprintf(want, sizeof(want),
		 "exfilguard run: %s is a cgroup v1 hierarchy; exfilguard needs cgroup v2, which "
		 "is mounted at %s",
		 v1, testenv.cg_mount);
	ASSERT_CONTAINS(out, want, "run says so");
	ASSERT_CONTAINS(out, "exfilguard lookup: ", "lookup too");
	ASSERT_TRUE(testenv_pins_gone(), "nothing pinned");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	if (check_failed)
		return check_summary();
	RUN_TEST(test_sd_notify_in_order);
	testenv_guard_reset();
	RUN_TEST(test_configmap_swap_reloads);
	testenv_guard_reset();
	RUN_TEST(test_permission_errors_say_so);
	testenv_guard_reset();
	RUN_TEST(test_lookup_under_a_cgroups_scope);
	RUN_TEST(test_cgroup_v1_refused);
	testenv_guard_reset();
	return check_summary();
}
