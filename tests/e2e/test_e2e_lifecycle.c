// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of the policy lifecycle: reloads that never leave a gap or
 * a wrong verdict, a refused bad reload, a daemon killed with SIGKILL whose
 * pinned hooks keep enforcing and are adopted by the next `run`, `detach`,
 * an unprivileged user who cannot change anything, a `run` whose
 * self-test cannot run refusing to start, and a process that takes a dead
 * daemon's pid and name fooling neither status, reload, run nor detach.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
#include "../lib/check.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/realdata.h"
#include "../lib/testenv.h"
#include "../lib/workload.h"
#include "pins.h"
#include "stats.h"

#define DENIED	"198.51.100.10" /* denied by both policies */
#define ALLOWED "198.19.113.10" /* allowed by both policies */
#define RELOADS 20

static char fixtures[PATH_MAX], policy[PATH_MAX];
static struct guard guard;

/* Policy A: a CIDR rule, no datasets. */
static const char policy_a[] = "rules:\n  - action: deny\n    cidr: [198.51.100.0/24]\n";

static int write_policy_text(const char *text)
{
	return testfile_write(policy, text);
}

/* Policy B: a country rule on the fixture datasets (198.51.100.0/24 is CN, 198.19.113.0/24 US). */
static int write_policy_b(void)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "data:\n  country: %s/geolite2-country.mmdb\n  asn: %s/asn.csv\n"
		 "rules:\n  - action: deny\n    country: [CN]\n",
		 fixtures, fixtures);
	return write_policy_text(text);
}

/* UDP connect (it sends nothing) from this process: 1 allowed, 0 refused with EPERM, -1 other. */
static int udp_connect_port_verdict(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	rc = rc == 0 ? 1 : errno == EPERM ? 0 : -1;
	close(fd);
	return rc;
}

static int udp_connect_verdict(const char *addr)
{
	return udp_connect_port_verdict(addr, 53);
}

/* The verdict for addr from a fresh workload in the guarded cgroup. */
static void probe(void *arg)
{
	workload_report(udp_connect_verdict(arg), 0);
}

/* Five refused connects from one process (port 54): one event, the rest folded. */
#define REPEATS 5
static void probe_repeated(void *arg)
{
	int refused = 0;

	for (int i = 0; i < REPEATS; i++)
		refused += udp_connect_port_verdict(arg, 54) == 0;
	workload_report(refused, 0);
}

/* Denied attempts `stats` counts for the guarded workload; -1 when unreadable. */
static long long denied_attempts(void)
{
	struct eg_error err = {0};
	struct eg_stats s = {0};
	long long sum = 0;
	struct stat st;

	if (stat(testenv.cg_guarded, &st) || eg_stats_read_pinned(testenv.pin_dir, &s, &err))
		return -1;
	for (size_t i = 0; i < s.n; i++)
		if (s.rows[i].key.cgroup_id == (uint64_t)st.st_ino &&
		    s.rows[i].key.verdict == EG_VERDICT_DENY)
			sum += (long long)s.rows[i].attempts;
	eg_stats_free(&s);
	return sum;
}

static int repeated_refusals(const char *addr)
{
	struct workload_report r = {0};
	struct workload w;

	if (workload_start(&w, testenv.cg_guarded, probe_repeated, (void *)addr) ||
	    workload_await(&w, &r))
		return -2;
	workload_end(&w);
	return r.ret;
}

static int guarded_verdict(const char *addr)
{
	struct workload_report r = {0};
	struct workload w;

	if (workload_start(&w, testenv.cg_guarded, probe, (void *)addr) || workload_await(&w, &r))
		return -2;
	workload_end(&w);
	return r.ret;
}

