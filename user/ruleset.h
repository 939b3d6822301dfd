/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A policy compiled into the entries the kernel's rule trie holds, plus a
 * userspace longest-prefix-match over the same entries for `lookup`.
 */
#ifndef EXFILGUARD_RULESET_H
#define EXFILGUARD_RULESET_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "policy.h"

struct eg_ruleset_entry {
	struct eg_rule_key key; /* exactly what goes into EG_MAP_RULES */
	struct eg_rule value;
};

struct eg_selector_entry {
	struct eg_selector_key key; /* exactly what goes into EG_MAP_SELECTORS */
	struct eg_rule value;
};

struct eg_ruleset {
	struct eg_policy_hdr hdr; /* what goes into EG_MAP_POLICY */
	struct eg_ruleset_entry *entries;
	size_t n_entries;
	struct eg_lpm_node *root;	     /* userspace mirror of the trie */
	struct eg_selector_entry *selectors; /* sorted by key, for lookups */
	size_t n_selectors;
};

struct eg_catalog;

/*
 * The same, resolving provider ids against catalog (NULL: a policy that
 * names a provider is refused). Fails naming file:line:column for an unknown
 * provider, and for a value two rules select by the same kind.
 */
int eg_ruleset_build_with(const struct eg_policy *policy, const struct eg_catalog *catalog,
			  uint32_t policy_id, struct eg_ruleset *rs, struct eg_error *err);
/* The rule selecting (kind, value), as the kernel's selector map answers; NULL for none. */
const struct eg_rule *eg_ruleset_selector(const struct eg_ruleset *rs, uint32_t kind,
					  uint32_t value);

/*
 * Compile policy for policy slot `policy_id`. Fails (naming both rules and
 * their lines) when two rules list the same prefix, since one trie key can
 * hold only one rule.
 */
int eg_ruleset_build(const struct eg_policy *policy, uint32_t policy_id, struct eg_ruleset *rs,
		     struct eg_error *err);
/* Longest-prefix match of addr (16-byte form), as the kernel trie answers it; NULL for none. */
const struct eg_rule *eg_ruleset_lookup(const struct eg_ruleset *rs, const uint8_t addr[16]);
void eg_ruleset_free(struct eg_ruleset *rs);

#endif
