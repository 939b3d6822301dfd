// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Events by label for the metrics: a sink like the outputs, so the daemon's
 * thread only picks the labels out of each event; they are counted in the
 * sink's own thread, under the metrics lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "event_names.h"
#include "event_sink.h"
#include "metrics_impl.h"

/* The fields counted, in the order format() writes them: the verdict, then one per dimension. */
static const char *const counted[] = {"verdict", "country", "provider", "jurisdiction", "scope"};
#define N_COUNTED (sizeof(counted) / sizeof(counted[0]))
_Static_assert(N_COUNTED == 1 + EG_DIMS, "a field per dimension");

static const char *field_of(const struct eg_sink_record *rec, const char *name)
{
	for (size_t i = 0; i < rec->n_fields; i++)
		if (strcmp(rec->fields[i].name, name) == 0)
			return rec->fields[i].value;
	return "";
}

/* The counted fields, NUL-separated; a record that is no verdict ("lost") counts nothing. */
static char *labels_format(struct eg_sink *sink, const struct eg_sink_record *rec, size_t *len)
{
	char *buf, *at;
	size_t need = 0, i;

	(void)sink;
	*len = 0;
	if (strcmp(rec->msgid, "verdict"))
		return calloc(1, 1);
	for (i = 0; i < N_COUNTED; i++)
		need += strnlen(field_of(rec, counted[i]), EG_METRICS_LABEL - 1) + 1;
	buf = at = malloc(need);
	if (!buf)
		return NULL;
	for (i = 0; i < N_COUNTED; i++) {
		size_t n = strnlen(field_of(rec, counted[i]), EG_METRICS_LABEL - 1);

		memcpy(at, field_of(rec, counted[i]), n);
		at[n] = '\0';
		at += n + 1;
	}
	*len = need;
	return buf;
}

static unsigned verdict_number(const char *name)
{
	for (unsigned v = 0; v < EG_VERDICT_COUNT; v++)
		if (strcmp(eg_verdict_name(v), name) == 0)
			return v;
	return EG_VERDICT_DENY;
}

static int labels_deliver(struct eg_sink *sink, const char *buf, size_t len)
{
	struct eg_metrics *m = sink->priv;
	const char *at = buf;
	unsigned verdict;

	if (!len)
		return 0;
	verdict = verdict_number(at);
	pthread_mutex_lock(&m->lock);
	m->events++;
	for (int dim = 0; dim < EG_DIMS; dim++) {
		at += strlen(at) + 1;
		eg_tally_add(&m->by[dim], at, verdict, 1);
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* The state is the metrics' own: closing the sink frees nothing. */
static void labels_close(struct eg_sink *sink)
{
	sink->priv = NULL;
}

static const struct eg_sink_ops labels_ops = {
	.format = labels_format,
	.deliver = labels_deliver,
	.close = labels_close,
};

int eg_metrics_sink_add(struct eg_metrics *m, struct eg_sinks *sinks, struct eg_error *err)
{
	struct eg_sink *sink;

	if (sinks->n == EG_SINKS_MAX)
		return eg_fail(err, E2BIG, "--metrics: at most %d outputs, with the metrics",
			       EG_SINKS_MAX - 1);
	sink = &sinks->sink[sinks->n];
	memset(sink, 0, sizeof(*sink));
	sink->ops = &labels_ops;
	sink->fd = -1;
	sink->priv = m;
	snprintf(sink->name, sizeof(sink->name), "metrics");
	if (eg_sink_queue_start(sink, err))
		return -1;
	sinks->n++;
	return 0;
}

void eg_tally_add(struct eg_tallies *t, const char *label, unsigned verdict, uint64_t amount)
{
	size_t i;

	if (!label || !label[0])
		label = "unknown";
	for (i = 0; i < t->n; i++)
		if (strcmp(t->t[i].label, label) == 0)
			break;
	if (i == t->n && t->n < EG_METRICS_TOP)
		snprintf(t->t[t->n++].label, EG_METRICS_LABEL, "%s", label);
	if (i < t->n)
		t->t[i].n[verdict] += amount;
	else
		t->other[verdict] += amount;
}
