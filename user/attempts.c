// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Classifying and counting the denies the kernel left to the daemon (attempts.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attempts.h"
#include "embed.h"

/* The four arrays' sizes, each a multiple of 8 bytes. */
static size_t sizes(const struct eg_attempts *t, size_t part[4])
{
	part[0] = EG_ATTEMPTS_SLOTS * sizeof(*t->rows);
	part[1] = EG_ATTEMPTS_SLOTS * sizeof(*t->dirty);
	part[2] = EG_ATTEMPTS_BATCH * sizeof(*t->keys);
	part[3] = (size_t)EG_ATTEMPTS_BATCH * (size_t)t->ncpu * sizeof(*t->vals);
	return part[0] + part[1] + part[2] + part[3];
}

/*
 * One mapping for the arrays, not inherited by a child the process forks
 * (the self-test's; a benchmark's workloads): while a child shares a page,
 * the first write to it is a copy, a page fault per row at a time when
 * each event writes another row.
 */
int eg_attempts_init(struct eg_attempts *t)
{
	size_t part[4], len;
	uint8_t *p;

	memset(t, 0, sizeof(*t));
	t->ncpu = libbpf_num_possible_cpus();
	if (t->ncpu <= 0)
		return -1;
	len = sizes(t, part);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise(p, len, MADV_DONTFORK);
	t->rows = (struct eg_attempt_row *)p;
	t->dirty = (unsigned *)(p + part[0]);
	t->keys = (struct eg_acct_key *)(p + part[0] + part[1]);
	t->vals = (struct eg_acct *)(p + part[0] + part[1] + part[2]);
	return 0;
}

void eg_attempts_free(struct eg_attempts *t)
{
	size_t part[4];

	if (t->rows)
		munmap(t->rows, sizes(t, part));
	memset(t, 0, sizeof(*t));
}

void eg_attempts_forget(struct eg_attempts *t)
{
	if (t->rows)
		memset(t->rows, 0, EG_ATTEMPTS_SLOTS * sizeof(*t->rows));
	t->used = t->n_dirty = 0;
}

/* The id in w of a class of cls's content; 0 when w has none (a linear search: rare). */
static uint32_t same_class(const struct eg_world *w, const struct eg_class *cls)
{
	for (size_t i = 1; cls && i < w->n_classes; i++)
		if (memcmp(&w->classes[i], cls, sizeof(*cls)) == 0)
			return (uint32_t)i;
	return 0;
}

void eg_attempts_classify(const struct eg_world *world, const struct eg_world *fresh,
			  struct eg_event *ev)
{
	uint8_t addr[16];

	if (!(ev->flags & EG_EVF_TALLY))
		return;
	eg_event_decided_addr(ev, addr);
	if (!world)
		ev->class_id = 0;
	else if (!world->shed || !fresh)
		ev->class_id = eg_world_classify(world, addr);
	else
		ev->class_id =
			same_class(world, eg_world_class(fresh, eg_world_classify(fresh, addr)));
}

/* The row ev's attempts go to: as the kernel's eg_acct_add keys it, but the daemon's. */
static void row_key(const struct eg_world *world, const struct eg_event *ev,
		    struct eg_acct_key *key)
{
	const struct eg_class *cls =
		world && ev->class_id ? eg_world_class(world, ev->class_id) : NULL;

	memset(key, 0, sizeof(*key));
	key->cgroup_id = ev->cgroup_id;
	key->verdict = ev->verdict;
	key->source = EG_ACCT_BY_DAEMON;
	if (cls)
		key->cls = *cls;
}

/* A write the map refused; the rows stay to be written at the next pass. */
static int refused(struct eg_attempts *t, const char *why)
{
	t->refused++;
	if (!t->warned)
		fprintf(stderr,
			"exfilguard run: denied attempts could not be added to the volume "
			"counts yet (%s); they are in the events, and tried again\n",
			why);
	t->warned = 1;
	return -1;
}

/* FNV-1a over the key's bytes. */
static unsigned slot_of(const struct eg_acct_key *key)
{
	const uint8_t *p = (const uint8_t *)key;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*key); i++)
		h = (h ^ p[i]) * 16777619u;
	return h % EG_ATTEMPTS_SLOTS;
}

