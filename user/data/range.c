// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Range lists: appending, sorting and merging, and the CIDR split. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prefault.h"
#include "range.h"

int eg_range_list_add(struct eg_range_list *l, const uint8_t first[16], const uint8_t last[16],
		      uint32_t value)
{
	struct eg_range *r;

	if (l->n && l->v[l->n - 1].value == value) {
		unsigned __int128 start = eg_u128_from_addr(first);

		r = &l->v[l->n - 1];
		if (start != 0 && eg_u128_from_addr(r->last) == start - 1) {
			memcpy(r->last, last, 16);
			return 0;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct eg_range *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		eg_prefault(v + l->cap, (cap - l->cap) * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	r = &l->v[l->n++];
	memcpy(r->first, first, 16);
	memcpy(r->last, last, 16);
	r->value = value;
	return 0;
}

void eg_range_list_reserve(struct eg_range_list *l, size_t n)
{
	struct eg_range *v;

	if (n <= l->cap)
		return;
	v = realloc(l->v, n * sizeof(*v));
	if (!v)
		return;
	eg_advise_huge(v + l->n, (n - l->n) * sizeof(*v));
	l->v = v;
	l->cap = n;
}

void eg_range_list_free(struct eg_range_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int range_cmp(const void *pa, const void *pb)
{
	const struct eg_range *a = pa, *b = pb;
	int c = memcmp(a->first, b->first, 16);

	return c ? c : memcmp(a->last, b->last, 16);
}

static int is_sorted(const struct eg_range_list *l)
{
	for (size_t i = 1; i < l->n; i++)
		if (range_cmp(&l->v[i - 1], &l->v[i]) > 0)
			return 0;
	return 1;
}

void eg_range_format(const struct eg_range *r, int kind, char *buf, size_t len)
{
	char first[EG_ADDR_STRLEN], last[EG_ADDR_STRLEN], value[16];

	eg_addr_format(r->first, first, sizeof(first));
	eg_addr_format(r->last, last, sizeof(last));
	if (kind < 0)
		snprintf(value, sizeof(value), "%u", r->value);
	else
		eg_value_format((enum eg_data_kind)kind, r->value, value, sizeof(value));
	snprintf(buf, len, "%s-%s (%s)", first, last, value);
}

static int overlap_error(const struct eg_range *a, const struct eg_range *b, int kind,
			 const char *path, struct eg_error *err)
{
	char ta[EG_RANGE_STRLEN], tb[EG_RANGE_STRLEN];

	eg_range_format(a, kind, ta, sizeof(ta));
	eg_range_format(b, kind, tb, sizeof(tb));
	return eg_fail(err, EINVAL, "%s: overlapping ranges with different values: %s and %s", path,
		       ta, tb);
}

static int normalize(struct eg_range_list *l, int kind, const char *path, struct eg_error *err)
{
	size_t out = 0;

	if (l->n < 2)
		return 0;
	/* The readers mostly produce sorted lists: skip the sort then. */
	if (!is_sorted(l))
		qsort(l->v, l->n, sizeof(*l->v), range_cmp);
	for (size_t i = 1; i < l->n; i++) {
		struct eg_range *cur = &l->v[out], *next = &l->v[i];
		unsigned __int128 cur_last = eg_u128_from_addr(cur->last);
		unsigned __int128 next_first = eg_u128_from_addr(next->first);
		int overlaps = next_first <= cur_last;

		if (overlaps && next->value != cur->value)
			return overlap_error(cur, next, kind, path, err);
		if (overlaps || (next->value == cur->value && next_first == cur_last + 1)) {
			if (memcmp(next->last, cur->last, 16) > 0)
				memcpy(cur->last, next->last, 16);
			continue;
		}
		l->v[++out] = *next;
	}
	l->n = out + 1;
	return 0;
}

int eg_range_list_normalize(struct eg_range_list *l, const char *path, struct eg_error *err)
{
	return normalize(l, -1, path, err);
}

int eg_range_list_normalize_kind(struct eg_range_list *l, enum eg_data_kind kind, const char *path,
				 struct eg_error *err)
{
	return normalize(l, (int)kind, path, err);
}

int eg_range_list_append(struct eg_range_list *l, const struct eg_range_list *more)
{
	if (l->n + more->n > l->cap) {
		size_t cap = l->n + more->n;
		struct eg_range *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		eg_prefault(v + l->n, more->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	if (more->n) /* memcpy from a NULL list is undefined even for 0 bytes */
		memcpy(l->v + l->n, more->v, more->n * sizeof(*l->v));
	l->n += more->n;
	return 0;
}

/* Index of the lowest set bit; 128 for zero. */
static unsigned trailing_zeros(unsigned __int128 v)
{
	uint64_t lo = (uint64_t)v, hi = (uint64_t)(v >> 64);

	if (lo)
		return (unsigned)__builtin_ctzll(lo);
	if (hi)
		return 64 + (unsigned)__builtin_ctzll(hi);
	return 128;
}

/* floor(log2(v)) for v > 0. */
static unsigned log2_floor(unsigned __int128 v)
{
	uint64_t hi = (uint64_t)(v >> 64);

	if (hi)
		return 127 - (unsigned)__builtin_clzll(hi);
	return 63 - (unsigned)__builtin_clzll((uint64_t)v);
}

void eg_range_to_cidrs(const uint8_t first[16], const uint8_t last[16],
		       void (*emit)(const uint8_t addr[16], unsigned plen16, void *ctx), void *ctx)
{
	unsigned __int128 lo = eg_u128_from_addr(first), hi = eg_u128_from_addr(last);
	uint8_t addr[16];

	if (lo > hi)
		return;
	for (;;) {
		/* The biggest block aligned at lo that ends at or before hi: 2^bits addresses. */
		unsigned __int128 span = hi - lo; /* addresses left, minus one */
		unsigned bits = trailing_zeros(lo), fit;

		fit = span == ~(unsigned __int128)0 ? 128 : log2_floor(span + 1);
		if (fit < bits)
			bits = fit;
		eg_u128_to_addr(lo, addr);
		emit(addr, 128 - bits, ctx);
		if (bits == 128)
			return;
		lo += (unsigned __int128)1 << bits;
		if (lo == 0 || lo > hi) /* wrapped past the top, or done */
			return;
	}
}
