// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A policy's rules: the action, the selectors (cidr and the class selectors
 * country, asn, provider, jurisdiction) read through one table of keys, and
 * each rule's one-line text rendered from the same table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catalog.h"
#include "values.h"
#include "policy_impl.h"
#include "suggest.h"

/* A rule's keys: selectors (group SELECTOR) decide which destinations it matches. */
struct rule_key {
	struct eg_yaml_key k;
	/* Appends the selector to a rule's one-line text. */
	void (*render)(FILE *out, const struct eg_policy_rule *rule);
};

#define SELECTOR 1 /* a rule needs at least one */

/* ---- action, name, cidr ---- */

int policy_action_value(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
			enum eg_action *out)
{
	int action;

	if (eg_yaml_choice(ctx, key, value, "allow, deny or audit", eg_action_from_name, &action))
		return -1;
	*out = action;
	return 0;
}

static int parse_action(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no)
{
	(void)rule_no;
	return policy_action_value(ctx, key, value, &((struct eg_policy_rule *)target)->action);
}

static int parse_name(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	(void)rule_no;
	return eg_yaml_line(ctx, key, value, "a label", SIZE_MAX,
			    &((struct eg_policy_rule *)target)->name);
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
			"rule %zu takes the policy past %d prefixes, the most a policy holds",
			rule_no, EG_MAX_RULE_PREFIXES);
	policy_ctx(ctx)->n_prefixes += n;
	return 0;
}

static int parse_cidr(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_rule *rule = target;
	struct eg_yaml_list list;

	if (eg_yaml_list_get(ctx, key, value, rule_no, &list) ||
	    reserve_prefixes(ctx, key, list.n, rule_no))
		return -1;
	return eg_yaml_cidrs(ctx, &list, &rule->cidrs, &rule->n_cidrs);
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
		return eg_yaml_oom(ctx);
	rule->selectors = grown;
	rule->selectors[rule->n_selectors++] = *sel;
	return 0;
}

/* A code, or a spelling standing for several (CN+): the first here, the others by add_more_codes.
 */
static int jurisdiction_value(struct eg_yaml *ctx, yaml_node_t *item,
			      struct eg_policy_selector *sel)
{
	uint16_t codes[EG_JURISDICTION_MAX_CODES];
	char shown[EG_YAML_SHOWN];

	char hint[64];

	if (eg_jurisdiction_parse((const char *)item->data.scalar.value, codes) < 0)
		return eg_yaml_fail(
			ctx, item->start_mark,
			"unknown jurisdiction %s (expected an ISO 3166-1 alpha-2 code "
			"such as CN or US, or CN+ for CN, HK and MO)%s",
			eg_yaml_show_scalar(item, shown),
			eg_suggest_hint(eg_country_suggest((const char *)item->data.scalar.value),
					hint, sizeof(hint)));
	sel->value = codes[0];
	return 0;
}

/* The codes after the first that a jurisdiction spelling stands for ("CN+": HK, MO). */
static int add_more_codes(struct eg_yaml *ctx, yaml_node_t *item, struct eg_policy_rule *rule,
			  const struct eg_policy_selector *first)
{
	uint16_t codes[EG_JURISDICTION_MAX_CODES];
	int n = first->kind == EG_MATCH_JURISDICTION
			? eg_jurisdiction_parse((const char *)item->data.scalar.value, codes)
			: 1;

	for (int k = 1; k < n; k++) {
		struct eg_policy_selector more = *first;

		more.value = codes[k];
		if (++policy_ctx(ctx)->n_selectors > EG_MAX_SELECTORS)
			return eg_yaml_fail(ctx, item->start_mark,
					    "this takes the policy past %d selector values",
					    EG_MAX_SELECTORS);
		if (add_selector(ctx, rule, &more))
			return -1;
	}
	return 0;
}

static int selector_value(struct eg_yaml *ctx, yaml_node_t *item, enum eg_match kind,
			  struct eg_policy_selector *sel)
{
	const char *text = (const char *)item->data.scalar.value;
	char shown[EG_YAML_SHOWN], hint[64];
	uint16_t cc;

	sel->kind = kind;
	sel->line = item->start_mark.line + 1;
	sel->column = item->start_mark.column + 1;
	switch (kind) {
	case EG_MATCH_JURISDICTION:
		return jurisdiction_value(ctx, item, sel);
	case EG_MATCH_COUNTRY:
		if (eg_country_parse(text, strlen(text), &cc) || !eg_country_known(cc))
			return eg_yaml_fail(
				ctx, item->start_mark,
				"unknown country code %s (expected an ISO 3166-1 alpha-2 "
				"code such as CN or US)%s",
				eg_yaml_show_scalar(item, shown),
				eg_suggest_hint(eg_country_suggest(text), hint, sizeof(hint)));
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
		return sel->provider ? 0 : eg_yaml_oom(ctx);
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
		yaml_node_t *item = eg_yaml_list_at(ctx, &list, i);

		if (selector_value(ctx, item, kind, &sel) || add_selector(ctx, rule, &sel) ||
		    add_more_codes(ctx, item, rule, &sel)) {
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

/* "deny cidr: [198.51.100.0/24] name: x" */
static int render_rule(struct eg_yaml *ctx, struct eg_policy_rule *rule)
{
	size_t size;
	FILE *out;

	out = open_memstream(&rule->text, &size);
	if (!out)
		return eg_yaml_oom(ctx);
	fputs(eg_action_name(rule->action), out);
	for (size_t i = 0; i < ARRAY_SIZE(rule_keys); i++)
		if (rule_keys[i].render)
			rule_keys[i].render(out, rule);
	if (rule->name)
		fprintf(out, " name: %s", rule->name);
	if (fclose(out) != 0) {
		free(rule->text);
		rule->text = NULL;
		return eg_yaml_oom(ctx);
	}
	return 0;
}

static int parse_rule(struct eg_yaml *ctx, yaml_node_t *node, size_t rule_no, void *item)
{
	struct eg_policy_rule *rule = item;
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

int policy_parse_rules(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	struct eg_policy *policy = target;

	(void)rule_no;
	/* Rule indexes are 16-bit in the kernel, and 0xffff means "the default". */
	return policy_parse_list(ctx, key, value, EG_RULE_CANARY - 1, sizeof(*policy->rules),
				 parse_rule, (void **)&policy->rules, &policy->n_rules);
}
