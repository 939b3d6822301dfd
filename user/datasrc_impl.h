/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Internals shared by datasrc.c and its readers (mmdb_source.c, range_source.c). */
#ifndef EXFILGUARD_DATASRC_IMPL_H
#define EXFILGUARD_DATASRC_IMPL_H

#include <endian.h>
#include <string.h>
#include "datasrc.h"

/* AS organisation names while reading: a hash table, first name of an ASN wins. */
struct eg_name_table {
	struct eg_asn_name *slots; /* asn 0 marks a free slot */
	size_t cap, n;
};

int eg_names_put(struct eg_name_table *t, uint32_t asn, const char *name, size_t len);
/* Move the names into ds->names, sorted by ASN; the table is left empty. */
int eg_names_finish(struct eg_name_table *t, struct eg_dataset *ds);
void eg_names_free(struct eg_name_table *t);

/*
 * The readers fill ds->ranges (any order), ds->names, the counters, and for
 * MaxMind DBs description and build_epoch. Their messages start with name.
 */
int eg_mmdb_read(const uint8_t *buf, size_t len, const char *name, struct eg_dataset *ds,
		 struct eg_error *err);
/* Sets *format to "csv" or "tsv". */
int eg_text_read(const char *buf, size_t len, const char *name, struct eg_dataset *ds,
		 const char **format, struct eg_error *err);

/* Does buf hold the MaxMind DB metadata marker where the format puts it (the last 128 KiB)? */
int eg_is_mmdb(const uint8_t *buf, size_t len);

/* 16-byte addresses (big-endian) as numbers. */
static inline unsigned __int128 eg_addr_u128(const uint8_t a[16])
{
	uint64_t hi, lo;

	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return (unsigned __int128)be64toh(hi) << 64 | be64toh(lo);
}

static inline void eg_u128_addr(unsigned __int128 v, uint8_t a[16])
{
	uint64_t hi = htobe64((uint64_t)(v >> 64)), lo = htobe64((uint64_t)v);

	memcpy(a, &hi, 8);
	memcpy(a + 8, &lo, 8);
}

#endif
