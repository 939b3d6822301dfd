// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The set of sinks: each event to each, through each sink's own queue. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "event_sink.h"
#include "outputs.h"

#define EG_SINK_ENTRY_(name) &eg_sink_kind_##name,
static const struct eg_sink_kind *const kinds[] = {EG_SINK_KINDS(EG_SINK_ENTRY_)};

/* The kind whose scheme target is ("journald") or starts ("syslog:..."); *arg: what follows. */
static const struct eg_sink_kind *kind_for(const char *target, const char **arg)
{
	size_t i, len;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		len = strlen(kinds[i]->scheme);
		if (strncmp(target, kinds[i]->scheme, len))
			continue;
		if (target[len] == '\0' || target[len] == ':') {
			*arg = target[len] ? target + len + 1 : NULL;
			return kinds[i];
		}
	}
	/* A plain path: the file sink. */
	*arg = target;
	return &eg_sink_kind_file;
}

static struct eg_sink *next_sink(struct eg_sinks *sinks, const char *target, struct eg_error *err)
{
	struct eg_sink *sink;

	if (sinks->n >= EG_SINKS_MAX) {
		eg_fail(err, E2BIG, "output %s: at most %d outputs", target, EG_SINKS_MAX);
		return NULL;
	}
	sink = &sinks->sink[sinks->n];
	memset(sink, 0, sizeof(*sink));
	sink->fd = -1;
	return sink;
}

/* The sink is open: start its thread, and count it in (closed again when that fails). */
static int start_sink(struct eg_sinks *sinks, struct eg_sink *sink, struct eg_error *err)
{
	if (eg_sink_queue_start(sink, err)) {
		sink->ops->close(sink);
		return -1;
	}
	sinks->n++;
	return 0;
}

int eg_sinks_add(struct eg_sinks *sinks, const char *target, struct eg_error *err)
{
	struct eg_sink *sink = next_sink(sinks, target, err);
	const struct eg_sink_kind *kind;
	const char *arg;

	if (!sink)
		return -1;
	kind = kind_for(target, &arg);
	if (kind->open(sink, arg, err))
		return -1;
	return start_sink(sinks, sink, err);
}

int eg_sinks_add_fd(struct eg_sinks *sinks, int fd, struct eg_error *err)
{
	struct eg_sink *sink = next_sink(sinks, "fd", err);

	if (!sink || eg_sink_file_over(sink, fd, err))
		return -1;
	return start_sink(sinks, sink, err);
}

static int add_all(struct eg_sinks *sinks, const char *const *targets, size_t n,
		   struct eg_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (eg_sinks_add(sinks, targets[i], err))
			return -1;
	return 0;
}

int eg_sinks_open_from_options(struct eg_sinks *sinks, const char *events_path,
			       const char *const *outputs, size_t n_outputs,
			       const struct eg_policy_outputs *policy, struct eg_error *err)
{
	char events[PATH_MAX + 8];
	const char *const just_stdout[] = {"stdout"};
	int rc;

	memset(sinks, 0, sizeof(*sinks));
	if (events_path &&
	    snprintf(events, sizeof(events), "file:%s", events_path) >= (int)sizeof(events))
		return eg_fail(err, ENAMETOOLONG, "%s: path too long", events_path);
	if (events_path || n_outputs)
		rc = (events_path && eg_sinks_add(sinks, events, err)) ||
		     add_all(sinks, outputs, n_outputs, err);
	else if (policy && policy->n)
		rc = add_all(sinks, (const char *const *)policy->targets, policy->n, err);
	else
		rc = add_all(sinks, just_stdout, 1, err);
	if (rc)
		eg_sinks_close(sinks, 0);
	return rc ? -1 : 0;
}

int eg_sinks_emit(struct eg_sinks *sinks, const struct eg_sink_record *rec)
{
	int rc = 0;
	size_t i, len = 0;

	for (i = 0; i < sinks->n; i++) {
		struct eg_sink *sink = &sinks->sink[i];
		char *buf;

		if (!sink->queue)
			continue; /* closed */
		buf = sink->ops->format(sink, rec, &len);
		if (eg_sink_queue_push(sink, buf, len))
			rc = -1;
	}
	return rc;
}

void eg_sinks_reopen(struct eg_sinks *sinks)
{
	size_t i;

	for (i = 0; i < sinks->n; i++) {
		if (!sinks->sink[i].queue)
			continue; /* closed */
		sinks->sink[i].reopen = 1;
		eg_sink_queue_wake(&sinks->sink[i]);
	}
}

int eg_sinks_flush(struct eg_sinks *sinks, int timeout_ms)
{
	struct timespec now;
	int64_t deadline;
	size_t i;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	deadline = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec + (int64_t)timeout_ms * 1000000;
	for (i = 0; i < sinks->n; i++)
		if (sinks->sink[i].queue && eg_sink_queue_wait_empty(&sinks->sink[i], deadline))
			rc = -1;
	return rc;
}

uint64_t eg_sinks_dropped(const struct eg_sinks *sinks)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < sinks->n; i++)
		total += __atomic_load_n(&sinks->sink[i].dropped, __ATOMIC_RELAXED);
	return total;
}

void eg_sinks_report(const struct eg_sinks *sinks, const char *who)
{
	size_t i;

	for (i = 0; i < sinks->n; i++) {
		uint64_t n = __atomic_load_n(&sinks->sink[i].dropped, __ATOMIC_RELAXED);

		if (n)
			fprintf(stderr,
				"%s: %" PRIu64 " events could not be written to %s: it stopped "
				"taking them, or fell %u KiB behind\n",
				who, n, sinks->sink[i].name, EG_SINK_QUEUE_BYTES >> 10);
	}
}

void eg_sinks_close(struct eg_sinks *sinks, int timeout_ms)
{
	size_t i;

	eg_sinks_flush(sinks, timeout_ms);
	for (i = 0; i < sinks->n; i++) {
		struct eg_sink *sink = &sinks->sink[i];

		if (!sink->ops)
			continue; /* closed already */
		eg_sink_queue_stop(sink);
		sink->ops->close(sink);
		sink->ops = NULL; /* its name and count stay, for eg_sinks_report() */
	}
}

int eg_sink_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

void eg_sink_release(struct eg_sink *sink)
{
	if (sink->owns_fd && sink->fd >= 0)
		close(sink->fd);
	sink->fd = -1;
	free(sink->priv);
	sink->priv = NULL;
}
