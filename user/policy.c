// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Policy files: YAML read with libyaml's document API, then walked with a
 * table per mapping (top level, rule), so every key has one handler and
 * every error points at the line and column of what is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "catalog.h"
#include "container.h"
#include "file.h"
#include "values.h"
#include "policy.h"
#include "yaml_doc.h"

/* The file being read (first, so handlers get it as a struct eg_yaml) and what it builds. */
struct parse_ctx {
	struct eg_yaml y;
	size_t n_prefixes;  /* CIDRs so far, against EG_MAX_RULE_PREFIXES */
	size_t n_selectors; /* class selector values so far, against EG_MAX_SELECTORS */
};

static struct parse_ctx *policy_ctx(struct eg_yaml *y)
{
	return (struct parse_ctx *)y;
}

/* A rule's keys: selectors (group SELECTOR) decide which destinations it matches. */
struct rule_key {
	struct eg_yaml_key k;
	/* Appends the selector to a rule's one-line text. */
	void (*render)(FILE *out, const struct eg_policy_rule *rule);
};

#define SELECTOR 1 /* a rule needs at least one */

static const char *const action_names[] = {
	[EG_ACT_ALLOW] = "allow",
	[EG_ACT_DENY] = "deny",
	[EG_ACT_AUDIT] = "audit",
};

static const char *const mode_names[] = {
	[EG_MODE_ENFORCE] = "enforce",
	[EG_MODE_AUDIT] = "audit",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
	free(policy->data.country);
	free(policy->data.asn);
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

static int parse_mode(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy *policy = target;
	char shown[EG_YAML_SHOWN];
	const char *text;
	int mode;

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "enforce or audit", &text))
		return -1;
	mode = eg_mode_from_name(text);
	if (mode < 0)
		return eg_yaml_fail(ctx, value->start_mark,
				    "unknown mode %s (expected enforce or audit)",
				    eg_yaml_show_scalar(value, shown));
	policy->mode = mode;
	return 0;
}

/* An action word ("default" or a rule's "action"): allow, deny or audit. */
static int action_value(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
			enum eg_action *out)
{
	char shown[EG_YAML_SHOWN];
	const char *text;
	int action;

	if (eg_yaml_word(ctx, key, value, "allow, deny or audit", &text))
		return -1;
	action = eg_action_from_name(text);
	if (action < 0)
		return eg_yaml_fail(
			ctx, value->start_mark, "unknown %s %s (expected allow, deny or audit)",
			(const char *)key->data.scalar.value, eg_yaml_show_scalar(value, shown));
	*out = action;
	return 0;
}

static int parse_default(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			 size_t rule_no)
{
	(void)rule_no;
	return action_value(ctx, key, value, &((struct eg_policy *)target)->default_action);
}

static int parse_rules(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no);

static int parse_data(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no);

static int parse_scopes(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no);

/* on_failure: open | closed */
static int parse_on_failure(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			    size_t rule_no)
{
	struct eg_policy *policy = target;
	char shown[EG_YAML_SHOWN];
	const char *text;

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "open or closed", &text))
		return -1;
	if (strcmp(text, "open") && strcmp(text, "closed"))
		return eg_yaml_fail(ctx, value->start_mark,
				    "unknown on_failure %s (expected open or closed)",
				    eg_yaml_show_scalar(value, shown));
	policy->fail_closed = strcmp(text, "closed") == 0;
	return 0;
}

/* max_data_age: a number with a unit, s, m, h or d ("30d"). */
static int parse_max_data_age(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
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

static const struct eg_yaml_key top_keys[] = {
	{.key = "mode", .parse = parse_mode},
	{.key = "on_failure", .parse = parse_on_failure},
	{.key = "max_data_age", .parse = parse_max_data_age},
	{.key = "default", .parse = parse_default},
	{.key = "data", .parse = parse_data},
	{.key = "rules", .parse = parse_rules},
	{.key = "scopes", .parse = parse_scopes},
	{.key = "outputs", .parse = eg_policy_parse_outputs},
};

/* ---- rules ---- */

static int parse_action(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no)
{
	(void)rule_no;
	return action_value(ctx, key, value, &((struct eg_policy_rule *)target)->action);
}

static int parse_name(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_rule *rule = target;
	const char *text;

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "a label", &text))
		return -1;
	/* The name is shown in one-line rule texts and event logs. */
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return eg_yaml_fail(ctx, value->start_mark,
					    "\"name\" must be one line of printable text");
	rule->name = strdup(text);
	if (!rule->name)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	return 0;
}

