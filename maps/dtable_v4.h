/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The IPv4 cells of the decision tables in their 64-byte-line forms (leaf,
 * tree, bitmap, wide: EG_DT_* in tables.h), for maps/classify.h, which
 * includes this after its accessors and eg_span_search; include that.
 */
#ifndef EXFILGUARD_DTABLE_V4_H
#define EXFILGUARD_DTABLE_V4_H

/*
 * The slot of the last of the n (1..16) ranges from slot s0 of a line that
 * starts at or below lo, counted from s0. The range at s0 starts at or
 * below lo (a cell's first range starts where the cell does).
 */
static __always_inline __u32 eg_dt_run_search(const struct eg_dt_line *line, __u32 s0, __u32 n,
					      __u16 lo)
{
	__u32 first = 0, last = n - 1, i;

	for (i = 0; i < 5 && first < last; i++) {
		__u32 mid = first + (last - first + 1) / 2;

		if (line->start[(s0 + mid) & (EG_DT_SLOTS - 1)] <= lo)
			first = mid;
		else
			last = mid - 1;
	}
	return first;
}

/* A leaf: the n ranges from slot `slot` (line slot / 16) hold the decision. */
static __always_inline __u32 eg_dt_leaf(EG_TABLES_T t, __u32 slot, __u32 n, __u16 lo)
{
	const struct eg_dt_line *line = eg_tbl_dt_v4_line(t, slot / EG_DT_SLOTS);
	__u32 s0 = slot % EG_DT_SLOTS;

	if (!line || n < 1 || n > EG_DT_SLOTS)
		return EG_DT_NONE;
	return line->id[(s0 + eg_dt_run_search(line, s0, n, lo)) & (EG_DT_SLOTS - 1)];
}

/* A tree: its key run picks the leaf line, which holds the decision. */
static __always_inline __u32 eg_dt_tree(EG_TABLES_T t, __u32 slot, __u32 n, __u16 lo)
{
	const struct eg_dt_line *keys = eg_tbl_dt_v4_line(t, slot / EG_DT_SLOTS);
	__u32 s0 = slot % EG_DT_SLOTS, leaves = (n + EG_DT_SLOTS - 1) / EG_DT_SLOTS, k, base;

	if (!keys || leaves < 2 || leaves > EG_DT_SLOTS)
		return EG_DT_NONE;
	k = eg_dt_run_search(keys, s0, leaves, lo);
	base = keys->id[s0 & (EG_DT_SLOTS - 1)] | (__u32)keys->id[(s0 + 1) & (EG_DT_SLOTS - 1)]
							  << 16;
	return eg_dt_leaf(t, (base + k) * EG_DT_SLOTS,
			  k + 1 < leaves ? EG_DT_SLOTS : n - k * EG_DT_SLOTS, lo);
}

/* A bitmap (half a line): the /24's bit picks one of the two decisions in the count. */
static __always_inline __u32 eg_dt_bitmap(EG_TABLES_T t, __u32 half, __u32 count, __u16 lo)
{
	const struct eg_dt_line *line = eg_tbl_dt_v4_line(t, half / 2);
	__u32 b = lo >> 8;

	if (!line)
		return EG_DT_NONE;
	if ((line->bits[((half & 1) * 4 + (b >> 6)) & 7] >> (b & 63)) & 1)
		return count & EG_DT_BITMAP_ID;
	return (count >> 14) & EG_DT_BITMAP_ID;
}

/* Whether the summary (NULL: none) marks ip's /12 block: its decision is then summary->id. */
static __always_inline int eg_dt_summary_marks(const struct eg_dt_summary *summary, __u32 ip)
{
	__u32 block = ip >> EG_DT_SUMMARY_SHIFT;

	if (!summary || summary->id == EG_DT_NONE)
		return 0;
	return (summary->blocks[(block / 64) & (EG_DT_SUMMARY_BLOCKS / 64 - 1)] >> (block % 64)) &
	       1;
}

/* The decision of an IPv4 cell in whichever form it has (EG_DT_* in tables.h). */
static __always_inline __u32 eg_dt_v4_cell(EG_TABLES_T t, const struct eg_span *span, __u16 lo)
{
	struct eg_span wide;
	__u32 form, n;

	if (!span)
		return EG_DT_NONE;
	form = EG_DT_FORM(span->count);
	n = EG_DT_N(span->count);
	if (form == EG_DT_LEAF)
		return eg_dt_leaf(t, span->first, n, lo);
	if (form == EG_DT_TREE)
		return eg_dt_tree(t, span->first, n, lo);
	if (form == EG_DT_BITMAP)
		return eg_dt_bitmap(t, span->first, span->count, lo);
	if (form == EG_DT_WIDE) {
		wide.first = span->first;
		wide.count = n;
		return eg_span_search(t, EG_BOUNDS_DT_V4, &wide, 0, lo);
	}
	return span->count == 1 ? span->first : EG_DT_NONE;
}

#endif /* EXFILGUARD_DTABLE_V4_H */
