/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Everything a policy needs, loaded and checked together: the policy, its
 * datasets, the provider catalog, the classification built from them and the
 * compiled rules. Any failure leaves nothing loaded, so a bad policy or
 * dataset never replaces the one in force.
 */
#ifndef EXFILGUARD_BUNDLE_H
#define EXFILGUARD_BUNDLE_H

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
};

/* mode_override: -1, or an enum eg_mode that replaces the policy's. */
int eg_bundle_load(const char *policy_path, int mode_override, uint32_t policy_id,
		   struct eg_bundle *b, struct eg_error *err);
void eg_bundle_free(struct eg_bundle *b);

/*
 * When the bundle's data becomes stale under max_data_age, as a wall-clock
 * Unix time in seconds (the oldest dataset's build time plus the age); 0 when
 * the policy sets no max_data_age or has no data.
 */
uint64_t eg_bundle_stale_after(const struct eg_bundle *b);

/* The catalog built into the binary (maps/providers.yaml at build time). */
int eg_catalog_load_builtin(struct eg_catalog *cat, struct eg_error *err);

#endif
