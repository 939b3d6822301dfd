// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A policy's scopes: workloads (cgroup globs, container ids, pod UIDs) with
 * a mode, default and rules of their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "container.h"
#include "policy_impl.h"

/* ---- match: which workloads ---- */

static int glob_valid(const char *text)
{
	return text[0] == '/';
}

/* A match key: a list of words, each checked by valid, into field of the scope. */
#define MATCH_PARSER(fn, field, valid, what)                                                       \
	static int fn(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,     \
		      size_t rule_no)                                                              \
	{                                                                                          \
		struct eg_policy_words *w = &((struct eg_policy_scope *)target)->field;            \
                                                                                                   \
		(void)rule_no;                                                                     \
		return eg_yaml_strings(ctx, key, value, 0, valid, what, &w->v, &w->n);             \
	}
MATCH_PARSER(match_cgroup, cgroups, glob_valid,
	     "cgroup glob (it must start with \"/\", the cgroup v2 root)")
MATCH_PARSER(match_container, container_ids, eg_container_id_selector_valid,
	     "container id (64 hex characters, or a prefix of at least 12)")
MATCH_PARSER(match_pod, pod_uids, eg_pod_uid_selector_valid, "pod UID")

static const struct eg_yaml_key match_keys[] = {
	{.key = "cgroup", .parse = match_cgroup},
	{.key = "container_id", .parse = match_container},
	{.key = "pod_uid", .parse = match_pod},
};

/* ---- one scope ---- */

static int scope_name(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_scope *sc = target;
	const char *text;

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "a label", &text))
		return -1;
	sc->name = strdup(text);
	return sc->name ? 0 : eg_yaml_oom(ctx);
}

static int scope_match(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	yaml_node_t *seen[MAX_KEYS] = {0};

	(void)rule_no;
	if (value->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(
			ctx, eg_yaml_value_mark(key, value),
			"\"match\" must be a mapping (cgroup, container_id, pod_uid), got %s",
			eg_yaml_kind(value));
	return EG_YAML_WALK(ctx, value, match_keys, "in match", target, 0, seen);
}

static int scope_mode(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_scope *sc = target;

	sc->mode_set = 1;
	return policy_parse_mode(ctx, key, value, &sc->body, rule_no);
}

static int scope_default(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			 size_t rule_no)
{
	struct eg_policy_scope *sc = target;

	sc->default_set = 1;
	return policy_parse_default(ctx, key, value, &sc->body, rule_no);
}

static int scope_rules(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	return policy_parse_rules(ctx, key, value, &((struct eg_policy_scope *)target)->body,
				  rule_no);
}

static int scope_allow_delegated(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
				 void *target, size_t rule_no)
{
	struct eg_policy_scope *sc = target;
	char shown[EG_YAML_SHOW_MAX + 16];
	const char *text;

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "true or false", &text))
		return -1;
	if (strcmp(text, "true") && strcmp(text, "false"))
		return eg_yaml_fail(ctx, value->start_mark,
				    "allow_delegated must be true or false, got %s",
				    eg_yaml_show_scalar(value, shown));
	sc->allow_delegated = strcmp(text, "true") == 0;
	return 0;
}

static const struct eg_yaml_key scope_keys[] = {
	{.key = "name", .parse = scope_name},
	{.key = "match", .parse = scope_match},
	{.key = "mode", .parse = scope_mode},
	{.key = "default", .parse = scope_default},
	{.key = "rules", .parse = scope_rules},
	{.key = "allow_delegated", .parse = scope_allow_delegated},
};

static int parse_scope(struct eg_yaml *ctx, yaml_node_t *node, size_t no, void *item)
{
	struct eg_policy_scope *sc = item;
	yaml_node_t *seen[MAX_KEYS] = {0};
	char where[48];

	sc->line = node->start_mark.line + 1;
	sc->body.path = strdup(ctx->name);
	if (!sc->body.path)
		return eg_yaml_oom(ctx);
	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(
			ctx, node->start_mark,
			"scope %zu must be a mapping (name, match, mode, default, rules), "
			"got %s",
			no, eg_yaml_kind(node));
	snprintf(where, sizeof(where), "in scope %zu", no);
	if (EG_YAML_WALK(ctx, node, scope_keys, where, sc, no, seen))
		return -1;
	if (!sc->name)
		return eg_yaml_fail(ctx, node->start_mark, "scope %zu has no \"name\"", no);
	if (!sc->cgroups.n && !sc->container_ids.n && !sc->pod_uids.n)
		return eg_yaml_fail(
			ctx, node->start_mark,
			"scope %zu (%s) has no \"match\" (cgroup, container_id or pod_uid)", no,
			sc->name);
	return 0;
}

int policy_parse_scopes(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no)
{
	struct eg_policy *policy = target;

	(void)rule_no;
	return policy_parse_list(ctx, key, value, EG_MAX_SCOPES, sizeof(*policy->scopes),
				 parse_scope, (void **)&policy->scopes, &policy->n_scopes);
}

void policy_inherit_scope_settings(struct eg_policy *policy)
{
	for (size_t i = 0; i < policy->n_scopes; i++) {
		struct eg_policy_scope *sc = &policy->scopes[i];

		if (!sc->mode_set)
			sc->body.mode = policy->mode;
		if (!sc->default_set)
			sc->body.default_action = policy->default_action;
	}
}
