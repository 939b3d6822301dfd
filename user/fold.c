// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <time.h>
#include <bpf/bpf.h>
#include "fold.h"

/* Entries read per batch: a hash bucket never holds this many. */
#define FOLD_BATCH 256

int eg_fold_due(const struct eg_fold_key *k, uint64_t now_boot_ns)
{
	return (k->window + 1) * EG_FOLD_WINDOW_NS + EG_FOLD_GRACE_NS <= now_boot_ns;
}

uint64_t eg_fold_evicted_new(struct eg_fold_tally *t, uint64_t put, uint64_t pending)
{
	uint64_t accounted = t->put_base + t->flushed + pending + t->evicted, fresh;

	fresh = put > accounted ? put - accounted : 0;
	t->evicted += fresh;
	return fresh;
}

uint64_t eg_fold_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct fold_walk {
	int fd, all;
	uint64_t now, pending;
	struct eg_fold_tally *t;
	eg_fold_emit_fn emit;
	void *arg;
};

/* One entry read from the map: written out and deleted when due, else left pending. */
static void fold_visit(struct fold_walk *w, const struct eg_fold_key *k, const struct eg_fold *f)
{
	if (!w->all && !eg_fold_due(k, w->now)) {
		w->pending += f->count + f->lost;
		return;
	}
	if (f->count || f->lost)
		w->emit(w->arg, f);
	w->t->flushed += f->count + f->lost;
	/* A report folded in between the read and this delete shows up as evicted: counted. */
	bpf_map_delete_elem(w->fd, k);
}

int eg_fold_flush(int fd, uint64_t now_boot_ns, int all, struct eg_fold_tally *t,
		  eg_fold_emit_fn emit, void *arg, uint64_t *pending)
{
	static struct eg_fold_key keys[FOLD_BATCH];
	static struct eg_fold vals[FOLD_BATCH];
	struct fold_walk w = {fd, all, now_boot_ns, 0, t, emit, arg};
	struct eg_fold_key token;
	int rc, first = 1;

	do {
		__u32 n = FOLD_BATCH, i;

		rc = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys, vals, &n, NULL);
		if (rc && errno != ENOENT)
			return -1;
		for (i = 0; i < n; i++)
			fold_visit(&w, &keys[i], &vals[i]);
		first = 0;
	} while (!rc);
	*pending = w.pending;
	return 0;
}