/* The key's total in the map (a dead daemon's counts, or those of a table forgotten). */
static uint64_t map_total(struct eg_attempts *t, int bytes_fd, const struct eg_acct_key *key)
{
	uint64_t total = 0;

	if (bytes_fd < 0 || bpf_map_lookup_elem(bytes_fd, key, t->vals))
		return 0;
	for (int i = 0; i < t->ncpu; i++)
		total += t->vals[i].attempts;
	return total;
}

/* key's row, taken and read from the map if it is new (the table is never full). */
static struct eg_attempt_row *row_for(struct eg_attempts *t, int bytes_fd,
				      const struct eg_acct_key *key)
{
	for (unsigned i = slot_of(key);; i = (i + 1) % EG_ATTEMPTS_SLOTS) {
		struct eg_attempt_row *r = &t->rows[i];

		if (r->key.source != EG_ACCT_BY_DAEMON) {
			r->key = *key;
			r->total = map_total(t, bytes_fd, key);
			t->used++;
		} else if (memcmp(&r->key, key, sizeof(*key))) {
			continue;
		}
		if (!r->dirty)
			t->dirty[t->n_dirty++] = i;
		r->dirty = 1;
		return r;
	}
}

int eg_attempts_add(struct eg_attempts *t, int bytes_fd, const struct eg_world *world,
		    const struct eg_event *ev, uint64_t n)
{
	struct eg_acct_key key;
	struct eg_attempt_row *r;
	int rc = 0;

	if (!(ev->flags & EG_EVF_TALLY) || !n)
		return 0;
	if (!t->rows)
		return refused(t, "out of memory");
	if (t->used >= EG_ATTEMPTS_SLOTS / 4 * 3) { /* never with one map's keys: the map is full */
		rc = eg_attempts_write(t, bytes_fd);
		eg_attempts_forget(t);
	}
	row_key(world, ev, &key);
	r = row_for(t, bytes_fd, &key);
	r->total += n;
	memcpy(r->last_daddr, ev->daddr, 16);
	return rc;
}

/* The per-CPU value at slot b of the batch. */
static struct eg_acct *batch_val(struct eg_attempts *t, unsigned b)
{
	return &t->vals[(size_t)b * (size_t)t->ncpu];
}

/* A row into the batch at slot b: its total, as CPU 0's value. */
static void batch_put(struct eg_attempts *t, unsigned b, const struct eg_attempt_row *r)
{
	struct eg_acct *v = batch_val(t, b);

	memset(v, 0, (size_t)t->ncpu * sizeof(*v));
	v->attempts = r->total;
	memcpy(v->last_daddr, r->last_daddr, 16);
	t->keys[b] = r->key;
}

/*
 * Write the dirty rows from..from+n (n <= EG_ATTEMPTS_BATCH) in one batch;
 * those the map refuses are kept at the front of the dirty list, from *kept.
 */
static int write_chunk(struct eg_attempts *t, int bytes_fd, unsigned from, unsigned n,
		       unsigned *kept)
{
	__u32 done = n;
	int why = 0;

	for (unsigned b = 0; b < n; b++)
		batch_put(t, b, &t->rows[t->dirty[from + b]]);
	if (bpf_map_update_batch(bytes_fd, t->keys, t->vals, &done, NULL) == 0)
		done = n;
	/* What the batch did not write, one by one: a full map refuses new keys only. */
	for (unsigned b = 0; b < n; b++) {
		unsigned i = t->dirty[from + b];

		if (b >= done && bpf_map_update_elem(bytes_fd, &t->keys[b], batch_val(t, b), 0)) {
			why = errno;
			t->dirty[(*kept)++] = i; /* *kept <= from + b: compacted in place */
			continue;
		}
		t->rows[i].dirty = 0;
	}
	return why;
}

int eg_attempts_write(struct eg_attempts *t, int bytes_fd)
{
	unsigned n = t->n_dirty, kept = 0;
	int why = 0;

	if (!n)
		return 0;
	if (bytes_fd < 0)
		return refused(t, "no volume map");
	for (unsigned from = 0; from < n; from += EG_ATTEMPTS_BATCH) {
		int rc = write_chunk(t, bytes_fd, from,
				     n - from < EG_ATTEMPTS_BATCH ? n - from : EG_ATTEMPTS_BATCH,
				     &kept);

		why = rc ? rc : why;
	}
	t->n_dirty = kept; /* the refused, tried again at the next write */
	return kept ? refused(t, strerror(why)) : 0;
}
