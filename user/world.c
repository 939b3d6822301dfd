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
#include "operators.h"
#include "world.h"

typedef unsigned __int128 u128;

#define U128_MAX (~(u128)0)
#define V4_FIRST (((u128)0xffff) << 32) /* ::ffff:0.0.0.0 */
#define V4_LAST	 (V4_FIRST | 0xffffffffu)

/* A walk over one sorted, non-overlapping range list. */
struct cursor {
	const struct eg_range *r;
	size_t n, i;
};

/* Value at p (0 when no range covers it); *run_last is where that value may change. */
static uint32_t cursor_at(struct cursor *c, u128 p, u128 *run_last)
{
	while (c->i < c->n && eg_u128_from_addr(c->r[c->i].last) < p)
		c->i++;
	if (c->i == c->n) {
		*run_last = U128_MAX;
		return 0;
	}
	if (p < eg_u128_from_addr(c->r[c->i].first)) {
		*run_last = eg_u128_from_addr(c->r[c->i].first) - 1;
		return 0;
	}
	*run_last = eg_u128_from_addr(c->r[c->i].last);
	return c->r[c->i].value;
}

/* Class interning: (country, ASN, provider) -> id, open addressing. */
struct class_table {
	uint64_t *keys; /* key + 1, 0 = empty */
	uint32_t *ids;
	size_t cap, used;
	struct eg_class *classes;
	size_t n, classes_cap;
};

static uint64_t class_key(const struct eg_class *c)
{
	return ((uint64_t)c->country << 48) | ((uint64_t)c->provider << 32) | c->asn;
}

