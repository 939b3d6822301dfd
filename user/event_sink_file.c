// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The file sink: standard output or an --events file. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "event_sink.h"

/* Once stopping, is this a sink that has taken nothing for a second? */
static int given_up(struct eg_sink *sink, const volatile sig_atomic_t *stopping)
{
	struct pollfd p = {.fd = sink->fd, .events = POLLOUT};

	if (!sink->stalled && stopping && *stopping && poll(&p, 1, 1000) == 0)
		sink->stalled = 1;
	return sink->stalled;
}

/* One whole line (a line up to PIPE_BUF goes in one write, never interleaved), or -1. */
static int file_write_line(struct eg_sink *sink, const char *line, size_t len,
			   const volatile sig_atomic_t *stopping)
{
	while (len) {
		ssize_t n;

		if (given_up(sink, stopping))
			break;
		n = write(sink->fd, line, len);
		if (n < 0 && errno == EINTR)
			continue; /* a stop signal: given_up() decides */
		if (n <= 0)
			break;
		line += n;
		len -= (size_t)n;
	}
	return len ? -1 : 0;
}

static int file_poll_fd(const struct eg_sink *sink)
{
	return sink->fd;
}

static int file_stalled(const struct eg_sink *sink)
{
	return sink->stalled;
}

static void file_close(struct eg_sink *sink)
{
	if (sink->owns_fd && sink->fd > STDOUT_FILENO)
		close(sink->fd);
	sink->fd = -1;
}

static const struct eg_sink_ops file_ops = {
	.write_line = file_write_line,
	.poll_fd = file_poll_fd,
	.stalled = file_stalled,
	.close = file_close,
};

void eg_sink_file_over(struct eg_sink *sink, int fd)
{
	memset(sink, 0, sizeof(*sink));
	sink->ops = &file_ops;
	sink->fd = fd;
}

/* Someone else's file would let them read the log, or truncate and forge it. */
static int check_owner(const char *path, int fd, struct eg_error *err)
{
	struct stat st;

	if (fstat(fd, &st))
		return eg_fail(err, errno, "%s: cannot check the events file: %s", path,
			       strerror(errno));
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return eg_fail(err, EPERM,
			       "%s: owned by uid %u, neither root nor this daemon (uid %u): "
			       "refusing to write events into another user's file",
			       path, (unsigned)st.st_uid, (unsigned)geteuid());
	return 0;
}

int eg_sink_file_open(const char *path, struct eg_error *err)
{
	int fd;

	if (!path)
		return STDOUT_FILENO;
	/* O_NOFOLLOW: a symlink planted in a shared directory must not redirect the log. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0 && errno == ELOOP)
		return eg_fail(err, ELOOP,
			       "%s: is a symbolic link: refusing to write events through it", path);
	if (fd < 0)
		return eg_fail(err, errno, "%s: cannot open for writing: %s", path,
			       strerror(errno));
	if (check_owner(path, fd, err)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int file_open(struct eg_sink *sink, const char *target, struct eg_error *err)
{
	int fd = eg_sink_file_open(target, err);

	if (fd < 0)
		return -1;
	eg_sink_file_over(sink, fd);
	sink->owns_fd = 1;
	return 0;
}

const struct eg_sink_kind eg_sink_kind_file = {.scheme = NULL, .open = file_open};
