/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * DIR/MANIFEST.json, written by `exfilguard data fetch`: for each fetched
 * file its source package and version, the data's build date, its SHA-256
 * and row count. The loader checks a file against it (a file that changed
 * since the fetch is refused) and takes a CSV's build date from it; the next
 * fetch compares its row counts with it.
 */
#ifndef EXFILGUARD_MANIFEST_H
#define EXFILGUARD_MANIFEST_H

#include <stdint.h>
#include <json-c/json.h>
#include "error.h"

#define EG_MANIFEST_NAME "MANIFEST.json"

struct eg_manifest_file {
	char package[128];
	char version[64];
	uint64_t built; /* the data's build date (Unix seconds); 0 when not known */
	char sha256[65];
	uint64_t rows;
};

/*
 * The entry for the file at path in the MANIFEST.json of its directory: 1
 * when found, 0 when there is no manifest or it has no entry for the file,
 * -1 (err set, naming the manifest) when the manifest cannot be read.
 */
int eg_manifest_find(const char *path, struct eg_manifest_file *out, struct eg_error *err);
/* The MANIFEST.json of the directory of the file at path, into out. */
void eg_manifest_path_of(const char *path, char *out, size_t len);
/* The same, for the file named base in the manifest at manifest_path. */
int eg_manifest_find_in(const char *manifest_path, const char *base, struct eg_manifest_file *out,
			struct eg_error *err);
/* One entry as the manifest writes it. */
json_object *eg_manifest_file_json(const struct eg_manifest_file *f);
/*
 * The build date in an ip-location-db package version ("2.3.2026061719":
 * 2026-06-17 19:00 UTC); 0 when the version is not of that form.
 */
uint64_t eg_package_version_date(const char *version);
/* "2026-06-17T19:00:00Z" */
void eg_utc_format(uint64_t t, char *buf, size_t len);

#endif
