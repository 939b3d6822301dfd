// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Policy files: YAML read with libyaml's document API, then walked with a
 * table per mapping (top level, rule), so every key has one handler and
 * every error points at the line and column of what is wrong. This unit
 * holds the top level, the entry points and freeing; the sections are read
 * by policy_rules.c, policy_scopes.c and policy_data.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "file.h"
#include "policy_impl.h"

static const char *const action_names[] = {
	[EG_ACT_ALLOW] = "allow",
	[EG_ACT_DENY] = "deny",
	[EG_ACT_AUDIT] = "audit",
};

static const char *const mode_names[] = {
	[EG_MODE_ENFORCE] = "enforce",
	[EG_MODE_AUDIT] = "audit",
};

static int name_index(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *eg_action_name(enum eg_action action)
{
	return (unsigned)action < ARRAY_SIZE(action_names) ? action_names[action] : "unknown";
}

const char *eg_mode_name(enum eg_mode mode)
{
	return (unsigned)mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : "unknown";
}

int eg_action_from_name(const char *name)
{
	return name_index(action_names, ARRAY_SIZE(action_names), name);
}

int eg_mode_from_name(const char *name)
{
	return name_index(mode_names, ARRAY_SIZE(mode_names), name);
}

static void words_free(struct eg_policy_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

void eg_policy_free(struct eg_policy *policy)
{
	if (!policy)
		return;
	for (size_t i = 0; policy->rules && i < policy->n_rules; i++) {
		struct eg_policy_rule *rule = &policy->rules[i];

		for (size_t j = 0; j < rule->n_selectors; j++)
			free(rule->selectors[j].provider);
		free(rule->selectors);
		free(rule->name);
		free(rule->cidrs);
		free(rule->text);
	}
	free(policy->rules);
	for (size_t i = 0; i < policy->data.n_country; i++)
		free(policy->data.country[i]);
	for (size_t i = 0; i < policy->data.n_asn; i++)
		free(policy->data.asn[i]);
	for (size_t i = 0; i < policy->data.n_provider_ranges; i++)
		free(policy->data.provider_ranges[i]);
	free(policy->data.country);
	free(policy->data.asn);
	free(policy->data.provider_ranges);
	free(policy->data.providers);
	for (size_t i = 0; policy->scopes && i < policy->n_scopes; i++) {
		struct eg_policy_scope *sc = &policy->scopes[i];

		words_free(&sc->cgroups);
		words_free(&sc->container_ids);
		words_free(&sc->pod_uids);
		free(sc->name);
		eg_policy_free(&sc->body);
	}
	free(policy->scopes);
	free(policy->path);
	eg_policy_outputs_free(&policy->outputs);
	memset(policy, 0, sizeof(*policy));
}

/* ---- top level ---- */

int policy_parse_mode(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	int mode;

	(void)rule_no;
	if (eg_yaml_choice(ctx, key, value, "enforce or audit", eg_mode_from_name, &mode))
		return -1;
	((struct eg_policy *)target)->mode = mode;
	return 0;
}

int policy_parse_default(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			 size_t rule_no)
{
	(void)rule_no;
	return policy_action_value(ctx, key, value, &((struct eg_policy *)target)->default_action);
}

int policy_parse_list(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, size_t max,
		      size_t size, policy_item_fn *parse_item, void **array, size_t *n)
{
	const char *k = (const char *)key->data.scalar.value;
	yaml_node_item_t *items;
	size_t count;

	if (eg_yaml_is_null(value)) /* "rules:" with nothing after it: no rules */
		return 0;
	if (value->type != YAML_SEQUENCE_NODE)
		return eg_yaml_fail(ctx, value->start_mark,
				    "\"%s\" must be a sequence of %s, got %s", k, k,
				    eg_yaml_kind(value));
	items = value->data.sequence.items.start;
	count = value->data.sequence.items.top - items;
	if (count > max)
		return eg_yaml_fail(ctx, value->start_mark, "%zu %s; a policy holds at most %zu",
				    count, k, max);
	if (!count)
		return 0;
	*array = calloc(count, size);
	if (!*array)
		return eg_yaml_oom(ctx);
	*n = count;
	for (size_t i = 0; i < count; i++)
		if (parse_item(ctx, eg_yaml_node(ctx, items[i]), i + 1, (char *)*array + i * size))
			return -1;
	return 0;
}

static const struct eg_yaml_key top_keys[] = {
	{.key = "mode", .parse = policy_parse_mode},
	{.key = "on_failure", .parse = policy_parse_on_failure},
	{.key = "max_data_age", .parse = policy_parse_max_data_age},
	{.key = "default", .parse = policy_parse_default},
	{.key = "data", .parse = policy_parse_data},
	{.key = "rules", .parse = policy_parse_rules},
	{.key = "scopes", .parse = policy_parse_scopes},
	{.key = "nat64_prefixes", .parse = policy_parse_nat64_prefixes},
	{.key = "raw_sockets", .parse = policy_parse_raw_sockets},
	{.key = "outputs", .parse = eg_policy_parse_outputs},
};
_Static_assert(ARRAY_SIZE(top_keys) <= MAX_KEYS, "MAX_KEYS covers the top-level keys");

/* ---- documents ---- */

static int parse_top(struct eg_yaml *ctx, yaml_node_t *root, void *policy)
{
	yaml_node_t *seen[MAX_KEYS] = {0};
	yaml_mark_t start = ctx->doc->start_mark;

	if (!root || eg_yaml_is_null(root))
		return eg_yaml_fail(
			ctx, root ? root->start_mark : start,
			"the policy is empty (expected a mapping with mode, default and rules)");
	if (root->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(
			ctx, root->start_mark,
			"the top level must be a mapping (mode, default, data, rules), got %s",
			eg_yaml_kind(root));
	return EG_YAML_WALK(ctx, root, top_keys, "at the top level", policy, 0, seen);
}

int eg_policy_parse(const char *buf, size_t len, const char *name, struct eg_policy *policy,
		    struct eg_error *err)
{
	struct eg_policy parsed = {.mode = EG_MODE_ENFORCE, .default_action = EG_ACT_ALLOW};
	struct parse_ctx ctx = {.y = {.name = name ? name : "(policy)",
				      .buf = buf,
				      .len = len,
				      .file_kind = "policy",
				      .unit = "rule",
				      .err = err}};

	memset(policy, 0, sizeof(*policy));
	if (len > EG_POLICY_MAX_BYTES)
		return eg_fail(err, EFBIG, "%s: %zu bytes; a policy can be at most %u MiB",
			       ctx.y.name, len, EG_POLICY_MAX_BYTES >> 20);
	parsed.path = strdup(ctx.y.name);
	if (!parsed.path)
		return eg_fail(err, ENOMEM, "%s: out of memory", ctx.y.name);
	if (eg_yaml_parse(&ctx.y, parse_top, &parsed)) {
		eg_policy_free(&parsed);
		return -1;
	}
	policy_inherit_scope_settings(&parsed);
	*policy = parsed;
	return 0;
}

int eg_policy_load(const char *path, struct eg_policy *policy, struct eg_error *err)
{
	const struct eg_file_rules rules = {.max_bytes = EG_POLICY_MAX_BYTES, .what = "a policy"};
	struct eg_file file;
	int rc;

	memset(policy, 0, sizeof(*policy));
	if (eg_file_read(path, &rules, &file, err))
		return -1;
	rc = eg_policy_parse(file.data, file.len, path, policy, err);
	free(file.data);
	return rc;
}