/* Count n more prefixes against the kernel trie's size, before allocating them. */
static int reserve_prefixes(struct eg_yaml *ctx, yaml_node_t *key, size_t n, size_t rule_no)
{
	/*
	 * Also what keeps alias-multiplied lists ("billion laughs") from
	 * exploding. The key, not the value: an alias's value sits at its anchor.
	 */
	if (n > EG_MAX_RULE_PREFIXES - policy_ctx(ctx)->n_prefixes)
		return eg_yaml_fail(
			ctx, key->start_mark,
			"rule %zu takes the policy past %d prefixes, the most the rule trie holds",
			rule_no, EG_MAX_RULE_PREFIXES);
	policy_ctx(ctx)->n_prefixes += n;
	return 0;
}

static int parse_cidr(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_rule *rule = target;
	char shown[EG_YAML_SHOWN];
	struct eg_yaml_list list;
	const char *why;

	if (eg_yaml_list_get(ctx, key, value, rule_no, &list) ||
	    reserve_prefixes(ctx, key, list.n, rule_no))
		return -1;
	rule->cidrs = calloc(list.n, sizeof(*rule->cidrs));
	if (!rule->cidrs)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	rule->n_cidrs = list.n;
	for (size_t i = 0; i < list.n; i++) {
		yaml_node_t *item = eg_yaml_list_at(ctx, &list, i);

		if (eg_cidr_parse((const char *)item->data.scalar.value, &rule->cidrs[i], &why))
			return eg_yaml_fail(ctx, item->start_mark, "bad CIDR %s: %s",
					    eg_yaml_show_scalar(item, shown), why);
	}
	return 0;
}

static void render_cidr(FILE *out, const struct eg_policy_rule *rule)
{
	char text[EG_ADDR_STRLEN];

	if (!rule->n_cidrs)
		return;
	fputs(" cidr: [", out);
	for (size_t i = 0; i < rule->n_cidrs; i++) {
		eg_cidr_format(&rule->cidrs[i], text, sizeof(text));
		fprintf(out, "%s%s", i ? ", " : "", text);
	}
	fputs("]", out);
}

/* ---- class selectors: country, asn, provider, jurisdiction ---- */

static int add_selector(struct eg_yaml *ctx, struct eg_policy_rule *rule,
			const struct eg_policy_selector *sel)
{
	struct eg_policy_selector *grown =
		realloc(rule->selectors, (rule->n_selectors + 1) * sizeof(*grown));

	if (!grown)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	rule->selectors = grown;
	rule->selectors[rule->n_selectors++] = *sel;
	return 0;
}

static int selector_value(struct eg_yaml *ctx, yaml_node_t *item, enum eg_match kind,
			  struct eg_policy_selector *sel)
{
	const char *text = (const char *)item->data.scalar.value;
	char shown[EG_YAML_SHOWN];
	uint16_t cc;

	sel->kind = kind;
	sel->line = item->start_mark.line + 1;
	sel->column = item->start_mark.column + 1;
	switch (kind) {
	case EG_MATCH_COUNTRY:
	case EG_MATCH_JURISDICTION:
		if (eg_country_parse(text, strlen(text), &cc) || !eg_country_known(cc))
			return eg_yaml_fail(
				ctx, item->start_mark,
				"unknown country code %s (expected an ISO 3166-1 alpha-2 "
				"code such as CN or US)",
				eg_yaml_show_scalar(item, shown));
		sel->value = cc;
		return 0;
	case EG_MATCH_ASN:
		if (eg_asn_text_parse(text, &sel->value))
			return eg_yaml_fail(ctx, item->start_mark,
					    "bad AS number %s (expected 1-4294967295, or AS45102)",
					    eg_yaml_show_scalar(item, shown));
		return 0;
	default:
		if (!eg_provider_id_valid(text))
			return eg_yaml_fail(
				ctx, item->start_mark,
				"bad provider id %s (lowercase letters, digits and dashes, "
				"as in the provider catalog)",
				eg_yaml_show_scalar(item, shown));
		sel->provider = strdup(text);
		return sel->provider ? 0
				     : eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	}
}

static int parse_selector_list(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
			       struct eg_policy_rule *rule, size_t rule_no, enum eg_match kind)
{
	struct eg_yaml_list list;

	if (eg_yaml_list_get(ctx, key, value, rule_no, &list))
		return -1;
	if (list.n > EG_MAX_SELECTORS - policy_ctx(ctx)->n_selectors)
		return eg_yaml_fail(ctx, key->start_mark,
				    "rule %zu takes the policy past %d selector values", rule_no,
				    EG_MAX_SELECTORS);
	policy_ctx(ctx)->n_selectors += list.n;
	for (size_t i = 0; i < list.n; i++) {
		struct eg_policy_selector sel = {0};

		if (selector_value(ctx, eg_yaml_list_at(ctx, &list, i), kind, &sel) ||
		    add_selector(ctx, rule, &sel)) {
			free(sel.provider);
			return -1;
		}
	}
	return 0;
}

