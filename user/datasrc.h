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
	EG_DATA_ASN,     /* value: AS number */
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
	char *format;      /* "mmdb", "csv", "tsv" (with ".gz" when compressed) */
	char *description; /* mmdb database_type, or the file's base name */
	uint64_t build_epoch; /* mmdb build time, else the file's mtime */
	char sha256[65];   /* hex digest of the file as stored (the dataset version) */
	struct eg_range_list ranges; /* sorted by first, non-overlapping */
	struct eg_asn_name *names;   /* sorted by asn */
	size_t n_names;
};

/*
 * Read a dataset of the given kind. The format is detected from the content:
 * gzip magic (then the inner content), the MaxMind DB metadata marker, else
 * a CSV or TSV range file ("start,end,value[,...]"; iptoasn TSV
 * "start\tend\tasn\tcountry\torg"). Errors name the file and the line (text)
 * or byte offset (binary) and what is wrong; on error *ds is left empty.
 */
int eg_dataset_load(const char *path, enum eg_data_kind kind, struct eg_dataset *ds,
		    struct eg_error *err);
void eg_dataset_free(struct eg_dataset *ds);
/* Organisation of an AS, or NULL. */
const char *eg_dataset_asn_name(const struct eg_dataset *ds, uint32_t asn);

/* Range helpers shared by the readers. */
int eg_range_list_add(struct eg_range_list *l, const uint8_t first[16], const uint8_t last[16],
		      uint32_t value);
/* Sort by first address; fail (naming both ranges) when two overlap with different values. */
int eg_range_list_normalize(struct eg_range_list *l, const char *path, struct eg_error *err);
void eg_range_list_free(struct eg_range_list *l);

/*
 * Split an inclusive range into the minimal list of CIDRs; calls emit for
 * each (addr, prefix length in the 16-byte form). Neighbours with the same
 * value should be merged before (eg_range_list_normalize does).
 */
void eg_range_to_cidrs(const uint8_t first[16], const uint8_t last[16],
		       void (*emit)(const uint8_t addr[16], unsigned plen16, void *ctx), void *ctx);

#endif
