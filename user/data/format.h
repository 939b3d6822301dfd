/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Dataset formats: one reader per format, each a row of the table in
 * datasrc.c. A new format is one file defining its row and one line there.
 */
#ifndef EXFILGUARD_FORMAT_H
#define EXFILGUARD_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "dataset.h"
#include "error.h"

struct eg_format {
	const char *name; /* as ds->format says it ("mmdb", "csv") */
	/* Is buf (already inflated, not empty) of this format? If not, why not, in a few words. */
	int (*probe)(const uint8_t *buf, size_t len, char *why, size_t why_len);
	/*
	 * Fill ds->ranges (any order), ds->names, the counters, and where the
	 * format knows them description and build_epoch. *format starts as
	 * name; a reader of several spellings sets it ("tsv"). Messages start
	 * with name (the file's path).
	 */
	int (*read)(const uint8_t *buf, size_t len, const char *name, struct eg_dataset *ds,
		    const char **format, struct eg_error *err);
};

extern const struct eg_format eg_format_mmdb; /* mmdb.c */
extern const struct eg_format eg_format_text; /* text.c: CSV and TSV range files */

#endif
