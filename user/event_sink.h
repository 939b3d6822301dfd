/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where events go: any number of sinks (a file or standard output, journald,
 * syslog), each event to each. A sink is fed through its own bounded queue and
 * written by its own thread, so a sink that stalls (a full pipe, a hung
 * syslog server) never holds up the others nor the daemon for more than
 * EG_SINK_STALL_MS; what it does not take is dropped, counted, and reported.
 *
 * A new kind of sink is one file defining `const struct eg_sink_kind
 * eg_sink_kind_NAME` plus its entry in EG_SINK_KINDS below.
 */
#ifndef EXFILGUARD_EVENT_SINK_H
#define EXFILGUARD_EVENT_SINK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "outputs.h"

#define EG_SINKS_MAX	     EG_OUTPUTS_MAX
#define EG_SINK_QUEUE_BYTES  (1u << 20) /* per sink: what a stalled sink may hold back */
#define EG_SINK_NAME_LEN     128
#define EG_SINK_STOP_WAIT_MS 1000 /* at exit, how long a sink may take to write what it holds */
#define EG_SINK_STALL_MS     200  /* a full sink that writes nothing this long is stalled */

/* One structured field of an event ("verdict" = "deny"); names are lower-case words. */
struct eg_sink_field {
	const char *name;
	const char *value;
};

/* One event as every sink takes it. */
struct eg_sink_record {
	const char *line; /* in the daemon's format (JSON or text), newline-ended */
	size_t len;
	const char *text; /* the readable text form, newline-ended */
	size_t text_len;
	const char *time;  /* RFC 3339 */
	const char *msgid; /* "verdict", "lost" */
	int severity;	   /* syslog(3) level: LOG_WARNING for a deny, ... */
	const struct eg_sink_field *fields;
	size_t n_fields;
};

struct eg_sink_queue;

struct eg_sink {
	const struct eg_sink_ops *ops;
	char name[EG_SINK_NAME_LEN]; /* for messages: "file /var/log/x", "journald" */
	int fd;
	int owns_fd;	     /* close() closes fd */
	void *priv;	     /* the kind's own state */
	volatile int reopen; /* set by eg_sinks_reopen(): reopen before the next write */
	uint64_t dropped;    /* records not delivered (queue full, write failed, given up) */
	struct eg_sink_queue *queue;
};

struct eg_sink_ops {
	/* The bytes to deliver for a record (in the daemon's thread); allocated, NULL: out of
	 * memory. */
	char *(*format)(struct eg_sink *sink, const struct eg_sink_record *rec, size_t *len);
	/* Deliver what format() made (in the sink's thread; may block): 0 or -1. */
	int (*deliver)(struct eg_sink *sink, const char *buf, size_t len);
	/* Before each batch, in the sink's thread (may be NULL): reopen a rotated file. */
	void (*refresh)(struct eg_sink *sink);
	void (*close)(struct eg_sink *sink);
};

/* A kind of sink: targets "SCHEME" or "SCHEME:..." go to the kind of that scheme, others to a file.
 */
struct eg_sink_kind {
	const char *scheme;
	int (*open)(struct eg_sink *sink, const char *arg,
		    struct eg_error *err); /* arg: after ':' */
};

/* Every kind of sink. */
#define EG_SINK_KINDS(X) X(file) X(stdout) X(journald) X(syslog)

#define EG_SINK_DECLARE_(name) extern const struct eg_sink_kind eg_sink_kind_##name;
EG_SINK_KINDS(EG_SINK_DECLARE_)

struct eg_sinks {
	struct eg_sink sink[EG_SINKS_MAX];
	size_t n;
};

/*
 * Add the sink a target names: "journald", "syslog[:TARGET]", "file:PATH",
 * "stdout", or a plain PATH (the file sink). A clear error naming it when refused.
 */
int eg_sinks_add(struct eg_sinks *sinks, const char *target, struct eg_error *err);
/* Add a file sink over fd, already open (the caller keeps and closes it). */
int eg_sinks_add_fd(struct eg_sinks *sinks, int fd, struct eg_error *err);

/*
 * The daemon's outputs: those of the command line (--events PATH, then each
 * --output TARGET) when it names any, else the policy's "outputs:", else
 * standard output. On failure none is left open.
 */
struct eg_policy_outputs;
int eg_sinks_open_from_options(struct eg_sinks *sinks, const char *events_path,
			       const char *const *outputs, size_t n_outputs,
			       const struct eg_policy_outputs *policy, struct eg_error *err);

/* Hand a record to every sink (never waits); 0, or -1 when some sink dropped it. */
int eg_sinks_emit(struct eg_sinks *sinks, const struct eg_sink_record *rec);
/* Ask file sinks to reopen their path before their next write (SIGUSR1, after rotation). */
void eg_sinks_reopen(struct eg_sinks *sinks);
/* Wait up to timeout_ms for every sink to have written what it holds; 0 when all did. */
int eg_sinks_flush(struct eg_sinks *sinks, int timeout_ms);
/* Records some sink dropped, over all sinks. */
uint64_t eg_sinks_dropped(const struct eg_sinks *sinks);
/* One line per sink that dropped records, on stderr, each starting with who. */
void eg_sinks_report(const struct eg_sinks *sinks, const char *who);
/* Give the sinks up to timeout_ms to write what they hold, then give up on them and close. */
void eg_sinks_close(struct eg_sinks *sinks, int timeout_ms);

/* A file sink over fd, already open (standard output); fd stays open. */
int eg_sink_file_over(struct eg_sink *sink, int fd, struct eg_error *err);

/*
 * The events file for --events PATH (NULL: standard output): created 0600,
 * appended to, never through a symlink, and refused when another user (not
 * root, not us) owns it. Returns the fd, or -1 with err naming the path.
 */
int eg_sink_file_open(const char *path, struct eg_error *err);

/* For the kinds: write all of buf to fd (in the sink's thread, where SIGPIPE is blocked); 0 or -1.
 */
int eg_sink_write_all(int fd, const char *buf, size_t len);
/* For the kinds: close fd if the sink owns it, free priv. */
void eg_sink_release(struct eg_sink *sink);

/* For the kinds: start the sink's thread and queue once it is open. */
int eg_sink_queue_start(struct eg_sink *sink, struct eg_error *err);
int eg_sink_queue_push(struct eg_sink *sink, char *buf, size_t len); /* takes buf */
int eg_sink_queue_wait_empty(struct eg_sink *sink, int64_t deadline_ns);
void eg_sink_queue_wake(struct eg_sink *sink);
/* Stop the thread: at once if it is stuck in a write; what it still holds is counted dropped. */
void eg_sink_queue_stop(struct eg_sink *sink);

#endif
