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
 */
#ifndef EXFILGUARD_ATTEMPTS_H
#define EXFILGUARD_ATTEMPTS_H

#include <stdint.h>
#include "world.h"
#include "../maps/exfilguard.h"

struct eg_attempts {
	int ncpu;	      /* possible CPUs: a per-CPU value's slots */
	struct eg_acct *vals; /* one value per CPU, for the read-modify-write */
	uint64_t unwritten;   /* attempts the map had no room for (or a write failed) */
	int warned;	      /* unwritten reported on stderr once */
};

int eg_attempts_init(struct eg_attempts *t);
void eg_attempts_free(struct eg_attempts *t);

/* An event left to the daemon: its class_id, from world (0 when unknown or no world). */
void eg_attempts_classify(const struct eg_world *world, struct eg_event *ev);

/*
 * Add n attempts of ev (classified by eg_attempts_classify) to the byte map
 * bytes_fd; nothing for an event the kernel counted itself. 0, or -1 when
 * they could not be written (counted in unwritten).
 */
int eg_attempts_add(struct eg_attempts *t, int bytes_fd, const struct eg_world *world,
		    const struct eg_event *ev, uint64_t n);

#endif
