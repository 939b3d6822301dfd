/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Private to the policy reader (policy*.c): the parse context and the key
 * handlers one unit hands another. policy.c walks the top level, and
 * policy_rules.c, policy_scopes.c and policy_data.c own the sections.
 */
#ifndef EXFILGUARD_POLICY_IMPL_H
#define EXFILGUARD_POLICY_IMPL_H

#include <stddef.h>
#include "policy.h"
#include "yaml_values.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_KEYS      EG_YAML_MAX_KEYS

/* The file being read (first, so handlers get it as a struct eg_yaml) and what it builds. */
struct parse_ctx {
	struct eg_yaml y;
	size_t n_prefixes;  /* CIDRs so far, against EG_MAX_RULE_PREFIXES */
	size_t n_selectors; /* class selector values so far, against EG_MAX_SELECTORS */
};

static inline struct parse_ctx *policy_ctx(struct eg_yaml *y)
{
	return (struct parse_ctx *)y;
}

/* A handler of one key of a mapping, as struct eg_yaml_key's parse takes it. */
typedef int policy_key_fn(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			  size_t rule_no);

/* policy.c: top-level keys a scope also has (target: a struct eg_policy). */
policy_key_fn policy_parse_mode, policy_parse_default;

/* Reads one item of a list (a rule, a scope), numbered no from 1, into item. */
typedef int policy_item_fn(struct eg_yaml *ctx, yaml_node_t *node, size_t no, void *item);
/*
 * A key whose value is a sequence (or nothing) of at most max items: a new
 * array (*array, *n) of items of size bytes, each read by parse_item. *n is
 * set before the items are read, so that a half-read array is freed whole.
 */
int policy_parse_list(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, size_t max,
		      size_t size, policy_item_fn *parse_item, void **array, size_t *n);

/* policy_rules.c */
/* An action word ("default" or a rule's "action"): allow, deny or audit. */
int policy_action_value(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
			enum eg_action *out);
policy_key_fn policy_parse_rules; /* target: a struct eg_policy */

/* policy_data.c (target: a struct eg_policy) */
policy_key_fn policy_parse_data, policy_parse_on_failure, policy_parse_max_data_age;

/* policy_outputs.c (target: a struct eg_policy) */
policy_key_fn eg_policy_parse_outputs;
void eg_policy_outputs_free(struct eg_policy_outputs *o);

/* policy_net.c (target: a struct eg_policy) */
policy_key_fn policy_parse_nat64_prefixes, policy_parse_raw_sockets;

/* policy_scopes.c */
policy_key_fn policy_parse_scopes; /* target: a struct eg_policy */
/* A scope's mode and default are the node's unless it sets them. */
void policy_inherit_scope_settings(struct eg_policy *policy);

#endif
