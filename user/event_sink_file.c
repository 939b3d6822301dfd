// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The file sink: standard output or an events file. An events file is
 * reopened when asked (SIGUSR1) and whenever its path no longer names the
 * file it writes (logrotate renamed or removed it), checked before each batch:
 * lines written before the check went to the renamed file, none is lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "event_sink.h"

static char *file_format(struct eg_sink *sink, const struct eg_sink_record *rec, size_t *len)
{
	char *buf = malloc(rec->len);

	(void)sink;
	if (buf)
		memcpy(buf, rec->line, rec->len);
	*len = rec->len;
	return buf;
}

/* The whole record (a record up to PIPE_BUF goes in one write, never interleaved). */
static int file_deliver(struct eg_sink *sink, const char *buf, size_t len)
{
	return eg_sink_write_all(sink->fd, buf, len);
}

/* Does path still name the file fd writes? */
static int still_there(const char *path, int fd)
{
	struct stat by_path, by_fd;

	if (stat(path, &by_path) || fstat(fd, &by_fd))
		return 0;
	return by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino;
}

static void file_refresh(struct eg_sink *sink)
{
	const char *path = sink->priv;
	struct eg_error err = {0};
	int fd;

	if (!path || (!sink->reopen && still_there(path, sink->fd)))
		return;
	sink->reopen = 0;
	fd = eg_sink_file_open(path, &err);
	if (fd < 0) {
		/* The old file keeps taking lines; the next batch tries again. */
		fprintf(stderr, "exfilguard: cannot reopen the events file: %s\n", err.msg);
		return;
	}
	close(sink->fd);
	sink->fd = fd;
}

static const struct eg_sink_ops file_ops = {
	.format = file_format,
	.deliver = file_deliver,
	.refresh = file_refresh,
	.close = eg_sink_release,
};

int eg_sink_file_over(struct eg_sink *sink, int fd, struct eg_error *err)
{
	(void)err;
	sink->ops = &file_ops;
	sink->fd = fd;
	snprintf(sink->name, sizeof(sink->name),
		 fd == STDOUT_FILENO ? "standard output" : "file descriptor %d", fd);
	return 0;
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

/* "file:PATH", or a plain PATH. */
static int file_open(struct eg_sink *sink, const char *path, struct eg_error *err)
{
	int fd;

	if (!path || !path[0])
		return eg_fail(err, EINVAL, "output file: needs a path (file:PATH)");
	fd = eg_sink_file_open(path, err);
	if (fd < 0)
		return -1;
	eg_sink_file_over(sink, fd, err);
	sink->owns_fd = 1;
	sink->priv = strdup(path);
	if (!sink->priv) {
		close(fd);
		return eg_fail(err, ENOMEM, "%s: out of memory", path);
	}
	snprintf(sink->name, sizeof(sink->name), "file %s", path);
	return 0;
}

static int stdout_open(struct eg_sink *sink, const char *arg, struct eg_error *err)
{
	if (arg)
		return eg_fail(err, EINVAL, "output stdout: takes no argument, got '%s'", arg);
	return eg_sink_file_over(sink, STDOUT_FILENO, err);
}

const struct eg_sink_kind eg_sink_kind_file = {.scheme = "file", .open = file_open};
const struct eg_sink_kind eg_sink_kind_stdout = {.scheme = "stdout", .open = stdout_open};
