// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Building the DXR classification tables. Four sorted range lists (country,
 * ASN, catalog provider CIDRs, providers' published ranges) are swept together into segments with
 * one (country, ASN, provider) each; equal neighbours merge; each distinct triple becomes a class.
 * Then each /16 of the IPv4 and IPv6 spaces gets the list of segment starts inside it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "addr.h"
#include "intern.h"
#include "operators.h"
#include "parallel.h"
#include "timing.h"
#include "world.h"

typedef unsigned __int128 u128;

/* A walk over one input's runs (NULL or none: nothing known anywhere). */
struct cursor {
	const struct eg_runs *r;
	size_t i;
};

/* Value at p; *run_last is where that value may change. */
static uint32_t cursor_at(struct cursor *c, u128 p, u128 *run_last)
{
	if (!c->r || !c->r->n) {
		*run_last = EG_U128_MAX;
		return 0;
	}
	while (c->i + 1 < c->r->n && eg_runs_start(c->r, c->i + 1) <= p)
		c->i++;
	*run_last = eg_runs_last(c->r, c->i);
	return c->r->val[c->i];
}

/* Class interning: (country, ASN, provider) -> id. */
struct class_table {
	struct eg_intern in;
	struct eg_class *classes;
	size_t n, classes_cap;
};

static uint64_t class_key(const struct eg_class *c)
{
	return ((uint64_t)c->country << 48) | ((uint64_t)c->provider << 32) | c->asn;
}

/* Id of the class, added when new; UINT32_MAX when out of memory. */
static uint32_t class_intern(struct class_table *t, const struct eg_class *c)
{
	int added;
	uint32_t id = eg_intern(&t->in, class_key(c), &added);

	if (id == UINT32_MAX || !added)
		return id;
	if (t->n == t->classes_cap) {
		size_t cap = t->classes_cap ? t->classes_cap * 2 : 4096;
		struct eg_class *grown = realloc(t->classes, cap * sizeof(*grown));

		if (!grown)
			return UINT32_MAX;
		t->classes = grown;
		t->classes_cap = cap;
	}
	t->classes[t->n++] = *c;
	return id;
}

static int provider_ranges(const struct eg_catalog *cat, struct eg_range_list *out,
			   struct eg_error *err)
{
	size_t p, i;

	for (p = 0; cat && p < cat->n_providers; p++) {
		const struct eg_provider *prov = &cat->providers[p];

		for (i = 0; i < prov->n_cidrs; i++) {
			uint8_t last[16];
			unsigned plen = eg_cidr_plen16(&prov->cidrs[i]), b;

			memcpy(last, prov->cidrs[i].addr, 16);
			for (b = plen; b < 128; b++)
				last[b / 8] |= (uint8_t)(0x80u >> (b % 8));
			if (eg_range_list_add(out, prov->cidrs[i].addr, last, prov->index))
				return eg_fail(err, ENOMEM, "out of memory");
		}
	}
	return eg_range_list_normalize(out, cat ? cat->path : "catalog", err);
}

/* The published ranges, their operators (operators.h) replaced by catalog indexes. */
static int published_ranges(const struct eg_dataset *ranges, const struct eg_catalog *cat,
			    struct eg_range_list *out, struct eg_error *err)
{
	if (!ranges)
		return 0;
	if (eg_range_list_append(out, &ranges->ranges))
		return eg_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < out->n; i++) {
		const char *id = eg_range_operator_id(out->v[i].value);
		const struct eg_provider *prov = cat ? eg_catalog_find(cat, id) : NULL;

		if (!prov)
			return eg_fail(err, EINVAL,
				       "%s: its ranges belong to provider \"%s\", which the "
				       "provider catalog does not define",
				       ranges->path, id);
		out->v[i].value = prov->index;
	}
	return 0;
}

struct sweep {
	struct cursor country, asn, provider, published;
	const struct eg_catalog *catalog;
	uint32_t last_asn;
	const struct eg_provider *last_asn_provider;
};