#define SELECTOR_PARSER(fn, kind)                                                                  \
	static int fn(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,     \
		      size_t rule_no)                                                              \
	{                                                                                          \
		return parse_selector_list(ctx, key, value, target, rule_no, kind);                \
	}
SELECTOR_PARSER(parse_country, EG_MATCH_COUNTRY)
SELECTOR_PARSER(parse_asn, EG_MATCH_ASN)
SELECTOR_PARSER(parse_provider, EG_MATCH_PROVIDER)
SELECTOR_PARSER(parse_jurisdiction, EG_MATCH_JURISDICTION)

static void render_selectors(FILE *out, const struct eg_policy_rule *rule, enum eg_match kind,
			     const char *key)
{
	int first = 1;

	for (size_t i = 0; i < rule->n_selectors; i++) {
		const struct eg_policy_selector *sel = &rule->selectors[i];

		if (sel->kind != kind)
			continue;
		fprintf(out, "%s", first ? " " : ", ");
		if (first)
			fprintf(out, "%s: [", key);
		first = 0;
		if (kind == EG_MATCH_ASN)
			fprintf(out, "%u", sel->value);
		else if (kind == EG_MATCH_PROVIDER)
			fputs(sel->provider, out);
		else
			fprintf(out, "%c%c", sel->value >> 8, sel->value & 0xff);
	}
	if (!first)
		fputs("]", out);
}

#define SELECTOR_RENDERER(fn, kind, key)                                                           \
	static void fn(FILE *out, const struct eg_policy_rule *rule)                               \
	{                                                                                          \
		render_selectors(out, rule, kind, key);                                            \
	}
SELECTOR_RENDERER(render_country, EG_MATCH_COUNTRY, "country")
SELECTOR_RENDERER(render_asn, EG_MATCH_ASN, "asn")
SELECTOR_RENDERER(render_provider, EG_MATCH_PROVIDER, "provider")
SELECTOR_RENDERER(render_jurisdiction, EG_MATCH_JURISDICTION, "jurisdiction")

/*
 * The keys a rule may have. A new selector is one more row: its parser,
 * group SELECTOR and a renderer.
 */
static const struct rule_key rule_keys[] = {
	{.k = {.key = "action", .parse = parse_action}},
	{.k = {.key = "cidr", .parse = parse_cidr, .group = SELECTOR}, .render = render_cidr},
	{.k = {.key = "asn", .parse = parse_asn, .group = SELECTOR}, .render = render_asn},
	{.k = {.key = "provider", .parse = parse_provider, .group = SELECTOR},
	 .render = render_provider},
	{.k = {.key = "country", .parse = parse_country, .group = SELECTOR},
	 .render = render_country},
	{.k = {.key = "jurisdiction", .parse = parse_jurisdiction, .group = SELECTOR},
	 .render = render_jurisdiction},
	{.k = {.key = "name", .parse = parse_name}},
};

/* ---- data: where the classification comes from ---- */

/* path as written, made relative to the policy file's directory. */
static char *resolve_path(const struct eg_yaml *ctx, const char *path)
{
	const char *slash = strrchr(ctx->name, '/');
	char *out;

	if (path[0] == '/' || !slash)
		return strdup(path);
	if (asprintf(&out, "%.*s/%s", (int)(slash - ctx->name), ctx->name, path) < 0)
		return NULL;
	return out;
}

