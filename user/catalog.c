// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The provider catalog in memory: its entries, the ASN index, the checks
 * every catalog passes, and lookups. Reading the file is catalog_yaml.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catalog.h"
#include "values.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kind_names[] = {
	[EG_KIND_CLOUD] = "cloud",
	[EG_KIND_CARRIER] = "carrier",
	[EG_KIND_CONTENT] = "content",
	[EG_KIND_ENTERPRISE] = "enterprise",
};

int eg_provider_kind_from_name(const char *name)
{
	for (size_t k = 1; k < ARRAY_SIZE(kind_names); k++)
		if (strcmp(name, kind_names[k]) == 0)
			return (int)k;
	return -1;
}

const char *eg_provider_kind_name(enum eg_provider_kind kind)
{
	return (unsigned)kind < ARRAY_SIZE(kind_names) && kind_names[kind] ? kind_names[kind]
									   : "unknown";
}

int eg_asn_text_parse(const char *text, uint32_t *asn)
{
	/* A selector or catalog entry names a real AS: 0 is "no AS" in the data. */
	return eg_asn_parse(text, strlen(text), asn) || *asn == 0 ? -1 : 0;
}

int eg_provider_id_valid(const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len >= EG_PROVIDER_ID_MAX || id[0] == '-' || id[len - 1] == '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
		      id[i] == '-'))
			return 0;
	return 1;
}

/* ---- checks over the whole catalog ---- */

static int asn_cmp(const void *pa, const void *pb)
{
	const struct eg_catalog_asn *a = pa, *b = pb;

	if (a->asn != b->asn)
		return a->asn < b->asn ? -1 : 1;
	return a->provider < b->provider ? -1 : a->provider > b->provider;
}

static int asn_listed_twice(const struct eg_catalog *cat, const struct eg_catalog_asn *first,
			    const struct eg_catalog_asn *again, struct eg_error *err)
{
	const struct eg_provider *a = eg_catalog_get(cat, first->provider);
	const struct eg_provider *b = eg_catalog_get(cat, again->provider);

	if (a == b)
		return eg_fail(err, EINVAL, "%s:%u: provider %s lists AS%u twice", cat->path,
			       a->line, a->id, again->asn);
	return eg_fail(err, EINVAL, "%s:%u: AS%u of provider %s is also listed by %s (line %u)",
		       cat->path, b->line, again->asn, b->id, a->id, a->line);
}

int eg_catalog_index(struct eg_catalog *cat, struct eg_error *err)
{
	size_t n = 0;

	for (size_t i = 0; i < cat->n_providers; i++)
		n += cat->providers[i].n_asns;
	free(cat->by_asn);
	cat->n_by_asn = 0;
	cat->by_asn = calloc(n ? n : 1, sizeof(*cat->by_asn));
	if (!cat->by_asn)
		return eg_fail(err, ENOMEM, "%s: out of memory", cat->path);
	for (size_t i = 0; i < cat->n_providers; i++)
		for (size_t j = 0; j < cat->providers[i].n_asns; j++)
			cat->by_asn[cat->n_by_asn++] = (struct eg_catalog_asn){
				cat->providers[i].asns[j].asn, cat->providers[i].index};
	if (n) /* (qsort takes no NULL array, even empty) */
		qsort(cat->by_asn, n, sizeof(*cat->by_asn), asn_cmp);
	for (size_t i = 1; i < n; i++)
		if (cat->by_asn[i].asn == cat->by_asn[i - 1].asn)
			return asn_listed_twice(cat, &cat->by_asn[i - 1], &cat->by_asn[i], err);
	return 0;
}

/* Two providers may not claim overlapping ranges: which one would the address belong to? */
int eg_catalog_check_cidrs(const struct eg_catalog *cat, struct eg_error *err)
{
	for (size_t a = 0; a < cat->n_providers; a++)
		for (size_t b = a + 1; b < cat->n_providers; b++)
			for (size_t i = 0; i < cat->providers[a].n_cidrs; i++)
				for (size_t j = 0; j < cat->providers[b].n_cidrs; j++) {
					const struct eg_cidr *x = &cat->providers[a].cidrs[i];
					const struct eg_cidr *y = &cat->providers[b].cidrs[j];
					char tx[EG_ADDR_STRLEN], ty[EG_ADDR_STRLEN];

					if (!eg_cidr_contains(x, y->addr) &&
					    !eg_cidr_contains(y, x->addr))
						continue;
					eg_cidr_format(x, tx, sizeof(tx));
					eg_cidr_format(y, ty, sizeof(ty));
					return eg_fail(err, EINVAL,
						       "%s:%u: %s of provider %s overlaps %s of %s "
						       "(line %u)",
						       cat->path, cat->providers[b].line, ty,
						       cat->providers[b].id, tx,
						       cat->providers[a].id,
						       cat->providers[a].line);
				}
	return 0;
}

void eg_provider_free(struct eg_provider *prov)
{
	for (size_t i = 0; i < prov->n_asns; i++) {
		free(prov->asns[i].org);
		free(prov->asns[i].source);
	}
	for (size_t i = 0; i < prov->n_sources; i++)
		free(prov->sources[i]);
	free(prov->name);
	free(prov->asns);
	free(prov->cidrs);
	free(prov->sources);
	memset(prov, 0, sizeof(*prov));
}

void eg_catalog_free(struct eg_catalog *cat)
{
	for (size_t i = 0; i < cat->n_providers; i++)
		eg_provider_free(&cat->providers[i]);
	free(cat->providers);
	free(cat->by_asn);
	free(cat->path);
	memset(cat, 0, sizeof(*cat));
}

const struct eg_provider *eg_catalog_find(const struct eg_catalog *cat, const char *id)
{
	if (!cat || !id)
		return NULL;
	for (size_t i = 0; i < cat->n_providers; i++)
		if (strcmp(cat->providers[i].id, id) == 0)
			return &cat->providers[i];
	return NULL;
}

static int index_cmp(const void *pa, const void *pb)
{
	const struct eg_catalog_asn *a = pa, *b = pb;

	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

const struct eg_provider *eg_catalog_by_asn(const struct eg_catalog *cat, uint32_t asn)
{
	struct eg_catalog_asn key = {.asn = asn};
	const struct eg_catalog_asn *hit;

	if (!cat || !cat->n_by_asn)
		return NULL;
	hit = bsearch(&key, cat->by_asn, cat->n_by_asn, sizeof(key), index_cmp);
	return hit ? eg_catalog_get(cat, hit->provider) : NULL;
}

const struct eg_provider *eg_catalog_get(const struct eg_catalog *cat, uint16_t index)
{
	if (!cat || index == 0 || index > cat->n_providers)
		return NULL;
	return &cat->providers[index - 1];
}