static void classify_point(struct sweep *s, u128 p, u128 *run_last, struct eg_class *c)
{
	u128 l1, l2, l3, l4;
	uint32_t cidr_provider, published;
	const struct eg_provider *prov = NULL;

	memset(c, 0, sizeof(*c));
	c->country = (uint16_t)cursor_at(&s->country, p, &l1);
	c->asn = cursor_at(&s->asn, p, &l2);
	cidr_provider = cursor_at(&s->provider, p, &l3);
	published = cursor_at(&s->published, p, &l4);
	*run_last = l1 < l2 ? l1 : l2;
	if (l3 < *run_last)
		*run_last = l3;
	if (l4 < *run_last)
		*run_last = l4;
	if (cidr_provider && s->catalog) {
		prov = &s->catalog->providers[cidr_provider - 1];
	} else if (published && s->catalog) {
		prov = &s->catalog->providers[published - 1];
	} else if (c->asn && s->catalog) {
		if (c->asn != s->last_asn) { /* neighbouring ranges often share an AS */
			s->last_asn = c->asn;
			s->last_asn_provider = eg_catalog_by_asn(s->catalog, c->asn);
		}
		prov = s->last_asn_provider;
	}
	if (prov) {
		c->provider = prov->index;
		c->jurisdiction = prov->jurisdiction;
	}
}

/*
 * The sweep runs in two parts side by side: up to the end of the IPv4-mapped
 * space (all of IPv4) and the rest of IPv6, about half the segments each.
 */
#define SPLIT ((u128)1 << 48) /* ::1:0:0:0, right after ::ffff:255.255.255.255 */

struct part {
	struct sweep s;
	u128 first, last;
	struct class_table *t;
	struct eg_runs segs;
	int rc;
};

/* Start c at the run holding p. */
static void cursor_seek(struct cursor *c, u128 p)
{
	c->i = c->r && c->r->n ? eg_runs_find(c->r, p) : 0;
}

static size_t runs_left(const struct cursor *c)
{
	return c->r ? c->r->n - c->i : 0;
}

static size_t ranges_left(const struct sweep *s)
{
	return runs_left(&s->country) + runs_left(&s->asn) + runs_left(&s->provider) +
	       runs_left(&s->published);
}

static void sweep_part(void *arg)
{
	struct part *pt = arg;
	u128 p = pt->first, run_last;
	struct eg_class c;
	size_t most = ranges_left(&pt->s) + 1; /* each run starts one at most */

	/* Room for them all (only what is written becomes memory); the upper part has no IPv4. */
	eg_runs_reserve(&pt->segs, pt->first ? 0 : most, most);
	for (;;) {
		uint32_t id;

		classify_point(&pt->s, p, &run_last, &c);
		if (run_last > pt->last)
			run_last = pt->last;
		id = class_intern(pt->t, &c);
		if (id == UINT32_MAX || eg_runs_push(&pt->segs, p, id)) {
			pt->rc = -1;
			return;
		}
		if (run_last == pt->last)
			return;
		p = run_last + 1;
	}
}

/* The upper part after the lower, its classes numbered as one sweep from 0 would number them. */
static int join_parts(struct part *lo, struct part *hi)
{
	for (size_t i = 0; i < hi->segs.n; i++) {
		uint32_t id = class_intern(lo->t, &hi->t->classes[hi->segs.val[i]]);

		if (id == UINT32_MAX)
			return -1;
		hi->segs.val[i] = id;
	}
	return eg_runs_join(&lo->segs, &hi->segs);
}

static int sweep_segments(struct eg_world *w, struct sweep *s, struct class_table *t,
			  struct eg_error *err)
{
	struct class_table hi_classes = {0};
	struct part parts[2] = {
		{.s = *s, .first = 0, .last = SPLIT - 1, .t = t},
		{.s = *s, .first = SPLIT, .last = EG_U128_MAX, .t = &hi_classes},
	};
	int rc;

	cursor_seek(&parts[1].s.country, SPLIT);
	cursor_seek(&parts[1].s.asn, SPLIT);
	cursor_seek(&parts[1].s.provider, SPLIT);
	cursor_seek(&parts[1].s.published, SPLIT);
	eg_parallel_run(sweep_part, parts, 2, sizeof(parts[0]));
	rc = parts[0].rc || parts[1].rc || join_parts(&parts[0], &parts[1]) ? -1 : 0;
	w->segs = parts[0].segs;
	eg_runs_free(&parts[1].segs);
	eg_intern_free(&hi_classes.in);
	free(hi_classes.classes);
	return rc ? eg_fail(err, ENOMEM, "out of memory building the classification") : 0;
}

