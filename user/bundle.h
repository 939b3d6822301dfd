/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Everything a policy needs, loaded and checked together: the policy, its
 * datasets, the provider catalog, the classification built from them and the
 * compiled rules. Any failure leaves nothing loaded, so a bad policy or
 * dataset never replaces the one in force.
 */
#ifndef EXFILGUARD_BUNDLE_H
#define EXFILGUARD_BUNDLE_H

#include <json-c/json.h>
#include "catalog.h"
#include "datasrc.h"
#include "policy.h"
#include "ruleset.h"
#include "world.h"

struct eg_bundle {
	struct eg_policy policy;
	struct eg_catalog catalog;
	struct eg_dataset country, asn; /* kind set and path non-NULL when loaded */
	struct eg_dataset ranges;	/* providers' published range files */
	int have_country, have_asn, have_ranges;
	struct eg_world world;
	int have_world;
	struct eg_ruleset rules;	/* the node-wide policy, slot EG_SLOT_NODE */
	struct eg_ruleset *scope_rules; /* scope i's, slot EG_SLOT_SCOPE(i) */
	size_t n_scope_rules;
	/* What the data was read from, as eg_bundle_data_key says; NULL: never reused. */
	char *data_key;
	/*
	 * The datasets and the world are another bundle's (eg_bundle_reload):
	 * this one frees and trims none of them. Exactly one bundle owns them.
	 */
	int data_borrowed;
};

/* mode_override: -1, or an enum eg_mode that replaces the policy's. */
int eg_bundle_load(const char *policy_path, int mode_override, struct eg_bundle *b,
		   struct eg_error *err);
/*
 * The same for a reload beside in_force (the bundle in force, trimmed): when
 * the policy names the very files in_force's data was read from, unchanged on
 * disk (eg_bundle_data_key), b borrows in_force's datasets and world instead
 * of reading them again (b->data_borrowed). Otherwise in_force first gives up
 * what events do not read (eg_bundle_shed), then the data is read anew.
 */
int eg_bundle_reload(const char *policy_path, int mode_override, struct eg_bundle *in_force,
		     struct eg_bundle *b, struct eg_error *err);
void eg_bundle_free(struct eg_bundle *b);

/* Sharing the data between generations (bundle_share.c). */
/*
 * The identity of the data the policy p names, as it is on disk now: each
 * dataset's, provider range file's and user catalog's resolved path, with
 * device, inode, size, mtime and ctime, and the same of the MANIFEST.json
 * beside each dataset. Taken before the files are read, so a file changed
 * while it is read gets another key next time. NULL (never reused) when the
 * policy names no data, when a file cannot be examined, or when one changed
 * within the last second (a change within the clock's resolution would not
 * show in its times).
 */
char *eg_bundle_data_key(const struct eg_policy *p);
/* Borrow in_force's datasets and world when both keys are the same: 1, else 0. */
int eg_bundle_borrow_data(struct eg_bundle *b, const struct eg_bundle *in_force);
/* to borrowed from's data (eg_bundle_reload) and replaces it: to owns the data from now on. */
void eg_bundle_hand_over(struct eg_bundle *from, struct eg_bundle *to);
/*
 * Free what only a reload could reuse and the events of a bundle in force do
 * not read (the classification's lookup tables: the kernel holds its own), so
 * a reload that reads new data does so beside less. The bundle is no longer
 * lent (its data_key goes).
 */
void eg_bundle_shed(struct eg_bundle *b);
/*
 * Once the kernel tables are built from b (the daemon): free what only
 * building needed, the datasets' range lists and the world's segments, and
 * keep what events need (classes, AS names, dataset versions and ages).
 */
int eg_bundle_trim(struct eg_bundle *b);
/* The policy and its datasets only (no catalog, classification or rules): for their ages. */
int eg_bundle_load_datasets(const char *policy_path, struct eg_bundle *b, struct eg_error *err);

/*
 * When the bundle's data becomes stale under max_data_age, as a wall-clock
 * Unix time in seconds (the oldest dataset's build time plus the age); 0 when
 * the policy sets no max_data_age or has no data.
 */
uint64_t eg_bundle_stale_after(const struct eg_bundle *b);
/* The build time of the oldest dataset in force (Unix seconds); 0 when no data. */
uint64_t eg_bundle_oldest_build(const struct eg_bundle *b);
/*
 * One line (bundle_age.c) for check, lookup, status, run and reload: each
 * dataset's age at now, its build date and where that comes from (build
 * date, manifest, file mtime), the oldest, and whether max_data_age has
 * passed: "data age: country dbip-country.mmdb: 183.2 days (2026-06-01,
 * build date); ... oldest 183.2 days, max_data_age 30.0 days: STALE, ...".
 */
void eg_bundle_describe_age(const struct eg_bundle *b, uint64_t now, char *buf, size_t len);
/* The same as JSON: {"summary": the line, "datasets": [{kind, path, built, age_seconds,
 * age_from}], "oldest_age_seconds", "max_data_age_seconds", "stale"}. */
json_object *eg_bundle_age_json(const struct eg_bundle *b, uint64_t now);
/*
 * For status: the age JSON of the datasets the policy file names, as they
 * are on disk now; a JSON string saying why when they cannot be read.
 */
json_object *eg_policy_data_age_json(const char *policy_path, uint64_t now);

/* The catalog built into the binary (maps/providers.yaml at build time). */
int eg_catalog_load_builtin(struct eg_catalog *cat, struct eg_error *err);

#endif
