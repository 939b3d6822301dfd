// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The IPv4 cells of a decision table in cache lines (EG_DT_LEAF, _TREE,
 * _BITMAP of maps/tables.h): the DXR build gives every cell of several
 * ranges a run of 8-byte bounds; here each such cell moves into the form
 * whose lookup reads the fewest lines (one, or two for a tree), and only the
 * cells none can hold keep their bounds (EG_DT_WIDE). Every form takes at
 * most the bytes the bounds took.
 */
#include <stdlib.h>
#include <string.h>
#include "dtable.h"
#include "prefault.h"

/* n more zeroed lines at the end; the index of the first, or SIZE_MAX. */
static size_t lines_add(struct eg_dtset *set, size_t n)
{
	size_t first = set->n_v4_lines;

	if (eg_array_reserve((void **)&set->v4_lines, &set->cap_v4_lines, first + n,
			     sizeof(*set->v4_lines), 4096))
		return SIZE_MAX;
	memset(set->v4_lines + first, 0, n * sizeof(*set->v4_lines));
	set->n_v4_lines += n;
	return first;
}

/* n (<= 16) slots in one line, in the line with room when they fit: the first's slot number. */
static size_t slots_take(struct eg_dtset *set, size_t n)
{
	size_t slot;

	if (set->v4_open_free < n) {
		size_t line = lines_add(set, 1);

		if (line == SIZE_MAX)
			return SIZE_MAX;
		set->v4_open_line = line;
		set->v4_open_free = EG_DT_SLOTS;
	}
	slot = set->v4_open_line * EG_DT_SLOTS + (EG_DT_SLOTS - set->v4_open_free);
	set->v4_open_free -= n;
	return slot;
}

static void run_write(struct eg_dt_line *line, size_t s0, const struct eg_v4_bound *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		line->start[s0 + i] = b[i].start;
		line->id[s0 + i] = (uint16_t)b[i].class_id;
	}
}

static int leaf(struct eg_dtset *set, struct eg_span *span, const struct eg_v4_bound *b, size_t n)
{
	size_t slot = slots_take(set, n);

	if (slot == SIZE_MAX)
		return -1;
	run_write(&set->v4_lines[slot / EG_DT_SLOTS], slot % EG_DT_SLOTS, b, n);
	*span = (struct eg_span){.first = (uint32_t)slot, .count = EG_DT_LEAF | (uint32_t)n};
	return 0;
}

/* A key run (each leaf's first start; the first leaf's line in its first two ids), then leaves. */
static int tree(struct eg_dtset *set, struct eg_span *span, const struct eg_v4_bound *b, size_t n)
{
	size_t leaves = (n + EG_DT_SLOTS - 1) / EG_DT_SLOTS, slot = slots_take(set, leaves), base,
	       k;
	struct eg_dt_line *keys;

	base = slot == SIZE_MAX ? SIZE_MAX : lines_add(set, leaves);
	if (base == SIZE_MAX || base > UINT32_MAX)
		return -1;
	keys = &set->v4_lines[slot / EG_DT_SLOTS];
	for (k = 0; k < leaves; k++) {
		size_t m = k + 1 < leaves ? EG_DT_SLOTS : n - k * EG_DT_SLOTS;

		keys->start[slot % EG_DT_SLOTS + k] = b[k * EG_DT_SLOTS].start;
		run_write(&set->v4_lines[base + k], 0, b + k * EG_DT_SLOTS, m);
	}
	keys->id[slot % EG_DT_SLOTS] = (uint16_t)base;
	keys->id[slot % EG_DT_SLOTS + 1] = (uint16_t)(base >> 16);
	*span = (struct eg_span){.first = (uint32_t)slot, .count = EG_DT_TREE | (uint32_t)n};
	return 0;
}

/*
 * Every range on a /24 boundary and at most two decisions of 14 bits (and
 * below narrow_ids, which tests lower): the other decision in *other.
 */
static int bitmap_fits(const struct eg_dtset *set, const struct eg_v4_bound *b, size_t n,
		       uint32_t *other)
{
	*other = b[0].class_id;
	for (size_t i = 0; i < n; i++) {
		if ((b[i].start & 0xff) || b[i].class_id > EG_DT_BITMAP_ID ||
		    b[i].class_id >= set->narrow_ids)
			return 0;
		if (b[i].class_id != b[0].class_id) {
			if (*other != b[0].class_id && b[i].class_id != *other)
				return 0;
			*other = b[i].class_id;
		}
	}
	return 1;
}

/* Half a line: the second half of the last bitmap's line when free, else a new line. */
static size_t half_take(struct eg_dtset *set)
{
	size_t line;

	if (set->v4_half_line) {
		line = set->v4_half_line - 1;
		set->v4_half_line = 0;
		return line * 2 + 1;
	}
	line = lines_add(set, 1);
	if (line == SIZE_MAX)
		return SIZE_MAX;
	set->v4_half_line = line + 1;
	return line * 2;
}