static void dataset_version(struct eg_world *w, const struct eg_dataset *country,
			    const struct eg_dataset *asn, const struct eg_dataset *ranges)
{
	snprintf(w->dataset, sizeof(w->dataset), "country:%.12s,asn:%.12s%s%.12s",
		 country ? country->sha256 : "none", asn ? asn->sha256 : "none",
		 ranges ? ",ranges:" : "", ranges ? ranges->sha256 : "");
}

/* A range list as runs in out; the list is freed. */
static int runs_of(struct eg_range_list *l, struct eg_runs *out, struct eg_error *err)
{
	int rc = eg_runs_from_ranges(out, l);

	eg_range_list_free(l);
	return rc ? eg_fail(err, ENOMEM, "out of memory") : 0;
}

/* The country and ASN datasets as runs (eg_dataset_compact) and the catalog's and published
 * ranges as runs of their own (in, freed by the caller). */
static int inputs(struct eg_dataset *country, struct eg_dataset *asn,
		  const struct eg_dataset *ranges, const struct eg_catalog *catalog,
		  struct eg_runs in[2], struct sweep *s, struct eg_error *err)
{
	struct eg_range_list prov = {0}, published = {0};

	if ((country && eg_dataset_compact(country)) || (asn && eg_dataset_compact(asn)))
		return eg_fail(err, ENOMEM, "out of memory");
	if (provider_ranges(catalog, &prov, err) || runs_of(&prov, &in[0], err) ||
	    published_ranges(ranges, catalog, &published, err) ||
	    runs_of(&published, &in[1], err)) {
		eg_range_list_free(&prov);
		eg_range_list_free(&published);
		return -1;
	}
	s->country.r = country ? &country->runs : NULL;
	s->asn.r = asn ? &asn->runs : NULL;
	s->provider.r = &in[0];
	s->published.r = &in[1];
	return 0;
}

int eg_world_build(struct eg_world *w, struct eg_dataset *country, struct eg_dataset *asn,
		   const struct eg_dataset *ranges, const struct eg_catalog *catalog,
		   struct eg_error *err)
{
	struct eg_runs in[2] = {{0}};
	struct class_table t = {0};
	struct eg_class unknown = {0};
	struct sweep s = {.catalog = catalog};
	struct eg_phase ph;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	if (inputs(country, asn, ranges, catalog, in, &s, err))
		goto out;
	class_intern(&t, &unknown); /* class 0: nothing known */
	eg_phase_begin(&ph);
	if (sweep_segments(w, &s, &t, err))
		goto out;
	eg_phase_end(&ph, "world sweep: %zu segments", w->segs.n);
	dataset_version(w, country, asn, ranges);
	if (country) /* swept: the world holds what they said */
		eg_runs_free(&country->runs);
	if (asn)
		eg_runs_free(&asn->runs);
	eg_phase_begin(&ph);
	if (eg_world_index(w)) {
		eg_fail(err, ENOMEM, "out of memory building the classification");
		goto out;
	}
	eg_phase_end(&ph, "world lookup tables: %zu IPv4 + %zu IPv6 bounds", w->n_v4_bounds,
		     w->n_v6_bounds);
	w->classes = t.classes;
	w->n_classes = t.n;
	t.classes = NULL;
	rc = 0;
out:
	eg_intern_free(&t.in);
	free(t.classes);
	eg_runs_free(&in[0]);
	eg_runs_free(&in[1]);
	if (rc)
		eg_world_free(w);
	return rc;
}

void eg_world_free(struct eg_world *w)
{
	free(w->classes);
	free(w->v4_bounds);
	free(w->v6_bounds);
	free(w->v6_fine_index);
	free(w->v6_fine_bounds);
	eg_runs_free(&w->segs);
	memset(w, 0, sizeof(*w));
}

int eg_world_trim(struct eg_world *w)
{
	free(w->segs.val); /* eg_world_classify of a start finds it again */
	w->segs.val = NULL;
	w->segs.capv = 0;
	return 0;
}

void eg_world_shed(struct eg_world *w)
{
	free(w->v4_bounds);
	free(w->v6_bounds);
	w->v4_bounds = NULL;
	w->v6_bounds = NULL;
	w->n_v4_bounds = w->n_v6_bounds = 0;
	w->shed = 1;
}
