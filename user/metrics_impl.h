/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Private to metrics*.c: the state the daemon updates and the scrapes read, under lock. */
#ifndef EXFILGUARD_METRICS_IMPL_H
#define EXFILGUARD_METRICS_IMPL_H

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "metrics.h"
#include "../maps/exfilguard.h"

/* Label sets are bounded: the first EG_METRICS_TOP values seen get a series, the rest "other". */
#define EG_METRICS_TOP	 20
#define EG_METRICS_LABEL 64

enum eg_metrics_dim {
	EG_DIM_COUNTRY,
	EG_DIM_PROVIDER,
	EG_DIM_JURISDICTION,
	EG_DIM_SCOPE,
	EG_DIMS,
};

struct eg_tally {
	char label[EG_METRICS_LABEL];
	uint64_t n[EG_VERDICT_COUNT];
};

struct eg_tallies {
	struct eg_tally t[EG_METRICS_TOP];
	size_t n;
	uint64_t other[EG_VERDICT_COUNT];
};

struct eg_metrics {
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock;
	char pin_dir[PATH_MAX];
	char token[EG_METRICS_TOKEN_MAX];
	int healthy;
	char mode[16];
	double load_seconds;
	uint64_t dataset_built;
	uint64_t reloads[2]; /* [0] refused, [1] done */
	int last_reload_ok;
	double last_reload_seconds;
	int64_t last_reload_unix;
	struct timespec reload_began;
	uint64_t events; /* events counted by the sink */
	struct eg_tallies by[EG_DIMS];
};

/* Count amount under label (NULL or "": "unknown") for a verdict. */
void eg_tally_add(struct eg_tallies *t, const char *label, unsigned verdict, uint64_t amount);
/* Series `name{dim="label",verdict="v"} n` for every entry, and "other" when it counted. */
void eg_tallies_print(FILE *f, const char *name, const char *dim, const struct eg_tallies *t);

/* The sink that counts the daemon's events by label (metrics_sink.c). */
int eg_metrics_sink_add(struct eg_metrics *m, struct eg_sinks *sinks, struct eg_error *err);

/* The exposition text of a scrape (metrics_text.c): allocated, or NULL. */
char *eg_metrics_render(struct eg_metrics *m, size_t *len);

#endif
