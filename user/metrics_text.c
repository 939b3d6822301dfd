// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* One scrape: the Prometheus text exposition format 0.0.4, from the pinned maps and the state. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "hooks.h"
#include "event_names.h"
#include "metrics_impl.h"
#include "pins.h"
#include "stats_names.h"

#ifndef EG_VERSION
#define EG_VERSION "0.1.0"
#endif

static const char *const dim_names[EG_DIMS] = {"country", "provider", "jurisdiction", "scope"};

static void help(FILE *f, const char *name, const char *type, const char *text)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* One unlabelled series with its HELP and TYPE. */
static void single(FILE *f, const char *name, const char *type, const char *text, double value)
{
	help(f, name, type, text);
	fprintf(f, "%s %.17g\n", name, value);
}

/* A label value with \, " and newline escaped, as the format requires. */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void tally_series(FILE *f, const char *name, const char *dim, const char *label,
			 const uint64_t n[EG_VERDICT_COUNT])
{
	for (unsigned v = 0; v < EG_VERDICT_COUNT; v++) {
		if (!n[v])
			continue;
		fprintf(f, "%s{%s=\"", name, dim);
		label_value(f, label);
		fprintf(f, "\",verdict=\"%s\"} %llu\n", eg_verdict_name(v),
			(unsigned long long)n[v]);
	}
}

void eg_tallies_print(FILE *f, const char *name, const char *dim, const struct eg_tallies *t)
{
	for (size_t i = 0; i < t->n; i++)
		tally_series(f, name, dim, t->t[i].label, t->t[i].n);
	tally_series(f, name, dim, "other", t->other);
}

/* Verdicts per hook from EG_MAP_HOT's counters, and the kernel's own counters. */
static void kernel_counters(FILE *f, const struct eg_metrics *s)
{
	int fd = eg_pinned_map_fd(s->pin_dir, EG_STR(EG_MAP_HOT));
	struct eg_counters c;

	eg_counters_read(fd, &c);
	help(f, "exfilguard_verdicts_total", "counter",
	     "Destinations judged, by hook, mode in force and verdict.");
	for (unsigned hook = 0; fd >= 0 && hook < EG_HOOK_COUNT; hook++)
		for (unsigned v = 0; v < EG_VERDICT_COUNT; v++)
			fprintf(f,
				"exfilguard_verdicts_total{hook=\"%s\",mode=\"%s\",verdict=\"%s\"} "
				"%llu\n",
				eg_hook_name(hook), s->mode, eg_verdict_name(v),
				(unsigned long long)c.v[EG_CTR_HOOK(hook, v)]);
	help(f, "exfilguard_events_lost_total", "counter",
	     "Events the kernel could not report (ring buffer full).");
	fprintf(f, "exfilguard_events_lost_total %llu\n",
		(unsigned long long)c.v[EG_CTR_EVENTS_DROPPED]);
	help(f, "exfilguard_events_folded_total", "counter",
	     "Repeated denies and audits folded into one line with a count (not lines of their "
	     "own).");
	fprintf(f, "exfilguard_events_folded_total %llu\n", (unsigned long long)c.v[EG_CTR_FOLDED]);
	help(f, "exfilguard_bytes_overflow_total", "counter",
	     "Packets not counted by volume: the byte map was full.");
	fprintf(f, "exfilguard_bytes_overflow_total %llu\n",
		(unsigned long long)c.v[EG_CTR_ACCT_OVERFLOW]);
	if (fd >= 0)
		close(fd);
}

