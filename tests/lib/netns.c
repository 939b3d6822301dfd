// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "netns.h"

#define NETNS_MAX_ARGS 32

static void print_command(char *const argv[])
{
	int i;

	fprintf(stderr, "  command failed:");
	for (i = 0; argv[i]; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, "\n");
}

/* Read a child's output to EOF, keeping what fits in buf. */
static void drain_output(int fd, char *buf, size_t size)
{
	size_t len = 0;
	char scratch[512];
	ssize_t n;

	for (;;) {
		if (len + 1 < size)
			n = read(fd, buf + len, size - 1 - len);
		else
			n = read(fd, scratch, sizeof(scratch));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + 1 < size)
			len += (size_t)n;
	}
	buf[len] = '\0';
}

int netns_run(char *const argv[])
{
	char output[4096];
	int out[2], status;
	pid_t pid;

	if (pipe2(out, O_CLOEXEC)) {
		perror("  pipe");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("  fork");
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	drain_output(out[0], output, sizeof(output));
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	print_command(argv);
	fprintf(stderr, "  %s", output[0] ? output : "(no output)\n");
	return -1;
}

int netns_ip(const char *fmt, ...)
{
	char line[512], *argv[NETNS_MAX_ARGS + 2], *save = NULL, *word;
	va_list ap;
	int argc = 0;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = "ip";
	for (word = strtok_r(line, " ", &save); word && argc <= NETNS_MAX_ARGS;
	     word = strtok_r(NULL, " ", &save))
		argv[argc++] = word;
	argv[argc] = NULL;
	return netns_run(argv);
}

int netns_unshare(void)
{
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "  unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	return netns_ip("link set lo up");
}

int netns_sysctl(const char *name, const char *value)
{
	char path[256];
	ssize_t len = (ssize_t)strlen(value);
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "  %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = write(fd, value, len) == len;
	if (!ok)
		fprintf(stderr, "  %s = %s: %s\n", path, value, strerror(errno));
	close(fd);
	return ok ? 0 : -1;
}
