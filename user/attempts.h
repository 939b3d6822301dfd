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
 * Only the daemon writes its keys, so it keeps their totals: a key is read
 * from the map once (it may carry a dead daemon's counts), and the rows that
 * changed are written with one batched update per pass of the event loop
 * (eg_attempts_write), not two map calls per event (BENCHMARKS.md).
 */
#ifndef EXFILGUARD_ATTEMPTS_H
#define EXFILGUARD_ATTEMPTS_H

#include <stdint.h>
#include "world.h"
#include "../maps/exfilguard.h"

/* Rows kept: twice the byte map's keys. A table 3/4 full is written and forgotten. */
#define EG_ATTEMPTS_SLOTS (2u * EG_MAX_ACCT)
/* Rows per batched update (its values take EG_ATTEMPTS_BATCH x CPUs x 40 bytes). */
#define EG_ATTEMPTS_BATCH 256u

struct eg_attempt_row {
	struct eg_acct_key key; /* source EG_ACCT_BY_DAEMON (0: a free row) */
	uint64_t total;		/* the key's attempts, as written or to be written */
	uint8_t last_daddr[16];
	uint8_t dirty; /* changed since the last write */
};

struct eg_attempts {
	int ncpu;		     /* possible CPUs: a per-CPU value's slots */
	struct eg_attempt_row *rows; /* EG_ATTEMPTS_SLOTS, open addressing by key */
	unsigned used;		     /* rows taken */
	unsigned *dirty;	     /* the changed rows' indexes, n_dirty of them */
	unsigned n_dirty;
	struct eg_acct_key *keys; /* a batch: EG_ATTEMPTS_BATCH keys, ncpu values per key */
	struct eg_acct *vals;
	uint64_t refused; /* writes the map refused (full map: the rows are tried again) */
	int warned;	  /* refused reported on stderr once */
};

int eg_attempts_init(struct eg_attempts *t);
void eg_attempts_free(struct eg_attempts *t);
/* Forget the totals (the byte map may be another one now): read again at first use. */
void eg_attempts_forget(struct eg_attempts *t);

/*
 * An event left to the daemon: its class_id in world (0 when unknown or no
 * world). When world has shed its lookup tables (a reload reading new data),
 * the class is found in `fresh` (the next generation's; may be NULL) and its
 * id in world is that of the class of the same content, if world has one.
 */
void eg_attempts_classify(const struct eg_world *world, const struct eg_world *fresh,
			  struct eg_event *ev);

/*
 * Count n attempts of ev (classified by eg_attempts_classify) for the byte
 * map bytes_fd (read once per new key); nothing for an event the kernel
 * counted itself. 0, or -1 when a write it made first was refused.
 */
int eg_attempts_add(struct eg_attempts *t, int bytes_fd, const struct eg_world *world,
		    const struct eg_event *ev, uint64_t n);

/* Write the changed rows to bytes_fd; 0, or -1 when the map refused some (kept for the next). */
int eg_attempts_write(struct eg_attempts *t, int bytes_fd);

#endif
