/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the readers of providers' published range files (AWS ip-ranges.json,
 * Google cloud.json/goog.json, Azure Service Tags, Oracle
 * public_ip_ranges.json) share: telling the file by the keys near its start,
 * parsing it with json-c, walking its list of entries, adding each CIDR as a
 * range whose value is the operator of its region (operators.h).
 */
#ifndef EXFILGUARD_CLOUD_JSON_H
#define EXFILGUARD_CLOUD_JSON_H

#include <json-c/json.h>
#include "format.h"
#include "operators.h"

/* Does buf start with '{' and hold every one of markers (NULL-terminated) near the start? */
int eg_cloud_probe(const uint8_t *buf, size_t len, const char *const *markers, const char *what,
		   char *why, size_t why_len);

/* One entry of the file's list; adds its ranges to ds. */
typedef int (*eg_cloud_visit)(json_object *item, size_t index, json_object *root,
			      struct eg_dataset *ds, const char *name, struct eg_error *err);

struct eg_cloud_reader {
	const char *description; /* "AWS ip-ranges.json" */
	const char *date_key;	 /* top-level member holding the build date, or NULL */
	const char *list_key;	 /* top-level array of entries ("prefixes") */
	const char *list6_key;	 /* a second, optional array ("ipv6_prefixes"), or NULL */
	eg_cloud_visit visit;
};

/*
 * Parse buf and call r->visit for each entry of its list(s). Sets
 * ds->description and, when the file says it, ds->build_epoch. Errors name
 * the file and the byte offset (bad JSON) or the entry (bad content).
 */
int eg_cloud_read(const struct eg_cloud_reader *r, const uint8_t *buf, size_t len, const char *name,
		  struct eg_dataset *ds, struct eg_error *err);

/* Add the CIDR text (from entry index of the file) with the operator value. */
int eg_cloud_add(struct eg_dataset *ds, const char *name, size_t index, const char *text,
		 uint32_t value, struct eg_error *err);
/* Add every CIDR of an array of strings, or of objects with the CIDR under key (key non-NULL). */
int eg_cloud_add_all(struct eg_dataset *ds, const char *name, size_t index, json_object *arr,
		     const char *key, uint32_t value, struct eg_error *err);
/* The string member key of o, or NULL. */
const char *eg_json_string(json_object *o, const char *key);
/* The string member key, else the string member other, of o; or NULL. */
const char *eg_json_either(json_object *o, const char *key, const char *other);
/* "2024-05-14-21-13-06", "2024-05-14T13:31:57.249" or "2024-05-14 13:31:57" (UTC): seconds, 0 if
 * not a date. */
uint64_t eg_cloud_date(const char *text);

/*
 * The format-table row of a reader (format.h): var, its name ("aws-json"),
 * the fields of its struct eg_cloud_reader, and the top-level keys that tell
 * the file.
 */
#define EG_CLOUD_FORMAT(var, fmt_name, desc, date, list, list6, visitor, ...)                      \
	static const struct eg_cloud_reader var##_reader = {desc, date, list, list6, visitor};     \
	static int var##_probe(const uint8_t *buf, size_t len, char *why, size_t why_len)          \
	{                                                                                          \
		static const char *const markers[] = {__VA_ARGS__, NULL};                          \
                                                                                                   \
		return eg_cloud_probe(buf, len, markers, desc, why, why_len);                      \
	}                                                                                          \
	static int var##_read(const uint8_t *buf, size_t len, const char *name,                    \
			      struct eg_dataset *ds, const char **format, struct eg_error *err)    \
	{                                                                                          \
		(void)format;                                                                      \
		return eg_cloud_read(&var##_reader, buf, len, name, ds, err);                      \
	}                                                                                          \
	const struct eg_format var = {.name = fmt_name,                                            \
				      .kinds = EG_KIND_BIT(EG_DATA_PROVIDER),                      \
				      .probe = var##_probe,                                        \
				      .read = var##_read}

#endif
