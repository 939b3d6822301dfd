// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Runs (runs.h): each start once, 4 bytes inside the IPv4-mapped /96 and 16
 * elsewhere, and a value per run. A run's last address is the next one's
 * start minus one.
 */
#include <stdlib.h>
#include <string.h>
#include "prefault.h"
#include "addr.h"
#include "runs.h"

typedef unsigned __int128 u128;

/* Room for want elements of size; only the pages written become memory. */
static int reserve(void **arr, size_t *cap, size_t want, size_t size)
{
	return eg_array_reserve(arr, cap, want, size, 4096);
}

int eg_runs_reserve(struct eg_runs *s, size_t n4, size_t n6)
{
	return reserve((void **)&s->s4, &s->cap4, s->n4 + n4, sizeof(*s->s4)) ||
			       reserve((void **)&s->s6, &s->cap6, s->n6 + n6, sizeof(*s->s6)) ||
			       reserve((void **)&s->val, &s->capv, s->n + n4 + n6, sizeof(*s->val))
		       ? -1
		       : 0;
}

int eg_runs_push(struct eg_runs *s, u128 first, uint32_t value)
{
	int v4 = first >= EG_U128_V4_FIRST && first <= EG_U128_V4_LAST;

	if (s->n && s->val[s->n - 1] == value)
		return 0; /* the last run goes on */
	if (eg_runs_reserve(s, v4, !v4))
		return -1;
	if (v4) {
		s->s4[s->n4++] = (uint32_t)first;
	} else {
		s->below4 += first < EG_U128_V4_FIRST;
		s->s6[s->n6++] = first;
	}
	s->val[s->n++] = value;
	return 0;
}

void eg_runs_free(struct eg_runs *s)
{
	free(s->s4);
	free(s->s6);
	free(s->val);
	*s = (struct eg_runs){0};
}

/* The starts of lo (none after the IPv4-mapped /96) before those of hi (all after it). */
static int join_starts(struct eg_runs *lo, struct eg_runs *hi, size_t skip)
{
	if (reserve((void **)&hi->s6, &hi->cap6, hi->n6 + lo->n6, sizeof(*hi->s6)))
		return -1;
	memmove(hi->s6 + lo->n6, hi->s6 + skip, (hi->n6 - skip) * sizeof(*hi->s6));
	if (lo->n6)
		memcpy(hi->s6, lo->s6, lo->n6 * sizeof(*hi->s6));
	free(lo->s6);
	lo->s6 = hi->s6;
	lo->cap6 = hi->cap6;
	lo->n6 += hi->n6 - skip;
	hi->s6 = NULL;
	hi->n6 = hi->cap6 = 0;
	return 0;
}

int eg_runs_join(struct eg_runs *lo, struct eg_runs *hi)
{
	size_t skip = lo->n && hi->n && hi->val[0] == lo->val[lo->n - 1], i;

	if (lo->n6 != lo->below4 || hi->n4 || hi->below4) { /* not split at the IPv4 block's end */
		for (i = 0; i < hi->n; i++)
			if (eg_runs_push(lo, eg_runs_start(hi, i), hi->val[i]))
				return -1;
		return 0;
	}
	if (reserve((void **)&lo->val, &lo->capv, lo->n + hi->n, sizeof(*lo->val)) ||
	    join_starts(lo, hi, skip))
		return -1;
	if (hi->n > skip)
		memcpy(lo->val + lo->n, hi->val + skip, (hi->n - skip) * sizeof(*lo->val));
	lo->n += hi->n - skip;
	return 0;
}

u128 eg_runs_start(const struct eg_runs *s, size_t i)
{
	if (i < s->below4)
		return s->s6[i];
	if (i < s->below4 + s->n4)
		return EG_U128_V4_FIRST | s->s4[i - s->below4];
	return s->s6[i - s->n4];
}

u128 eg_runs_last(const struct eg_runs *s, size_t i)
{
	return i + 1 < s->n ? eg_runs_start(s, i + 1) - 1 : EG_U128_MAX;
}

size_t eg_runs_find(const struct eg_runs *s, u128 a)
{
	size_t lo = 0, hi = s->n - 1;

	while (lo < hi) { /* the last start <= a; the first is 0 */
		size_t mid = lo + (hi - lo + 1) / 2;

		if (eg_runs_start(s, mid) <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Ranges of l whose first address is in the IPv4-mapped /96. */
static size_t count_v4(const struct eg_range_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		u128 first = eg_u128_from_addr(l->v[i].first);

		n += first >= EG_U128_V4_FIRST && first <= EG_U128_V4_LAST;
	}
	return n;
}

int eg_run_sink_add(struct eg_run_sink *k, const uint8_t first[16], const uint8_t last[16],
		    uint32_t value)
{
	u128 at = eg_u128_from_addr(first);

	if ((at > k->next && eg_runs_push(&k->r, k->next, 0)) || eg_runs_push(&k->r, at, value))
		return -1;
	k->next = eg_u128_from_addr(last) + 1;
	k->ended = k->next == 0;
	return 0;
}

int eg_run_sink_close(struct eg_run_sink *k)
{
	return !k->ended && eg_runs_push(&k->r, k->next, 0) ? -1 : 0;
}

int eg_runs_from_ranges(struct eg_runs *s, const struct eg_range_list *l)
{
	struct eg_run_sink k = {0};
	size_t v4 = count_v4(l);

	/* A run per range and one per gap after it, at most: never copied as it grows. */
	eg_runs_reserve(&k.r, 2 * v4 + 1, 2 * (l->n - v4) + 2);
	for (size_t i = 0; i < l->n; i++)
		if (eg_run_sink_add(&k, l->v[i].first, l->v[i].last, l->v[i].value))
			goto fail;
	if (eg_run_sink_close(&k))
		goto fail;
	*s = k.r;
	return 0;
fail:
	eg_runs_free(&k.r);
	return -1;
}

/* The runs of s from the one holding from up to the one starting at most to, into out. */
static int copy_runs(struct eg_runs *out, const struct eg_runs *s, u128 from, u128 to)
{
	size_t i = eg_runs_find(s, from);

	if (eg_runs_push(out, from, s->val[i]))
		return -1;
	for (i++; i < s->n && eg_runs_start(s, i) <= to; i++)
		if (eg_runs_push(out, eg_runs_start(s, i), s->val[i]))
			return -1;
	return 0;
}

int eg_runs_splice_v4(struct eg_runs *out, struct eg_runs *v6, struct eg_runs *v4)
{
	int rc;

	*out = (struct eg_runs){0};
	eg_runs_reserve(out, v4->n4 + 1, v6->n6 + 2);
	rc = copy_runs(out, v6, 0, EG_U128_V4_FIRST - 1) ||
	     copy_runs(out, v4, EG_U128_V4_FIRST, EG_U128_V4_LAST);
	eg_runs_free(v4); /* before the bigger half is copied */
	rc = rc || copy_runs(out, v6, EG_U128_V4_LAST + 1, EG_U128_MAX);
	eg_runs_free(v6);
	if (rc)
		eg_runs_free(out);
	return rc ? -1 : 0;
}
