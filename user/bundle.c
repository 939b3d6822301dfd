// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bundle.h"

static int asn_name_cmp(const void *a, const void *b)
{
	const struct eg_asn_name *x = a, *y = b;

	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* Append src's ranges and names to dst (same kind), then re-sort and merge. */
static int dataset_merge(struct eg_dataset *dst, struct eg_dataset *src, struct eg_error *err)
{
	struct eg_asn_name *names;
	size_t i;

	for (i = 0; i < src->ranges.n; i++)
		if (eg_range_list_add(&dst->ranges, src->ranges.v[i].first, src->ranges.v[i].last,
				      src->ranges.v[i].value))
			return eg_fail(err, ENOMEM, "out of memory merging %s", src->path);
	if (src->n_names) {
		names = realloc(dst->names, (dst->n_names + src->n_names) * sizeof(*names));
		if (!names)
			return eg_fail(err, ENOMEM, "out of memory merging %s", src->path);
		memcpy(names + dst->n_names, src->names, src->n_names * sizeof(*names));
		dst->names = names;
		dst->n_names += src->n_names;
		free(src->names); /* the strings now belong to dst */
		src->names = NULL;
		src->n_names = 0;
	}
	qsort(dst->names, dst->n_names, sizeof(*dst->names), asn_name_cmp);
	return eg_range_list_normalize(&dst->ranges, dst->path, err);
}

/* Load one or more files of a kind as one dataset. */
static int load_sources(char **paths, size_t n, enum eg_data_kind kind, struct eg_dataset *ds,
			struct eg_error *err)
{
	struct eg_dataset more;
	size_t i;

	if (eg_dataset_load(paths[0], kind, ds, err))
		return -1;
	for (i = 1; i < n; i++) {
		if (eg_dataset_load(paths[i], kind, &more, err)) {
			eg_dataset_free(ds);
			return -1;
		}
		if (dataset_merge(ds, &more, err)) {
			eg_dataset_free(&more);
			eg_dataset_free(ds);
			return -1;
		}
		eg_dataset_free(&more);
	}
	return 0;
}

/* A selector whose data is missing would never match: refuse the policy instead. */
static int check_selectors_have_data(const struct eg_bundle *b, struct eg_error *err)
{
	static const char *const kinds[] = {[EG_MATCH_ASN] = "asn",
					    [EG_MATCH_PROVIDER] = "provider",
					    [EG_MATCH_COUNTRY] = "country",
					    [EG_MATCH_JURISDICTION] = "jurisdiction"};
	const struct eg_policy *p = &b->policy;
	size_t r, i;

	for (r = 0; r < p->n_rules; r++) {
		for (i = 0; i < p->rules[r].n_selectors; i++) {
			const struct eg_policy_selector *sel = &p->rules[r].selectors[i];
			int ok = sel->kind == EG_MATCH_COUNTRY	   ? b->have_country
				 : sel->kind == EG_MATCH_JURISDICTION ? b->have_country || b->have_asn
								      : b->have_asn;

			if (!ok)
				return eg_fail(err, EINVAL,
					       "%s:%u:%u: a %s selector needs %s data, and the "
					       "policy's data: section names none",
					       p->path, sel->line, sel->column, kinds[sel->kind],
					       sel->kind == EG_MATCH_COUNTRY ? "country" : "asn");
		}
	}
	return 0;
}

static int load_data(struct eg_bundle *b, struct eg_error *err)
{
	const struct eg_policy_data *d = &b->policy.data;

	if (d->providers ? eg_catalog_load(d->providers, &b->catalog, err)
			 : eg_catalog_load_builtin(&b->catalog, err))
		return -1;
	if (d->n_country) {
		if (load_sources(d->country, d->n_country, EG_DATA_COUNTRY, &b->country, err))
			return -1;
		b->have_country = 1;
	}
	if (d->n_asn) {
		if (load_sources(d->asn, d->n_asn, EG_DATA_ASN, &b->asn, err))
			return -1;
		b->have_asn = 1;
	}
	if (check_selectors_have_data(b, err))
		return -1;
	if (!b->have_country && !b->have_asn)
		return 0;
	if (eg_world_build(&b->world, b->have_country ? &b->country : NULL,
			   b->have_asn ? &b->asn : NULL, &b->catalog, err))
		return -1;
	b->have_world = 1;
	return 0;
}

int eg_bundle_load(const char *policy_path, int mode_override, uint32_t policy_id,
		   struct eg_bundle *b, struct eg_error *err)
{
	memset(b, 0, sizeof(*b));
	if (eg_policy_load(policy_path, &b->policy, err))
		return -1;
	if (mode_override >= 0)
		b->policy.mode = mode_override;
	if (load_data(b, err) ||
	    eg_ruleset_build_with(&b->policy, &b->catalog, policy_id, &b->rules, err)) {
		eg_bundle_free(b);
		return -1;
	}
	return 0;
}

void eg_bundle_free(struct eg_bundle *b)
{
	eg_ruleset_free(&b->rules);
	if (b->have_world)
		eg_world_free(&b->world);
	if (b->have_country)
		eg_dataset_free(&b->country);
	if (b->have_asn)
		eg_dataset_free(&b->asn);
	eg_catalog_free(&b->catalog);
	eg_policy_free(&b->policy);
	memset(b, 0, sizeof(*b));
}
