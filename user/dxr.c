// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Segments to the DXR index and bounds (dxr.h). */
#include <stdlib.h>
#include "addr.h"
#include "dxr.h"
#include "prefault.h"

typedef unsigned __int128 u128;

static int reserve(void **arr, size_t *cap, size_t need, size_t size)
{
	return eg_array_reserve(arr, cap, need, size, 65536);
}

void eg_segment_reserve(struct eg_segment **segs, size_t *cap, size_t n)
{
	reserve((void **)segs, cap, n, sizeof(**segs)); /* a hint: pushes grow it anyway */
}

int eg_segment_push(struct eg_segment **segs, size_t *n, size_t *cap, u128 first, u128 last,
		    uint32_t id)
{
	if (*n && (*segs)[*n - 1].class_id == id) {
		(*segs)[*n - 1].last = last; /* same value as the neighbour: merge */
		return 0;
	}
	if (reserve((void **)segs, cap, *n + 1, sizeof(**segs)))
		return -1;
	(*segs)[(*n)++] = (struct eg_segment){first, last, id};
	return 0;
}

size_t eg_segment_find(const struct eg_segment *segs, size_t n, u128 a)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (segs[mid].first <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int bound_add(struct eg_dxr_bounds *b, int v6, u128 s, uint32_t id)
{
	if (v6) {
		if (reserve((void **)&b->v6, &b->cap_v6, b->n_v6 + 1, sizeof(*b->v6)))
			return -1;
		b->v6[b->n_v6++] = (struct eg_v6_bound){
			.start_hi = (uint64_t)(s >> 64), .start_lo = (uint64_t)s, .class_id = id};
		return 0;
	}
	if (reserve((void **)&b->v4, &b->cap_v4, b->n_v4 + 1, sizeof(*b->v4)))
		return -1;
	b->v4[b->n_v4++] = (struct eg_v4_bound){.start = (uint16_t)(s & 0xffff), .class_id = id};
	return 0;
}

/* One family's cells; *i walks the segments (the last one may run on into the next cell). */
static int build_family(const struct eg_segment *segs, size_t n, int v6, struct eg_span *index,
			struct eg_dxr_bounds *b, int inline_single)
{
	size_t i = v6 ? 0 : eg_segment_find(segs, n, EG_U128_V4_FIRST);
	size_t *count = v6 ? &b->n_v6 : &b->n_v4;
	uint32_t cell;

	for (cell = 0; cell < 65536; cell++) {
		u128 start = v6 ? (u128)cell << 112 : EG_U128_V4_FIRST | ((u128)cell << 16);
		u128 end = v6 ? start | (EG_U128_MAX >> 16) : start | 0xffff;
		uint32_t last_id = 0;

		while (segs[i].last < start)
			i++;
		index[cell].first = (uint32_t)*count;
		for (; i < n && segs[i].first <= end; i++) {
			u128 s = segs[i].first < start ? start : segs[i].first;

			/* IPv4-mapped addresses have the IPv4 tables: the mapped /96 takes no
			 * bounds. */
			if (v6 && s >= EG_U128_V4_FIRST && s <= EG_U128_V4_LAST) {
				if (segs[i].last <= EG_U128_V4_LAST)
					continue;
				s = EG_U128_V4_LAST + 1;
			}
			if (bound_add(b, v6, s, segs[i].class_id))
				return -1;
			last_id = segs[i].class_id;
		}
		i--;
		index[cell].count = (uint32_t)*count - index[cell].first;
		if (inline_single && index[cell].count == 1) {
			(*count)--;
			index[cell].first = last_id;
		}
	}
	return 0;
}

int eg_dxr_build(const struct eg_segment *segs, size_t n, struct eg_span *v4_index,
		 struct eg_span *v6_index, struct eg_dxr_bounds *b, int inline_single)
{
	/* At most a bound per segment and one more per cell a segment runs into: never copied. */
	reserve((void **)&b->v4, &b->cap_v4, b->n_v4 + n + 65536, sizeof(*b->v4));
	reserve((void **)&b->v6, &b->cap_v6, b->n_v6 + n + 65536, sizeof(*b->v6));
	return build_family(segs, n, 0, v4_index, b, inline_single) ||
			       build_family(segs, n, 1, v6_index, b, inline_single)
		       ? -1
		       : 0;
}
