/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's share of the volume accounting: a socket hook's denies, which
 * the kernel reports without classifying or counting them (EG_EVF_TALLY, so
 * that a refused call stays cheap), classified here from the address that
 * decided and added to EG_MAP_BYTES under keys of their own
 * (EG_ACCT_BY_DAEMON), which user/stats.c adds to the kernel's rows.
 * Every report of such an entry is counted once: its ring event (1) when it
 * is read, its folded and lost reports (count + lost) when the entry is
 * written out. Reports in an entry the LRU evicted before that are counted
 * by the fold map's "fold_evicted" lost line, not by class.
 *
 * Counts are gathered per row in memory and written to the map once per
 * pass of the event loop (eg_attempts_write): two map calls per row and
 * pass, not per event (8 us of the daemon's CPU per event when it wrote
 * each, BENCHMARKS.md).
 */
#ifndef EXFILGUARD_ATTEMPTS_H
#define EXFILGUARD_ATTEMPTS_H

#include <stdint.h>
#include "world.h"
#include "../maps/exfilguard.h"

/* Rows gathered before a write; a table three quarters full is written out at once. */
#define EG_ATTEMPTS_SLOTS 4096u

struct eg_attempt_row {
	struct eg_acct_key key; /* source EG_ACCT_BY_DAEMON (0: a free row) */
	uint64_t n;
	uint8_t last_daddr[16];
};

struct eg_attempts {
	int ncpu;		     /* possible CPUs: a per-CPU value's slots */
	struct eg_acct *vals;	     /* one value per CPU, for the read-modify-write */
	struct eg_attempt_row *rows; /* EG_ATTEMPTS_SLOTS, open addressing by key */
	unsigned used;		     /* rows taken */
	uint64_t unwritten;	     /* attempts the map had no room for (or a write failed) */
	int warned;		     /* unwritten reported on stderr once */
};

int eg_attempts_init(struct eg_attempts *t);
void eg_attempts_free(struct eg_attempts *t);

/* An event left to the daemon: its class_id, from world (0 when unknown or no world). */
void eg_attempts_classify(const struct eg_world *world, struct eg_event *ev);

/*
 * Gather n attempts of ev (classified by eg_attempts_classify) for the byte
 * map bytes_fd; nothing for an event the kernel counted itself. 0, or -1
 * when an early write failed (counted in unwritten).
 */
int eg_attempts_add(struct eg_attempts *t, int bytes_fd, const struct eg_world *world,
		    const struct eg_event *ev, uint64_t n);

/* Write what was gathered to bytes_fd; 0, or -1 when some could not be (counted in unwritten). */
int eg_attempts_write(struct eg_attempts *t, int bytes_fd);

#endif
