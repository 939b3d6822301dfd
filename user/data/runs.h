/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Runs: the whole address space (16-byte form as a number) cut into runs of
 * one value each, in order, no gaps: run i starts where eg_runs_start says
 * and ends where the next starts. IPv4-mapped starts take 4 bytes (their low
 * 32 bits), the others 16, and a value 4: a million runs take 9 MB where a
 * range list (first, last, value: 36 bytes) takes 36. The world's segments
 * (class ids) and the datasets once compacted (countries, AS numbers, 0
 * where nothing is known) are runs.
 */
#ifndef EXFILGUARD_RUNS_H
#define EXFILGUARD_RUNS_H

#include <stddef.h>
#include <stdint.h>
#include "range.h"

struct eg_runs {
	uint32_t *s4;		  /* starts inside ::ffff:0:0/96, low 32 bits */
	unsigned __int128 *s6;	  /* the other starts */
	uint32_t *val;		  /* each run's value */
	size_t n, n4, n6, below4; /* below4: the starts in s6 before ::ffff:0:0 */
	size_t cap4, cap6, capv;
};

/* Room for n4 more IPv4-mapped and n6 more other starts (a hint: push grows them). */
int eg_runs_reserve(struct eg_runs *s, size_t n4, size_t n6);
/* Append a run starting at first (the first at 0, then ascending); the last one goes on when
 * of the same value. -1 when out of memory. */
int eg_runs_push(struct eg_runs *s, unsigned __int128 first, uint32_t value);
/* Append hi's runs (all after lo's) to lo; hi keeps its values. -1 when out of memory. */
int eg_runs_join(struct eg_runs *lo, struct eg_runs *hi);
void eg_runs_free(struct eg_runs *s);
/* Run i's first and last address. */
unsigned __int128 eg_runs_start(const struct eg_runs *s, size_t i);
unsigned __int128 eg_runs_last(const struct eg_runs *s, size_t i);
/* Index of the run holding a (s has runs). */
size_t eg_runs_find(const struct eg_runs *s, unsigned __int128 a);
/* A sorted, non-overlapping range list as runs, value 0 between its ranges. -1: no memory. */
int eg_runs_from_ranges(struct eg_runs *s, const struct eg_range_list *l);

/* Runs made from ranges that come in address order (not overlapping), 0 between them. */
struct eg_run_sink {
	struct eg_runs r;
	unsigned __int128 next; /* the first address no range has covered yet */
	int ended;		/* a range ran to the last address */
};
int eg_run_sink_add(struct eg_run_sink *k, const uint8_t first[16], const uint8_t last[16],
		    uint32_t value);
/* After the last range: 0 from there to the end. -1 when out of memory. */
int eg_run_sink_close(struct eg_run_sink *k);
/* out: v6's runs outside the IPv4-mapped /96, v4's inside it; both freed. -1: no memory. */
int eg_runs_splice_v4(struct eg_runs *out, struct eg_runs *v6, struct eg_runs *v4);

#endif
