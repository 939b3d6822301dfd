/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The daemon's state, shared by its lifecycle (daemon.c) and its event loop (daemon_events.c). */
#ifndef EXFILGUARD_DAEMON_IMPL_H
#define EXFILGUARD_DAEMON_IMPL_H

#include <signal.h>
#include "events.h"
#include "fold.h"
#include "generation.h"
#include "notify.h"
#include "policy_watch.h"
#include "attempts.h"

struct eg_run_opts; /* daemon.h */

struct eg_daemon {
	const struct eg_run_opts *o;
	const char *pin_dir;
	struct eg_target t;
	struct eg_generation gen; /* in force */
	struct eg_event_ctx events;
	struct eg_sinks sinks; /* every output of events */
	int lock_fd;	       /* the pin directory's lock, held while the daemon runs (pins.h) */
	uint32_t reload_seq;   /* of the reload under way */
	unsigned batch_left;   /* events still to read in this batch */
	struct eg_fold_tally folds;
	struct eg_attempts attempts;
	/* During a reload's drain: the next generation's classification (attempts.h), else NULL. */
	const struct eg_world *fresh_world;  /* the denies the kernel left to the daemon to count */
	uint64_t folds_flushed_at;	     /* boot clock of the last walk of the fold map */
	struct eg_metrics *metrics;	     /* --metrics: NULL when not served */
	struct eg_notify notify;	     /* the service manager (sd_notify) */
	struct eg_policy_watch policy_watch; /* reload when the policy file changes */
};

extern volatile sig_atomic_t eg_daemon_stop_requested, eg_daemon_reload_requested,
	eg_daemon_reopen_requested;

/*
 * A reload in two steps around the draining of the old ring: take_next
 * builds the next generation and puts it on the hooks (0), or reports the
 * reload refused and keeps the one in force (-1); switch_to then makes it
 * the one in force and reports the reload done.
 */
int eg_daemon_take_next(struct eg_daemon *d, struct eg_generation *next);
void eg_daemon_switch_to(struct eg_daemon *d, struct eg_generation *next);

/*
 * Report what a pinned guard's ring and fold map hold (recorded while no
 * daemon ran). Takes both fds (folds_fd may be -1).
 */
void eg_daemon_read_backlog(struct eg_daemon *d, int ring_fd, int folds_fd);
/* Stream events, new cgroups and reloads until a stop is requested. */
void eg_daemon_stream(struct eg_daemon *d);

#endif
