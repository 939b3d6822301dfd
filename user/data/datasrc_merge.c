// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Several files of one kind read as one dataset (asn-ipv4.csv and asn-ipv6.csv). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "datasrc.h"
#include "parallel.h"
#include "sha256.h"

/* Two normalized lists must agree wherever they overlap. */
static int check_agree(const struct eg_dataset *a, const struct eg_dataset *b, struct eg_error *err)
{
	size_t i = 0, j = 0;

	while (i < a->ranges.n && j < b->ranges.n) {
		const struct eg_range *ra = &a->ranges.v[i], *rb = &b->ranges.v[j];
		char ta[EG_RANGE_STRLEN], tb[EG_RANGE_STRLEN];

		if (memcmp(ra->last, rb->first, 16) < 0) {
			i++;
		} else if (memcmp(rb->last, ra->first, 16) < 0) {
			j++;
		} else if (ra->value != rb->value) {
			eg_range_format(ra, (int)a->kind, ta, sizeof(ta));
			eg_range_format(rb, (int)b->kind, tb, sizeof(tb));
			return eg_fail(err, EINVAL, "%s: %s conflicts with %s: %s", a->path, ta,
				       b->path, tb);
		} else if (memcmp(ra->last, rb->last, 16) < 0) {
			i++;
		} else {
			j++;
		}
	}
	return 0;
}

/* Append s to *dst, separated by ", ". */
static int join(char **dst, const char *s)
{
	char *joined;

	if (asprintf(&joined, "%s%s%s", *dst ? *dst : "", *dst ? ", " : "", s) < 0)
		return -1;
	free(*dst);
	*dst = joined;
	return 0;
}

/* Each part's list is sorted: the first becomes the whole's, the others merge into it. */
static int take_ranges(struct eg_range_list *all, struct eg_range_list *part)
{
	if (!all->v) {
		*all = *part;
		memset(part, 0, sizeof(*part));
		return 0;
	}
	return eg_range_list_merge(all, part);
}

static int append_part(struct eg_dataset *all, struct eg_dataset *part)
{
	if (take_ranges(&all->ranges, &part->ranges) ||
	    eg_names_merge(&all->names, &all->n_names, &part->names, &part->n_names) ||
	    join(&all->path, part->path) || join(&all->format, part->format) ||
	    join(&all->description, part->description))
		return -1;
	all->n_records += part->n_records;
	all->n_skipped += part->n_skipped;
	if (part->n_conflicts && !all->n_conflicts)
		snprintf(all->conflict, sizeof(all->conflict), "%s", part->conflict);
	all->n_conflicts += part->n_conflicts;
	/* The oldest part decides how old the whole is. */
	if (!all->build_epoch || part->build_epoch < all->build_epoch) {
		all->build_epoch = part->build_epoch;
		all->age_source = part->age_source;
	}
	return 0;
}

/* The digest of the parts' hex digests, each followed by a newline. */
static int digest_parts(const struct eg_dataset *parts, size_t n, struct eg_dataset *all)
{
	char *text = malloc(n * 65 + 1);
	int rc;

	if (!text)
		return -1;
	for (size_t i = 0; i < n; i++) {
		memcpy(text + i * 65, parts[i].sha256, 64);
		text[i * 65 + 64] = '\n';
	}
	rc = eg_sha256_hex(text, n * 65, all->sha256);
	free(text);
	return rc;
}

static int merge_parts(struct eg_dataset *parts, size_t n, struct eg_dataset *all,
		       struct eg_error *err)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (check_agree(&parts[i], &parts[j], err))
				return -1;
	if (digest_parts(parts, n, all))
		return eg_fail(err, ENOMEM, "%s: out of memory, or libcrypto failed",
			       parts[0].path);
	for (size_t i = 0; i < n; i++)
		if (append_part(all, &parts[i]))
			return eg_fail(err, ENOMEM, "%s: out of memory", parts[i].path);
	/* The parts agree where they overlap: this only merges neighbours. */
	return eg_range_list_normalize_kind(&all->ranges, all->kind, all->path, err);
}

struct part_job {
	const char *path;
	enum eg_data_kind kind;
	struct eg_dataset ds;
	struct eg_error err;
	int rc;
};

static void load_part(void *arg)
{
	struct part_job *j = arg;

	j->rc = eg_dataset_load(j->path, j->kind, &j->ds, &j->err);
}

/* Every part, each on a thread of its own; the first that failed (in order) says why. */
static int load_parts(const char *const *paths, size_t n, enum eg_data_kind kind,
		      struct eg_dataset *parts, struct eg_error *err)
{
	struct part_job *jobs = calloc(n, sizeof(*jobs));
	size_t i;
	int rc = 0;

	if (!jobs)
		return eg_fail(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		jobs[i] = (struct part_job){.path = paths[i], .kind = kind};
	eg_parallel_run(load_part, jobs, n, sizeof(*jobs));
	for (i = 0; i < n; i++) {
		parts[i] = jobs[i].ds; /* empty when it failed */
		if (jobs[i].rc && !rc) {
			*err = jobs[i].err;
			rc = -1;
		}
	}
	free(jobs);
	return rc;
}

int eg_dataset_load_files(const char *const *paths, size_t n, enum eg_data_kind kind,
			  struct eg_dataset *ds, struct eg_error *err)
{
	struct eg_dataset *parts, all = {.kind = kind};
	int rc = -1;

	if (n == 1)
		return eg_dataset_load(paths[0], kind, ds, err);
	memset(ds, 0, sizeof(*ds));
	ds->kind = kind;
	if (n == 0)
		return eg_fail(err, EINVAL, "no %s dataset given", eg_kind_noun(kind));
	parts = calloc(n, sizeof(*parts));
	if (!parts)
		return eg_fail(err, ENOMEM, "out of memory");
	if (load_parts(paths, n, kind, parts, err))
		goto out;
	rc = merge_parts(parts, n, &all, err);
out:
	for (size_t i = 0; i < n; i++)
		eg_dataset_free(&parts[i]);
	free(parts);
	if (rc)
		eg_dataset_free(&all);
	else
		*ds = all;
	return rc;
}

int eg_dataset_load_compact(const char *const *paths, size_t n, enum eg_data_kind kind,
			    struct eg_dataset *ds, struct eg_error *err)
{
	int rc = n == 1 ? eg_dataset_load_as(paths[0], kind, 1, ds, err)
			: eg_dataset_load_files(paths, n, kind, ds, err);

	if (rc == 0 && eg_dataset_compact(ds)) {
		eg_dataset_free(ds);
		return eg_fail(err, ENOMEM, "%s: out of memory", paths[0]);
	}
	return rc;
}
