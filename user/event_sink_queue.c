// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A sink's queue and thread: the daemon pushes formatted records; the thread
 * writes them out, blocking as long as the sink needs. When the queue is full,
 * the daemon waits for room while the sink keeps writing (a sink that is only
 * slower than the events slows the daemon to its pace, and the kernel's ring
 * counts what it cannot hold as lost, as with one output); a sink that wrote
 * nothing for EG_SINK_STALL_MS is stalled: its records are dropped (counted)
 * without waiting until it writes again. Cancellation is enabled only while
 * the thread writes, so a sink stuck in a write can be given up at exit
 * without leaving the queue's lock held.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "event_sink.h"

struct item {
	struct item *next;
	size_t len;
	char *buf;
};

struct eg_sink_queue {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more;  /* records (or a reopen) for the thread */
	pthread_cond_t empty; /* the thread finished a batch */
	struct item *head, *tail;
	size_t bytes; /* queued or being written */
	int busy;     /* the thread is writing a batch */
	int stop;
	int stalled;	   /* wrote nothing for EG_SINK_STALL_MS while full */
	uint64_t progress; /* records the thread finished */
};

/* A batch being written, for the cleanup when the thread is cancelled mid-write. */
struct batch {
	struct eg_sink *sink;
	struct item *rest;
};

static void count_dropped(struct eg_sink *sink, uint64_t n)
{
	__atomic_fetch_add(&sink->dropped, n, __ATOMIC_RELAXED);
}

static void free_items(struct eg_sink *sink, struct item *it)
{
	while (it) {
		struct item *next = it->next;

		count_dropped(sink, 1);
		free(it->buf);
		free(it);
		it = next;
	}
}

static void batch_cancelled(void *arg)
{
	struct batch *b = arg;

	free_items(b->sink, b->rest);
}

/* One record done (written or failed): room in the queue, and proof the sink moves. */
static void record_done(struct eg_sink_queue *q, size_t len)
{
	pthread_mutex_lock(&q->lock);
	q->bytes -= len;
	q->progress++;
	q->stalled = 0;
	pthread_cond_broadcast(&q->empty);
	pthread_mutex_unlock(&q->lock);
}

static void deliver_batch(struct eg_sink *sink, struct item *first)
{
	struct batch b = {.sink = sink, .rest = first};

	if (sink->ops->refresh)
		sink->ops->refresh(sink);
	pthread_cleanup_push(batch_cancelled, &b);
	while (b.rest) {
		struct item *it = b.rest;
		int rc;

		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		pthread_testcancel();
		rc = sink->ops->deliver(sink, it->buf, it->len);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		if (rc)
			count_dropped(sink, 1);
		b.rest = it->next;
		record_done(sink->queue, it->len);
		free(it->buf);
		free(it);
	}
	pthread_cleanup_pop(0);
}

static void *sink_thread(void *arg)
{
	struct eg_sink *sink = arg;
	struct eg_sink_queue *q = sink->queue;
	struct item *batch;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->head && !q->stop && !sink->reopen)
			pthread_cond_wait(&q->more, &q->lock);
		if (!q->head && q->stop)
			break;
		batch = q->head;
		q->head = q->tail = NULL;
		q->busy = 1;
		pthread_mutex_unlock(&q->lock);
		deliver_batch(sink, batch);
		pthread_mutex_lock(&q->lock);
		q->busy = 0;
		pthread_cond_broadcast(&q->empty);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* The thread takes no signals: the daemon's handlers run in the daemon's thread. */
static int start_thread(struct eg_sink *sink)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&sink->queue->thread, NULL, sink_thread, sink);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int eg_sink_queue_start(struct eg_sink *sink, struct eg_error *err)
{
	struct eg_sink_queue *q = calloc(1, sizeof(*q));
	pthread_condattr_t attr;
	int rc;

	if (!q)
		return eg_fail(err, ENOMEM, "%s: out of memory", sink->name);
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->empty, &attr);
	pthread_condattr_destroy(&attr);
	sink->queue = q;
	rc = start_thread(sink);
	if (rc) {
		sink->queue = NULL;
		free(q);
		return eg_fail(err, rc, "%s: cannot start its writer thread: %s", sink->name,
			       strerror(rc));
	}
	return 0;
}

static struct timespec in_ms(int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* With the lock held: is there room for len bytes, after waiting while the sink writes? */
static int room_for(struct eg_sink_queue *q, size_t len)
{
	while (!q->stop && q->bytes + len > EG_SINK_QUEUE_BYTES && !q->stalled) {
		uint64_t before = q->progress;
		struct timespec until = in_ms(EG_SINK_STALL_MS);

		while (q->progress == before && !q->stop &&
		       pthread_cond_timedwait(&q->empty, &q->lock, &until) != ETIMEDOUT)
			;
		if (q->progress == before)
			q->stalled = 1;
	}
	return !q->stop && q->bytes + len <= EG_SINK_QUEUE_BYTES;
}

int eg_sink_queue_push(struct eg_sink *sink, char *buf, size_t len)
{
	struct eg_sink_queue *q = sink->queue;
	struct item *it = buf ? malloc(sizeof(*it)) : NULL;
	int full;

	if (!it) {
		free(buf);
		count_dropped(sink, 1);
		return -1;
	}
	*it = (struct item){.len = len, .buf = buf};
	pthread_mutex_lock(&q->lock);
	full = !room_for(q, len);
	if (!full) {
		if (q->tail)
			q->tail->next = it;
		else
			q->head = it;
		q->tail = it;
		q->bytes += len;
		pthread_cond_signal(&q->more);
	}
	pthread_mutex_unlock(&q->lock);
	if (full)
		free_items(sink, it);
	return full ? -1 : 0;
}

void eg_sink_queue_wake(struct eg_sink *sink)
{
	pthread_mutex_lock(&sink->queue->lock);
	pthread_cond_signal(&sink->queue->more);
	pthread_mutex_unlock(&sink->queue->lock);
}

int eg_sink_queue_wait_empty(struct eg_sink *sink, int64_t deadline_ns)
{
	struct eg_sink_queue *q = sink->queue;
	struct timespec until = {.tv_sec = deadline_ns / 1000000000,
				 .tv_nsec = deadline_ns % 1000000000};
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	while ((q->head || q->busy) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&q->empty, &q->lock, &until);
	rc = q->head || q->busy ? -1 : 0;
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void eg_sink_queue_stop(struct eg_sink *sink)
{
	struct eg_sink_queue *q = sink->queue;
	int stuck;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	stuck = q->head || q->busy;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
	if (stuck)
		pthread_cancel(q->thread);
	pthread_join(q->thread, NULL);
	free_items(sink, q->head);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->empty);
	free(q);
	sink->queue = NULL;
}
