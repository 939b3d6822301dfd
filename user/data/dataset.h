/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A dataset as read: its ranges with values, AS names, and what it is (path, format, digest). */
#ifndef EXFILGUARD_DATASET_H
#define EXFILGUARD_DATASET_H

#include <stddef.h>
#include <stdint.h>
#include "names.h"
#include "range.h"
#include "runs.h"

/* Where a dataset's build_epoch comes from, best first. */
enum eg_age_source {
	EG_AGE_BUILT,	 /* the file says when it was built (mmdb metadata, range-file date) */
	EG_AGE_MANIFEST, /* the date data fetch recorded in DIR/MANIFEST.json (package version) */
	EG_AGE_MTIME,	 /* the file's modification time: a last resort, often the fetch time */
};

struct eg_dataset {
	enum eg_data_kind kind;
	char *path;
	char *format;	      /* "mmdb", "csv", "tsv" (with ".gz" when compressed) */
	char *description;    /* mmdb database_type, or the file's base name */
	uint64_t build_epoch; /* of the oldest part: when its data was built (see age_source) */
	enum eg_age_source age_source;
	char sha256[65];	     /* hex digest of the file as stored (the dataset version) */
	struct eg_range_list ranges; /* sorted by first, non-overlapping */
	struct eg_runs runs;	     /* instead, once compacted: value 0 where no range is */
	int runs_ok;		     /* set by the loader: a reader may fill runs, not ranges */
	struct eg_asn_name *names;   /* sorted by asn */
	size_t n_names;
	size_t n_records; /* data records (mmdb) or lines (text) read */
	size_t n_skipped; /* of those, without a usable value (no field, ASN 0, "None") */
	/*
	 * Published data has a few overlapping ranges with different values
	 * (the ip-location-db ASN CSV: 1 in 412k). Loading resolves them by
	 * eg_range_list_resolve(); how many, and the first, are kept for a warning.
	 */
	size_t n_conflicts;
	char conflict[256]; /* "a-b (AS1) and c-d (AS2)", or "" */
};

void eg_dataset_free(struct eg_dataset *ds);
/*
 * The ranges as runs (a quarter of the memory), the range list freed: what
 * building the world reads. 0, or -1 when out of memory (ds unchanged).
 */
int eg_dataset_compact(struct eg_dataset *ds);
/* "build date", "manifest", "file mtime" */
const char *eg_age_source_name(enum eg_age_source source);
/* Organisation of an AS, or NULL. */
const char *eg_dataset_asn_name(const struct eg_dataset *ds, uint32_t asn);

#endif
