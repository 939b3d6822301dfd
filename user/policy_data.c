// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A policy's "data" section (where the classification comes from) and how
 * it may age: on_failure and max_data_age.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "policy_impl.h"

/* ---- how the data may age ---- */

/* on_failure: open | closed, as fail_closed 0 | 1 */
static int fail_closed_from_name(const char *name)
{
	return strcmp(name, "closed") == 0 ? 1 : strcmp(name, "open") == 0 ? 0 : -1;
}

int policy_parse_on_failure(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			    size_t rule_no)
{
	(void)rule_no;
	return eg_yaml_choice(ctx, key, value, "open or closed", fail_closed_from_name,
			      &((struct eg_policy *)target)->fail_closed);
}

/* max_data_age: a number with a unit, s, m, h or d ("30d"). */
int policy_parse_max_data_age(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
			      void *target, size_t rule_no)
{
	static const struct {
		char unit;
		uint64_t seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	struct eg_policy *policy = target;
	char shown[EG_YAML_SHOWN], *end;
	unsigned long long n;
	const char *text;

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "a duration such as 30d", &text))
		return -1;
	errno = 0;
	n = strtoull(text, &end, 10);
	for (size_t i = 0; !errno && end != text && n && i < ARRAY_SIZE(units); i++) {
		if (end[0] == units[i].unit && !end[1] && n <= UINT32_MAX) {
			policy->max_data_age = n * units[i].seconds;
			return 0;
		}
	}
	return eg_yaml_fail(
		ctx, value->start_mark,
		"bad max_data_age %s (expected a positive number and a unit s, m, h or d, "
		"as in 30d)",
		eg_yaml_show_scalar(value, shown));
}

/* ---- data: where the classification comes from ---- */

/* path as written, made relative to the policy file's directory. */
/*
 * A data path as the policy means it: relative to the policy file's
 * directory, made absolute and without "..", so that messages name the file
 * that was really looked for (its directory resolved when it exists).
 */
static char *resolve_path(const struct eg_yaml *ctx, const char *path)
{
	const char *slash = strrchr(ctx->name, '/');
	char *joined, *dir_end, dir[PATH_MAX], *out;

	if (path[0] == '/')
		joined = strdup(path);
	else if (asprintf(&joined, "%.*s%s%s", slash ? (int)(slash - ctx->name) : 1,
			  slash ? ctx->name : ".", "/", path) < 0)
		joined = NULL;
	if (!joined)
		return NULL;
	dir_end = strrchr(joined, '/');
	*dir_end = '\0';
	if (!realpath(joined[0] ? joined : "/", dir)) {
		*dir_end = '/';
		return joined; /* no such directory: the message says so, with this path */
	}
	if (asprintf(&out, "%s/%s", strcmp(dir, "/") ? dir : "", dir_end + 1) < 0)
		out = NULL;
	free(joined);
	return out;
}

static int parse_path_list(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, char ***paths,
			   size_t *n)
{
	if (eg_yaml_strings(ctx, key, value, 0, NULL, NULL, paths, n))
		return -1;
	for (size_t i = 0; i < *n; i++) {
		char *resolved = resolve_path(ctx, (*paths)[i]);

		if (!resolved)
			return eg_yaml_oom(ctx);
		free((*paths)[i]);
		(*paths)[i] = resolved;
	}
	return 0;
}

static int parse_data_country(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
			      void *target, size_t rule_no)
{
	struct eg_policy_data *data = target;

	(void)rule_no;
	return parse_path_list(ctx, key, value, &data->country, &data->n_country);
}

static int parse_data_asn(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			  size_t rule_no)
{
	struct eg_policy_data *data = target;

	(void)rule_no;
	return parse_path_list(ctx, key, value, &data->asn, &data->n_asn);
}

static int parse_data_providers(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
				void *target, size_t rule_no)
{
	struct eg_policy_data *data = target;
	const char *text;

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "a catalog file", &text))
		return -1;
	data->providers = resolve_path(ctx, text);
	return data->providers ? 0 : eg_yaml_oom(ctx);
}

static int parse_data_provider_ranges(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
				      void *target, size_t rule_no)
{
	struct eg_policy_data *d = target;

	(void)rule_no;
	return parse_path_list(ctx, key, value, &d->provider_ranges, &d->n_provider_ranges);
}

static const struct eg_yaml_key data_keys[] = {
	{.key = "country", .parse = parse_data_country},
	{.key = "asn", .parse = parse_data_asn},
	{.key = "providers", .parse = parse_data_providers},
	{.key = "provider_ranges", .parse = parse_data_provider_ranges},
};

int policy_parse_data(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy *policy = target;
	yaml_node_t *seen[MAX_KEYS] = {0};

	(void)rule_no;
	policy->data.line = key->start_mark.line + 1;
	if (value->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(ctx, eg_yaml_value_mark(key, value),
				    "\"data\" must be a mapping (country, asn, providers, "
				    "provider_ranges), got %s",
				    eg_yaml_kind(value));
	return EG_YAML_WALK(ctx, value, data_keys, "in data", &policy->data, 0, seen);
}
