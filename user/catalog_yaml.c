// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Reading a provider catalog: a YAML file (format at the top of
 * maps/providers.yaml) read through the policy's YAML machinery, so every
 * error is "file:line:column: what is wrong".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "catalog.h"
#include "file.h"
#include "values.h"
#include "yaml_values.h"

#define CATALOG_MAX_BYTES (16u << 20)
#define NAME_MAX_LEN	  200
#define SOURCE_MAX_LEN	  1000
#define ARRAY_SIZE(a)	  (sizeof(a) / sizeof((a)[0]))

/* ---- one provider's keys ---- */

/* "bad <what> <value>: <hint>", placed at the value. */
static int bad_value(struct eg_yaml *y, yaml_node_t *value, const char *what, const char *hint)
{
	char shown[EG_YAML_SHOWN];

	return eg_yaml_fail(y, value->start_mark, "bad %s %s: %s", what,
			    eg_yaml_show_scalar(value, shown), hint);
}

static int p_id(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target, size_t no)
{
	const char *text;

	_Static_assert(EG_PROVIDER_ID_MAX == 64, "the message below says 1-63");
	(void)no;
	if (eg_yaml_word(y, key, value, "a provider id", &text))
		return -1;
	if (!eg_provider_id_valid(text))
		return bad_value(y, value, "provider id",
				 "use 1-63 of a-z, 0-9 and -, not starting or ending with -");
	strcpy(((struct eg_provider *)target)->id, text);
	return 0;
}

static int p_name(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target, size_t no)
{
	struct eg_provider *prov = target;

	(void)no;
	return eg_yaml_line(y, key, value, "a display name", NAME_MAX_LEN, &prov->name);
}

static int p_jurisdiction(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
			  size_t no)
{
	uint16_t *cc = &((struct eg_provider *)target)->jurisdiction;
	const char *text;

	(void)no;
	if (eg_yaml_word(y, key, value, "a country code", &text))
		return -1;
	if (eg_country_parse(text, strlen(text), cc) == 0 && eg_country_known(*cc))
		return 0;
	return bad_value(y, value, "jurisdiction",
			 "expected an ISO 3166-1 alpha-2 code such as CN or US");
}

static int p_kind(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target, size_t no)
{
	struct eg_provider *prov = target;
	int kind;

	(void)no;
	if (eg_yaml_choice(y, key, value, "cloud, carrier, content or enterprise",
			   eg_provider_kind_from_name, &kind))
		return -1;
	prov->kind = (enum eg_provider_kind)kind;
	return 0;
}

static int asn_text(struct eg_yaml *y, yaml_node_t *node, const char *text,
		    struct eg_provider_asn *a)
{
	char shown[EG_YAML_SHOWN];

	if (eg_asn_text_parse(text, &a->asn))
		return eg_yaml_fail(y, node->start_mark,
				    "bad AS number %s (expected 1-4294967295, or AS45102)",
				    eg_yaml_show_scalar(node, shown));
	return 0;
}

static int a_asn(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target, size_t no)
{
	const char *text;

	(void)no;
	if (eg_yaml_word(y, key, value, "an AS number", &text))
		return -1;
	return asn_text(y, value, text, target);
}

static int a_org(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target, size_t no)
{
	(void)no;
	return eg_yaml_line(y, key, value, "the registry's organisation name", NAME_MAX_LEN,
			    &((struct eg_provider_asn *)target)->org);
}

static int a_source(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
		    size_t no)
{
	(void)no;
	return eg_yaml_line(y, key, value, "a citation", SOURCE_MAX_LEN,
			    &((struct eg_provider_asn *)target)->source);
}

static const struct eg_yaml_key asn_keys[] = {
	{.key = "asn", .parse = a_asn},
	{.key = "org", .parse = a_org},
	{.key = "source", .parse = a_source},
};

/*
 * Walk a mapping of table's keys, whose first n_required rows must be there;
 * "<noun> <no>" names it in messages ("provider 3").
 */
static int walk_entry(struct eg_yaml *y, yaml_node_t *node, const struct eg_yaml_key *table,
		      size_t n, size_t n_required, const char *noun, void *target, size_t no)
{
	yaml_node_t *seen[EG_YAML_MAX_KEYS] = {0};
	char what[48], where[64];

	snprintf(what, sizeof(what), "%s %zu", noun, no);
	snprintf(where, sizeof(where), "in %s", what);
	if (eg_yaml_walk(y, node, table, n, sizeof(*table), where, target, no, seen))
		return -1;
	for (size_t i = 0; i < n_required; i++)
		if (!seen[i])
			return eg_yaml_fail(y, node->start_mark, "%s has no \"%s\"", what,
					    table[i].key);
	return 0;
}

