/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Data sources: every dataset (MaxMind DB, CSV/TSV range file, any of them
 * gzip-compressed) is read through one interface into a list of address
 * ranges, each with one value: a country code or an AS number.
 */
#ifndef EXFILGUARD_DATASRC_H
#define EXFILGUARD_DATASRC_H

#include <stddef.h>
#include <stdint.h>
#include "dataset.h"
#include "error.h"
#include "range.h"
#include "values.h"
#include "../../maps/exfilguard.h"

/* Files, and inflated gzip content, larger than this are refused (a decompression bomb guard). */
#define EG_DATASET_MAX_BYTES (1ull << 30)
/* The limit in force; the fuzzers and tests lower it. */
extern uint64_t eg_dataset_max_bytes;

/*
 * Read a dataset of the given kind. The format is detected from the content:
 * gzip magic (then the inner content), then each format's probe (format.h):
 * the MaxMind DB metadata marker, else a CSV or TSV range file
 * ("start,end,value[,...]"; iptoasn TSV "start\tend\tasn\tcountry\torg").
 * Errors name the file and the line (text) or byte offset (binary) and what
 * is wrong; on error *ds is left empty. Overlapping ranges with different
 * values inside one file are resolved by eg_range_list_resolve() and counted
 * in n_conflicts, not refused. When the file's directory holds a
 * MANIFEST.json (data fetch) with an entry for it, its SHA-256 must match
 * (else the load fails), and a file without a build date of its own takes the
 * recorded one; with neither, build_epoch is the file's mtime (age_source says
 * which).
 */
int eg_dataset_load(const char *path, enum eg_data_kind kind, struct eg_dataset *ds,
		    struct eg_error *err);
/*
 * The same from memory: name stands for the path in messages and in ds->path;
 * build_epoch is 0 unless the content says it (MaxMind DB, a dated range file).
 */
int eg_dataset_load_mem(const void *buf, size_t len, enum eg_data_kind kind, const char *name,
			struct eg_dataset *ds, struct eg_error *err);
/*
 * Several files of one kind as one dataset (e.g. asn-ipv4.csv and
 * asn-ipv6.csv). Overlapping ranges with different values are an error naming
 * both files. path and format join the parts with ", "; sha256 is the digest of
 * the parts' hex digests, each followed by a newline, so it changes when any
 * part does; build_epoch (and age_source) is the oldest part's.
 */
int eg_dataset_load_files(const char *const *paths, size_t n, enum eg_data_kind kind,
			  struct eg_dataset *ds, struct eg_error *err);

/*
 * eg_dataset_load_files for a caller that reads runs, not ranges (the world):
 * the dataset comes back compacted (eg_dataset_compact), and a single
 * MaxMind DB file is walked straight into runs, never into a range list.
 */
int eg_dataset_load_compact(const char *const *paths, size_t n, enum eg_data_kind kind,
			    struct eg_dataset *ds, struct eg_error *err);

/* For the readers (datasrc.c, datasrc_stream.c, datasrc_merge.c). */
/* eg_dataset_load; runs_ok: a reader that can may fill ds->runs instead of ds->ranges. */
int eg_dataset_load_as(const char *path, enum eg_data_kind kind, int runs_ok, struct eg_dataset *ds,
		       struct eg_error *err);
/*
 * What every load does after its reader (rc: the reader's): refuse a dataset
 * without ranges, resolve overlaps, set path, format and description. 0 or -1.
 */
int eg_dataset_finish(struct eg_dataset *out, int rc, const char *name, const char *format,
		      int gzipped, struct eg_error *err);
/*
 * A plain CSV or TSV range file (no gzip, no other format's marks) parsed
 * and digested piece by piece as it is read, never whole in memory: the
 * digest is of the very bytes parsed. 1 when path is not such a file (read
 * it from a snapshot then); *mtime is the file's.
 */
int eg_dataset_stream(const char *path, struct eg_dataset *ds, uint64_t *mtime,
		      struct eg_error *err);

#endif
