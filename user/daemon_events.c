// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The daemon's event loop: the ring buffer, new cgroups, reloads, lost events, the backlog. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "daemon.h"
#include "daemon_impl.h"
#include "workloads.h"

/*
 * The event loop reads at most this many events before it looks at its
 * signals and the cgroup watch again: a workload hammering a denied
 * destination can produce events as fast as they are written out, and must
 * not keep the daemon from a reload or a stop.
 */
#define EVENTS_PER_BATCH 4096
/* The fold map is walked this often (and the ring read at least this often: EG_RING_WAIT_MS). */
#define FOLD_FLUSH_NS (EG_RING_WAIT_MS * 1000000ull)

/* Events lost (ring buffer full): the counter as last seen, and how many this daemon reported. */
struct lost_tally {
	uint64_t seen;
	uint64_t reported;
};

/* Report newly lost events in the stream. */
static void report_lost(struct eg_guard *g, struct eg_event_ctx *ev, struct lost_tally *t)
{
	uint64_t total = eg_guard_counter(g, EG_CTR_EVENTS_DROPPED);

	/* (Less than seen: the counters started over, after an upgrade changed their shape.) */
	if (total > t->seen) {
		eg_event_emit_lost(ev, total - t->seen, total, "ring_full");
		t->reported += total - t->seen;
	}
	t->seen = total;
}

/*
 * n reports of ev, when the kernel left them to the daemon to classify and
 * count: by the classification in force (also for the backlog's, whose
 * lines name no class: it goes by the address, not by an id of the data
 * that judged them).
 */
static void count_attempts(struct eg_daemon *d, struct eg_event *ev, uint64_t n)
{
	eg_attempts_classify(d->events.world, d->fresh_world, ev);
	eg_attempts_add(&d->attempts, eg_guard_bytes_fd(&d->gen.guard), d->events.world, ev, n);
}

/* What count_attempts gathered, into the map: once per pass of the loop. */
static void write_attempts(struct eg_daemon *d)
{
	eg_attempts_write(&d->attempts, eg_guard_bytes_fd(&d->gen.guard));
}

/*
 * Write one ring record out, classified and counted first when the kernel
 * left that to the daemon (attempts.h); 1 when it was an event to report.
 */
static int report_record(struct eg_daemon *d, struct eg_event_ctx *ctx, const void *data,
			 size_t size)
{
	struct eg_event ev;

	/* The self-test's own refusals prove the hooks work; they are not events. */
	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	if (ev.rule == EG_RULE_CANARY)
		return 0;
	count_attempts(d, &ev, 1);
	eg_event_emit(ctx, &ev);
	return 1;
}

/* A fold entry's lines: its folded and lost reports, counted like its event. */
static void emit_fold_of(struct eg_daemon *d, struct eg_event_ctx *ctx, const struct eg_fold *f)
{
	struct eg_fold copy = *f;

	if (f->ev.rule == EG_RULE_CANARY) /* the self-test's refusals are not events */
		return;
	count_attempts(d, &copy.ev, copy.count + copy.lost);
	eg_event_emit_fold(ctx, &copy);
}

static void emit_fold(void *arg, const struct eg_fold *f)
{
	struct eg_daemon *d = arg;

	emit_fold_of(d, &d->events, f);
}

/*
 * Write out the fold entries whose window ended (all of them when all is
 * set: the generation is going), at most every FOLD_FLUSH_NS; then report
 * what the LRU map evicted unwritten.
 */
static void flush_folds(struct eg_daemon *d, int all)
{
	uint64_t now = eg_fold_now(), pending, evicted;
	uint64_t put = eg_guard_counter(&d->gen.guard, EG_CTR_FOLDED);

	if (!all && now - d->folds_flushed_at < FOLD_FLUSH_NS)
		return;
	d->folds_flushed_at = now;
	if (eg_fold_flush(eg_guard_folds_fd(&d->gen.guard), now, all, &d->folds, emit_fold, d,
			  &pending)) {
		fprintf(stderr, "exfilguard run: reading the fold map: %s\n", strerror(errno));
		return;
	}
	evicted = eg_fold_evicted_new(&d->folds, put, pending);
	if (evicted)
		eg_event_emit_lost(&d->events, evicted, d->folds.evicted, "fold_evicted");
}

static int on_ring_event(void *ctx, void *data, size_t size)
{
	struct eg_daemon *d = ctx;

	report_record(d, &d->events, data, size);
	/* Negative: libbpf stops reading, this event counted as read. */
	return --d->batch_left ? 0 : -EAGAIN;
}

