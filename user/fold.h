/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's side of the kernel's fold map (EG_MAP_FOLDS): entries whose
 * window has ended are written out (one line per key) and deleted; reports
 * folded into entries that the LRU map evicted before they were written out
 * are found by difference with EG_CTR_FOLDED and reported lost by total.
 */
#ifndef EXFILGUARD_FOLD_H
#define EXFILGUARD_FOLD_H

#include <stdint.h>
#include "../maps/exfilguard.h"

/* How long after its window ends an entry is left for a hook that read the clock just before. */
#define EG_FOLD_GRACE_NS 50000000ull

struct eg_fold_tally {
	uint64_t put_base; /* EG_CTR_FOLDED when this daemon started */
	uint64_t flushed;  /* count + lost of the entries written out */
	uint64_t evicted;  /* reports counted lost as evicted, so far */
};

/* Is the entry's window over (with the grace) at now (boot clock)? */
int eg_fold_due(const struct eg_fold_key *k, uint64_t now_boot_ns);

/*
 * Newly found evicted reports: what the kernel put into entries (the counter,
 * read before the walk), less what was written out and what the entries left
 * in the map still hold. A report put in after the counter was read can
 * only make this smaller, never larger, so nothing is counted twice; it is
 * exact once the hooks are quiet.
 */
uint64_t eg_fold_evicted_new(struct eg_fold_tally *t, uint64_t put, uint64_t pending);

/* Write out one entry (its event, count, lost). */
typedef void (*eg_fold_emit_fn)(void *arg, const struct eg_fold *f);

/*
 * Write out and delete the entries of the fold map fd whose window is over
 * (every entry when all is set); the rest's count + lost in *pending.
 * 0, or -1 with errno.
 */
int eg_fold_flush(int fd, uint64_t now_boot_ns, int all, struct eg_fold_tally *t,
		  eg_fold_emit_fn emit, void *arg, uint64_t *pending);

/* The boot clock, as bpf_ktime_get_boot_ns() reads it. */
uint64_t eg_fold_now(void);

#endif
