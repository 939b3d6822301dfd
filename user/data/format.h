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

/* The bit of a kind (enum eg_data_kind) in struct eg_format.kinds. */
#define EG_KIND_BIT(kind) (1u << (kind))
/* Country and ASN datasets: what the address-space formats give. */
#define EG_KINDS_ADDRESS (EG_KIND_BIT(EG_DATA_COUNTRY) | EG_KIND_BIT(EG_DATA_ASN))

struct eg_format {
	const char *name; /* as ds->format says it ("mmdb", "csv") */
	unsigned kinds;	  /* EG_KIND_BIT() of each kind of dataset it gives */
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
	/*
	 * Optional, for a reader that needs a file (libmaxminddb opens paths):
	 * the same from fd, a sealed memfd holding exactly the len bytes probed,
	 * so it need not copy the content into one of its own. The reader owns
	 * fd (closes it), so the content's memory goes when its mapping does.
	 */
	int (*read_sealed)(size_t len, int fd, const char *name, struct eg_dataset *ds,
			   struct eg_error *err);
};

extern const struct eg_format eg_format_mmdb; /* mmdb.c */
extern const struct eg_format eg_format_text; /* text.c: CSV and TSV range files */
/*
 * The text reader fed as a file is read (datasrc_stream.c), so a big range
 * file needs no copy of itself in memory. feed parses buf's complete lines
 * (all of it when at_end) and says how many bytes it used (the rest starts
 * the next feed), or -1 on a bad line (err says which); end frees the
 * stream, taking the AS names into the dataset when ok, and sets *format.
 */
struct eg_text_stream;
struct eg_text_stream *eg_text_stream_new(const char *name, struct eg_dataset *ds, size_t size_hint,
					  struct eg_error *err);
long eg_text_stream_feed(struct eg_text_stream *s, const char *buf, size_t len, int at_end);
int eg_text_stream_end(struct eg_text_stream *s, int ok, const char **format);
/* Providers' published range files (cloud_json.c and one file each). */
extern const struct eg_format eg_format_aws;	/* ranges_aws.c: AWS ip-ranges.json */
extern const struct eg_format eg_format_google; /* ranges_google.c: cloud.json, goog.json */
extern const struct eg_format eg_format_azure;	/* ranges_azure.c: Azure Service Tags */
extern const struct eg_format eg_format_oracle; /* ranges_oracle.c: public_ip_ranges.json */

#endif