/* Read one batch of events; -EAGAIN when more were waiting. */
static int read_events(struct eg_daemon *d, struct ring_buffer *rb)
{
	int rc;

	d->batch_left = EVENTS_PER_BATCH;
	rc = ring_buffer__consume(rb);
	return rc == -EAGAIN ? -EAGAIN : 0;
}

/*
 * Read a ring whose writers are gone (an old generation's) to the end; or,
 * at exit, for at most 64 batches while the hooks may still be writing.
 */
static void read_all_events(struct eg_daemon *d, struct ring_buffer *rb)
{
	int batches = 0;

	while (read_events(d, rb) == -EAGAIN && ++batches < 64)
		;
}

struct backlog {
	struct eg_daemon *d;
	struct eg_event_ctx ctx;
	size_t n;
};

static int on_backlog_event(void *arg, void *data, size_t size)
{
	struct backlog *b = arg;

	b->n += (size_t)report_record(b->d, &b->ctx, data, size);
	return 0;
}

static void emit_backlog_fold(void *arg, const struct eg_fold *f)
{
	struct backlog *b = arg;

	emit_fold_of(b->d, &b->ctx, f);
	b->n += f->ev.rule != EG_RULE_CANARY;
}

/* The ring's events, then every entry of the fold map: the repeats folded meanwhile. */
static void read_backlog_from(struct backlog *b, int ring_fd, int folds_fd)
{
	struct ring_buffer *rb = ring_buffer__new(ring_fd, on_backlog_event, b, NULL);
	struct eg_fold_tally unused = {0};
	uint64_t pending;

	if (!rb) {
		fprintf(stderr,
			"exfilguard run: cannot read the events recorded while no daemon ran: %s\n",
			strerror(errno));
		return;
	}
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	if (folds_fd >= 0 &&
	    eg_fold_flush(folds_fd, eg_fold_now(), 1, &unused, emit_backlog_fold, b, &pending))
		fprintf(stderr,
			"exfilguard run: cannot read the repeats folded while no daemon ran: %s\n",
			strerror(errno));
	write_attempts(b->d);
}

void eg_daemon_read_backlog(struct eg_daemon *d, int ring_fd, int folds_fd)
{
	struct backlog *b = calloc(1, sizeof(*b));

	if (b) {
		eg_event_ctx_init(&b->ctx, d->o->format, &d->sinks, d->t.mount);
		b->ctx.backlog = 1;
		b->d = d;
		read_backlog_from(b, ring_fd, folds_fd);
	} else {
		fprintf(stderr, "exfilguard run: cannot read the events recorded while no daemon "
				"ran: out of memory\n");
	}
	if (b && b->n)
		fprintf(stderr,
			"exfilguard run: reported %zu event%s recorded while no daemon ran "
			"(marked \"backlog\")\n",
			b->n, eg_plural(b->n));
	free(b);
	close(ring_fd);
	if (folds_fd >= 0)
		close(folds_fd);
}

static struct ring_buffer *open_ring(struct eg_daemon *d)
{
	return ring_buffer__new(eg_guard_events_fd(&d->gen.guard), on_ring_event, d, NULL);
}

/*
 * Before a reload, which may free the lookup tables the daemon classifies
 * with (to read new data), the programs in force take the classification
 * and counting of denies back (EG_CFG_KERNEL_COUNTS), and the events left to
 * the daemon so far are read while it can still classify them. (The fold
 * entries stay: written out while the hooks write into them, a report
 * between the read and the delete would only be counted by total. Those
 * the drain below writes out are classified with the next generation's
 * tables, d->fresh_world.)
 */
static void hand_counting_to_kernel(struct eg_daemon *d, struct ring_buffer *rb)
{
	eg_guard_set_kernel_counts(&d->gen.guard, 1);
	read_all_events(d, rb); /* counted now; written by the drain below or the next pass */
}

/*
 * SIGHUP: build the next generation beside the one in force and switch to
 * it, or keep the one in force. *rb is the event ring buffer, re-opened on
 * the new guard's map once the old one is drained.
 */
static void reload(struct eg_daemon *d, struct ring_buffer **rb)
{
	struct eg_generation next;

	hand_counting_to_kernel(d, *rb);
	if (eg_daemon_take_next(d, &next)) {
		/* Kept: the daemon counts again unless the refused reload freed its tables. */
		if (!d->gen.b.have_world || !d->gen.b.world.shed)
			eg_guard_set_kernel_counts(&d->gen.guard, 0);
		return;
	}
	/* The old programs are off the hooks: drain what they reported, then switch over. */
	d->fresh_world = next.b.have_world ? &next.b.world : NULL;
	read_all_events(d, *rb);
	flush_folds(d, 1);
	write_attempts(d);
	d->fresh_world = NULL; /* next's bundle moves into d->gen */
	ring_buffer__free(*rb);
	eg_daemon_switch_to(d, &next);
	eg_attempts_forget(&d->attempts); /* the new generation's map: carried, but read anew */
	*rb = open_ring(d);
}

