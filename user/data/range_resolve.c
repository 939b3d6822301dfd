// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Resolving overlaps between ranges of different values, as a longest-prefix
 * match would: a sweep over the rare runs of overlapping ranges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "range.h"

/* Ranges still open at the sweep's cursor; the top started last and wins. */
struct sweep {
	struct eg_range_list out;
	const struct eg_range **stack;
	size_t depth, cap;
	unsigned __int128 cursor; /* first address not yet emitted */
	int done;		  /* emitted up to the last address of the space */
};

/* Starts ascending; of equal starts the longer first, so the shorter lands on top. */
static int resolve_cmp(const void *pa, const void *pb)
{
	const struct eg_range *a = pa, *b = pb;
	int c = memcmp(a->first, b->first, 16);

	return c ? c : memcmp(b->last, a->last, 16);
}

/* Emit what the open ranges cover, from the cursor up to limit. */
static int sweep_until(struct sweep *s, unsigned __int128 limit)
{
	uint8_t first[16], last[16];

	while (s->depth && !s->done) {
		const struct eg_range *top = s->stack[s->depth - 1];
		unsigned __int128 top_last = eg_u128_from_addr(top->last), end;

		if (top_last < s->cursor) { /* hidden all along by a later range */
			s->depth--;
			continue;
		}
		if (limit < s->cursor)
			return 0;
		end = top_last < limit ? top_last : limit;
		eg_u128_to_addr(s->cursor, first);
		eg_u128_to_addr(end, last);
		if (eg_range_list_add(&s->out, first, last, top->value))
			return -1;
		if (end == ~(unsigned __int128)0)
			s->done = 1;
		s->cursor = end + 1;
		if (end != top_last)
			return 0;
		s->depth--;
	}
	return 0;
}

static int sweep_push(struct sweep *s, const struct eg_range *r)
{
	if (s->depth == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		const struct eg_range **stack = realloc(s->stack, cap * sizeof(*stack));

		if (!stack)
			return -1;
		s->stack = stack;
		s->cap = cap;
	}
	s->stack[s->depth++] = r;
	return 0;
}

static void note_conflict(struct sweep *s, const struct eg_range *r, enum eg_data_kind kind,
			  size_t *conflicts, char *first, size_t first_len)
{
	const struct eg_range *top = s->depth ? s->stack[s->depth - 1] : NULL;
	char ta[EG_RANGE_STRLEN], tb[EG_RANGE_STRLEN];

	if (!top || top->value == r->value || memcmp(top->last, r->first, 16) < 0)
		return;
	if ((*conflicts)++ == 0 && first && first_len) {
		eg_range_format(top, (int)kind, ta, sizeof(ta));
		eg_range_format(r, (int)kind, tb, sizeof(tb));
		snprintf(first, first_len, "%s and %s", ta, tb);
	}
}

static int has_overlap(const struct eg_range_list *l)
{
	for (size_t i = 1; i < l->n; i++)
		if (memcmp(l->v[i].first, l->v[i - 1].last, 16) <= 0)
			return 1;
	return 0;
}

/* End of the run of ranges from i on that overlap one another (directly or through others). */
static size_t cluster_end(const struct eg_range_list *l, size_t i)
{
	const uint8_t *reach = l->v[i].last;

	for (i++; i < l->n && memcmp(l->v[i].first, reach, 16) <= 0; i++)
		if (memcmp(l->v[i].last, reach, 16) > 0)
			reach = l->v[i].last;
	return i;
}

/* Resolve the overlapping ranges v[i..j) into s->out. */
static int sweep_cluster(struct sweep *s, const struct eg_range *v, size_t n,
			 enum eg_data_kind kind, size_t *conflicts, char *first, size_t first_len)
{
	s->depth = 0;
	s->cursor = eg_u128_from_addr(v[0].first);
	for (size_t i = 0; i < n; i++) {
		unsigned __int128 start = eg_u128_from_addr(v[i].first);

		if (start && sweep_until(s, start - 1))
			return -1;
		note_conflict(s, &v[i], kind, conflicts, first, first_len);
		if (sweep_push(s, &v[i]))
			return -1;
	}
	return sweep_until(s, ~(unsigned __int128)0);
}

/* Consumed from the back by a merge: side's tail given back a MiB at a time. */
#define GIVE_BACK ((1u << 20) / sizeof(struct eg_range))

static void give_back(struct eg_range_list *side, size_t keep)
{
	struct eg_range *v = realloc(side->v, (keep ? keep : 1) * sizeof(*v));

	if (!v)
		return; /* kept whole: only the peak is higher */
	side->v = v;
	side->cap = keep;
}

int eg_range_list_merge(struct eg_range_list *l, struct eg_range_list *side)
{
	size_t i = l->n, j = side->n, out = l->n + side->n;

	if (out > l->cap) {
		struct eg_range *v = realloc(l->v, out * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = out;
	}
	l->n = out;
	while (j) {
		if (i && memcmp(l->v[i - 1].first, side->v[j - 1].first, 16) > 0)
			l->v[--out] = l->v[--i];
		else
			l->v[--out] = side->v[--j];
		if (side->cap - j >= GIVE_BACK)
			give_back(side, j);
	}
	eg_range_list_free(side);
	return 0;
}

int eg_range_list_resolve(struct eg_range_list *l, enum eg_data_kind kind, size_t *conflicts,
			  char *first, size_t first_len)
{
	struct sweep s = {0};
	size_t kept = 0, i = 0;
	int rc = 0;

	*conflicts = 0;
	if (first && first_len)
		first[0] = '\0';
	for (size_t k = 1; k < l->n; k++) {
		if (resolve_cmp(&l->v[k - 1], &l->v[k]) > 0) {
			qsort(l->v, l->n, sizeof(*l->v), resolve_cmp);
			break;
		}
	}
	if (!has_overlap(l)) /* the usual case: only touching neighbours to merge */
		return eg_range_list_normalize_kind(l, kind, "", NULL);
	/* Ranges that overlap nothing stay in place; the rare overlapping runs are swept aside. */
	while (i < l->n && rc == 0) {
		size_t j = cluster_end(l, i);

		if (j == i + 1)
			l->v[kept++] = l->v[i];
		else
			rc = sweep_cluster(&s, &l->v[i], j - i, kind, conflicts, first, first_len);
		i = j;
	}
	free(s.stack);
	if (rc == 0) {
		l->n = kept;
		rc = eg_range_list_merge(l, &s.out);
	}
	eg_range_list_free(&s.out);
	return rc ? -1 : eg_range_list_normalize_kind(l, kind, "", NULL);
}
