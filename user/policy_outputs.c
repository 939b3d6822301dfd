// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy_impl.h"

/* One "- type: ..." item as written. */
struct output_item {
	const char *type, *path, *target;
	yaml_node_t *path_key, *target_key;
};

#define OUTPUT_WORD(fn, field, expected)                                                           \
	static int fn(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,       \
		      size_t no)                                                                   \
	{                                                                                          \
		struct output_item *item = target;                                                 \
		(void)no;                                                                          \
		item->field##_key = key;                                                           \
		return eg_yaml_word(y, key, value, expected, &item->field);                        \
	}

static int parse_type(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t no)
{
	(void)no;
	return eg_yaml_word(y, key, value, "file, stdout, journald or syslog",
			    &((struct output_item *)target)->type);
}

OUTPUT_WORD(parse_path, path, "an absolute path")
OUTPUT_WORD(parse_target, target, "udp://HOST:PORT, tcp://HOST:PORT or unix:PATH")

static const struct eg_yaml_key output_keys[] = {
	{.key = "type", .parse = parse_type},
	{.key = "path", .parse = parse_path},
	{.key = "target", .parse = parse_target},
};

/* A key the type does not take. */
static int misplaced(struct eg_yaml *y, yaml_node_t *key, const char *type)
{
	return eg_yaml_fail(y, key->start_mark, "an output of type %s takes no \"%s\"", type,
			    (const char *)key->data.scalar.value);
}

/* The item as a target of `run --output`, allocated into *out. */
static int item_target(struct eg_yaml *y, yaml_node_t *node, const struct output_item *it,
		       char **out)
{
	int n = -1;

	if (!it->type)
		return eg_yaml_fail(y, node->start_mark, "an output needs a \"type\"");
	if (it->path_key && strcmp(it->type, "file"))
		return misplaced(y, it->path_key, it->type);
	if (it->target_key && strcmp(it->type, "syslog"))
		return misplaced(y, it->target_key, it->type);
	if (!strcmp(it->type, "file")) {
		if (!it->path || it->path[0] != '/')
			return eg_yaml_fail(y, node->start_mark,
					    "an output of type file needs an absolute \"path\"");
		n = asprintf(out, "file:%s", it->path);
	} else if (!strcmp(it->type, "syslog") && it->target) {
		n = asprintf(out, "syslog:%s", it->target);
	} else if (!strcmp(it->type, "syslog") || !strcmp(it->type, "stdout") ||
		   !strcmp(it->type, "journald")) {
		n = (*out = strdup(it->type)) ? 0 : -1;
	} else {
		return eg_yaml_fail(y, node->start_mark,
				    "unknown output type \"%s\" (expected file, stdout, journald "
				    "or syslog)",
				    it->type);
	}
	return n < 0 ? eg_yaml_oom(y) : 0;
}

int eg_policy_parse_outputs(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
			    size_t no)
{
	struct eg_policy_outputs *o = &((struct eg_policy *)target)->outputs;
	yaml_node_item_t *items;
	size_t n;

	(void)no;
	if (eg_yaml_sequence(y, key, value, EG_OUTPUTS_MAX, &items, &n))
		return -1;
	o->targets = calloc(n ? n : 1, sizeof(*o->targets));
	if (!o->targets)
		return eg_yaml_oom(y);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *node = eg_yaml_node(y, items[i]), *seen[EG_YAML_MAX_KEYS] = {0};
		struct output_item item = {0};

		if (node->type != YAML_MAPPING_NODE)
			return eg_yaml_fail(y, node->start_mark,
					    "each output must be a mapping (type: ...), got %s",
					    eg_yaml_kind(node));
		if (EG_YAML_WALK(y, node, output_keys, "in an output", &item, i + 1, seen) ||
		    item_target(y, node, &item, &o->targets[i]))
			return -1;
		o->n = i + 1;
	}
	return 0;
}

void eg_policy_outputs_free(struct eg_policy_outputs *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->targets[i]);
	free(o->targets);
	memset(o, 0, sizeof(*o));
}