/* Run `exfilguard ARGS` (as uid when uid >= 0); its exit status, output in *out. */
static int cli(int uid, const char *args, char *out, size_t len)
{
	char cmd[2 * PATH_MAX], path[PATH_MAX];
	int st;

	testenv_path("cli.out", path);
	snprintf(cmd, sizeof(cmd), "%s%s%s --pin-dir %s %s >%s 2>&1",
		 uid >= 0 ? "setpriv --clear-groups --reuid=" : "",
		 uid >= 0 ? (uid == 65534 ? "65534 --regid=65534 " : "") : "", guard_binary(),
		 testenv.pin_dir, args, path);
	st = system(cmd);
	testenv_read_file(path, out, len);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up");
	testenv_path("fixtures", fixtures);
	ASSERT_EQ(fixtures_generate(fixtures), 0, "fixture datasets generated");
	testenv_path("policy.yaml", policy);
}

/* A number in `exfilguard --json status`, by its key path (NULL-terminated), or -1. */
static long long status_number(const char *const *keys)
{
	json_object *st, *v;
	char out[16384];
	long long n = -1;

	if (cli(-1, "--json status", out, sizeof(out)) != 0)
		return -1;
	st = v = json_tokener_parse(out);
	while (v && *keys && json_object_object_get_ex(v, *keys, &v))
		keys++;
	if (v && !*keys)
		n = json_object_get_int64(v);
	json_object_put(st);
	return n;
}

/* counters.hooks.HOOK.VERDICT of the pinned guard, or -1. */
static long long status_counter(const char *hook, const char *verdict)
{
	const char *const keys[] = {"counters", "hooks", hook, verdict, NULL};

	return status_number(keys);
}

/* counters.events_lost of the pinned guard, or -1. */
static long long status_events_lost(void)
{
	const char *const keys[] = {"counters", "events_lost", NULL};

	return status_number(keys);
}

/* Counts the events evmatch accepts, keeping none (there may be hundreds of thousands). */
struct event_count {
	struct evmatch m;
	long long n;
};

/* A verdict line stands for one deny, a folded or lost line for its count. */
static int count_pred(json_object *ev, const void *arg)
{
	struct event_count *c = (struct event_count *)arg;
	const char *kind = ev_str(ev, "event");

	if (evmatch_pred(ev, &c->m))
		c->n += kind && strcmp(kind, "verdict") ? ev_int(ev, "count") : 1;
	return 0;
}

/*
 * Each denied connect is reported once or counted as lost (ring full), across
 * all the generations: none goes missing at a switch. Stops the guard, which
 * writes out what is left in its ring.
 */
static void stop_expecting_every_deny_reported(long long denied)
{
	struct event_count c = {
		.m = {.hook = "connect4", .verdict = "deny", .daddr = DENIED, .dport = 53}};
	struct evlog none = {0};
	long long lost = status_events_lost(); /* final: the loop has stopped */

	ASSERT_GE(lost, 0, "events_lost from status");
	ASSERT_EQ(guard_stop(&guard), 0, "guard exit status");
	ASSERT_EQ(evlog_read(guard.events, count_pred, &c, &none), 0, "events file read");
	fprintf(stderr, "  %lld deny events reported, %lld lost (ring full)\n", c.n, lost);
	ASSERT_EQ(c.n + lost, denied, "reported + counted as lost = denied connects");
}

/* ---- 20 reloads under a tight connect loop ---- */

struct loop_counts {
	volatile int stop;
	long runs, wrong, other;
};

static void connect_loop(void *arg)
{
	struct loop_counts *c = arg;

	workload_report(0, 0);
	while (!c->stop) {
		int denied = udp_connect_verdict(DENIED), allowed = udp_connect_verdict(ALLOWED);

		c->runs++;
		c->wrong += (denied == 1) + (allowed == 0);
		c->other += (denied < 0) + (allowed < 0);
	}
	workload_report(0, 0);
}