/* New cgroups in the guarded tree: give those a scope selects their scope. */
static void rescan_scopes(struct eg_daemon *d)
{
	size_t assigned, changed;
	struct eg_error err = {0};
	const struct eg_policy *p = &d->gen.b.policy;

	if (!p->n_scopes || !eg_scope_watch_pending(&d->t.watch))
		return;
	if (eg_scopes_sync(p, d->t.mount, d->t.cg_dir, eg_guard_scopes_fd(&d->gen.guard),
			   &d->t.watch, &assigned, &changed)) {
		fprintf(stderr, "exfilguard run: assigning cgroups to scopes: %s\n",
			strerror(errno));
		return;
	}
	if (changed && eg_guard_set_scope_cgroups(&d->gen.guard, &err))
		fprintf(stderr, "exfilguard run: %s\n", err.msg);
}

/*
 * One epoll set for the event ring buffer and the cgroup watch, so a new
 * cgroup is assigned its scope as soon as it appears, not at the next tick.
 */
static int watch_fds(int ep, struct ring_buffer *rb, const struct eg_scope_watch *w)
{
	struct epoll_event rbe = {.events = EPOLLIN, .data.u32 = 0};
	struct epoll_event we = {.events = EPOLLIN, .data.u32 = 1};

	if (epoll_ctl(ep, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rb), &rbe))
		return -1;
	if (w->inotify_fd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, w->inotify_fd, &we) &&
	    errno != EEXIST)
		return -1;
	return 0;
}

/* The loop proper; returns with *rb still to drain (or NULL). */
static void loop(struct eg_daemon *d, int ep, struct ring_buffer **rb, struct lost_tally *lost)
{
	while (!eg_daemon_stop_requested) {
		struct epoll_event evs[2];

		/* The hooks wake this loop only once much is pending: read every EG_RING_WAIT_MS.
		 */
		if (epoll_wait(ep, evs, 2, EG_RING_WAIT_MS) < 0 && errno != EINTR) {
			fprintf(stderr, "exfilguard run: waiting for events: %s\n",
				strerror(errno));
			return;
		}
		eg_notify_tick(&d->notify);
		if (eg_policy_watch_due(&d->policy_watch))
			eg_daemon_reload_requested = 1;
		rescan_scopes(d);
		eg_workloads_refresh(&d->gen.guard, d->t.cg_dir);
		read_events(d, *rb);
		flush_folds(d, 0);
		write_attempts(d);
		report_lost(&d->gen.guard, &d->events, lost);
		if (eg_daemon_reopen_requested) {
			eg_daemon_reopen_requested = 0;
			eg_sinks_reopen(&d->sinks);
		}
		if (eg_daemon_reload_requested) {
			eg_daemon_reload_requested = 0;
			epoll_ctl(ep, EPOLL_CTL_DEL, ring_buffer__epoll_fd(*rb), NULL);
			reload(d, rb);
			if (!*rb || watch_fds(ep, *rb, &d->t.watch)) {
				fprintf(stderr,
					"exfilguard run: cannot watch the new ring buffer: %s\n",
					strerror(errno));
				return;
			}
		}
	}
}

void eg_daemon_stream(struct eg_daemon *d)
{
	struct ring_buffer *rb = open_ring(d);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	/* The counters are carried over from an adopted guard: what it lost is its own story. */
	struct lost_tally lost = {.seen = eg_guard_counter(&d->gen.guard, EG_CTR_EVENTS_DROPPED)};

	d->folds.put_base = eg_guard_counter(&d->gen.guard, EG_CTR_FOLDED);
	if (!rb || ep < 0 || watch_fds(ep, rb, &d->t.watch))
		fprintf(stderr, "exfilguard run: cannot watch the event ring buffer: %s\n",
			strerror(errno));
	else
		loop(d, ep, &rb, &lost);
	if (rb) {
		read_all_events(d, rb);
		flush_folds(d, 1);
		write_attempts(d);
		report_lost(&d->gen.guard, &d->events, &lost);
		ring_buffer__free(rb);
	}
	if (ep >= 0)
		close(ep);
	if (lost.reported)
		fprintf(stderr, "exfilguard run: %llu event%s %s lost (ring buffer full)\n",
			(unsigned long long)lost.reported, eg_plural(lost.reported),
			lost.reported == 1 ? "was" : "were");
}