/* An ASN item: a number ("45102", "AS45102") or a mapping with asn, org and source. */
static int asn_item(struct eg_yaml *y, yaml_node_t *item, size_t no, struct eg_provider_asn *a)
{
	const char *text;

	if (item->type == YAML_SCALAR_NODE && !eg_yaml_is_null(item))
		return eg_yaml_text(y, item, "asns", &text) || asn_text(y, item, text, a) ? -1 : 0;
	if (item->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(y, item->start_mark,
				    "an item of \"asns\" in provider %zu must be an AS number or a "
				    "mapping (asn, org, source), got %s",
				    no, eg_yaml_kind(item));
	return walk_entry(y, item, asn_keys, ARRAY_SIZE(asn_keys), 1, "an ASN of provider", a, no);
}

static int p_asns(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target, size_t no)
{
	struct eg_provider *prov = target;
	yaml_node_item_t *items;
	size_t n;

	if (eg_yaml_sequence(y, key, value, UINT16_MAX, &items, &n))
		return -1;
	prov->asns = calloc(n ? n : 1, sizeof(*prov->asns));
	if (!prov->asns)
		return eg_yaml_oom(y);
	for (size_t i = 0; i < n; i++) {
		prov->n_asns = i + 1; /* so that a half-read item is freed */
		if (asn_item(y, eg_yaml_node(y, items[i]), no, &prov->asns[i]))
			return -1;
	}
	return 0;
}

static int p_cidrs(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target, size_t no)
{
	struct eg_provider *prov = target;
	struct eg_yaml_list list;

	if (eg_yaml_list_get(y, key, value, no, &list))
		return -1;
	return eg_yaml_cidrs(y, &list, &prov->cidrs, &prov->n_cidrs);
}

static int p_sources(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
		     size_t no)
{
	struct eg_provider *prov = target;

	return eg_yaml_strings(y, key, value, no, NULL, NULL, &prov->sources, &prov->n_sources);
}

/* Rows 0-3 are required. */
static const struct eg_yaml_key provider_keys[] = {
	{.key = "id", .parse = p_id},
	{.key = "name", .parse = p_name},
	{.key = "jurisdiction", .parse = p_jurisdiction},
	{.key = "kind", .parse = p_kind},
	{.key = "asns", .parse = p_asns},
	{.key = "cidrs", .parse = p_cidrs},
	{.key = "sources", .parse = p_sources},
};

static int parse_provider(struct eg_yaml *y, yaml_node_t *node, size_t no, struct eg_provider *prov)
{
	prov->index = (uint16_t)no;
	prov->line = node->start_mark.line + 1;
	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(y, node->start_mark,
				    "provider %zu must be a mapping (id, name, jurisdiction, kind, "
				    "asns, cidrs, sources), got %s",
				    no, eg_yaml_kind(node));
	if (walk_entry(y, node, provider_keys, ARRAY_SIZE(provider_keys), 4, "provider", prov, no))
		return -1;
	if (!prov->n_asns && !prov->n_cidrs)
		return eg_yaml_fail(y, node->start_mark,
				    "provider %s has neither \"asns\" nor \"cidrs\"", prov->id);
	return 0;
}

static int parse_providers(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
			   size_t no)
{
	struct eg_catalog *cat = target;
	yaml_node_item_t *items;
	size_t n;

	(void)no;
	if (eg_yaml_sequence(y, key, value, UINT16_MAX - 1, &items, &n))
		return -1;
	cat->providers = calloc(n ? n : 1, sizeof(*cat->providers));
	if (!cat->providers)
		return eg_yaml_oom(y);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *node = eg_yaml_node(y, items[i]);
		const struct eg_provider *first;

		cat->n_providers = i + 1;
		if (parse_provider(y, node, i + 1, &cat->providers[i]))
			return -1;
		first = eg_catalog_find(cat, cat->providers[i].id);
		if (first != &cat->providers[i])
			return eg_yaml_fail(y, node->start_mark,
					    "provider \"%s\" is defined twice (first at line %u)",
					    first->id, first->line);
	}
	return 0;
}

static const struct eg_yaml_key top_keys[] = {
	{.key = "providers", .parse = parse_providers},
};

/* ---- entry points ---- */

static int parse_top(struct eg_yaml *y, yaml_node_t *root, void *cat)
{
	yaml_node_t *seen[EG_YAML_MAX_KEYS] = {0};

	if (!root || eg_yaml_is_null(root) || root->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(y, root ? root->start_mark : y->doc->start_mark,
				    "the top level must be a mapping with \"providers\", got %s",
				    eg_yaml_kind(root));
	if (EG_YAML_WALK(y, root, top_keys, "at the top level", cat, 0, seen))
		return -1;
	if (!((struct eg_catalog *)cat)->n_providers)
		return eg_yaml_fail(y, root->start_mark, "no providers defined");
	return 0;
}

int eg_catalog_parse(const char *buf, size_t len, const char *name, struct eg_catalog *cat,
		     struct eg_error *err)
{
	struct eg_yaml y = {.name = name,
			    .buf = buf,
			    .len = len,
			    .file_kind = "catalog",
			    .unit = "provider",
			    .err = err};

	memset(cat, 0, sizeof(*cat));
	cat->path = strdup(name);
	if (!cat->path)
		return eg_fail(err, ENOMEM, "%s: out of memory", name);
	if (len > CATALOG_MAX_BYTES)
		eg_fail(err, EFBIG, "%s: %zu bytes; a catalog can be at most %u MiB", name, len,
			CATALOG_MAX_BYTES >> 20);
	else if (eg_yaml_parse(&y, parse_top, cat) == 0 && eg_catalog_index(cat, err) == 0 &&
		 eg_catalog_check_cidrs(cat, err) == 0)
		return 0;
	eg_catalog_free(cat);
	return -1;
}

int eg_catalog_load(const char *path, struct eg_catalog *cat, struct eg_error *err)
{
	const struct eg_file_rules rules = {
		.max_bytes = CATALOG_MAX_BYTES, .what = "a catalog", .regular_only = 1};
	struct eg_file file;
	int rc;

	memset(cat, 0, sizeof(*cat));
	if (eg_file_read(path, &rules, &file, err))
		return -1;
	rc = eg_catalog_parse(file.data, file.len, path, cat, err);
	free(file.data);
	return rc;
}
