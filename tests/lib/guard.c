// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guard.h"

/* The daemon now running, for guard_stop_running() from cleanup. */
static struct guard *running;

const char *guard_binary(void)
{
	const char *bin = getenv("EXFILGUARD");

	if (!bin || !*bin) {
		fprintf(stderr, "  EXFILGUARD is not set: it must name the exfilguard binary\n");
		return NULL;
	}
	if (access(bin, X_OK)) {
		fprintf(stderr, "  EXFILGUARD=%s: %s\n", bin, strerror(errno));
		return NULL;
	}
	return bin;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* In the child: log as stdout/stderr, the ready pipe kept across exec, then exec. */
static void exec_guard(const char *bin, const struct guard_config *c, int ready_fd)
{
	char fd_text[16];
	const char *argv[40];
	int argc = 0, log;

	/* If the test dies without cleaning up, the guard still detaches. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	log = open(c->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log >= 0) {
		dup2(log, STDOUT_FILENO);
		dup2(log, STDERR_FILENO);
	}
	fcntl(ready_fd, F_SETFD, 0);
	snprintf(fd_text, sizeof(fd_text), "%d", ready_fd);
	argv[argc++] = bin;
	argv[argc++] = "--pin-dir";
	argv[argc++] = c->pin_dir;
	argv[argc++] = "run";
	argv[argc++] = "--policy";
	argv[argc++] = c->policy;
	if (c->mode) {
		argv[argc++] = "--mode";
		argv[argc++] = c->mode;
	}
	argv[argc++] = "--cgroup";
	argv[argc++] = c->cgroup;
	argv[argc++] = "--events";
	argv[argc++] = c->events;
	argv[argc++] = "--format";
	argv[argc++] = "json";
	argv[argc++] = "--ready-fd";
	argv[argc++] = fd_text;
	for (size_t i = 0; c->extra && c->extra[i] && argc < 39; i++)
		argv[argc++] = c->extra[i];
	argv[argc] = NULL;
	execv(bin, (char *const *)argv);
	dprintf(STDERR_FILENO, "exec %s: %s\n", bin, strerror(errno));
	_exit(127);
}

/* Read the ready pipe until "READY=1\n", EOF or the timeout. */
static int wait_ready(int fd)
{
	long long deadline = now_ms() + GUARD_READY_TIMEOUT_MS;
	char buf[64];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			fprintf(stderr, "  guard: no READY=1 within %d ms\n",
				GUARD_READY_TIMEOUT_MS);
			return -1;
		}
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "READY=1\n"))
			return 0;
	}
	buf[len] = '\0';
	fprintf(stderr, "  guard: ready fd closed after \"%s\", without READY=1\\n\n", buf);
	return -1;
}

int guard_start(struct guard *g, const struct guard_config *c)
{
	const char *bin = guard_binary();
	int ready[2], rc;

	g->pid = 0;
	snprintf(g->events, sizeof(g->events), "%s", c->events);
	snprintf(g->log, sizeof(g->log), "%s", c->log);
	if (!bin)
		return -1;
	if (pipe2(ready, O_CLOEXEC)) {
		perror("  pipe");
		return -1;
	}
	g->pid = fork();
	if (g->pid < 0) {
		perror("  fork");
		return -1;
	}
	if (g->pid == 0) {
		close(ready[0]);
		exec_guard(bin, c, ready[1]);
	}
	running = g;
	close(ready[1]);
	rc = wait_ready(ready[0]);
	close(ready[0]);
	if (rc == 0 && waitpid(g->pid, NULL, WNOHANG) != 0) {
		fprintf(stderr, "  guard: exited right after READY=1\n");
		rc = -1;
	}
	if (rc) {
		guard_stop(g);
		guard_print_log(g);
	}
	return rc;
}

static int wait_exit(pid_t pid, int timeout_ms, int *status)
{
	long long deadline = now_ms() + timeout_ms;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return r == pid ? 0 : -1;
		if (now_ms() >= deadline)
			return -1;
		usleep(10 * 1000);
	}
}

int guard_stop(struct guard *g)
{
	int status = 0;

	if (g->pid <= 0)
		return -1;
	kill(g->pid, SIGTERM);
	if (wait_exit(g->pid, GUARD_STOP_TIMEOUT_MS, &status)) {
		fprintf(stderr, "  guard %d: still running %d ms after SIGTERM; SIGKILL\n",
			(int)g->pid, GUARD_STOP_TIMEOUT_MS);
		kill(g->pid, SIGKILL);
		waitpid(g->pid, &status, 0);
	}
	g->pid = 0;
	if (running == g)
		running = NULL;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void guard_stop_running(void)
{
	if (running)
		guard_stop(running);
}

int guard_detach(const char *pin_dir)
{
	const char *bin = guard_binary();
	int status;
	pid_t pid;

	if (!bin)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO); /* errors stay on stderr */
		execl(bin, bin, "--pin-dir", pin_dir, "detach", (char *)NULL);
		_exit(127);
	}
	if (wait_exit(pid, 10000, &status)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) && errno != ENOENT)
		fprintf(stderr, "  remove %s: %s\n", path, strerror(errno));
	return 0;
}

int guard_remove_pins(const char *pin_dir)
{
	if (access(pin_dir, F_OK) && errno == ENOENT)
		return 0;
	nftw(pin_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return access(pin_dir, F_OK) && errno == ENOENT ? 0 : -1;
}

void guard_print_log(const struct guard *g)
{
	char line[1024];
	FILE *f = fopen(g->log, "re");

	if (!f) {
		fprintf(stderr, "  (no guard log %s)\n", g->log);
		return;
	}
	fprintf(stderr, "  --- guard log %s\n", g->log);
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "  | %s", line);
	fprintf(stderr, "  ---\n");
	fclose(f);
}
