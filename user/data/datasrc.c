// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Data sources, the common part: reading a file, inflating gzip, telling its
 * format from its content through the table of formats, the dataset's
 * version digest, and resolving overlaps in what the reader found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "datasrc.h"
#include "file.h"
#include "format.h"
#include "gzip.h"
#include "manifest.h"
#include "sha256.h"
#include "timing.h"

uint64_t eg_dataset_max_bytes = EG_DATASET_MAX_BYTES;

/* Tried in order: the first whose probe says yes reads the content. */
static const struct eg_format *const formats[] = {
	&eg_format_mmdb,  &eg_format_aws,    &eg_format_google,
	&eg_format_azure, &eg_format_oracle, &eg_format_text, /* last: it takes any text */
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int set_strings(struct eg_dataset *ds, const char *name, const char *format, int gzipped)
{
	char fmt[16];

	snprintf(fmt, sizeof(fmt), "%s%s", format, gzipped ? ".gz" : "");
	ds->path = strdup(name);
	ds->format = strdup(fmt);
	if (!ds->description)
		ds->description = strdup(base_name(name));
	return ds->path && ds->format && ds->description ? 0 : -1;
}

#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

/* "name: why; name/name: why" from each format's reason, formats with one reason together. */
static void join_reasons(char reasons[][128], char *why, size_t why_len)
{
	size_t used = 0;

	for (size_t i = 0; i < N_FORMATS && used < why_len; i++) {
		int same_as_next = i + 1 < N_FORMATS && strcmp(reasons[i], reasons[i + 1]) == 0;

		used += (size_t)snprintf(why + used, why_len - used, "%s%s%s%s", formats[i]->name,
					 same_as_next ? "/" : ": ", same_as_next ? "" : reasons[i],
					 same_as_next || i + 1 == N_FORMATS ? "" : "; ");
	}
}

/* The first format whose probe takes buf, or NULL and why none did in why[]. */
static const struct eg_format *find_format(const uint8_t *buf, size_t len, char *why,
					   size_t why_len)
{
	char reasons[N_FORMATS][128];

	for (size_t i = 0; i < N_FORMATS; i++)
		if (formats[i]->probe(buf, len, reasons[i], sizeof(reasons[i])))
			return formats[i];
	join_reasons(reasons, why, why_len);
	return NULL;
}

/*
 * Content (already inflated) into ranges; *format is set to what it was. snap
 * (NULL: none) is the sealed snapshot buf is, for a reader that maps it itself.
 */
static int read_content(const uint8_t *buf, size_t len, struct eg_snapshot *snap, const char *name,
			int gzipped, struct eg_dataset *ds, const char **format,
			struct eg_error *err)
{
	const struct eg_format *f;
	char why[400];

	if (len == 0)
		return eg_fail(err, EINVAL, "%s: empty %s", name,
			       gzipped ? "after decompression" : "file");
	f = find_format(buf, len, why, sizeof(why));
	if (!f)
		return eg_fail(err, EINVAL, "%s: not a dataset in a format exfilguard reads (%s)",
			       name, why);
	if (!(f->kinds & EG_KIND_BIT(ds->kind)))
		return eg_fail(err, EINVAL, "%s: a %s file gives no %s data", name, f->name,
			       eg_kind_noun(ds->kind));
	*format = f->name;
	if (snap && snap->fd >= 0 && f->read_sealed) {
		/* The reader maps the memfd itself and closes it: the pages go with its mapping. */
		int fd = snap->fd;

		munmap((void *)snap->data, snap->len);
		snap->data = NULL;
		snap->fd = -1;
		return f->read_sealed(len, fd, name, ds, err);
	}
	return f->read(buf, len, name, ds, format, err);
}

int eg_dataset_finish(struct eg_dataset *out, int rc, const char *name, const char *format,
		      int gzipped, struct eg_error *err)
{
	if (rc == 0 && out->ranges.n == 0 && out->runs.n == 0)
		rc = eg_fail(err, EINVAL,
			     "%s: no %s ranges in it (%zu records, %zu without a value)", name,
			     eg_kind_noun(out->kind), out->n_records, out->n_skipped);
	if (rc == 0 && eg_range_list_resolve(&out->ranges, out->kind, &out->n_conflicts,
					     out->conflict, sizeof(out->conflict)))
		rc = eg_fail(err, ENOMEM, "%s: out of memory", name);
	if (rc == 0 && set_strings(out, name, format, gzipped))
		rc = eg_fail(err, ENOMEM, "%s: out of memory", name);
	return rc ? -1 : 0;
}

/* eg_dataset_load_mem; snap (NULL: none) is the sealed snapshot buf[0..len) is. */
static int load_content(const void *buf, size_t len, struct eg_snapshot *snap,
			enum eg_data_kind kind, int runs_ok, const char *name,
			struct eg_dataset *ds, struct eg_error *err)
{
	struct eg_dataset out = {.kind = kind, .runs_ok = runs_ok};
	uint8_t *inflated = NULL;
	size_t inflated_len = 0;
	const char *format = "";
	int gzipped = eg_is_gzip(buf, len), rc;
	struct eg_phase ph;

	memset(ds, 0, sizeof(*ds));
	ds->kind = kind;
	eg_phase_begin(&ph);
	if (eg_sha256_hex(buf, len, out.sha256))
		return eg_fail(err, ENOMEM, "%s: libcrypto cannot compute its SHA-256", name);
	eg_phase_end(&ph, "dataset digest %s", name);
	eg_phase_begin(&ph);
	if (gzipped &&
	    eg_gunzip(buf, len, eg_dataset_max_bytes, name, &inflated, &inflated_len, err))
		return -1;
	rc = read_content(gzipped ? inflated : buf, gzipped ? inflated_len : len,
			  gzipped ? NULL : snap, name, gzipped, &out, &format, err);
	free(inflated);
	rc = eg_dataset_finish(&out, rc, name, format, gzipped, err);
	eg_phase_end(&ph, "dataset parse %s: %zu %s", name,
		     out.ranges.n ? out.ranges.n : out.runs.n,
		     out.ranges.n || !out.runs.n ? "ranges" : "runs");
	if (rc) {
		eg_dataset_free(&out);
		return -1;
	}
	*ds = out;
	return 0;
}

int eg_dataset_load_mem(const void *buf, size_t len, enum eg_data_kind kind, const char *name,
			struct eg_dataset *ds, struct eg_error *err)
{
	return load_content(buf, len, NULL, kind, 0, name, ds, err);
}

/*
 * A file data fetch recorded must be the file it fetched: refuse one whose
 * digest changed. A format without a build date takes the recorded one.
 */
static int date_from_manifest(const char *path, struct eg_dataset *ds, struct eg_error *err)
{
	struct eg_manifest_file mf;
	int found = eg_manifest_find(path, &mf, err);

	if (found <= 0)
		return found;
	if (strcmp(mf.sha256, ds->sha256) != 0)
		return eg_fail(
			err, EINVAL,
			"%s: SHA-256 %.16s... differs from the %.16s... that %s recorded when "
			"it was fetched: the file changed since; fetch it again (exfilguard "
			"data fetch) or remove its entry from the manifest",
			path, ds->sha256, mf.sha256, EG_MANIFEST_NAME);
	if (!ds->build_epoch && mf.built) {
		ds->build_epoch = mf.built;
		ds->age_source = EG_AGE_MANIFEST;
	}
	return 0;
}

/* The file as one snapshot that nobody can change: the digest and the parse see the same bytes. */
static int load_snapshot(const char *path, enum eg_data_kind kind, int runs_ok,
			 struct eg_dataset *ds, uint64_t *mtime, struct eg_error *err)
{
	const struct eg_file_rules rules = {.max_bytes = eg_dataset_max_bytes, .what = "a dataset"};
	struct eg_snapshot file;
	struct eg_phase ph;
	int rc;

	eg_phase_begin(&ph);
	if (eg_file_snapshot(path, &rules, &file, err))
		return -1;
	eg_phase_end(&ph, "dataset read %s: %zu bytes", path, file.len);
	rc = load_content(file.data, file.len, file.fd >= 0 ? &file : NULL, kind, runs_ok, path, ds,
			  err);
	*mtime = file.mtime;
	eg_snapshot_release(&file);
	return rc;
}

int eg_dataset_load(const char *path, enum eg_data_kind kind, struct eg_dataset *ds,
		    struct eg_error *err)
{
	return eg_dataset_load_as(path, kind, 0, ds, err);
}

int eg_dataset_load_as(const char *path, enum eg_data_kind kind, int runs_ok, struct eg_dataset *ds,
		       struct eg_error *err)
{
	uint64_t mtime = 0;
	int rc;

	memset(ds, 0, sizeof(*ds));
	ds->kind = kind;
	/* A plain range file is parsed as it is read; anything else from a snapshot. */
	rc = eg_dataset_stream(path, ds, &mtime, err);
	if (rc == 1)
		rc = load_snapshot(path, kind, runs_ok, ds, &mtime, err);
	if (rc == 0 && date_from_manifest(path, ds, err))
		rc = -1;
	if (rc == 0 && !ds->build_epoch) {
		ds->build_epoch = mtime;
		ds->age_source = EG_AGE_MTIME;
	}
	if (rc)
		eg_dataset_free(ds);
	return rc;
}
