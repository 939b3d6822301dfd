// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testcg.h"
#include "workload.h"

#define WORKLOAD_MAX 32

/* Live workload pids, so that cleanup can kill what a failed test left behind. */
static pid_t live[WORKLOAD_MAX];

/* In the child: its ends of the pipes. */
static int child_cmd_fd = -1, child_report_fd = -1;

static void track(pid_t pid)
{
	int i;

	for (i = 0; i < WORKLOAD_MAX; i++)
		if (!live[i]) {
			live[i] = pid;
			return;
		}
}

static void untrack(pid_t pid)
{
	int i;

	for (i = 0; i < WORKLOAD_MAX; i++)
		if (live[i] == pid)
			live[i] = 0;
}

static void child_reset_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

/* Keep only stdio and the child's own pipes: other workloads' pipe ends must not stay open. */
static void child_close_inherited_fds(void)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fd != child_cmd_fd && fd != child_report_fd)
			close(fd);
}

static void child_main(pid_t parent, const char *cgroup_dir, workload_fn fn, void *arg)
{
	child_close_inherited_fds();
	child_reset_signals();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, WORKLOAD_COMM);
	if (testcg_join(cgroup_dir, 0)) {
		/* ret -2: the workload never ran; the parent reports the set-up failure. */
		workload_report(-2, errno);
		_exit(1);
	}
	fn(arg);
	_exit(0);
}

int workload_start(struct workload *w, const char *cgroup_dir, workload_fn fn, void *arg)
{
	int cmd[2], report[2];
	pid_t parent = getpid();

	w->pid = 0;
	w->cmd_fd = w->report_fd = -1;
	if (pipe2(cmd, O_CLOEXEC) || pipe2(report, O_CLOEXEC)) {
		perror("  workload pipe");
		return -1;
	}
	w->pid = fork();
	if (w->pid < 0) {
		perror("  workload fork");
		return -1;
	}
	if (w->pid == 0) {
		close(cmd[1]);
		close(report[0]);
		child_cmd_fd = cmd[0];
		child_report_fd = report[1];
		child_main(parent, cgroup_dir, fn, arg);
	}
	track(w->pid);
	close(cmd[0]);
	close(report[1]);
	w->cmd_fd = cmd[1];
	w->report_fd = report[0];
	return 0;
}

int workload_await(struct workload *w, struct workload_report *r)
{
	struct pollfd p = {.fd = w->report_fd, .events = POLLIN};
	int rc;

	do
		rc = poll(&p, 1, WORKLOAD_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	if (rc > 0 && read(w->report_fd, r, sizeof(*r)) == (ssize_t)sizeof(*r)) {
		if (r->ret != -2)
			return 0;
		fprintf(stderr, "  workload %d could not join its cgroup: %s\n", (int)w->pid,
			strerror(r->err));
		return -1;
	}
	fprintf(stderr, "  workload %d: no report within %d ms\n", (int)w->pid,
		WORKLOAD_TIMEOUT_MS);
	return -1;
}

int workload_resume(struct workload *w)
{
	return write(w->cmd_fd, "g", 1) == 1 ? 0 : -1;
}

int workload_end(struct workload *w)
{
	int status = 0;

	if (w->pid <= 0)
		return -1;
	if (w->cmd_fd >= 0)
		close(w->cmd_fd); /* a paused child sees EOF and leaves */
	if (w->report_fd >= 0)
		close(w->report_fd);
	w->cmd_fd = w->report_fd = -1;
	/* A child that does not leave on its own within the timeout is killed. */
	for (int waited = 0; waitpid(w->pid, &status, WNOHANG) == 0; waited += 10) {
		if (waited >= WORKLOAD_TIMEOUT_MS) {
			kill(w->pid, SIGKILL);
			waitpid(w->pid, &status, 0);
			break;
		}
		usleep(10 * 1000);
	}
	untrack(w->pid);
	w->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void workload_kill_all(void)
{
	int i;

	for (i = 0; i < WORKLOAD_MAX; i++)
		if (live[i] > 0) {
			kill(live[i], SIGKILL);
			waitpid(live[i], NULL, 0);
			live[i] = 0;
		}
}

void workload_report(int ret, int err)
{
	struct workload_report r = {.ret = ret, .err = err};

	(void)!write(child_report_fd, &r, sizeof(r));
}

int workload_pause(void)
{
	char c;

	return read(child_cmd_fd, &c, 1) == 1 ? 0 : -1;
}

struct udp_probe {
	const char *addr;
	unsigned port;
};

static void udp_probe(void *arg)
{
	const struct udp_probe *p = arg;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->port)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	inet_pton(AF_INET, p->addr, &sin.sin_addr);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	workload_report(rc == 0 ? 1 : errno == EPERM ? 0 : -1, 0);
	close(fd);
}

int workload_udp_verdict(const char *cgroup_dir, const char *addr, unsigned port)
{
	struct udp_probe p = {addr, port};
	struct workload_report r = {0};
	struct workload w;

	if (workload_start(&w, cgroup_dir, udp_probe, &p) || workload_await(&w, &r))
		return -2;
	workload_end(&w);
	return r.ret;
}
