/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What `exfilguard top` shows, apart from the terminal: one row per
 * (workload, destination class, verdict) from the guard's byte map, named
 * (workload path, country, provider, the DNS name of its last destination),
 * sorted by attempts, bytes or name.
 */
#ifndef EXFILGUARD_TOP_MODEL_H
#define EXFILGUARD_TOP_MODEL_H

#include <stddef.h>
#include "stats_names.h"

enum eg_top_sort { EG_TOP_BY_ATTEMPTS, EG_TOP_BY_BYTES, EG_TOP_BY_NAME };

struct eg_top_row {
	struct eg_stat_names nm;
	char name[EG_DNS_NAME_LEN]; /* DNS name of the row's last destination; "" */
	char daddr[64];		    /* that destination */
	uint64_t attempts, packets, bytes;
};

struct eg_top_model {
	struct eg_top_row *rows;
	size_t n;
	uint64_t verdicts[EG_VERDICT_COUNT]; /* the guard's counters, over every hook */
};

/* Read the guard pinned under pin_dir; -1 with err when none is. */
int eg_top_refresh(struct eg_top_model *m, const char *pin_dir, const struct eg_stats_namer *namer,
		   struct eg_error *err);
void eg_top_sort(struct eg_top_model *m, enum eg_top_sort by);
void eg_top_free(struct eg_top_model *m);

#endif
