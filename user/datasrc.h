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
#include "error.h"
#include "../maps/exfilguard.h"

enum eg_data_kind {
	EG_DATA_COUNTRY, /* value: ISO 3166-1 alpha-2 code, packed by EG_CC() */
	EG_DATA_ASN,	 /* value: AS number */
};

/* Country codes are packed by EG_CC() of maps/exfilguard.h: 'C','N' -> 0x434e; 0 = unknown. */

struct eg_range {
	uint8_t first[16]; /* net order, IPv4 as ::ffff:a.b.c.d; inclusive */
	uint8_t last[16];  /* inclusive */
	uint32_t value;
};

struct eg_range_list {
	struct eg_range *v;
	size_t n, cap;
};

/* AS organisation names, when the dataset has them (ASN sources only). */
struct eg_asn_name {
	uint32_t asn;
	char *name;
};

struct eg_dataset {
	enum eg_data_kind kind;
	char *path;
	char *format;		     /* "mmdb", "csv", "tsv" (with ".gz" when compressed) */
	char *description;	     /* mmdb database_type, or the file's base name */
	uint64_t build_epoch;	     /* mmdb build time, else the file's mtime */
	char sha256[65];	     /* hex digest of the file as stored (the dataset version) */
	struct eg_range_list ranges; /* sorted by first, non-overlapping */
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

/* Inflated gzip content larger than this is refused (a decompression bomb guard). */
#define EG_DATASET_MAX_BYTES (1ull << 30)
/* The limit in force; the fuzzers lower it to stay inside their memory budget. */
extern uint64_t eg_dataset_max_bytes;

/*
 * Read a dataset of the given kind. The format is detected from the content:
 * gzip magic (then the inner content), the MaxMind DB metadata marker, else
 * a CSV or TSV range file ("start,end,value[,...]"; iptoasn TSV
 * "start\tend\tasn\tcountry\torg"). Errors name the file and the line (text)
 * or byte offset (binary) and what is wrong; on error *ds is left empty.
 * Overlapping ranges with different values inside one file are resolved by
 * eg_range_list_resolve() and counted in n_conflicts, not refused.
 */
int eg_dataset_load(const char *path, enum eg_data_kind kind, struct eg_dataset *ds,
		    struct eg_error *err);
/*
 * The same from memory: name stands for the path in messages and in ds->path;
 * build_epoch is 0 unless the content is a MaxMind DB.
 */
int eg_dataset_load_mem(const void *buf, size_t len, enum eg_data_kind kind, const char *name,
			struct eg_dataset *ds, struct eg_error *err);
/*
 * Several files of one kind as one dataset (e.g. asn-ipv4.csv and
 * asn-ipv6.csv). Overlapping ranges with different values are an error naming
 * both files. path and format join the parts with ", "; sha256 is the digest of
 * the parts' hex digests, each followed by a newline, so it changes when any
 * part does; build_epoch is the newest part's.
 */
int eg_dataset_load_files(const char *const *paths, size_t n, enum eg_data_kind kind,
			  struct eg_dataset *ds, struct eg_error *err);
void eg_dataset_free(struct eg_dataset *ds);
/* Organisation of an AS, or NULL. */
const char *eg_dataset_asn_name(const struct eg_dataset *ds, uint32_t asn);

/* "CN" or "AS45102", as messages print a value of the kind. */
void eg_value_format(enum eg_data_kind kind, uint32_t value, char *buf, size_t len);
/* Two ASCII letters, either case, into EG_CC() form. 0 on success, -1 otherwise. */
int eg_country_parse(const char *text, size_t len, uint16_t *cc);

/* Range helpers shared by the readers. */
/*
 * Append a range (first <= last). A range that continues the last one with
 * the same value extends it instead, which keeps walks of big databases small.
 * 0, or -1 when out of memory.
 */
int eg_range_list_add(struct eg_range_list *l, const uint8_t first[16], const uint8_t last[16],
		      uint32_t value);
/*
 * Sort by first address and merge ranges that overlap or touch with the same
 * value; fail (naming both ranges) when two overlap with different values.
 */
int eg_range_list_normalize(struct eg_range_list *l, const char *path, struct eg_error *err);
/* The same, printing values as the kind spells them ("CN", "AS45102") in messages. */
int eg_range_list_normalize_kind(struct eg_range_list *l, enum eg_data_kind kind, const char *path,
				 struct eg_error *err);
/*
 * Sort and make non-overlapping whatever the list holds: where ranges with
 * different values overlap, the one that starts later wins the overlap (of
 * nested ranges, the more specific; of equal starts, the shorter), as a
 * longest-prefix match would have it. Ranges of one value that overlap or
 * touch merge. Counts the conflicts (overlaps with different values) into
 * *conflicts and describes the first into first[first_len] (may be NULL).
 * 0, or -1 when out of memory.
 */
int eg_range_list_resolve(struct eg_range_list *l, enum eg_data_kind kind, size_t *conflicts,
			  char *first, size_t first_len);
void eg_range_list_free(struct eg_range_list *l);

/*
 * Split an inclusive range into the minimal list of CIDRs; calls emit for
 * each (addr, prefix length in the 16-byte form). Neighbours with the same
 * value should be merged before (eg_range_list_normalize does).
 */
void eg_range_to_cidrs(const uint8_t first[16], const uint8_t last[16],
		       void (*emit)(const uint8_t addr[16], unsigned plen16, void *ctx), void *ctx);

#endif
