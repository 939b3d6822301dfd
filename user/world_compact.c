// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The classification in the kernel's compact form (maps/tables.h), from the
 * world's segments: per /16 the starts inside it (a cell of one class holds
 * it inline), IPv4 bounds four to a value; and the whole 128-bit
 * IPv6 range starts (struct eg_v6_bound, 24 bytes) become 8-byte coarse
 * bounds on /48 boundaries, the few /48s that hold finer starts getting a
 * fine span of their own.
 */
#include <stdlib.h>
#include "prefault.h"
#include "world.h"

typedef unsigned __int128 u128;

/* Bits 16-47 of an address: the coarse key inside its /16. */
#define KEY48(s)     ((uint32_t)((s) >> 80))
#define BELOW48(s)   ((s) & ((((u128)1) << 80) - 1)) /* bits 48-127 */
#define KEY48_LAST   0xffffffffu
#define GROW_INITIAL 4096

/* A growable array (the three outputs). */
struct grow {
	void **v;
	size_t *n, cap, size;
};

/* Room for one more element; its address, or NULL when out of memory. */
static void *grow_one(struct grow *g)
{
	if (eg_array_reserve(g->v, &g->cap, *g->n + 1, g->size, GROW_INITIAL))
		return NULL;
	return (char *)*g->v + (*g->n)++ * g->size;
}

struct v6_out {
	struct grow coarse, fine_index, fine;
};

static int coarse_add(struct v6_out *o, uint32_t start, uint32_t value)
{
	struct eg_v6_coarse_bound *b = grow_one(&o->coarse);

	if (!b)
		return -1;
	*b = (struct eg_v6_coarse_bound){.start = start, .value = value};
	return 0;
}

/* A class's coarse bound: an id with EG_V6_FINE's bit would read as a fine span (never: 2^31). */
static int coarse_class(struct v6_out *o, uint32_t start, uint32_t class_id)
{
	return class_id & EG_V6_FINE ? -1 : coarse_add(o, start, class_id);
}

static int fine_add(struct v6_out *o, u128 below48, uint32_t class_id)
{
	struct eg_v6_fine_bound *b = grow_one(&o->fine);

	if (!b)
		return -1;
	*b = (struct eg_v6_fine_bound){.start_lo = (uint64_t)below48,
				       .start_mid = (uint16_t)(below48 >> 64),
				       .class_id = class_id};
	return 0;
}

static u128 start_of(const struct eg_v6_bound *b)
{
	return ((u128)b->start_hi << 64) | b->start_lo;
}

/*
 * The bounds b[0..n) of one /48 (key) that does not start with a single
 * aligned bound: a fine span from its start (class `before` there until its
 * first bound) and a coarse bound pointing at it. *after: the class at the
 * /48's end.
 */
static int fine_group(struct v6_out *o, uint32_t key, const struct eg_v6_bound *b, size_t n,
		      uint32_t before, uint32_t *after)
{
	size_t span = *o->fine_index.n, i;
	struct eg_span *s = grow_one(&o->fine_index);

	if (!s || span >= EG_V6_FINE)
		return -1;
	s->first = (uint32_t)*o->fine.n;
	if (BELOW48(start_of(&b[0])) && fine_add(o, 0, before))
		return -1;
	for (i = 0; i < n; i++)
		if (fine_add(o, BELOW48(start_of(&b[i])), b[i].class_id))
			return -1;
	s->count = (uint32_t)(*o->fine.n - s->first);
	*after = b[n - 1].class_id;
	return coarse_add(o, key, EG_V6_FINE | (uint32_t)span);
}

/* One /16's bounds b[0..n) (the first at its start) as coarse bounds, and fine spans. */
static int cell_compact(struct v6_out *o, const struct eg_v6_bound *b, size_t n)
{
	uint32_t cur = 0;
	size_t i = 0;

	while (i < n) {
		uint32_t key = KEY48(start_of(&b[i]));
		size_t j = i + 1;

		while (j < n && KEY48(start_of(&b[j])) == key)
			j++;
		if (j == i + 1 && !BELOW48(start_of(&b[i]))) {
			cur = b[i].class_id;
			if (coarse_class(o, key, cur))
				return -1;
		} else {
			if (fine_group(o, key, &b[i], j - i, cur, &cur))
				return -1;
			/* The next /48 has the group's last class, unless a bound starts in it. */
			if (key != KEY48_LAST && (j == n || KEY48(start_of(&b[j])) != key + 1) &&
			    coarse_class(o, key + 1, cur))
				return -1;
		}
		i = j;
	}
	return 0;
}

/* One /16's IPv6 table from its whole bounds (s: the builder's span of them in wide). */
static int v6_cell(struct v6_out *o, struct eg_world *w, uint32_t cell, const struct eg_span *s,
		   const struct eg_v6_bound *wide)
{
	struct eg_v6_bound single = {.start_hi = (uint64_t)cell << 48, .class_id = s->first};
	size_t first = *o->coarse.n;
	int rc = s->count == 1 ? cell_compact(o, &single, 1)
			       : cell_compact(o, wide + s->first, s->count);

	if (rc)
		return -1;
	w->v6_index[cell] = (struct eg_span){(uint32_t)first, (uint32_t)(*o->coarse.n - first)};
	if (w->v6_index[cell].count == 1) { /* one value: inline, no bound */
		w->v6_index[cell].first = w->v6_bounds[first].value;
		w->n_v6_bounds--;
	}
	return 0;
}

