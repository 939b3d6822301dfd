// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The world's segments in their compact form (struct eg_world_segs): each
 * start once, 4 bytes inside the IPv4-mapped /96 and 16 elsewhere, and a
 * class per segment while the world is built. A segment's last address is
 * the next one's start minus one.
 */
#include <stdlib.h>
#include <string.h>
#include "prefault.h"
#include "world.h"

typedef unsigned __int128 u128;

#define U128_MAX (~(u128)0)
#define V4_FIRST (((u128)0xffff) << 32) /* ::ffff:0.0.0.0 */
#define V4_LAST	 (V4_FIRST | 0xffffffffu)

/* Room for want elements of size; only the pages written become memory. */
static int reserve(void **arr, size_t *cap, size_t want, size_t size)
{
	void *grown;

	if (want <= *cap)
		return 0;
	if (want < 2 * *cap)
		want = 2 * *cap;
	if (want < 4096)
		want = 4096;
	grown = realloc(*arr, want * size);
	if (!grown)
		return -1;
	eg_advise_huge((char *)grown + *cap * size, (want - *cap) * size);
	*arr = grown;
	*cap = want;
	return 0;
}

int eg_world_segs_reserve(struct eg_world_segs *s, size_t n4, size_t n6)
{
	return reserve((void **)&s->s4, &s->cap4, s->n4 + n4, sizeof(*s->s4)) ||
			       reserve((void **)&s->s6, &s->cap6, s->n6 + n6, sizeof(*s->s6)) ||
			       reserve((void **)&s->cls, &s->capc, s->n + n4 + n6, sizeof(*s->cls))
		       ? -1
		       : 0;
}

int eg_world_segs_push(struct eg_world_segs *s, u128 first, uint32_t class_id)
{
	int v4 = first >= V4_FIRST && first <= V4_LAST;

	if (s->n && s->cls[s->n - 1] == class_id)
		return 0; /* the last segment goes on */
	if (eg_world_segs_reserve(s, v4, !v4))
		return -1;
	if (v4) {
		s->s4[s->n4++] = (uint32_t)first;
	} else {
		s->below4 += first < V4_FIRST;
		s->s6[s->n6++] = first;
	}
	s->cls[s->n++] = class_id;
	return 0;
}

void eg_world_segs_free(struct eg_world_segs *s)
{
	free(s->s4);
	free(s->s6);
	free(s->cls);
	*s = (struct eg_world_segs){0};
}

/* The starts of lo (none after the IPv4-mapped /96) before those of hi (all after it). */
static int join_starts(struct eg_world_segs *lo, struct eg_world_segs *hi, size_t skip)
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

int eg_world_segs_join(struct eg_world_segs *lo, struct eg_world_segs *hi)
{
	size_t skip = lo->n && hi->n && hi->cls[0] == lo->cls[lo->n - 1], i;

	if (lo->n6 != lo->below4 || hi->n4 || hi->below4) { /* not split at the IPv4 block's end */
		for (i = 0; i < hi->n; i++)
			if (eg_world_segs_push(lo, eg_world_segs_start(hi, i), hi->cls[i]))
				return -1;
		return 0;
	}
	if (reserve((void **)&lo->cls, &lo->capc, lo->n + hi->n, sizeof(*lo->cls)) ||
	    join_starts(lo, hi, skip))
		return -1;
	if (hi->n > skip)
		memcpy(lo->cls + lo->n, hi->cls + skip, (hi->n - skip) * sizeof(*lo->cls));
	lo->n += hi->n - skip;
	return 0;
}

u128 eg_world_segs_start(const struct eg_world_segs *s, size_t i)
{
	if (i < s->below4)
		return s->s6[i];
	if (i < s->below4 + s->n4)
		return V4_FIRST | s->s4[i - s->below4];
	return s->s6[i - s->n4];
}

u128 eg_world_segs_last(const struct eg_world_segs *s, size_t i)
{
	return i + 1 < s->n ? eg_world_segs_start(s, i + 1) - 1 : U128_MAX;
}

size_t eg_world_segment_find(const struct eg_world *w, u128 a)
{
	const struct eg_world_segs *s = &w->segs;
	size_t lo = 0, hi = s->n - 1;

	while (lo < hi) { /* the last start <= a; the first is 0 */
		size_t mid = lo + (hi - lo + 1) / 2;

		if (eg_world_segs_start(s, mid) <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int eg_world_add_segment(struct eg_world *w, u128 first, uint32_t class_id)
{
	int rc = eg_world_segs_push(&w->segs, first, class_id);

	w->n_segments = w->segs.n;
	return rc;
}

struct eg_segment eg_world_segment(const struct eg_world *w, size_t i)
{
	struct eg_segment seg = {.first = eg_world_segs_start(&w->segs, i),
				 .last = eg_world_segs_last(&w->segs, i)};
	uint8_t addr[16];

	if (w->segs.cls) {
		seg.class_id = w->segs.cls[i];
	} else {
		eg_u128_to_addr(seg.first, addr);
		seg.class_id = eg_world_classify(w, addr);
	}
	return seg;
}
