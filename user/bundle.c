// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "bundle.h"
#include "heap.h"
#include "parallel.h"
#include "timing.h"

/* A selector whose data is missing would never match: refuse the policy instead. */
static int check_selectors_have_data(const struct eg_bundle *b, struct eg_error *err)
{
	static const char *const kinds[] = {[EG_MATCH_ASN] = "asn",
					    [EG_MATCH_PROVIDER] = "provider",
					    [EG_MATCH_COUNTRY] = "country",
					    [EG_MATCH_JURISDICTION] = "jurisdiction"};
	/* What each selector can be fed by, in the data: section's words. */
	static const char *const needs[] = {[EG_MATCH_ASN] = "asn",
					    [EG_MATCH_PROVIDER] = "asn or provider_ranges",
					    [EG_MATCH_COUNTRY] = "country",
					    [EG_MATCH_JURISDICTION] =
						    "country, asn or provider_ranges"};
	const struct eg_policy *p = &b->policy;
	size_t r, i;

	for (r = 0; r < p->n_rules; r++) {
		for (i = 0; i < p->rules[r].n_selectors; i++) {
			const struct eg_policy_selector *sel = &p->rules[r].selectors[i];
			int ok = sel->kind == EG_MATCH_COUNTRY ? b->have_country
				 : sel->kind == EG_MATCH_JURISDICTION
					 ? b->have_country || b->have_asn || b->have_ranges
				 : sel->kind == EG_MATCH_PROVIDER ? b->have_asn || b->have_ranges
								  : b->have_asn;

			if (!ok)
				return eg_fail(err, EINVAL,
					       "%s:%u:%u: a %s selector needs %s data, and the "
					       "policy's data: section names none",
					       p->path, sel->line, sel->column, kinds[sel->kind],
					       needs[sel->kind]);
		}
	}
	return 0;
}

/* The files of one kind named by the policy (the data: key), read into ds. */
struct kind_job {
	const char *key;
	char *const *paths;
	size_t n;
	enum eg_data_kind kind;
	struct eg_dataset *ds;
	int *have;
	struct eg_error why;
	int rc;
};

static struct kind_job kind_job(const char *key, char *const *paths, size_t n,
				enum eg_data_kind kind, struct eg_dataset *ds, int *have)
{
	return (struct kind_job){
		.key = key, .paths = paths, .n = n, .kind = kind, .ds = ds, .have = have};
}

static void load_kind(void *arg)
{
	struct kind_job *j = arg;
	struct eg_phase ph;

	if (!j->n)
		return;
	eg_phase_begin(&ph);
	/* The world reads runs, a quarter the size of ranges: compacted on this thread, while the
	 * other kinds are still read (provider ranges stay a list: check's shadow warnings read
	 * them). */
	j->rc = j->kind == EG_DATA_PROVIDER
			? eg_dataset_load_files((const char *const *)j->paths, j->n, j->kind, j->ds,
						&j->why)
			: eg_dataset_load_compact((const char *const *)j->paths, j->n, j->kind,
						  j->ds, &j->why);
	if (j->rc)
		return;
	eg_phase_end(&ph, "dataset %s: %zu %s, all files", j->key,
		     j->ds->ranges.n ? j->ds->ranges.n : j->ds->runs.n,
		     j->ds->ranges.n ? "ranges" : "runs");
	*j->have = 1;
}

/*
 * Every kind the policy names, each on a thread of its own (the files of a
 * kind on threads of theirs). A failure names where the policy names the
 * file ("policy.yaml:4: data: country:"), then the file by its resolved path
 * and what is wrong with it; of several, the first in this order.
 */
static int load_all_kinds(struct eg_bundle *b, struct eg_error *err)
{
	const struct eg_policy *p = &b->policy;
	const struct eg_policy_data *d = &p->data;
	struct kind_job jobs[] = {
		kind_job("country", d->country, d->n_country, EG_DATA_COUNTRY, &b->country,
			 &b->have_country),
		kind_job("asn", d->asn, d->n_asn, EG_DATA_ASN, &b->asn, &b->have_asn),
		kind_job("provider_ranges", d->provider_ranges, d->n_provider_ranges,
			 EG_DATA_PROVIDER, &b->ranges, &b->have_ranges),
	};
	const size_t n = sizeof(jobs) / sizeof(jobs[0]);

	eg_parallel_run(load_kind, jobs, n, sizeof(jobs[0]));
	for (size_t i = 0; i < n; i++)
		if (jobs[i].rc)
			return eg_fail(err, jobs[i].why.code, "%s:%u: data: %s: %s", p->path,
				       p->data.line, jobs[i].key, jobs[i].why.msg);
	return 0;
}