static int parse_path_list(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, char ***paths,
			   size_t *n)
{
	struct eg_yaml_list list;

	if (eg_yaml_list_get(ctx, key, value, 0, &list))
		return -1;
	*paths = calloc(list.n, sizeof(**paths));
	if (!*paths)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	for (size_t i = 0; i < list.n; i++) {
		(*paths)[i] = resolve_path(
			ctx, (const char *)eg_yaml_list_at(ctx, &list, i)->data.scalar.value);
		if (!(*paths)[i])
			return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
		*n = i + 1;
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
	return data->providers ? 0 : eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
}

static const struct eg_yaml_key data_keys[] = {
	{.key = "country", .parse = parse_data_country},
	{.key = "asn", .parse = parse_data_asn},
	{.key = "providers", .parse = parse_data_providers},
};

#define MAX_KEYS EG_YAML_MAX_KEYS

/* "deny cidr: [198.51.100.0/24] name: x" */
static int render_rule(struct eg_yaml *ctx, struct eg_policy_rule *rule)
{
	size_t size;
	FILE *out;

	out = open_memstream(&rule->text, &size);
	if (!out)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	fputs(eg_action_name(rule->action), out);
	for (size_t i = 0; i < ARRAY_SIZE(rule_keys); i++)
		if (rule_keys[i].render)
			rule_keys[i].render(out, rule);
	if (rule->name)
		fprintf(out, " name: %s", rule->name);
	if (fclose(out) != 0) {
		free(rule->text);
		rule->text = NULL;
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	}
	return 0;
}

static int parse_rule(struct eg_yaml *ctx, yaml_node_t *node, size_t rule_no,
		      struct eg_policy_rule *rule)
{
	yaml_node_t *seen[MAX_KEYS] = {0};
	char where[48], selectors[128];
	int has_selector = 0;

	_Static_assert(ARRAY_SIZE(rule_keys) <= MAX_KEYS, "raise MAX_KEYS");
	rule->line = node->start_mark.line + 1;
	rule->column = node->start_mark.column + 1;
	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(ctx, node->start_mark,
				    "rule %zu must be a mapping (action, a selector, name), got %s",
				    rule_no, eg_yaml_kind(node));
	snprintf(where, sizeof(where), "in rule %zu", rule_no);
	if (EG_YAML_WALK(ctx, node, rule_keys, where, rule, rule_no, seen))
		return -1;
	if (!seen[0]) /* rule_keys[0] is "action" */
		return eg_yaml_fail(ctx, node->start_mark, "rule %zu has no \"action\"", rule_no);
	for (size_t i = 0; i < ARRAY_SIZE(rule_keys); i++)
		has_selector |= rule_keys[i].k.group == SELECTOR && seen[i];
	if (!has_selector)
		return eg_yaml_fail(ctx, node->start_mark, "rule %zu has no selector (%s)", rule_no,
				    eg_yaml_key_list(&rule_keys[0].k, ARRAY_SIZE(rule_keys),
						     sizeof(rule_keys[0]), SELECTOR, selectors,
						     sizeof(selectors)));
	return render_rule(ctx, rule);
}

static int parse_rules(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	struct eg_policy *policy = target;
	yaml_node_item_t *items;
	size_t n;

	(void)key;
	(void)rule_no;
	if (eg_yaml_is_null(value)) /* "rules:" with nothing after it: no rules */
		return 0;
	if (value->type != YAML_SEQUENCE_NODE)
		return eg_yaml_fail(ctx, value->start_mark,
				    "\"rules\" must be a sequence of rules, got %s",
				    eg_yaml_kind(value));
	items = value->data.sequence.items.start;
	n = value->data.sequence.items.top - items;
	/* Rule indexes are 16-bit in the kernel, and 0xffff means "the default". */
	if (n >= EG_RULE_CANARY)
		return eg_yaml_fail(ctx, value->start_mark, "%zu rules; a policy holds at most %u",
				    n, EG_RULE_CANARY - 1);
	if (!n)
		return 0;
	policy->rules = calloc(n, sizeof(*policy->rules));
	if (!policy->rules)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	policy->n_rules = n;
	for (size_t i = 0; i < n; i++)
		if (parse_rule(ctx, yaml_document_get_node(ctx->doc, items[i]), i + 1,
			       &policy->rules[i]))
			return -1;
	return 0;
}

static int parse_data(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy *policy = target;
	yaml_node_t *seen[MAX_KEYS] = {0};

	(void)rule_no;
	policy->data.line = key->start_mark.line + 1;
	if (value->type != YAML_MAPPING_NODE)
		return eg_yaml_fail(ctx, eg_yaml_value_mark(key, value),
				    "\"data\" must be a mapping (country, asn, providers), got %s",
				    eg_yaml_kind(value));
	return EG_YAML_WALK(ctx, value, data_keys, "in data", &policy->data, 0, seen);
}

/* ---- scopes ---- */

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
	return parse_mode(ctx, key, value, &sc->body, rule_no);
}

static int scope_default(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			 size_t rule_no)
{
	struct eg_policy_scope *sc = target;

	sc->default_set = 1;
	return parse_default(ctx, key, value, &sc->body, rule_no);
}

static int scope_rules(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	return parse_rules(ctx, key, value, &((struct eg_policy_scope *)target)->body, rule_no);
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

static int parse_scopes(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
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

/* A scope's mode and default are the node's unless it sets them. */
static void inherit_scope_settings(struct eg_policy *policy)
{
	for (size_t i = 0; i < policy->n_scopes; i++) {
		struct eg_policy_scope *sc = &policy->scopes[i];

		if (!sc->mode_set)
			sc->body.mode = policy->mode;
		if (!sc->default_set)
			sc->body.default_action = policy->default_action;
	}
}

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
	inherit_scope_settings(&parsed);
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