/* Where one family's bounds go, and its 65536 cells. */
struct family {
	int v6;
	struct eg_span *index;					     /* IPv4: the cells' spans */
	size_t n;						     /* bounds so far */
	int (*add)(struct family *f, u128 start, uint32_t class_id); /* bound n */
	struct eg_world *w;
	/* IPv6: one cell's whole starts at a time, compacted into the tables (o) at its end. */
	struct eg_v6_bound *wide;
	size_t cap;
	struct v6_out *o;
};

static int add_v4(struct family *f, u128 start, uint32_t class_id)
{
	struct eg_v4_bound4 *b = &f->w->v4_bounds[f->n / 4];

	b->start[f->n % 4] = (uint16_t)start;
	b->class_id[f->n % 4] = class_id;
	f->n++;
	return 0;
}

static int add_v6(struct family *f, u128 start, uint32_t class_id)
{
	if (eg_array_reserve((void **)&f->wide, &f->cap, f->n + 1, sizeof(*f->wide), GROW_INITIAL))
		return -1;
	f->wide[f->n++] = (struct eg_v6_bound){.start_hi = (uint64_t)(start >> 64),
					       .start_lo = (uint64_t)start,
					       .class_id = class_id};
	return 0;
}

/* Where segment i's bound goes in the IPv6 tables; 0 when it takes none (inside the mapped /96). */
static int v6_start(const struct eg_runs *s, size_t i, u128 *at)
{
	if (*at < EG_U128_V4_FIRST || *at > EG_U128_V4_LAST)
		return 1;
	if (eg_runs_last(s, i) <= EG_U128_V4_LAST)
		return 0; /* IPv4-mapped addresses have the IPv4 tables */
	*at = EG_U128_V4_LAST + 1;
	return 1;
}

/* One cell's bounds: the segment at its start, then each segment starting inside it. */
static int cell_bounds(struct family *f, const struct eg_runs *s, size_t *i, u128 start, u128 end,
		       struct eg_span *cell)
{
	uint32_t first = (uint32_t)f->n, last_class = 0;
	size_t j;

	while (eg_runs_last(s, *i) < start)
		(*i)++;
	for (j = *i; j < s->n && eg_runs_start(s, j) <= end; j++) {
		u128 at = eg_runs_start(s, j);

		if (at < start)
			at = start;
		if (f->v6 && !v6_start(s, j, &at))
			continue;
		if (f->add(f, at, s->val[j]))
			return -1;
		last_class = s->val[j];
	}
	*i = j - 1; /* the last one may run on into the next cell */
	*cell = (struct eg_span){first, (uint32_t)f->n - first};
	if (cell->count == 1) { /* one class: inline, no bound */
		f->n--;
		cell->first = last_class;
	}
	return 0;
}

static int family_build(struct family *f, const struct eg_runs *s)
{
	size_t i = f->v6 ? 0 : eg_world_segment_find(f->w, EG_U128_V4_FIRST);
	int rc = 0;

	for (uint32_t cell = 0; cell < 65536 && !rc; cell++) {
		u128 start = f->v6 ? (u128)cell << 112 : EG_U128_V4_FIRST | ((u128)cell << 16);
		u128 end = f->v6 ? start | (EG_U128_MAX >> 16) : start | 0xffff;

		struct eg_span one, *span = f->v6 ? &one : &f->index[cell];

		rc = cell_bounds(f, s, &i, start, end, span);
		if (!rc && f->v6) { /* this cell's tables now, and its bounds no more */
			rc = v6_cell(f->o, f->w, cell, span, f->wide);
			f->n = 0;
		}
	}
	return rc;
}

/* The IPv4 tables, bounds four to a value (the unused slots of the last one zero). */
static int index_v4(struct eg_world *w)
{
	/* At most a bound per segment and one per cell a segment runs into. */
	size_t most = w->segs.n4 + 65536;
	struct family f = {.v6 = 0, .index = w->v4_index, .add = add_v4, .w = w};

	w->v4_bounds = calloc(EG_V4_BOUND4S(most), sizeof(*w->v4_bounds));
	if (!w->v4_bounds || family_build(&f, &w->segs))
		return -1;
	w->n_v4_bounds = f.n;
	for (size_t k = f.n; k % 4; k++) {
		w->v4_bounds[k / 4].start[k % 4] = 0;
		w->v4_bounds[k / 4].class_id[k % 4] = 0;
	}
	if (f.n + 4 <= most) { /* give back the room the inline cells left */
		void *fit = realloc(w->v4_bounds, (EG_V4_BOUND4S(f.n) ? EG_V4_BOUND4S(f.n) : 1) *
							  sizeof(*w->v4_bounds));

		if (fit)
			w->v4_bounds = fit;
	}
	return 0;
}

int eg_world_index(struct eg_world *w)
{
	struct v6_out o = {
		.coarse = {(void **)&w->v6_bounds, &w->n_v6_bounds, 0, sizeof(*w->v6_bounds)},
		.fine_index = {(void **)&w->v6_fine_index, &w->n_v6_fine_spans, 0,
			       sizeof(*w->v6_fine_index)},
		.fine = {(void **)&w->v6_fine_bounds, &w->n_v6_fine_bounds, 0,
			 sizeof(*w->v6_fine_bounds)},
	};
	struct family f = {.v6 = 1, .add = add_v6, .w = w, .o = &o};
	int rc;

	if (!w->segs.n)
		return 0; /* nothing known anywhere: no tables */
	rc = index_v4(w) || family_build(&f, &w->segs) ? -1 : 0;
	free(f.wide);
	return rc;
}
