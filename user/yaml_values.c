// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Values the policy and the provider catalog both read from YAML (see yaml_values.h). */
#include <stdlib.h>
#include <string.h>
#include "yaml_values.h"

int eg_yaml_choice(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, const char *expected,
		   int (*from_name)(const char *name), int *choice)
{
	char shown[EG_YAML_SHOWN];
	const char *text;

	if (eg_yaml_word(y, key, value, expected, &text))
		return -1;
	*choice = from_name(text);
	if (*choice < 0)
		return eg_yaml_fail(y, value->start_mark, "unknown %s %s (expected %s)",
				    (const char *)key->data.scalar.value,
				    eg_yaml_show_scalar(value, shown), expected);
	return 0;
}

int eg_yaml_line(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, const char *what,
		 size_t max, char **out)
{
	const char *k = (const char *)key->data.scalar.value, *text;

	if (eg_yaml_word(y, key, value, what, &text))
		return -1;
	if (strlen(text) > max)
		return eg_yaml_fail(y, value->start_mark, "\"%s\" is longer than %zu bytes", k,
				    max);
	/* Such texts are shown inside one-line rule texts, event logs and listings. */
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return eg_yaml_fail(y, value->start_mark,
					    "\"%s\" must be one line of printable text", k);
	*out = strdup(text);
	return *out ? 0 : eg_yaml_oom(y);
}

int eg_yaml_strings(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, size_t no,
		    int (*valid)(const char *text), const char *what, char ***v, size_t *n)
{
	char shown[EG_YAML_SHOWN];
	struct eg_yaml_list list;

	if (eg_yaml_list_get(y, key, value, no, &list))
		return -1;
	*v = calloc(list.n, sizeof(**v));
	if (!*v)
		return eg_yaml_oom(y);
	for (size_t i = 0; i < list.n; i++) {
		yaml_node_t *item = eg_yaml_list_at(y, &list, i);
		const char *text = (const char *)item->data.scalar.value;

		if (valid && !valid(text))
			return eg_yaml_fail(y, item->start_mark, "bad %s %s", what,
					    eg_yaml_show_scalar(item, shown));
		(*v)[i] = strdup(text);
		if (!(*v)[i])
			return eg_yaml_oom(y);
		*n = i + 1;
	}
	return 0;
}

int eg_yaml_cidrs(struct eg_yaml *y, const struct eg_yaml_list *list, struct eg_cidr **cidrs,
		  size_t *n)
{
	char shown[EG_YAML_SHOWN];
	const char *why;

	*cidrs = calloc(list->n, sizeof(**cidrs));
	if (!*cidrs)
		return eg_yaml_oom(y);
	for (size_t i = 0; i < list->n; i++) {
		yaml_node_t *item = eg_yaml_list_at(y, list, i);

		if (eg_cidr_parse((const char *)item->data.scalar.value, &(*cidrs)[i], &why))
			return eg_yaml_fail(y, item->start_mark, "bad CIDR %s: %s",
					    eg_yaml_show_scalar(item, shown), why);
		*n = i + 1;
	}
	return 0;
}
