/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The compiled decision tables as userspace holds them (what the kernel
 * maps EG_MAP_DT_* hold), apart from how they are built (dtable.h): the
 * reference judge (judge.c) reads them and the compiler (dtable.c) runs that
 * judge, so neither includes the other.
 */
#ifndef EXFILGUARD_DTSET_H
#define EXFILGUARD_DTSET_H

#include <stddef.h>
#include "dxr.h"
#include "../maps/exfilguard.h"

struct eg_intern;

struct eg_dtset {
	struct eg_dt_head heads[EG_DT_MAX_TABLES];
	struct eg_span *v4_index, *v6_index; /* n_tables x EG_DT_CELLS */
	size_t n_tables;
	struct eg_dt_line *v4_lines; /* the IPv4 cells' ranges (EG_DT_LEAF, _TREE, _BITMAP) */
	size_t n_v4_lines, cap_v4_lines;
	size_t v4_open_line, v4_open_free; /* leaves and key runs share lines: the one with room */
	size_t v4_half_line; /* bitmaps take half a line: 0 or 1 + the one half free */
	uint32_t narrow_ids; /* ids below it fit a line (16 bits; bitmaps 14): tests lower it */
	struct eg_dxr_bounds bounds;	  /* v4: EG_DT_WIDE cells only */
	struct eg_dt_summary *summaries;  /* per slot (EG_MAX_POLICIES), of its loaded tables */
	struct eg_dt_decision *decisions; /* [EG_DT_NONE] is unused */
	size_t n_decisions, cap_decisions;
	struct eg_intern *intern;
	size_t n_ranges; /* ranges before the split into cells, over all tables */
};

#endif
