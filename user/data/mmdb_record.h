/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* MaxMind DB data records: the value of each, decoded once. */
#ifndef EXFILGUARD_MMDB_RECORD_H
#define EXFILGUARD_MMDB_RECORD_H

#include <maxminddb.h>
#include <stdint.h>
#include <string.h>
#include "dataset.h"
#include "error.h"

/* Decoded value of one data record: many networks share one record. */
struct cached_value {
	uint32_t offset_plus1; /* 0: free slot */
	uint32_t value;	       /* 0: the record has no usable value */
};

struct value_cache {
	struct cached_value *slots;
	size_t cap, n;
};

struct eg_mmdb_values {
	MMDB_s *db;
	const char *name;      /* for messages */
	struct eg_dataset *ds; /* its kind; counts n_records and n_skipped */
	struct value_cache cache;
	struct eg_name_table names; /* AS names, for ds->names */
};

/*
 * Value of the data record at offset in the data section (0: the record has
 * none), decoding each record once. Errors name the record's offset.
 */
int eg_mmdb_record_value(struct eg_mmdb_values *w, uint32_t offset, uint32_t *value,
			 struct eg_error *err);
void eg_mmdb_values_free(struct eg_mmdb_values *w);

#endif