/* Bytes and packets by country, provider and jurisdiction, the biggest first (bounded). */
static void byte_counters(FILE *f, const struct eg_metrics *s)
{
	struct eg_tallies by[EG_DIMS - 1], packets = {0};
	struct eg_error err = {0};
	struct eg_stats_namer namer;
	struct eg_stat_names nm;
	struct eg_stats st;

	memset(by, 0, sizeof(by));
	if (eg_stats_read_pinned(s->pin_dir, &st, &err))
		st.n = 0;
	eg_stats_sort(&st);
	eg_stats_namer_open(&namer, s->pin_dir);
	for (size_t i = 0; i < st.n; i++) {
		const struct eg_stat_row *r = &st.rows[i];

		eg_stats_name(&namer, r->key.cgroup_id, &r->key.cls, r->key.verdict, &nm);
		const char *labels[EG_DIMS - 1] = {nm.cls.country, nm.cls.provider,
						   nm.cls.jurisdiction};

		for (int d = 0; d < EG_DIMS - 1; d++)
			eg_tally_add(&by[d], labels[d], r->key.verdict, r->bytes);
		eg_tally_add(&packets, "all", r->key.verdict, r->packets);
	}
	eg_stats_namer_close(&namer);
	eg_stats_free(&st);
	for (int d = 0; d < EG_DIMS - 1; d++) {
		char name[64];

		snprintf(name, sizeof(name), "exfilguard_sent_bytes_by_%s_total", dim_names[d]);
		help(f, name, "counter",
		     "Bytes (IP lengths) sent to denied and audited destinations, by verdict.");
		eg_tallies_print(f, name, dim_names[d], &by[d]);
	}
	help(f, "exfilguard_sent_packets_total", "counter",
	     "Packets sent to denied and audited destinations, by verdict.");
	for (unsigned v = 0; v < EG_VERDICT_COUNT; v++)
		fprintf(f, "exfilguard_sent_packets_total{verdict=\"%s\"} %llu\n",
			eg_verdict_name(v), (unsigned long long)packets.t[0].n[v]);
}

static void event_counters(FILE *f, const struct eg_metrics *s)
{
	for (int d = 0; d < EG_DIMS; d++) {
		char name[64];

		snprintf(name, sizeof(name), "exfilguard_attempts_by_%s_total", dim_names[d]);
		help(f, name, "counter",
		     "Denied and audited attempts reported, by verdict (bounded label set: "
		     "\"other\" past the first 20 values).");
		eg_tallies_print(f, name, dim_names[d], &s->by[d]);
	}
	single(f, "exfilguard_events_written_total", "counter", "Events handed to the outputs.",
	       (double)s->events);
}

static void daemon_gauges(FILE *f, const struct eg_metrics *s)
{
	help(f, "exfilguard_build_info", "gauge", "The exfilguard build.");
	fprintf(f, "exfilguard_build_info{version=\"%s\"} 1\n", EG_VERSION);
	single(f, "exfilguard_healthy", "gauge", "1 when enforcing and the self-test passed.",
	       s->healthy);
	single(f, "exfilguard_load_seconds", "gauge", "How long the first load took.",
	       s->load_seconds);
	help(f, "exfilguard_reloads_total", "counter", "Reloads, by result.");
	fprintf(f, "exfilguard_reloads_total{result=\"done\"} %llu\n",
		(unsigned long long)s->reloads[1]);
	fprintf(f, "exfilguard_reloads_total{result=\"refused\"} %llu\n",
		(unsigned long long)s->reloads[0]);
	single(f, "exfilguard_last_reload_success", "gauge", "1 when the last reload was done.",
	       s->last_reload_ok);
	single(f, "exfilguard_last_reload_seconds", "gauge", "How long the last reload took.",
	       s->last_reload_seconds);
	single(f, "exfilguard_last_reload_timestamp_seconds", "gauge",
	       "When the last reload ended (Unix time; 0: none yet).", (double)s->last_reload_unix);
	if (s->dataset_built)
		single(f, "exfilguard_dataset_age_seconds", "gauge",
		       "Age of the oldest classification dataset in force.",
		       (double)((long long)time(NULL) - (long long)s->dataset_built));
}

char *eg_metrics_render(struct eg_metrics *m, size_t *len)
{
	struct eg_metrics *copy = malloc(sizeof(*copy));
	char *buf = NULL;
	FILE *f;

	if (!copy)
		return NULL;
	/* A copy, so the scrape reads the maps without holding up the daemon or the sink. */
	pthread_mutex_lock(&m->lock);
	memcpy(copy, m, sizeof(*copy));
	pthread_mutex_unlock(&m->lock);
	f = open_memstream(&buf, len);
	if (f) {
		daemon_gauges(f, copy);
		kernel_counters(f, copy);
		event_counters(f, copy);
		byte_counters(f, copy);
		if (fclose(f)) {
			free(buf);
			buf = NULL;
		}
	}
	free(copy);
	return buf;
}
