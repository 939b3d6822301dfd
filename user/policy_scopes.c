// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A policy's scopes: workloads (cgroup globs, container ids, pod UIDs) with
 * a mode, default and rules of their own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "container.h"
#include "policy_impl.h"

/* ---- match: which workloads ---- */

static int parse_words(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
		       struct eg_policy_words *w, int (*valid)(const char *), const char *what)
{
	char shown[EG_YAML_SHOWN];
	struct eg_yaml_list list;

	if (eg_yaml_list_get(ctx, key, value, 0, &list))
		return -1;
	w->v = calloc(list.n, sizeof(*w->v));
	if (!w->v)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	for (size_t i = 0; i < list.n; i++) {
		yaml_node_t *item = eg_yaml_list_at(ctx, &list, i);
		const char *text = (const char *)item->data.scalar.value;

		if (valid && !valid(text))
			return eg_yaml_fail(ctx, item->start_mark, "bad %s %s", what,
					    eg_yaml_show_scalar(item, shown));
		w->v[i] = strdup(text);
		if (!w->v[i])
			return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
		w->n = i + 1;
	}
	return 0;
}

static int glob_valid(const char *text)
{
	return text[0] == '/';
}

static int match_cgroup(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no)
{
	(void)rule_no;
	return parse_words(ctx, key, value, &((struct eg_policy_scope *)target)->cgroups,
			   glob_valid,
			   "cgroup glob (it must start with \"/\", the cgroup v2 root)");
}

static int match_container(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			   size_t rule_no)
{
	(void)rule_no;
	return parse_words(ctx, key, value, &((struct eg_policy_scope *)target)->container_ids,
			   eg_container_id_selector_valid,
			   "container id (64 hex characters, or a prefix of at least 12)");
}

static int match_pod(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		     size_t rule_no)
{
	(void)rule_no;
	return parse_words(ctx, key, value, &((struct eg_policy_scope *)target)->pod_uids,
			   eg_pod_uid_selector_valid, "pod UID");
}

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
	return sc->name ? 0 : eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
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

static int parse_scope(struct eg_yaml *ctx, yaml_node_t *node, size_t no,
		       struct eg_policy_scope *sc)
{
	yaml_node_t *seen[MAX_KEYS] = {0};
	char where[48];

	sc->line = node->start_mark.line + 1;
	sc->body.path = strdup(ctx->name);
	if (!sc->body.path)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
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
	yaml_node_item_t *items;
	size_t n;

	(void)rule_no;
	if (eg_yaml_is_null(value))
		return 0;
	if (value->type != YAML_SEQUENCE_NODE)
		return eg_yaml_fail(ctx, eg_yaml_value_mark(key, value),
				    "\"scopes\" must be a sequence of scopes, got %s",
				    eg_yaml_kind(value));
	items = value->data.sequence.items.start;
	n = value->data.sequence.items.top - items;
	if (n > EG_MAX_SCOPES)
		return eg_yaml_fail(ctx, value->start_mark, "%zu scopes; a policy holds at most %d",
				    n, EG_MAX_SCOPES);
	if (!n)
		return 0;
	policy->scopes = calloc(n, sizeof(*policy->scopes));
	if (!policy->scopes)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	policy->n_scopes = n;
	for (size_t i = 0; i < n; i++)
		if (parse_scope(ctx, yaml_document_get_node(ctx->doc, items[i]), i + 1,
				&policy->scopes[i]))
			return -1;
	return 0;
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