static size_t hash64(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static int class_table_grow(struct class_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096, i, j;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	uint32_t *ids = calloc(cap, sizeof(*ids));

	if (!keys || !ids) {
		free(keys);
		free(ids);
		return -1;
	}
	for (i = 0; i < t->cap; i++) {
		if (!t->keys[i])
			continue;
		for (j = hash64(t->keys[i], cap); keys[j]; j = (j + 1) & (cap - 1))
			;
		keys[j] = t->keys[i];
		ids[j] = t->ids[i];
	}
	free(t->keys);
	free(t->ids);
	t->keys = keys;
	t->ids = ids;
	t->cap = cap;
	return 0;
}

/* Id of the class, added when new; UINT32_MAX when out of memory. */
static uint32_t class_intern(struct class_table *t, const struct eg_class *c)
{
	uint64_t key = class_key(c) + 1;
	size_t i;

	if ((t->used + 1) * 2 > t->cap && class_table_grow(t))
		return UINT32_MAX;
	for (i = hash64(key, t->cap); t->keys[i]; i = (i + 1) & (t->cap - 1))
		if (t->keys[i] == key)
			return t->ids[i];
	if (t->n == t->classes_cap) {
		size_t cap = t->classes_cap ? t->classes_cap * 2 : 4096;
		struct eg_class *grown = realloc(t->classes, cap * sizeof(*grown));

		if (!grown)
			return UINT32_MAX;
		t->classes = grown;
		t->classes_cap = cap;
	}
	t->classes[t->n] = *c;
	t->keys[i] = key;
	t->ids[i] = (uint32_t)t->n;
	t->used++;
	return (uint32_t)t->n++;
}

static int segment_add(struct eg_world *w, size_t *cap, u128 first, u128 last, uint32_t class_id)
{
	if (w->n_segments && w->segments[w->n_segments - 1].class_id == class_id) {
		w->segments[w->n_segments - 1].last = last; /* same class as the neighbour: merge */
		return 0;
	}
	if (w->n_segments == *cap) {
		size_t ncap = *cap ? *cap * 2 : 65536;
		struct eg_segment *grown = realloc(w->segments, ncap * sizeof(*grown));

		if (!grown)
			return -1;
		w->segments = grown;
		*cap = ncap;
	}
	w->segments[w->n_segments++] = (struct eg_segment){first, last, class_id};
	return 0;
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

static int sweep_segments(struct eg_world *w, struct sweep *s, struct class_table *t,
			  struct eg_error *err)
{
	size_t cap = 0;
	u128 p = 0, run_last;
	struct eg_class c;

	for (;;) {
		uint32_t id;

		classify_point(s, p, &run_last, &c);
		id = class_intern(t, &c);
		if (id == UINT32_MAX || segment_add(w, &cap, p, run_last, id))
			return eg_fail(err, ENOMEM, "out of memory building the classification");
		if (run_last == U128_MAX)
			return 0;
		p = run_last + 1;
	}
}

static int bounds_reserve(void **arr, size_t *cap, size_t need, size_t size)
{
	void *grown;
	size_t ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 65536;
	while (ncap < need)
		ncap *= 2;
	grown = realloc(*arr, ncap * size);
	if (!grown)
		return -1;
	*arr = grown;
	*cap = ncap;
	return 0;
}

/* Index of the segment containing address a (segments cover everything). */
static size_t segment_find(const struct eg_world *w, u128 a)
{
	size_t lo = 0, hi = w->n_segments - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (w->segments[mid].first <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int build_v4(struct eg_world *w)
{
	size_t cap = 0, i = segment_find(w, V4_FIRST);
	uint32_t chunk;

	for (chunk = 0; chunk < 65536; chunk++) {
		u128 start = V4_FIRST | ((u128)chunk << 16), end = start | 0xffff;

		while (w->segments[i].last < start)
			i++;
		w->v4_index[chunk].first = (uint32_t)w->n_v4_bounds;
		for (; i < w->n_segments && w->segments[i].first <= end; i++) {
			u128 s = w->segments[i].first < start ? start : w->segments[i].first;

			if (bounds_reserve((void **)&w->v4_bounds, &cap, w->n_v4_bounds + 1,
					   sizeof(*w->v4_bounds)))
				return -1;
			w->v4_bounds[w->n_v4_bounds++] =
				(struct eg_v4_bound){.start = (uint16_t)(s & 0xffff),
						     .class_id = w->segments[i].class_id};
		}
		i--; /* the last segment may run on into the next /16 */
		w->v4_index[chunk].count = (uint32_t)w->n_v4_bounds - w->v4_index[chunk].first;
	}
	return 0;
}

static int build_v6(struct eg_world *w)
{
	size_t cap = 0, i = 0;
	uint32_t chunk;

	for (chunk = 0; chunk < 65536; chunk++) {
		u128 start = (u128)chunk << 112, end = start | (U128_MAX >> 16);

		while (w->segments[i].last < start)
			i++;
		w->v6_index[chunk].first = (uint32_t)w->n_v6_bounds;
		for (; i < w->n_segments && w->segments[i].first <= end; i++) {
			u128 s = w->segments[i].first < start ? start : w->segments[i].first;

			/*
			 * IPv4-mapped addresses are looked up in the IPv4 tables: the
			 * mapped /96 needs no bounds here, only where it ends.
			 */
			if (s >= V4_FIRST && s <= V4_LAST) {
				if (w->segments[i].last <= V4_LAST)
					continue;
				s = V4_LAST + 1;
			}
			if (bounds_reserve((void **)&w->v6_bounds, &cap, w->n_v6_bounds + 1,
					   sizeof(*w->v6_bounds)))
				return -1;
			w->v6_bounds[w->n_v6_bounds++] =
				(struct eg_v6_bound){.start_hi = (uint64_t)(s >> 64),
						     .start_lo = (uint64_t)s,
						     .class_id = w->segments[i].class_id};
		}
		i--;
		w->v6_index[chunk].count = (uint32_t)w->n_v6_bounds - w->v6_index[chunk].first;
	}
	return 0;
}

static void dataset_version(struct eg_world *w, const struct eg_dataset *country,
			    const struct eg_dataset *asn, const struct eg_dataset *ranges)
{
	snprintf(w->dataset, sizeof(w->dataset), "country:%.12s,asn:%.12s%s%.12s",
		 country ? country->sha256 : "none", asn ? asn->sha256 : "none",
		 ranges ? ",ranges:" : "", ranges ? ranges->sha256 : "");
}

int eg_world_build(struct eg_world *w, const struct eg_dataset *country,
		   const struct eg_dataset *asn, const struct eg_dataset *ranges,
		   const struct eg_catalog *catalog, struct eg_error *err)
{
	struct eg_range_list prov = {0}, published = {0};
	struct class_table t = {0};
	struct eg_class unknown = {0};
	struct sweep s = {.catalog = catalog};
	int rc = -1;

	memset(w, 0, sizeof(*w));
	if (provider_ranges(catalog, &prov, err) ||
	    published_ranges(ranges, catalog, &published, err))
		goto out;
	if (country)
		s.country = (struct cursor){country->ranges.v, country->ranges.n, 0};
	if (asn)
		s.asn = (struct cursor){asn->ranges.v, asn->ranges.n, 0};
	s.provider = (struct cursor){prov.v, prov.n, 0};
	s.published = (struct cursor){published.v, published.n, 0};
	class_intern(&t, &unknown); /* class 0: nothing known */
	if (sweep_segments(w, &s, &t, err))
		goto out;
	if (build_v4(w) || build_v6(w)) {
		eg_fail(err, ENOMEM, "out of memory building the classification");
		goto out;
	}
	w->classes = t.classes;
	w->n_classes = t.n;
	t.classes = NULL;
	dataset_version(w, country, asn, ranges);
	rc = 0;
out:
	free(t.keys);
	free(t.ids);
	free(t.classes);
	eg_range_list_free(&prov);
	eg_range_list_free(&published);
	if (rc)
		eg_world_free(w);
	return rc;
}

void eg_world_free(struct eg_world *w)
{
	free(w->classes);
	free(w->v4_bounds);
	free(w->v6_bounds);
	free(w->segments);
	memset(w, 0, sizeof(*w));
}

const struct eg_class *eg_world_class(const struct eg_world *w, uint32_t class_id)
{
	static const struct eg_class unknown;

	return class_id < w->n_classes ? &w->classes[class_id] : &unknown;
}

void eg_world_prefix(const struct eg_world *w, const uint8_t addr[16], char *buf, size_t len)
{
	u128 a = eg_u128_from_addr(addr);
	const struct eg_segment *seg;
	struct eg_cidr cidr;
	unsigned plen;

	if (!w->n_segments) {
		snprintf(buf, len, "?");
		return;
	}
	seg = &w->segments[segment_find(w, a)];
	for (plen = eg_addr_is_v4mapped(addr) ? 96 : 0; plen < 128; plen++) {
		u128 host = U128_MAX >> plen;

		if ((a & ~host) >= seg->first && (a | host) <= seg->last)
			break;
	}
	eg_u128_to_addr(plen == 128 ? a : a & ~(U128_MAX >> plen), cidr.addr);
	cidr.family = eg_addr_is_v4mapped(addr) ? AF_INET : AF_INET6;
	cidr.plen = (uint8_t)(cidr.family == AF_INET ? plen - 96 : plen);
	eg_cidr_format(&cidr, buf, len);
}

uint64_t eg_world_kernel_bytes(const struct eg_world *w)
{
	return (uint64_t)w->n_classes * 16 + 2ull * 65536 * sizeof(struct eg_span) +
	       (uint64_t)w->n_v4_bounds * sizeof(struct eg_v4_bound) +
	       (uint64_t)w->n_v6_bounds * sizeof(struct eg_v6_bound);
}
