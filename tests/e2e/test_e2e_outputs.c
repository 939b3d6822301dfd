// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of the outputs and of what events say about the sender:
 *
 *  - an event carries the executable, parent pid, parent comm and user name
 *    of the workload that was denied;
 *  - every event reaches both an events file and a syslog receiver (a UDP
 *    socket on loopback, in the test's own network namespace, read strictly
 *    as RFC 5424) while the file is rotated twice under a running connect
 *    loop, once with SIGUSR1 and once without: no line is lost;
 *  - an output that stalls (a FIFO nobody reads) holds up neither the events
 *    file nor the daemon's exit, and its losses are reported.
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/evlog.h"
#include "../lib/guard.h"
#include "../lib/syslog5424.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"
#include "../lib/workload.h"

#define DENIED4	      "198.51.100.10"
#define LOOP_CONNECTS 300

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

/* The guard on the guarded cgroup with more options; events in <tmp>/<name>.events. */
static int start_guard(struct guard *g, const char *name, const char *const *extra)
{
	char events[PATH_MAX], log[PATH_MAX], file[NAME_MAX];
	struct guard_config c = {.pin_dir = testenv.pin_dir,
				 .policy = policy_path,
				 .cgroup = testenv.cg_guarded,
				 .events = events,
				 .log = log,
				 .extra = extra};

	snprintf(file, sizeof(file), "%s.events", name);
	testenv_path(file, events);
	snprintf(file, sizeof(file), "%s.log", name);
	testenv_path(file, log);
	return guard_start(g, &c);
}

static int denied_connect(void)
{
	int fd = client_tcp_connect(AF_INET, DENIED4, TESTHOST_TCP_PORT);

	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : -errno;
}

/* ---- the sender's executable, parent and user ---- */

/* Connect (denied), then stay alive while the daemon looks the process up. */
static void deny_then_wait(void *arg)
{
	(void)arg;
	workload_report(denied_connect(), 0);
	workload_pause();
	workload_report(0, 0);
}

static void check_process_fields(json_object *ev)
{
	char exe[PATH_MAX], comm[32] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ASSERT_GE(n, 1, "the test's executable (the workload is a fork of it)");
	exe[n] = '\0';
	prctl(PR_GET_NAME, comm);
	ASSERT_STREQ(ev_str(ev, "exe"), exe, "exe: the workload's executable");
	ASSERT_EQ(ev_int(ev, "ppid"), getpid(), "ppid: the test process");
	ASSERT_STREQ(ev_str(ev, "parent_comm"), comm, "parent_comm: the test's comm");
	ASSERT_STREQ(ev_str(ev, "user"), "root", "user: the name of uid 0");
	ASSERT_STREQ(ev_str(ev, "comm"), WORKLOAD_COMM, "comm as the kernel saw it");
}

static void test_event_names_the_process(void)
{
	struct workload_report r;
	struct workload w;
	struct evlog got = {0};
	struct guard g;
	struct evmatch m = {.hook = "connect4", .verdict = "deny", .dport = -1};
	int n;

	ASSERT_EQ(start_guard(&g, "proc", NULL), 0, "guard started");
	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, deny_then_wait, NULL), 0, "workload");
	ASSERT_EQ(workload_await(&w, &r), 0, "workload connected");
	ASSERT_EQ(r.ret, -EPERM, "denied");
	m.pid = w.pid;
	n = evlog_expect(g.events, evmatch_pred, &m, 1, &got);
	workload_resume(&w);
	workload_end(&w);
	if (n == 1)
		check_process_fields(got.ev[0]);
	evlog_free(&got);
	if (check_cur_failed)
		guard_print_log(&g);
	ASSERT_EQ(n, 1, "one deny event");
	ASSERT_EQ(guard_stop(&g), 0, "guard exit status");
	testenv_guard_reset();
}

/* ---- rotation under load, and syslog ---- */

static void connect_loop(void *arg)
{
	int i, denied = 0;

	(void)arg;
	for (i = 0; i < LOOP_CONNECTS; i++) {
		denied += denied_connect() == -EPERM;
		usleep(5000); /* ~1.5 s in all: the test rotates twice meanwhile */
	}
	workload_report(denied, 0);
}

/* A UDP receiver on 127.0.0.1 with room for every message; its port in *port. */
static int syslog_receiver(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), size = 16 << 20;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen)) {
		perror("  syslog receiver");
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* Strictly parsed messages that are denies by pid; -1 on a malformed one. */
static int syslog_denies(int fd, pid_t pid)
{
	static char buf[16384];
	struct syslog_msg m;
	char want[16];
	int n = 0;
	ssize_t len;

	snprintf(want, sizeof(want), "%d", (int)pid);
	while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		if (syslog5424_parse(buf, (size_t)len, &m))
			return -1;
		if (!strcmp(m.msgid, "verdict") && !strcmp(m.sd_id, "exfilguard@32473") &&
		    !strcmp(syslog5424_param(&m, "verdict") ?: "", "deny") &&
		    !strcmp(syslog5424_param(&m, "daddr") ?: "", DENIED4) &&
		    !strcmp(syslog5424_param(&m, "pid") ?: "", want))
			n++;
	}
	return n;
}

/* Lines of the workload's events in the file and its rotated copies. */
static int events_of(const char *path, pid_t pid)
{
	struct evmatch m = {.hook = "connect4", .verdict = "deny", .dport = -1, .pid = pid};
	struct evlog got = {0};
	char rotated[PATH_MAX + 4];
	int total = 0, n, i;

	for (i = 0; i < 3; i++) {
		snprintf(rotated, sizeof(rotated), i ? "%s.%d" : "%s", path, i);
		n = evlog_read(rotated, evmatch_pred, &m, &got);
		if (n < 0)
			return -1;
		total += n;
		evlog_free(&got);
	}
	return total;
}

