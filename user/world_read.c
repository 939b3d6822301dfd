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
#define U128_MAX (~(u128)0)

/* The segment around a, from the segments or, once trimmed, from their starts. */
static int segment_around(const struct eg_world *w, u128 a, u128 *first, u128 *last)
{
	size_t lo = 0, hi = w->n_starts;

	if (w->n_segments) {
		const struct eg_segment *seg =
			&w->segments[eg_segment_find(w->segments, w->n_segments, a)];

		*first = seg->first;
		*last = seg->last;
		return 0;
	}
	if (!w->n_starts)
		return -1;
	while (hi - lo > 1) { /* the last start <= a; starts[0] is 0 */
		size_t mid = lo + (hi - lo) / 2;

		if (w->starts[mid] <= a)
			lo = mid;
		else
			hi = mid;
	}
	*first = w->starts[lo];
	*last = lo + 1 < w->n_starts ? w->starts[lo + 1] - 1 : U128_MAX;
	return 0;
}

/* Segment k->i into k. */
static void walk_load(struct eg_world_walk *k)
{
	const struct eg_world *w = k->w;
	uint8_t addr[16];

	if (w->n_segments) {
		k->first = w->segments[k->i].first;
		k->last = w->segments[k->i].last;
		k->class_id = w->segments[k->i].class_id;
		return;
	}
	k->first = w->starts[k->i];
	k->last = k->i + 1 < k->n ? w->starts[k->i + 1] - 1 : U128_MAX;
	eg_u128_to_addr(k->first, addr);
	k->class_id = eg_world_classify(w, addr);
}

void eg_world_walk_start(struct eg_world_walk *k, const struct eg_world *w)
{
	*k = (struct eg_world_walk){.w = w, .last = U128_MAX};
	if (w)
		k->n = w->n_segments ? w->n_segments : w->n_starts;
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
		u128 host = U128_MAX >> plen;

		if ((a & ~host) >= first && (a | host) <= last)
			break;
	}
	eg_u128_to_addr(plen == 128 ? a : a & ~(U128_MAX >> plen), cidr.addr);
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
