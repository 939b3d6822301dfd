// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Reading a built world (world.c builds it): the segment around an address,
 * a walk over the segments in address order (the decision-table compiler's),
 * class lookups, prefixes for `lookup` and events, and the kernel's share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "addr.h"
#include "world.h"

typedef unsigned __int128 u128;

/* The segment around a. */
static int segment_around(const struct eg_world *w, u128 a, u128 *first, u128 *last)
{
	size_t i;

	if (!w->segs.n)
		return -1;
	i = eg_world_segment_find(w, a);
	*first = eg_runs_start(&w->segs, i);
	*last = eg_runs_last(&w->segs, i);
	return 0;
}

/* Segment k->i into k. */
static void walk_load(struct eg_world_walk *k)
{
	struct eg_segment seg = eg_world_segment(k->w, k->i);

	k->first = seg.first;
	k->last = seg.last;
	k->class_id = seg.class_id;
}

void eg_world_walk_start(struct eg_world_walk *k, const struct eg_world *w)
{
	*k = (struct eg_world_walk){.w = w, .last = EG_U128_MAX};
	if (w)
		k->n = w->segs.n;
	if (k->n)
		walk_load(k);
}

void eg_world_walk_to(struct eg_world_walk *k, u128 a)
{
	while (k->last < a && k->i + 1 < k->n) {
		k->i++;
		walk_load(k);
	}
}

const struct eg_class *eg_world_class(const struct eg_world *w, uint32_t class_id)
{
	static const struct eg_class unknown;

	return class_id < w->n_classes ? &w->classes[class_id] : &unknown;
}

void eg_world_prefix(const struct eg_world *w, const uint8_t addr[16], char *buf, size_t len)
{
	u128 a = eg_u128_from_addr(addr), first, last;
	struct eg_cidr cidr;
	unsigned plen;

	if (segment_around(w, a, &first, &last)) {
		snprintf(buf, len, "?");
		return;
	}
	for (plen = eg_addr_is_v4mapped(addr) ? 96 : 0; plen < 128; plen++) {
		u128 host = EG_U128_MAX >> plen;

		if ((a & ~host) >= first && (a | host) <= last)
			break;
	}
	eg_u128_to_addr(plen == 128 ? a : a & ~(EG_U128_MAX >> plen), cidr.addr);
	cidr.family = eg_addr_is_v4mapped(addr) ? AF_INET : AF_INET6;
	cidr.plen = (uint8_t)(cidr.family == AF_INET ? plen - 96 : plen);
	eg_cidr_format(&cidr, buf, len);
}

/* An array map's value takes a multiple of 8 bytes. */
static uint64_t array_bytes(size_t n, size_t value_size)
{
	return (uint64_t)n * ((value_size + 7) & ~(size_t)7);
}

uint64_t eg_world_kernel_bytes(const struct eg_world *w)
{
	return array_bytes(w->n_classes, sizeof(struct eg_class)) +
	       2 * array_bytes(65536, sizeof(struct eg_span)) +
	       array_bytes(EG_V4_BOUND4S(w->n_v4_bounds), sizeof(struct eg_v4_bound4)) +
	       array_bytes(w->n_v6_bounds, sizeof(struct eg_v6_coarse_bound)) +
	       array_bytes(w->n_v6_fine_spans, sizeof(struct eg_span)) +
	       array_bytes(w->n_v6_fine_bounds, sizeof(struct eg_v6_fine_bound));
}

size_t eg_world_segment_find(const struct eg_world *w, u128 a)
{
	return eg_runs_find(&w->segs, a);
}

int eg_world_add_segment(struct eg_world *w, u128 first, uint32_t class_id)
{
	return eg_runs_push(&w->segs, first, class_id);
}

struct eg_segment eg_world_segment(const struct eg_world *w, size_t i)
{
	struct eg_segment seg = {.first = eg_runs_start(&w->segs, i),
				 .last = eg_runs_last(&w->segs, i)};
	uint8_t addr[16];

	if (w->segs.val) {
		seg.class_id = w->segs.val[i];
	} else {
		eg_u128_to_addr(seg.first, addr);
		seg.class_id = eg_world_classify(w, addr);
	}
	return seg;
}
