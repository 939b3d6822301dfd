/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Names of a byte-count row (workload path, country, provider...) for stats, metrics and top. */
#ifndef EXFILGUARD_STATS_NAMES_H
#define EXFILGUARD_STATS_NAMES_H

#include <limits.h>
#include "catalog.h"
#include "event_names.h"
#include "stats.h"

/* What naming needs, read once from the guard pinned under pin_dir. */
struct eg_stats_namer {
	char mount[PATH_MAX];  /* cgroup v2 mount; "" when not found */
	struct eg_catalog cat; /* the catalog of the policy in force */
	int have_cat;
};

struct eg_stat_names {
	char workload[PATH_MAX]; /* the cgroup's path below the mount, or "cgroup:ID" when gone */
	struct eg_class_names cls;
	const char *verdict;
};

/* The catalog of the policy the pinned guard runs (the built-in one when it cannot be read). */
void eg_stats_namer_open(struct eg_stats_namer *n, const char *pin_dir);
void eg_stats_namer_close(struct eg_stats_namer *n);
void eg_stats_name(const struct eg_stats_namer *n, uint64_t cgroup_id, const struct eg_class *cls,
		   unsigned verdict, struct eg_stat_names *out);

#endif