static int bitmap(struct eg_dtset *set, struct eg_span *span, const struct eg_v4_bound *b, size_t n,
		  uint32_t other)
{
	size_t half = half_take(set), i = 0;
	__u64 *bits;

	if (half == SIZE_MAX || half > UINT32_MAX)
		return -1;
	bits = &set->v4_lines[half / 2].bits[(half % 2) * 4];
	for (unsigned s24 = 0; s24 < 256; s24++) {
		while (i + 1 < n && b[i + 1].start <= s24 << 8)
			i++;
		if (b[i].class_id == other && other != b[0].class_id)
			bits[s24 / 64] |= 1ull << (s24 % 64);
	}
	*span = (struct eg_span){.first = (uint32_t)half,
				 .count = EG_DT_BITMAP | b[0].class_id << 14 | other};
	return 0;
}

static int all_narrow(const struct eg_dtset *set, const struct eg_v4_bound *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].class_id >= set->narrow_ids)
			return 0;
	return 1;
}

/* One cell of several ranges (its bounds at b) in its form; *kept: bounds it keeps (wide). */
static int cell_pack(struct eg_dtset *set, struct eg_span *span, size_t *kept)
{
	const struct eg_v4_bound *b = set->bounds.v4 + span->first;
	size_t n = span->count;
	uint32_t other;

	/* From 4 ranges on, a bitmap (32 bytes, no search) takes no more than 8-byte bounds. */
	if (n > 3 && bitmap_fits(set, b, n, &other))
		return bitmap(set, span, b, n, other);
	if (all_narrow(set, b, n) && n <= EG_DT_SLOTS)
		return leaf(set, span, b, n);
	if (all_narrow(set, b, n) && n <= EG_DT_TREE_MAX)
		return tree(set, span, b, n);
	memmove(set->bounds.v4 + *kept, b, n * sizeof(*b));
	*span = (struct eg_span){.first = (uint32_t)*kept, .count = EG_DT_WIDE | (uint32_t)n};
	*kept += n;
	return 0;
}

int eg_dt_v4_pack(struct eg_dtset *set, struct eg_span *index, size_t bounds_from)
{
	size_t kept = bounds_from;

	for (uint32_t cell = 0; cell < EG_DT_CELLS; cell++)
		if (index[cell].count > 1 && cell_pack(set, &index[cell], &kept))
			return -1;
	set->bounds.n_v4 = kept;
	return 0;
}

/* The decision every address of a /12 block has in these cells, or EG_DT_NONE. */
static uint32_t block_decision(const struct eg_span *cells, uint32_t block)
{
	const uint32_t per_block = EG_DT_CELLS / EG_DT_SUMMARY_BLOCKS;
	const struct eg_span *c = cells + block * per_block;
	uint32_t i;

	for (i = 0; i < per_block; i++)
		if (c[i].count != 1 || c[i].first != c[0].first) /* not inline, or another */
			return EG_DT_NONE;
	return c[0].first;
}

int eg_dt_summarize(const struct eg_span *fresh, const struct eg_span *stale, size_t n_decisions,
		    struct eg_dt_summary *out)
{
	uint32_t *whole = calloc(EG_DT_SUMMARY_BLOCKS, sizeof(*whole));
	size_t *blocks_of = calloc(n_decisions ? n_decisions : 1, sizeof(*blocks_of));
	uint32_t b;

	memset(out, 0, sizeof(*out));
	if (!whole || !blocks_of) {
		free(whole);
		free(blocks_of);
		return -1;
	}
	for (b = 0; b < EG_DT_SUMMARY_BLOCKS; b++) {
		uint32_t id = block_decision(fresh, b);

		if (stale && block_decision(stale, b) != id)
			id = EG_DT_NONE;
		whole[b] = id < n_decisions ? id : EG_DT_NONE;
		if (whole[b] != EG_DT_NONE && ++blocks_of[whole[b]] > blocks_of[out->id])
			out->id = whole[b];
	}
	for (b = 0; b < EG_DT_SUMMARY_BLOCKS && out->id != EG_DT_NONE; b++)
		if (whole[b] == out->id)
			out->blocks[b / 64] |= 1ull << (b % 64);
	free(whole);
	free(blocks_of);
	return 0;
}

unsigned eg_dt_summary_marked(const struct eg_dt_summary *s)
{
	unsigned n = 0, i;

	for (i = 0; s && s->id != EG_DT_NONE && i < EG_DT_SUMMARY_BLOCKS / 64; i++)
		n += (unsigned)__builtin_popcountll(s->blocks[i]);
	return n;
}