/* Is <path>.<n> (n 0: path) not empty? */
static int file_has_lines(const char *path, int n)
{
	char name[PATH_MAX + 4];
	struct stat st;

	snprintf(name, sizeof(name), n ? "%s.%d" : "%s", path, n);
	return !stat(name, &st) && st.st_size > 0;
}

/* Wait (up to 10 s) until the file at path has a line: the loop is writing into it. */
static int await_lines(const char *path)
{
	int i;

	for (i = 0; i < 1000 && !file_has_lines(path, 0); i++)
		usleep(10 * 1000);
	return file_has_lines(path, 0) ? 0 : -1;
}

static int rotate(const char *path, int n)
{
	char to[PATH_MAX + 4];

	snprintf(to, sizeof(to), "%s.%d", path, n);
	return rename(path, to);
}

static void rotate_under_load(struct guard *g, int rx)
{
	struct workload_report r;
	struct workload w;
	int in_file = 0, in_syslog = 0, i;
	pid_t pid;

	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, connect_loop, NULL), 0, "loop started");
	pid = w.pid; /* (workload_end() forgets it) */
	ASSERT_EQ(await_lines(g->events), 0, "the first file took lines");
	ASSERT_EQ(rotate(g->events, 1), 0, "rotated (logrotate's rename)");
	ASSERT_EQ(kill(g->pid, SIGUSR1), 0, "SIGUSR1 (logrotate's postrotate)");
	ASSERT_EQ(await_lines(g->events), 0, "the reopened file took lines");
	ASSERT_EQ(rotate(g->events, 2), 0, "rotated again, no signal this time");
	ASSERT_EQ(workload_await(&w, &r), 0, "loop done");
	workload_end(&w);
	ASSERT_EQ(r.ret, LOOP_CONNECTS, "every connect denied");
	for (i = 0; i < 50 && (in_file < LOOP_CONNECTS || in_syslog < LOOP_CONNECTS); i++) {
		int got = syslog_denies(rx, pid);

		usleep(100 * 1000);
		ASSERT_GE(got, 0, "every syslog message well-formed RFC 5424");
		in_syslog += got;
		in_file = events_of(g->events, pid);
		ASSERT_GE(in_file, 0, "every line of the files JSON");
	}
	ASSERT_EQ(in_file, LOOP_CONNECTS, "no line lost across the two rotations");
	ASSERT_TRUE(file_has_lines(g->events, 1) && file_has_lines(g->events, 2) &&
			    file_has_lines(g->events, 0),
		    "each of the three files took some of them");
	ASSERT_EQ(in_syslog, LOOP_CONNECTS, "every event also reached syslog");
}

static void test_rotation_loses_no_line(void)
{
	char target[64];
	const char *extra[] = {"--output", target, NULL};
	struct guard g;
	int port = 0, rx = syslog_receiver(&port);

	ASSERT_TRUE(rx >= 0, "syslog receiver");
	snprintf(target, sizeof(target), "syslog:udp://127.0.0.1:%d", port);
	ASSERT_EQ(start_guard(&g, "rotate", extra), 0, "guard started with two outputs");
	rotate_under_load(&g, rx);
	close(rx);
	if (check_cur_failed)
		guard_print_log(&g);
	ASSERT_EQ(guard_stop(&g), 0, "guard exit status");
	testenv_guard_reset();
}

/* ---- a stalled output ---- */

static void test_stalled_output_holds_up_nothing(void)
{
	struct workload_report r;
	struct workload w;
	char fifo[PATH_MAX], target[PATH_MAX + 8], log[8192];
	const char *extra[] = {"--output", target, NULL};
	struct guard g;
	int rd, st, i, n = 0;
	pid_t pid;

	testenv_path("stalled.fifo", fifo);
	snprintf(target, sizeof(target), "file:%s", fifo);
	ASSERT_EQ(mkfifo(fifo, 0600), 0, "FIFO made");
	/* A reader that never reads: the daemon's writes fill the pipe, then block. */
	rd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_TRUE(rd >= 0, "FIFO opened for reading");
	ASSERT_EQ(start_guard(&g, "stalled", extra), 0, "guard started");
	ASSERT_EQ(workload_start(&w, testenv.cg_guarded, connect_loop, NULL), 0, "loop started");
	pid = w.pid;
	ASSERT_EQ(workload_await(&w, &r), 0, "loop done");
	workload_end(&w);
	for (i = 0; i < 30 && n < LOOP_CONNECTS; i++) {
		usleep(100 * 1000);
		n = events_of(g.events, pid);
	}
	st = guard_stop(&g);
	close(rd);
	ASSERT_EQ(n, LOOP_CONNECTS, "the events file got every event while the FIFO stalled");
	ASSERT_EQ(st, 0, "SIGTERM stopped the daemon in time, exit 0");
	ASSERT_EQ(testenv_read_file(g.log, log, sizeof(log)), 0, "daemon log read");
	ASSERT_CONTAINS(log, "events could not be written to file", "the stalled output's losses");
	ASSERT_CONTAINS(log, fifo, "named");
	testenv_guard_reset();
}

int main(void)
{
	RUN_TEST(test_environment);
	RUN_TEST(test_event_names_the_process);
	RUN_TEST(test_rotation_loses_no_line);
	RUN_TEST(test_stalled_output_holds_up_nothing);
	return check_summary();
}
