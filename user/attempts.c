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
	return t->vals ? 0 : -1;
}

void eg_attempts_free(struct eg_attempts *t)
{
	free(t->vals);
	t->vals = NULL;
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

int eg_attempts_add(struct eg_attempts *t, int bytes_fd, const struct eg_world *world,
		    const struct eg_event *ev, uint64_t n)
{
	struct eg_acct_key key;

	if (!(ev->flags & EG_EVF_TALLY) || !n)
		return 0;
	if (!t->vals || bytes_fd < 0)
		return unwritten(t, n, "no volume map");
	row_key(world, ev, &key);
	/* Only this daemon writes its keys: the read-modify-write races with nobody. */
	if (bpf_map_lookup_elem(bytes_fd, &key, t->vals))
		memset(t->vals, 0, (size_t)t->ncpu * sizeof(*t->vals));
	t->vals[0].attempts += n;
	memcpy(t->vals[0].last_daddr, ev->daddr, 16);
	if (bpf_map_update_elem(bytes_fd, &key, t->vals, BPF_ANY))
		return unwritten(t, n, strerror(errno));
	return 0;
}
