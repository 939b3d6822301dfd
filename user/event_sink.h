/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where event lines go. A sink takes whole lines; the daemon can poll its fd
 * beside the ring buffer; once the daemon is stopping, a sink that takes
 * nothing for a second is given up (stalled) so a stuck log reader cannot keep
 * the daemon from exiting.
 *
 * A new kind of sink (syslog, journald) is one file defining
 * `const struct eg_sink_kind eg_sink_kind_NAME` plus its entry in
 * EG_SINK_KINDS below.
 */
#ifndef EXFILGUARD_EVENT_SINK_H
#define EXFILGUARD_EVENT_SINK_H

#include <signal.h>
#include <stddef.h>
#include "error.h"

struct eg_sink;

struct eg_sink_ops {
	/*
	 * Write one whole line (newline included); 0, or -1 when it was not
	 * (all) taken. While *stopping (may be NULL) is set, give up on a sink
	 * that takes nothing for a second.
	 */
	int (*write_line)(struct eg_sink *sink, const char *line, size_t len,
			  const volatile sig_atomic_t *stopping);
	int (*poll_fd)(const struct eg_sink *sink); /* for the daemon's poll set; -1: none */
	int (*stalled)(const struct eg_sink *sink); /* given up on: takes no more lines */
	void (*close)(struct eg_sink *sink);
};

struct eg_sink {
	const struct eg_sink_ops *ops;
	int fd;
	int owns_fd; /* close() closes fd */
	int stalled;
};

/* A kind of sink: targets "SCHEME:..." go to the kind of that scheme, others to a file. */
struct eg_sink_kind {
	const char *scheme; /* NULL: the file sink, which takes any other target */
	int (*open)(struct eg_sink *sink, const char *target, struct eg_error *err);
};

/* Every kind of sink. */
#define EG_SINK_KINDS(X) X(file)

#define EG_SINK_DECLARE_(name) extern const struct eg_sink_kind eg_sink_kind_##name;
EG_SINK_KINDS(EG_SINK_DECLARE_)

/* Open the sink a target names (NULL: standard output); a clear error naming it when refused. */
int eg_sink_open(struct eg_sink *sink, const char *target, struct eg_error *err);

int eg_sink_write(struct eg_sink *sink, const char *line, size_t len,
		  const volatile sig_atomic_t *stopping);
int eg_sink_poll_fd(const struct eg_sink *sink);
int eg_sink_stalled(const struct eg_sink *sink);
void eg_sink_close(struct eg_sink *sink);

/* The file sink over fd, already open (standard output, or from eg_sink_file_open); fd stays open.
 */
void eg_sink_file_over(struct eg_sink *sink, int fd);

/*
 * The events file for --events PATH (NULL: standard output): created 0600,
 * appended to, never through a symlink, and refused when another user (not
 * root, not us) owns it. Returns the fd, or -1 with err naming the path.
 */
int eg_sink_file_open(const char *path, struct eg_error *err);

#endif
