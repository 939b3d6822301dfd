/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The DXR form of maps/exfilguard.h built from segments that cover the whole
 * address space: per /16 of IPv4 and of IPv6 a span of the segment starts
 * inside it. Used for the classification (class ids) and for the decision
 * tables (decision ids, single-valued cells inline).
 */
#ifndef EXFILGUARD_DXR_H
#define EXFILGUARD_DXR_H

#include <stddef.h>
#include <stdint.h>
#include "../maps/exfilguard.h"

/* A maximal run of addresses with one value (class or decision id). */
struct eg_segment {
	unsigned __int128 first, last; /* inclusive, 16-byte form as a number */
	uint32_t class_id;
};

/* Growable bound arrays; a span's first indexes them. */
struct eg_dxr_bounds {
	struct eg_v4_bound *v4;
	size_t n_v4, cap_v4;
	struct eg_v6_bound *v6;
	size_t n_v6, cap_v6;
};

/*
 * Append the bounds of segs (sorted, covering everything) to b and fill the
 * 65536-cell indexes. inline_single: a cell with one value keeps it in the
 * span's first (count 1) and takes no bound. -1 when out of memory.
 */
int eg_dxr_build(const struct eg_segment *segs, size_t n, struct eg_span *v4_index,
		 struct eg_span *v6_index, struct eg_dxr_bounds *b, int inline_single);

/* Index of the segment containing address a. */
size_t eg_segment_find(const struct eg_segment *segs, size_t n, unsigned __int128 a);

/* Room for n segments up front (an upper bound), so pushes never copy the array. A hint. */
void eg_segment_reserve(struct eg_segment **segs, size_t *cap, size_t n);

/*
 * Append [first, last] with value id to a growable segment array, merged
 * into the last segment when that has the same value. -1 when out of memory.
 */
int eg_segment_push(struct eg_segment **segs, size_t *n, size_t *cap, unsigned __int128 first,
		    unsigned __int128 last, uint32_t id);

#endif