static void reload_loop(void)
{
	struct loop_counts *c =
		mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct workload_report r;
	struct workload w;
	char out[4096];
	int i, rc;

	ASSERT_TRUE(c != MAP_FAILED, "shared counters");
	memset(c, 0, sizeof(*c));
	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, connect_loop, c), 0, "loop started");
	ASSERT_EQ(workload_await(&w, &r), 0, "loop running");
	for (i = 0; i < RELOADS; i++) {
		uint32_t slot = eg_pinned_cfg_slot(testenv.pin_dir);

		ASSERT_EQ(i % 2 ? write_policy_text(policy_a) : write_policy_b(), 0,
			  "policy written");
		rc = cli(-1, "reload", out, sizeof(out));
		if (rc)
			fprintf(stderr, "  reload %d: %s", i + 1, out);
		ASSERT_EQ(rc, 0, "reload succeeded");
		ASSERT_CONTAINS(out,
				i % 2 ? "dataset none" : "dataset country:", "generation in force");
		/* Each generation writes its config beside the one in force (struct eg_hot). */
		ASSERT_EQ(eg_pinned_cfg_slot(testenv.pin_dir), !slot, "the other config slot");
	}
	c->stop = 1;
	workload_await(&w, &r);
	workload_end(&w);
	fprintf(stderr, "  %ld connect pairs through %d reloads\n", c->runs, RELOADS);
	ASSERT_GE(c->runs, 1000, "connect pairs during the reloads");
	ASSERT_EQ(c->wrong, 0, "wrong verdicts");
	ASSERT_EQ(c->other, 0, "connects failing otherwise than EPERM");
	/* One denied connect4 per pair, counted on through every generation (plus self-tests). */
	ASSERT_GE(status_counter("connect4", "deny"), c->runs,
		  "connect4 denies counted across reloads");
	ASSERT_LE(status_counter("connect4", "deny"), c->runs + 2 * (RELOADS + 1), "and not more");
	stop_expecting_every_deny_reported(c->runs);
	munmap(c, sizeof(*c));
}

static void test_reloads_never_misjudge(void)
{
	ASSERT_EQ(write_policy_text(policy_a), 0, "policy A");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "reloads"), 0, "guard started");
	{
		const char *const self_test[] = {"counters", "self_test_refused", NULL};

		/* Right after start: the canary connects are counted apart from workloads'. */
		ASSERT_EQ(status_counter("connect4", "deny"), 0, "no workload deny yet");
		ASSERT_GE(status_number(self_test), 1, "the self-test's refusals, apart");
	}
	reload_loop(); /* and stops the guard */
	testenv_guard_reset();
}

static void bad_reload(void)
{
	char out[4096];

	ASSERT_EQ(write_policy_text("rules:\n  - action: deny\n    cidr: [198.51.100.0/33]\n"), 0,
		  "bad policy written");
	ASSERT_EQ(cli(-1, "reload", out, sizeof(out)), 1, "reload of a bad policy fails");
	ASSERT_CONTAINS(out, "policy.yaml:3:", "the error names file and line");
	ASSERT_CONTAINS(out, "the policy in force stays", "says nothing changed");
	ASSERT_EQ(guarded_verdict(DENIED), 0, "the policy in force still denies");
	ASSERT_EQ(guarded_verdict(ALLOWED), 1, "and still allows");
}

static void test_bad_reload_keeps_policy(void)
{
	ASSERT_EQ(write_policy_text(policy_a), 0, "policy A");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "badreload"), 0, "guard started");
	bad_reload();
	ASSERT_EQ(guard_stop(&guard), 0, "guard exit status");
	testenv_guard_reset();
}

/* ---- crash survival ---- */

/*
 * The deny recorded while no daemon ran reaches the adopting daemon's events
 * before it reports ready, marked as backlog, its rule by index only.
 */
static void expect_backlog(const char *events)
{
	struct evmatch m = {.hook = "connect4", .verdict = "deny", .daddr = DENIED, .dport = 53};
	struct evlog got = {0};
	json_object *mark = NULL;

	ASSERT_EQ(evlog_read(events, evmatch_pred, &m, &got), 1, "one deny of " DENIED " so far");
	if (got.n == 1)
		json_object_object_get_ex(got.ev[0], "backlog", &mark);
	ASSERT_TRUE(mark && json_object_get_boolean(mark), "marked \"backlog\": true");
	ASSERT_TRUE(got.n == 1 && ev_int(got.ev[0], "pid") > 0, "with the sender's pid");
	ASSERT_TRUE(got.n == 1 && !ev_field(got.ev[0], "rule", "text"), "the rule by index only");
	evlog_free(&got);
}

