// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Classifying and counting the denies the kernel left to the daemon (attempts.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attempts.h"

int eg_attempts_init(struct eg_attempts *t)
{
	memset(t, 0, sizeof(*t));
	t->ncpu = libbpf_num_possible_cpus();
	if (t->ncpu <= 0)
		return -1;
	t->vals = calloc((size_t)t->ncpu, sizeof(*t->vals));
	t->rows = calloc(EG_ATTEMPTS_SLOTS, sizeof(*t->rows));
	return t->vals && t->rows ? 0 : -1;
}

void eg_attempts_free(struct eg_attempts *t)
{
	free(t->vals);
	free(t->rows);
	t->vals = NULL;
	t->rows = NULL;
}

/* The address whose rules decided, as the kernel's eg_decided_addr has it. */
static void decided_addr(const struct eg_event *ev, uint8_t out[16])
{
	if (ev->flags & EG_EVF_BY_V4) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, ev->daddr_v4, 4);
	} else {
		memcpy(out, ev->daddr, 16);
	}
}

void eg_attempts_classify(const struct eg_world *world, struct eg_event *ev)
{
	uint8_t addr[16];

	if (!(ev->flags & EG_EVF_TALLY))
		return;
	decided_addr(ev, addr);
	ev->class_id = world ? eg_world_classify(world, addr) : 0;
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

static int unwritten(struct eg_attempts *t, uint64_t n, const char *why)
{
	t->unwritten += n;
	if (!t->warned)
		fprintf(stderr,
			"exfilguard run: denied attempts could not be added to the volume "
			"counts (%s); they are in the events only\n",
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

/* key's row, taken if it was free (the table is never full: see eg_attempts_add). */
static struct eg_attempt_row *row_for(struct eg_attempts *t, const struct eg_acct_key *key)
{
	for (unsigned i = slot_of(key);; i = (i + 1) % EG_ATTEMPTS_SLOTS) {
		struct eg_attempt_row *r = &t->rows[i];

		if (r->key.source != EG_ACCT_BY_DAEMON) {
			r->key = *key;
			t->used++;
			return r;
		}
		if (memcmp(&r->key, key, sizeof(*key)) == 0)
			return r;
	}
}

int eg_attempts_add(struct eg_attempts *t, int bytes_fd, const struct eg_world *world,
		    const struct eg_event *ev, uint64_t n)
{
	struct eg_acct_key key;
	struct eg_attempt_row *r;

	if (!(ev->flags & EG_EVF_TALLY) || !n)
		return 0;
	if (!t->rows)
		return unwritten(t, n, "out of memory");
	row_key(world, ev, &key);
	r = row_for(t, &key);
	r->n += n;
	memcpy(r->last_daddr, ev->daddr, 16);
	return t->used >= EG_ATTEMPTS_SLOTS / 4 * 3 ? eg_attempts_write(t, bytes_fd) : 0;
}

/* Add a row's attempts to its map entry; only this daemon writes its keys: no race. */
static int write_row(struct eg_attempts *t, int bytes_fd, const struct eg_attempt_row *r)
{
	if (bytes_fd < 0)
		return unwritten(t, r->n, "no volume map");
	if (bpf_map_lookup_elem(bytes_fd, &r->key, t->vals))
		memset(t->vals, 0, (size_t)t->ncpu * sizeof(*t->vals));
	t->vals[0].attempts += r->n;
	memcpy(t->vals[0].last_daddr, r->last_daddr, 16);
	if (bpf_map_update_elem(bytes_fd, &r->key, t->vals, BPF_ANY))
		return unwritten(t, r->n, strerror(errno));
	return 0;
}

int eg_attempts_write(struct eg_attempts *t, int bytes_fd)
{
	int rc = 0;

	if (!t->rows || !t->used)
		return 0;
	for (unsigned i = 0; i < EG_ATTEMPTS_SLOTS; i++)
		if (t->rows[i].key.source == EG_ACCT_BY_DAEMON)
			rc |= write_row(t, bytes_fd, &t->rows[i]);
	memset(t->rows, 0, EG_ATTEMPTS_SLOTS * sizeof(*t->rows));
	t->used = 0;
	return rc;
}