/* The data of in_force (NULL: none) when it is what the policy names, else read anew. */
static int load_data(struct eg_bundle *b, struct eg_bundle *in_force, struct eg_error *err)
{
	const struct eg_policy_data *d = &b->policy.data;
	struct eg_phase ph;

	b->data_key = eg_bundle_data_key(&b->policy); /* before any file it covers is read */
	eg_phase_begin(&ph);
	if (eg_catalog_load_for_policy(d->providers, &b->catalog, err))
		return -1;
	eg_phase_end(&ph, "provider catalog");
	if (in_force && eg_bundle_borrow_data(b, in_force))
		return check_selectors_have_data(b, err);
	if (in_force)
		eg_bundle_shed(in_force);
	if (load_all_kinds(b, err))
		return -1;
	if (in_force) /* beside a generation in force: the readers' freed memory back first */
		malloc_trim(0);
	if (check_selectors_have_data(b, err))
		return -1;
	if (!b->have_country && !b->have_asn && !b->have_ranges)
		return 0;
	eg_phase_begin(&ph);
	if (eg_world_build(&b->world, b->have_country ? &b->country : NULL,
			   b->have_asn ? &b->asn : NULL, b->have_ranges ? &b->ranges : NULL,
			   &b->catalog, err))
		return -1;
	eg_phase_end(&ph, "world build: %zu segments, %zu classes", b->world.segs.n,
		     b->world.n_classes);
	/* The country and ASN runs went once swept; AS names, versions and ages stay. */
	b->have_world = 1;
	if (in_force) /* and the build's */
		malloc_trim(0);
	return 0;
}

/* A scope's selectors need data too: checked as the node's are. */
static int check_scope_data(struct eg_bundle *b, struct eg_error *err)
{
	for (size_t i = 0; i < b->policy.n_scopes; i++) {
		struct eg_policy saved = b->policy;
		int rc;

		b->policy = b->policy.scopes[i].body; /* borrowed, given back below */
		rc = check_selectors_have_data(b, err);
		b->policy = saved;
		if (rc)
			return -1;
	}
	return 0;
}

static int build_scope_rules(struct eg_bundle *b, struct eg_error *err)
{
	size_t n = b->policy.n_scopes;

	if (!n)
		return 0;
	b->scope_rules = calloc(n, sizeof(*b->scope_rules));
	if (!b->scope_rules)
		return eg_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (eg_ruleset_build_with(&b->policy.scopes[i].body, &b->catalog, EG_SLOT_SCOPE(i),
					  &b->scope_rules[i], err))
			return -1;
		b->n_scope_rules = i + 1;
	}
	return 0;
}

int eg_bundle_load_datasets(const char *policy_path, struct eg_bundle *b, struct eg_error *err)
{
	memset(b, 0, sizeof(*b));
	if (eg_policy_load(policy_path, &b->policy, err) || load_all_kinds(b, err)) {
		eg_bundle_free(b);
		return -1;
	}
	return 0;
}

int eg_bundle_load(const char *policy_path, int mode_override, struct eg_bundle *b,
		   struct eg_error *err)
{
	return eg_bundle_reload(policy_path, mode_override, NULL, b, err);
}

int eg_bundle_reload(const char *policy_path, int mode_override, struct eg_bundle *in_force,
		     struct eg_bundle *b, struct eg_error *err)
{
	struct eg_phase ph;

	memset(b, 0, sizeof(*b));
	eg_phase_begin(&ph);
	if (eg_policy_load(policy_path, &b->policy, err))
		return -1;
	eg_phase_end(&ph, "policy parse %s", policy_path);
	eg_heap_prepare();
	if (mode_override >= 0) {
		b->policy.mode = mode_override;
		for (size_t i = 0; i < b->policy.n_scopes; i++)
			b->policy.scopes[i].body.mode = mode_override;
	}
	if (load_data(b, in_force, err) || check_scope_data(b, err))
		goto fail;
	eg_phase_begin(&ph);
	if (eg_ruleset_build_with(&b->policy, &b->catalog, EG_SLOT_NODE, &b->rules, err) ||
	    build_scope_rules(b, err))
		goto fail;
	eg_phase_end(&ph, "rules compile");
	return 0;
fail:
	eg_bundle_free(b);
	return -1;
}

/* The datasets and the world, which a bundle that borrowed them leaves alone. */
static void free_data(struct eg_bundle *b)
{
	if (b->have_world)
		eg_world_free(&b->world);
	if (b->have_country)
		eg_dataset_free(&b->country);
	if (b->have_asn)
		eg_dataset_free(&b->asn);
	if (b->have_ranges)
		eg_dataset_free(&b->ranges);
}

void eg_bundle_free(struct eg_bundle *b)
{
	for (size_t i = 0; i < b->n_scope_rules; i++)
		eg_ruleset_free(&b->scope_rules[i]);
	free(b->scope_rules);
	eg_ruleset_free(&b->rules);
	if (!b->data_borrowed)
		free_data(b);
	free(b->data_key);
	eg_catalog_free(&b->catalog);
	eg_policy_free(&b->policy);
	memset(b, 0, sizeof(*b));
}

int eg_bundle_trim(struct eg_bundle *b)
{
	struct eg_phase ph;

	eg_phase_begin(&ph);
	if (!b->data_borrowed) { /* else trimmed by its owner already */
		eg_range_list_free(&b->ranges.ranges);
		if (b->have_world && eg_world_trim(&b->world))
			return -1;
	}
	eg_heap_release(); /* give the freed heap back, or RSS stays at the build's peak */
	eg_phase_end(&ph, "trim: the build's memory freed");
	return 0;
}

uint64_t eg_bundle_stale_after(const struct eg_bundle *b)
{
	if (!b->policy.max_data_age || !eg_bundle_oldest_build(b))
		return 0;
	return eg_bundle_oldest_build(b) + b->policy.max_data_age;
}