static void crash_adopt_detach(void)
{
	char out[4096];
	long long denied;
	uint32_t slot;

	kill(guard.pid, SIGKILL);
	ASSERT_EQ(guard_stop(&guard), 128 + SIGKILL, "the daemon died of SIGKILL");
	ASSERT_TRUE(!testenv_pins_gone(), "the pins outlive the daemon");
	ASSERT_EQ(guarded_verdict(DENIED), 0, "still enforcing with no daemon");
	ASSERT_EQ(repeated_refusals(DENIED), REPEATS,
		  "five more refusals from one process, folded");
	ASSERT_EQ(cli(-1, "status", out, sizeof(out)), 0, "status of an orphaned guard");
	ASSERT_CONTAINS(out, "gone; hooks stay in force", "status says the daemon is gone");
	denied = status_counter("connect4", "deny");
	ASSERT_GE(denied, 1, "the deny with no daemon is counted");
	slot = eg_pinned_cfg_slot(testenv.pin_dir);

	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "adopt"), 0, "a new run started");
	ASSERT_EQ(eg_pinned_cfg_slot(testenv.pin_dir), !slot,
		  "the adopter's config: the other slot");
	expect_backlog(guard.events);
	/* Counted by the adopter from the dead daemon's ring and fold map (user/attempts.h). */
	ASSERT_EQ(denied_attempts(), 1 + REPEATS,
		  "stats: every refusal while no daemon ran, the folded repeats too");
	ASSERT_GE(status_counter("connect4", "deny"), denied, "the adopting run counts on");
	ASSERT_EQ(guarded_verdict(DENIED), 0, "enforcing after the adoption");
	ASSERT_EQ(guarded_verdict(ALLOWED), 1, "allowing after the adoption");
	ASSERT_EQ(cli(-1, "detach", out, sizeof(out)), 0, "detach");
	ASSERT_EQ(guard_stop(&guard), 0, "the daemon stopped on detach's SIGTERM");
	ASSERT_TRUE(testenv_pins_gone(), "nothing pinned after detach");
	ASSERT_EQ(guarded_verdict(DENIED), 1, "no enforcement after detach");
}

static void test_kill9_keeps_enforcing_then_adopted(void)
{
	ASSERT_EQ(write_policy_text(policy_a), 0, "policy A");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "crash"), 0, "guard started");
	crash_adopt_detach();
	testenv_guard_reset();
}

/* ---- only root changes anything ---- */

static void unprivileged(void)
{
	char out[4096];

	ASSERT_NE(cli(65534, "detach", out, sizeof(out)), 0, "nobody cannot detach");
	ASSERT_NE(cli(65534, "reload", out, sizeof(out)), 0, "nobody cannot reload");
	ASSERT_NE(cli(65534, "status", out, sizeof(out)), 0, "nobody cannot read the pins");
	ASSERT_EQ(guarded_verdict(DENIED), 0, "still enforcing");
	ASSERT_TRUE(!testenv_pins_gone(), "still pinned");
}

static void test_unprivileged_user_changes_nothing(void)
{
	ASSERT_EQ(write_policy_text(policy_a), 0, "policy A");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "unpriv"), 0, "guard started");
	unprivileged();
	ASSERT_EQ(guard_stop(&guard), 0, "guard exit status");
	testenv_guard_reset();
}

/* ---- a stalled event sink cannot keep the daemon from stopping ---- */

/* Denied connects from one workload: far more events than a pipe holds (64 KiB), each its own
 * (a port of its own: repeats would be folded). */
static void deny_burst(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 2000; i++)
		udp_connect_port_verdict(DENIED, (uint16_t)(2000 + i));
	workload_report(0, 0);
}

static void test_stalled_sink_does_not_block_stop(void)
{
	struct workload_report r;
	struct workload w;
	char fifo[PATH_MAX], log[4096];
	int rd, st;

	ASSERT_EQ(write_policy_text(policy_a), 0, "policy A");
	testenv_path("stall.events", fifo);
	ASSERT_EQ(mkfifo(fifo, 0600), 0, "events FIFO created");
	/* A reader that never reads: the daemon's writes fill the pipe, then block. */
	rd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_TRUE(rd >= 0, "FIFO opened for reading");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "stall"), 0, "guard started");
	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, deny_burst, NULL), 0, "burst started");
	ASSERT_EQ(workload_await(&w, &r), 0, "burst done");
	workload_end(&w);
	usleep(300 * 1000); /* the daemon is now blocked writing */
	st = guard_stop(&guard);
	close(rd);
	ASSERT_EQ(st, 0, "SIGTERM stops it within 3 s, exit 0");
	ASSERT_EQ(testenv_read_file(guard.log, log, sizeof(log)), 0, "daemon log read");
	ASSERT_CONTAINS(log, "events could not be written", "it says events were not written");
}

/* ---- a self-test that cannot run refuses to start ---- */

static int write_cgroup_knob(const char *cg, const char *knob, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", cg, knob);
	return testfile_write(path, value);
}

/*
 * With cgroup.max.descendants at 0 the self-test cannot create its canary
 * cgroup, so `run` cannot prove enforcement: it must say so, exit 1, and
 * leave nothing attached or pinned.
 */
static void run_without_self_test(void)
{
	char cmd[4 * PATH_MAX], out[4096], log[PATH_MAX];
	int st;

	testenv_path("selftest.log", log);
	snprintf(cmd, sizeof(cmd),
		 "timeout 30 %s --pin-dir %s run --policy %s --cgroup %s >%s 2>&1", guard_binary(),
		 testenv.pin_dir, policy, testenv.cg_guarded, log);
	st = system(cmd);
	testenv_read_file(log, out, sizeof(out));
	ASSERT_TRUE(WIFEXITED(st), "run exited");
	ASSERT_EQ(WEXITSTATUS(st), 1, "run refuses to start (exit 1, not 124 = still running)");
	ASSERT_CONTAINS(out, "self-test: cannot create",
			"the error says the self-test could not run");
	ASSERT_TRUE(testenv_pins_gone(), "nothing pinned");
}

static void test_self_test_failure_leaves_nothing(void)
{
	ASSERT_EQ(write_policy_text(policy_a), 0, "policy A");
	ASSERT_EQ(write_cgroup_knob(testenv.cg_guarded, "cgroup.max.descendants", "0"), 0,
		  "cgroup.max.descendants=0");
	run_without_self_test();
	ASSERT_EQ(write_cgroup_knob(testenv.cg_guarded, "cgroup.max.descendants", "max"), 0,
		  "cgroup.max.descendants restored");
	ASSERT_EQ(guarded_verdict(DENIED), 1, "no hooks left attached");
}

/* ---- liveness is the daemon's lock, not a pid ---- */

static pid_t impostor;

/*
 * A process named exfilguard with the dead daemon's very pid (clone3 with
 * set_tid, which root may ask for): what anyone can arrange once a daemon
 * dies, and what a pid or /proc/PID/comm check takes for the daemon.
 */
static pid_t start_impostor(pid_t pid)
{
	struct clone_args args = {
		.exit_signal = SIGCHLD, .set_tid = (uintptr_t)&pid, .set_tid_size = 1};
	long child = syscall(SYS_clone3, &args, sizeof(args));

	if (child == 0) {
		prctl(PR_SET_NAME, "exfilguard");
		for (;;)
			pause();
	}
	return (pid_t)child;
}

/* Is the impostor still running (not signalled to death)? */
static int impostor_running(void)
{
	return impostor > 0 && waitpid(impostor, NULL, WNOHANG) == 0;
}

static void end_impostor(void)
{
	if (impostor > 0) {
		kill(impostor, SIGKILL);
		waitpid(impostor, NULL, 0);
	}
	impostor = 0;
}

/* Start a guard, kill it with SIGKILL and put the impostor in its place. */
static void orphan_with_impostor(const char *name)
{
	static const char *const pid_key[] = {"daemon", "pid", NULL};
	char path[64], comm[32] = "";
	pid_t dead;
	int i;

	ASSERT_EQ(write_policy_text(policy_a), 0, "policy A");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, name), 0, "guard started");
	dead = guard.pid;
	ASSERT_EQ(status_number(pid_key), dead, "status records the daemon's pid");
	kill(dead, SIGKILL);
	ASSERT_EQ(guard_stop(&guard), 128 + SIGKILL, "the daemon died of SIGKILL");
	impostor = start_impostor(dead);
	ASSERT_EQ(impostor, dead, "the impostor has the dead daemon's pid");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)impostor);
	for (i = 0; i < 100 && strcmp(comm, "exfilguard\n"); i++, usleep(10000))
		testenv_read_file(path, comm, sizeof(comm));
	ASSERT_STREQ(comm, "exfilguard\n", "the impostor is named exfilguard");
}

static void impostor_ignored_then_adopted(void)
{
	char out[4096], log[8192];

	orphan_with_impostor("impostor");
	ASSERT_TRUE(impostor_running(), "impostor in place");
	ASSERT_EQ(cli(-1, "status", out, sizeof(out)), 0, "status of the orphaned guard");
	ASSERT_CONTAINS(out, "gone; hooks stay in force", "status: the daemon is gone");
	ASSERT_NE(cli(-1, "reload", out, sizeof(out)), 0, "reload refused");
	ASSERT_CONTAINS(out, "no running daemon", "reload: no daemon runs");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "impostor-adopt"), 0,
		  "a new run starts");
	ASSERT_EQ(testenv_read_file(guard.log, log, sizeof(log)), 0, "daemon log read");
	ASSERT_CONTAINS(log, "adopted the guard pinned", "it adopted the pinned guard");
	ASSERT_EQ(cli(-1, "status", out, sizeof(out)), 0, "status of the adopted guard");
	ASSERT_CONTAINS(out, "(running)", "status: the new daemon runs");
	ASSERT_EQ(guarded_verdict(DENIED), 0, "enforcing");
	ASSERT_TRUE(impostor_running(), "the impostor was not signalled");
}

static void test_pid_impostor_is_not_the_daemon(void)
{
	impostor_ignored_then_adopted();
	end_impostor();
}

/* Detach stops the daemon that holds the lock, and no one else. */
static void impostor_survives_detach(void)
{
	char out[4096];

	orphan_with_impostor("impostor-detach");
	ASSERT_EQ(cli(-1, "detach", out, sizeof(out)), 0, "detach of the orphaned guard");
	ASSERT_TRUE(testenv_pins_gone(), "nothing pinned after detach");
	ASSERT_TRUE(impostor_running(), "the impostor was not signalled");
}

static void test_detach_signals_no_impostor(void)
{
	impostor_survives_detach();
	end_impostor();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_environment);
	if (check_failed)
		return check_summary();
	RUN_TEST(test_reloads_never_misjudge);
	testenv_guard_reset();
	RUN_TEST(test_bad_reload_keeps_policy);
	testenv_guard_reset();
	RUN_TEST(test_kill9_keeps_enforcing_then_adopted);
	testenv_guard_reset();
	RUN_TEST(test_unprivileged_user_changes_nothing);
	testenv_guard_reset();
	RUN_TEST(test_self_test_failure_leaves_nothing);
	testenv_guard_reset();
	RUN_TEST(test_stalled_sink_does_not_block_stop);
	testenv_guard_reset();
	RUN_TEST(test_pid_impostor_is_not_the_daemon);
	testenv_guard_reset();
	RUN_TEST(test_detach_signals_no_impostor);
	testenv_guard_reset();
	return check_summary();
}
