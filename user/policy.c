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
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>
#include "container.h"
#include "country.h"
#include "embed.h"
#include "policy.h"

#define SHOW_MAX 64 /* longest user text quoted in a message */

struct parse_ctx {
	const char *name; /* file name for messages */
	const char *buf;  /* the input, to place reader errors */
	size_t len;
	yaml_document_t *doc;
	struct eg_error *err;
	struct eg_policy *policy;
	size_t n_prefixes;  /* CIDRs so far, against EG_MAX_RULE_PREFIXES */
	size_t n_selectors; /* class selector values so far, against EG_MAX_SELECTORS */
};

/* One key of a mapping and what to do with its value. */
struct key_handler {
	const char *key;
	int (*parse)(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		     size_t rule_no);
	/* Selectors decide which destinations a rule matches; a rule needs at least one. */
	int selector;
	/* Appends the selector to a rule's one-line text. */
	void (*render)(FILE *out, const struct eg_policy_rule *rule);
};

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
	memset(policy, 0, sizeof(*policy));
}

/* ---- messages ---- */

/* User text for a message: quoted, escaped, and cut short when long. */
static const char *show(const char *text, size_t len, char out[SHOW_MAX + 16])
{
	size_t o = 0;

	out[o++] = '"';
	for (size_t i = 0; i < len && o < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '"' || c == '\\')
			o += sprintf(out + o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			o += sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = (char)c;
		if (o >= SHOW_MAX && i + 1 < len) {
			o += sprintf(out + o, "...");
			break;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

static const char *show_scalar(const yaml_node_t *node, char out[SHOW_MAX + 16])
{
	return show((const char *)node->data.scalar.value, node->data.scalar.length, out);
}

__attribute__((format(printf, 3, 4))) static int fail_at(struct parse_ctx *ctx, yaml_mark_t mark,
							 const char *fmt, ...)
{
	char what[sizeof(ctx->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return eg_fail(ctx->err, EINVAL, "%s:%zu:%zu: %s", ctx->name, mark.line + 1,
		       mark.column + 1, what);
}

static int is_null(const yaml_node_t *node)
{
	const char *v = (const char *)node->data.scalar.value;

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* "a sequence", "nothing", ... for "got %s". */
static const char *node_kind(const yaml_node_t *node)
{
	if (!node)
		return "nothing";
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return is_null(node) ? "nothing" : "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* "a, b, c" of a table's keys (only selectors if asked). */
static const char *key_list(const struct key_handler *table, size_t n, int selectors_only,
			    char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (selectors_only && !table[i].selector)
			continue;
		o += snprintf(out + o, o < len ? len - o : 0, "%s%s", o ? ", " : "", table[i].key);
	}
	return out;
}

/* ---- scalars ---- */

/*
 * A scalar's text, refused when it hides a NUL (YAML allows "\0").
 * key: the key whose value this is, NULL when the scalar is itself a key.
 */
static int scalar_text(struct parse_ctx *ctx, yaml_node_t *node, const char *key, const char **text)
{
	const char *v = (const char *)node->data.scalar.value;

	if (strlen(v) != node->data.scalar.length)
		return fail_at(ctx, node->start_mark, "%s%s%s contains a NUL character",
			       key ? "\"" : "a key", key ? key : "", key ? "\"" : "");
	*text = v;
	return 0;
}

/* Where to point for a bad value: an empty value's own position is past the line's end. */
static yaml_mark_t value_mark(const yaml_node_t *key, const yaml_node_t *value)
{
	return value->type == YAML_SCALAR_NODE ? key->start_mark : value->start_mark;
}

/* A one-word value such as a mode or an action: a non-empty scalar. */
static int word_value(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
		      const char *expected, const char **text)
{
	const char *k = (const char *)key->data.scalar.value;

	if (value->type != YAML_SCALAR_NODE || is_null(value))
		return fail_at(ctx, value_mark(key, value), "\"%s\" must be a scalar (%s), got %s",
			       k, expected, node_kind(value));
	return scalar_text(ctx, value, k, text);
}

/* ---- top level ---- */

static int parse_mode(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy *policy = target;
	char shown[SHOW_MAX + 16];
	const char *text;
	int mode;

	(void)rule_no;
	if (word_value(ctx, key, value, "enforce or audit", &text))
		return -1;
	mode = eg_mode_from_name(text);
	if (mode < 0)
		return fail_at(ctx, value->start_mark,
			       "unknown mode %s (expected enforce or audit)",
			       show_scalar(value, shown));
	policy->mode = mode;
	return 0;
}

/* An action word ("default" or a rule's "action"): allow, deny or audit. */
static int action_value(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			enum eg_action *out)
{
	char shown[SHOW_MAX + 16];
	const char *text;
	int action;

	if (word_value(ctx, key, value, "allow, deny or audit", &text))
		return -1;
	action = eg_action_from_name(text);
	if (action < 0)
		return fail_at(ctx, value->start_mark,
			       "unknown %s %s (expected allow, deny or audit)",
			       (const char *)key->data.scalar.value, show_scalar(value, shown));
	*out = action;
	return 0;
}

static int parse_default(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			 size_t rule_no)
{
	(void)rule_no;
	return action_value(ctx, key, value, &((struct eg_policy *)target)->default_action);
}

static int parse_rules(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no);

static int parse_data(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no);

static int parse_scopes(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no);

/* on_failure: open | closed */
static int parse_on_failure(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			    void *target, size_t rule_no)
{
	struct eg_policy *policy = target;
	char shown[SHOW_MAX + 16];
	const char *text;

	(void)rule_no;
	if (word_value(ctx, key, value, "open or closed", &text))
		return -1;
	if (strcmp(text, "open") && strcmp(text, "closed"))
		return fail_at(ctx, value->start_mark,
			       "unknown on_failure %s (expected open or closed)",
			       show_scalar(value, shown));
	policy->fail_closed = strcmp(text, "closed") == 0;
	return 0;
}

/* max_data_age: a number with a unit, s, m, h or d ("30d"). */
static int parse_max_data_age(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			      void *target, size_t rule_no)
{
	static const struct {
		char unit;
		uint64_t seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	struct eg_policy *policy = target;
	char shown[SHOW_MAX + 16], *end;
	unsigned long long n;
	const char *text;

	(void)rule_no;
	if (word_value(ctx, key, value, "a duration such as 30d", &text))
		return -1;
	errno = 0;
	n = strtoull(text, &end, 10);
	for (size_t i = 0; !errno && end != text && n && i < ARRAY_SIZE(units); i++) {
		if (end[0] == units[i].unit && !end[1] && n <= UINT32_MAX) {
			policy->max_data_age = n * units[i].seconds;
			return 0;
		}
	}
	return fail_at(ctx, value->start_mark,
		       "bad max_data_age %s (expected a positive number and a unit s, m, h or d, "
		       "as in 30d)",
		       show_scalar(value, shown));
}

/* nat64_prefixes: [64:ff9b:1:fffe::/96, ...]: IPv6 prefixes of RFC 6052's lengths. */
static int nat64_prefix(struct parse_ctx *ctx, yaml_node_t *item, struct eg_policy *policy)
{
	char shown[SHOW_MAX + 16];
	struct eg_cidr *c = &policy->nat64[policy->n_nat64];
	const char *text = NULL,
		   *why = "expected an IPv6 prefix of length 32, 40, 48, 56, 64 or 96";

	if (policy->n_nat64 == EG_MAX_NAT64_PREFIXES)
		return fail_at(ctx, item->start_mark, "more than %d nat64_prefixes",
			       EG_MAX_NAT64_PREFIXES);
	if (item->type != YAML_SCALAR_NODE || is_null(item))
		return fail_at(ctx, item->start_mark, "a nat64 prefix must be a scalar, got %s",
			       node_kind(item));
	if (scalar_text(ctx, item, "nat64_prefixes", &text))
		return -1;
	if (eg_cidr_parse(text, c, &why) || c->family != AF_INET6 || !eg_nat64_plen_ok(c->plen))
		return fail_at(ctx, item->start_mark, "bad nat64 prefix %s: %s",
			       show_scalar(item, shown), why);
	policy->n_nat64++;
	return 0;
}

static int parse_nat64_prefixes(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
				void *target, size_t rule_no)
{
	(void)rule_no;
	if (value->type != YAML_SEQUENCE_NODE)
		return fail_at(ctx, value_mark(key, value),
			       "\"nat64_prefixes\" must be a list of IPv6 prefixes, got %s",
			       node_kind(value));
	for (yaml_node_item_t *it = value->data.sequence.items.start;
	     it < value->data.sequence.items.top; it++)
		if (nat64_prefix(ctx, yaml_document_get_node(ctx->doc, *it), target))
			return -1;
	return 0;
}

/* raw_sockets: allow | deny (an action word; audit would let them through unseen) */
static int parse_raw_sockets(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			     void *target, size_t rule_no)
{
	enum eg_action action;

	(void)rule_no;
	if (action_value(ctx, key, value, &action))
		return -1;
	if (action == EG_ACT_AUDIT)
		return fail_at(ctx, value->start_mark,
			       "raw_sockets cannot be audit (expected allow or deny)");
	((struct eg_policy *)target)->raw_allow = action == EG_ACT_ALLOW;
	return 0;
}

static const struct key_handler top_keys[] = {
	{.key = "mode", .parse = parse_mode},
	{.key = "on_failure", .parse = parse_on_failure},
	{.key = "max_data_age", .parse = parse_max_data_age},
	{.key = "default", .parse = parse_default},
	{.key = "data", .parse = parse_data},
	{.key = "rules", .parse = parse_rules},
	{.key = "scopes", .parse = parse_scopes},
	{.key = "nat64_prefixes", .parse = parse_nat64_prefixes},
	{.key = "raw_sockets", .parse = parse_raw_sockets},
};

/* ---- rules ---- */

static int parse_action(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no)
{
	(void)rule_no;
	return action_value(ctx, key, value, &((struct eg_policy_rule *)target)->action);
}

static int parse_name(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_rule *rule = target;
	const char *text;

	(void)rule_no;
	if (word_value(ctx, key, value, "a label", &text))
		return -1;
	/* The name is shown in one-line rule texts and event logs. */
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return fail_at(ctx, value->start_mark,
				       "\"name\" must be one line of printable text");
	rule->name = strdup(text);
	if (!rule->name)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	return 0;
}

/*
 * A selector's value: one scalar, or a non-empty sequence of scalars. Checks
 * every item and fills items[0..n) (the value itself when it is a scalar).
 */
struct scalar_list {
	yaml_node_t *single;
	yaml_node_item_t *items;
	size_t n;
};

static yaml_node_t *scalar_list_at(struct parse_ctx *ctx, const struct scalar_list *list, size_t i)
{
	return list->single ? list->single : yaml_document_get_node(ctx->doc, list->items[i]);
}

static int scalar_list_get(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			   size_t rule_no, struct scalar_list *list)
{
	const char *k = (const char *)key->data.scalar.value, *text;

	memset(list, 0, sizeof(*list));
	if (value->type == YAML_SCALAR_NODE && !is_null(value)) {
		list->single = value;
		list->n = 1;
	} else if (value->type == YAML_SEQUENCE_NODE) {
		list->items = value->data.sequence.items.start;
		list->n = value->data.sequence.items.top - value->data.sequence.items.start;
	}
	if (!list->n)
		return fail_at(ctx, value_mark(key, value),
			       "\"%s\" of rule %zu is empty (expected one value or a list)", k,
			       rule_no);
	for (size_t i = 0; i < list->n; i++) {
		yaml_node_t *item = scalar_list_at(ctx, list, i);

		if (item->type != YAML_SCALAR_NODE || is_null(item))
			return fail_at(ctx, item->start_mark,
				       "item %zu of \"%s\" in rule %zu must be a scalar, got %s",
				       i + 1, k, rule_no, node_kind(item));
		if (scalar_text(ctx, item, k, &text))
			return -1;
	}
	return 0;
}

/* Count n more prefixes against the kernel trie's size, before allocating them. */
static int reserve_prefixes(struct parse_ctx *ctx, yaml_node_t *key, size_t n, size_t rule_no)
{
	/*
	 * Also what keeps alias-multiplied lists ("billion laughs") from
	 * exploding. The key, not the value: an alias's value sits at its anchor.
	 */
	if (n > EG_MAX_RULE_PREFIXES - ctx->n_prefixes)
		return fail_at(
			ctx, key->start_mark,
			"rule %zu takes the policy past %d prefixes, the most the rule trie holds",
			rule_no, EG_MAX_RULE_PREFIXES);
	ctx->n_prefixes += n;
	return 0;
}

static int parse_cidr(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_rule *rule = target;
	char shown[SHOW_MAX + 16];
	struct scalar_list list;
	const char *why;

	if (scalar_list_get(ctx, key, value, rule_no, &list) ||
	    reserve_prefixes(ctx, key, list.n, rule_no))
		return -1;
	rule->cidrs = calloc(list.n, sizeof(*rule->cidrs));
	if (!rule->cidrs)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	rule->n_cidrs = list.n;
	for (size_t i = 0; i < list.n; i++) {
		yaml_node_t *item = scalar_list_at(ctx, &list, i);

		if (eg_cidr_parse((const char *)item->data.scalar.value, &rule->cidrs[i], &why))
			return fail_at(ctx, item->start_mark, "bad CIDR %s: %s",
				       show_scalar(item, shown), why);
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

static int add_selector(struct parse_ctx *ctx, struct eg_policy_rule *rule,
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

/* "45102" or "AS45102" (any case). */
static int parse_asn_text(const char *text, uint32_t *asn)
{
	unsigned long long v = 0;
	const char *p = text;

	if ((p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's'))
		p += 2;
	if (!*p || strlen(p) > 10)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v == 0 || v > UINT32_MAX)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

/* Provider ids as the catalog writes them: lowercase letters, digits and dashes. */
static int provider_id_ok(const char *text)
{
	size_t n = strlen(text);

	if (!n || n >= 64)
		return 0;
	for (const char *c = text; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return 0;
	return 1;
}

static int selector_value(struct parse_ctx *ctx, yaml_node_t *item, enum eg_match kind,
			  struct eg_policy_selector *sel)
{
	const char *text = (const char *)item->data.scalar.value;
	char shown[SHOW_MAX + 16];
	uint16_t cc;

	sel->kind = kind;
	sel->line = item->start_mark.line + 1;
	sel->column = item->start_mark.column + 1;
	switch (kind) {
	case EG_MATCH_COUNTRY:
	case EG_MATCH_JURISDICTION:
		if (eg_iso_country_parse(text, &cc))
			return fail_at(ctx, item->start_mark,
				       "unknown country code %s (expected an ISO 3166-1 alpha-2 "
				       "code such as CN or US)",
				       show_scalar(item, shown));
		sel->value = cc;
		return 0;
	case EG_MATCH_ASN:
		if (parse_asn_text(text, &sel->value))
			return fail_at(ctx, item->start_mark,
				       "bad AS number %s (expected 1-4294967295, or AS45102)",
				       show_scalar(item, shown));
		return 0;
	default:
		if (!provider_id_ok(text))
			return fail_at(ctx, item->start_mark,
				       "bad provider id %s (lowercase letters, digits and dashes, "
				       "as in the provider catalog)",
				       show_scalar(item, shown));
		sel->provider = strdup(text);
		return sel->provider ? 0
				     : eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	}
}

static int parse_selector_list(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			       struct eg_policy_rule *rule, size_t rule_no, enum eg_match kind)
{
	struct scalar_list list;

	if (scalar_list_get(ctx, key, value, rule_no, &list))
		return -1;
	if (list.n > EG_MAX_SELECTORS - ctx->n_selectors)
		return fail_at(ctx, key->start_mark,
			       "rule %zu takes the policy past %d selector values", rule_no,
			       EG_MAX_SELECTORS);
	ctx->n_selectors += list.n;
	for (size_t i = 0; i < list.n; i++) {
		struct eg_policy_selector sel = {0};

		if (selector_value(ctx, scalar_list_at(ctx, &list, i), kind, &sel) ||
		    add_selector(ctx, rule, &sel)) {
			free(sel.provider);
			return -1;
		}
	}
	return 0;
}

#define SELECTOR_PARSER(fn, kind)                                                                  \
	static int fn(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,   \
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
 * .selector = 1 and a renderer.
 */
static const struct key_handler rule_keys[] = {
	{.key = "action", .parse = parse_action},
	{.key = "cidr", .parse = parse_cidr, .selector = 1, .render = render_cidr},
	{.key = "asn", .parse = parse_asn, .selector = 1, .render = render_asn},
	{.key = "provider", .parse = parse_provider, .selector = 1, .render = render_provider},
	{.key = "country", .parse = parse_country, .selector = 1, .render = render_country},
	{.key = "jurisdiction",
	 .parse = parse_jurisdiction,
	 .selector = 1,
	 .render = render_jurisdiction},
	{.key = "name", .parse = parse_name},
};

/* ---- data: where the classification comes from ---- */

/* path as written, made relative to the policy file's directory. */
static char *resolve_path(const struct parse_ctx *ctx, const char *path)
{
	const char *slash = strrchr(ctx->name, '/');
	char *out;

	if (path[0] == '/' || !slash)
		return strdup(path);
	if (asprintf(&out, "%.*s/%s", (int)(slash - ctx->name), ctx->name, path) < 0)
		return NULL;
	return out;
}

static int parse_path_list(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			   char ***paths, size_t *n)
{
	struct scalar_list list;

	if (scalar_list_get(ctx, key, value, 0, &list))
		return -1;
	*paths = calloc(list.n, sizeof(**paths));
	if (!*paths)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	for (size_t i = 0; i < list.n; i++) {
		(*paths)[i] = resolve_path(
			ctx, (const char *)scalar_list_at(ctx, &list, i)->data.scalar.value);
		if (!(*paths)[i])
			return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
		*n = i + 1;
	}
	return 0;
}

static int parse_data_country(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			      void *target, size_t rule_no)
{
	struct eg_policy_data *data = target;

	(void)rule_no;
	return parse_path_list(ctx, key, value, &data->country, &data->n_country);
}

static int parse_data_asn(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			  size_t rule_no)
{
	struct eg_policy_data *data = target;

	(void)rule_no;
	return parse_path_list(ctx, key, value, &data->asn, &data->n_asn);
}

static int parse_data_providers(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
				void *target, size_t rule_no)
{
	struct eg_policy_data *data = target;
	const char *text;

	(void)rule_no;
	if (word_value(ctx, key, value, "a catalog file", &text))
		return -1;
	data->providers = resolve_path(ctx, text);
	return data->providers ? 0 : eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
}

static const struct key_handler data_keys[] = {
	{.key = "country", .parse = parse_data_country},
	{.key = "asn", .parse = parse_data_asn},
	{.key = "providers", .parse = parse_data_providers},
};

#define MAX_KEYS 10 /* the most keys in any table above */
_Static_assert(ARRAY_SIZE(top_keys) <= MAX_KEYS, "MAX_KEYS covers the top-level keys");

/*
 * Walk a mapping, handing each key to its row of table. seen[i] is the key
 * node of row i once met, so duplicates name the first occurrence.
 */
static int walk_mapping(struct parse_ctx *ctx, yaml_node_t *map, const struct key_handler *table,
			size_t n, const char *where, void *target, size_t rule_no,
			yaml_node_t *seen[MAX_KEYS])
{
	char shown[SHOW_MAX + 16], expected[128];

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = yaml_document_get_node(ctx->doc, p->key);
		yaml_node_t *value = yaml_document_get_node(ctx->doc, p->value);
		const char *text = NULL;
		size_t i;

		if (key->type != YAML_SCALAR_NODE || is_null(key))
			return fail_at(ctx, key->start_mark, "keys %s must be words, got %s", where,
				       node_kind(key));
		if (scalar_text(ctx, key, NULL, &text))
			return -1;
		for (i = 0; i < n && strcmp(table[i].key, text) != 0; i++)
			;
		if (i == n)
			return fail_at(ctx, key->start_mark, "unknown key %s %s (expected %s)",
				       show_scalar(key, shown), where,
				       key_list(table, n, 0, expected, sizeof(expected)));
		if (seen[i])
			return fail_at(ctx, key->start_mark,
				       "duplicate key \"%s\" %s (first at line %zu, column %zu)",
				       text, where, seen[i]->start_mark.line + 1,
				       seen[i]->start_mark.column + 1);
		seen[i] = key;
		if (table[i].parse(ctx, key, value, target, rule_no))
			return -1;
	}
	return 0;
}

/* "deny cidr: [198.51.100.0/24] name: x" */
static int render_rule(struct parse_ctx *ctx, struct eg_policy_rule *rule)
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

static int parse_rule(struct parse_ctx *ctx, yaml_node_t *node, size_t rule_no,
		      struct eg_policy_rule *rule)
{
	yaml_node_t *seen[MAX_KEYS] = {0};
	char where[48], selectors[128];
	int has_selector = 0;

	_Static_assert(ARRAY_SIZE(rule_keys) <= MAX_KEYS, "raise MAX_KEYS");
	rule->line = node->start_mark.line + 1;
	rule->column = node->start_mark.column + 1;
	if (node->type != YAML_MAPPING_NODE)
		return fail_at(ctx, node->start_mark,
			       "rule %zu must be a mapping (action, a selector, name), got %s",
			       rule_no, node_kind(node));
	snprintf(where, sizeof(where), "in rule %zu", rule_no);
	if (walk_mapping(ctx, node, rule_keys, ARRAY_SIZE(rule_keys), where, rule, rule_no, seen))
		return -1;
	if (!seen[0]) /* rule_keys[0] is "action" */
		return fail_at(ctx, node->start_mark, "rule %zu has no \"action\"", rule_no);
	for (size_t i = 0; i < ARRAY_SIZE(rule_keys); i++)
		has_selector |= rule_keys[i].selector && seen[i];
	if (!has_selector)
		return fail_at(ctx, node->start_mark, "rule %zu has no selector (%s)", rule_no,
			       key_list(rule_keys, ARRAY_SIZE(rule_keys), 1, selectors,
					sizeof(selectors)));
	return render_rule(ctx, rule);
}

static int parse_rules(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	struct eg_policy *policy = target;
	yaml_node_item_t *items;
	size_t n;

	(void)key;
	(void)rule_no;
	if (is_null(value)) /* "rules:" with nothing after it: no rules */
		return 0;
	if (value->type != YAML_SEQUENCE_NODE)
		return fail_at(ctx, value->start_mark,
			       "\"rules\" must be a sequence of rules, got %s", node_kind(value));
	items = value->data.sequence.items.start;
	n = value->data.sequence.items.top - items;
	/* Rule indexes are 16-bit in the kernel, and 0xffff means "the default". */
	if (n >= EG_RULE_CANARY)
		return fail_at(ctx, value->start_mark, "%zu rules; a policy holds at most %u", n,
			       EG_RULE_CANARY - 1);
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

static int parse_data(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy *policy = target;
	yaml_node_t *seen[MAX_KEYS] = {0};

	(void)rule_no;
	policy->data.line = key->start_mark.line + 1;
	if (value->type != YAML_MAPPING_NODE)
		return fail_at(ctx, value_mark(key, value),
			       "\"data\" must be a mapping (country, asn, providers), got %s",
			       node_kind(value));
	return walk_mapping(ctx, value, data_keys, ARRAY_SIZE(data_keys), "in data", &policy->data,
			    0, seen);
}

/* ---- scopes ---- */

static int parse_words(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
		       struct eg_policy_words *w, int (*valid)(const char *), const char *what)
{
	char shown[SHOW_MAX + 16];
	struct scalar_list list;

	if (scalar_list_get(ctx, key, value, 0, &list))
		return -1;
	w->v = calloc(list.n, sizeof(*w->v));
	if (!w->v)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	for (size_t i = 0; i < list.n; i++) {
		yaml_node_t *item = scalar_list_at(ctx, &list, i);
		const char *text = (const char *)item->data.scalar.value;

		if (valid && !valid(text))
			return fail_at(ctx, item->start_mark, "bad %s %s", what,
				       show_scalar(item, shown));
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

static int match_cgroup(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no)
{
	(void)rule_no;
	return parse_words(ctx, key, value, &((struct eg_policy_scope *)target)->cgroups,
			   glob_valid,
			   "cgroup glob (it must start with \"/\", the cgroup v2 root)");
}

static int match_container(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value,
			   void *target, size_t rule_no)
{
	(void)rule_no;
	return parse_words(ctx, key, value, &((struct eg_policy_scope *)target)->container_ids,
			   eg_container_id_selector_valid,
			   "container id (64 hex characters, or a prefix of at least 12)");
}

static int match_pod(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		     size_t rule_no)
{
	(void)rule_no;
	return parse_words(ctx, key, value, &((struct eg_policy_scope *)target)->pod_uids,
			   eg_pod_uid_selector_valid, "pod UID");
}

static const struct key_handler match_keys[] = {
	{.key = "cgroup", .parse = match_cgroup},
	{.key = "container_id", .parse = match_container},
	{.key = "pod_uid", .parse = match_pod},
};

static int scope_name(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_scope *sc = target;
	const char *text;

	(void)rule_no;
	if (word_value(ctx, key, value, "a label", &text))
		return -1;
	sc->name = strdup(text);
	return sc->name ? 0 : eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
}

static int scope_match(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	yaml_node_t *seen[MAX_KEYS] = {0};

	(void)rule_no;
	if (value->type != YAML_MAPPING_NODE)
		return fail_at(
			ctx, value_mark(key, value),
			"\"match\" must be a mapping (cgroup, container_id, pod_uid), got %s",
			node_kind(value));
	return walk_mapping(ctx, value, match_keys, ARRAY_SIZE(match_keys), "in match", target, 0,
			    seen);
}

static int scope_mode(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		      size_t rule_no)
{
	struct eg_policy_scope *sc = target;

	sc->mode_set = 1;
	return parse_mode(ctx, key, value, &sc->body, rule_no);
}

static int scope_default(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			 size_t rule_no)
{
	struct eg_policy_scope *sc = target;

	sc->default_set = 1;
	return parse_default(ctx, key, value, &sc->body, rule_no);
}

static int scope_rules(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
		       size_t rule_no)
{
	return parse_rules(ctx, key, value, &((struct eg_policy_scope *)target)->body, rule_no);
}

static const struct key_handler scope_keys[] = {
	{.key = "name", .parse = scope_name},	{.key = "match", .parse = scope_match},
	{.key = "mode", .parse = scope_mode},	{.key = "default", .parse = scope_default},
	{.key = "rules", .parse = scope_rules},
};

static int parse_scope(struct parse_ctx *ctx, yaml_node_t *node, size_t no,
		       struct eg_policy_scope *sc)
{
	yaml_node_t *seen[MAX_KEYS] = {0};
	char where[48];

	sc->line = node->start_mark.line + 1;
	sc->body.path = strdup(ctx->name);
	if (!sc->body.path)
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	if (node->type != YAML_MAPPING_NODE)
		return fail_at(ctx, node->start_mark,
			       "scope %zu must be a mapping (name, match, mode, default, rules), "
			       "got %s",
			       no, node_kind(node));
	snprintf(where, sizeof(where), "in scope %zu", no);
	if (walk_mapping(ctx, node, scope_keys, ARRAY_SIZE(scope_keys), where, sc, no, seen))
		return -1;
	if (!sc->name)
		return fail_at(ctx, node->start_mark, "scope %zu has no \"name\"", no);
	if (!sc->cgroups.n && !sc->container_ids.n && !sc->pod_uids.n)
		return fail_at(ctx, node->start_mark,
			       "scope %zu (%s) has no \"match\" (cgroup, container_id or pod_uid)",
			       no, sc->name);
	return 0;
}

/* At most this many scopes: each is a policy slot in the kernel, beside the node's. */

static int parse_scopes(struct parse_ctx *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			size_t rule_no)
{
	struct eg_policy *policy = target;
	yaml_node_item_t *items;
	size_t n;

	(void)rule_no;
	if (is_null(value))
		return 0;
	if (value->type != YAML_SEQUENCE_NODE)
		return fail_at(ctx, value_mark(key, value),
			       "\"scopes\" must be a sequence of scopes, got %s", node_kind(value));
	items = value->data.sequence.items.start;
	n = value->data.sequence.items.top - items;
	if (n > EG_MAX_SCOPES)
		return fail_at(ctx, value->start_mark, "%zu scopes; a policy holds at most %d", n,
			       EG_MAX_SCOPES);
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

static int parse_top(struct parse_ctx *ctx)
{
	yaml_node_t *root = yaml_document_get_root_node(ctx->doc);
	yaml_node_t *seen[MAX_KEYS] = {0};
	yaml_mark_t start = ctx->doc->start_mark;

	if (!root || is_null(root))
		return fail_at(
			ctx, root ? root->start_mark : start,
			"the policy is empty (expected a mapping with mode, default and rules)");
	if (root->type != YAML_MAPPING_NODE)
		return fail_at(
			ctx, root->start_mark,
			"the top level must be a mapping (mode, default, data, rules), got %s",
			node_kind(root));
	return walk_mapping(ctx, root, top_keys, ARRAY_SIZE(top_keys), "at the top level",
			    ctx->policy, 0, seen);
}

/* libyaml's reader errors carry a byte offset only: turn it into a line and column. */
static yaml_mark_t mark_of_offset(const struct parse_ctx *ctx, size_t offset)
{
	yaml_mark_t mark = {0};

	for (size_t i = 0; i < offset && i < ctx->len; i++) {
		if (ctx->buf[i] == '\n') {
			mark.line++;
			mark.column = 0;
		} else if (((unsigned char)ctx->buf[i] & 0xc0) != 0x80) {
			mark.column++; /* count characters, not UTF-8 continuation bytes */
		}
	}
	return mark;
}

/* libyaml says "cannot start any token" for a tab; say why tabs are wrong. */
static const char *tab_hint(const struct parse_ctx *ctx, yaml_mark_t mark)
{
	size_t i = 0, line = 0;

	while (i < ctx->len && line < mark.line)
		line += ctx->buf[i++] == '\n';
	/* Tabs are found in indentation, which is ASCII, so columns are bytes here. */
	i += mark.column;
	return i < ctx->len && ctx->buf[i] == '\t' ? "; YAML indents with spaces, never tabs" : "";
}

static int yaml_failure(struct parse_ctx *ctx, const yaml_parser_t *parser)
{
	yaml_mark_t mark = parser->problem_mark;
	const char *problem = parser->problem ? parser->problem : "unknown error";

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	case YAML_READER_ERROR:
		return fail_at(ctx, mark_of_offset(ctx, parser->problem_offset), "invalid YAML: %s",
			       problem);
	default:
		break;
	}
	if (parser->context)
		return fail_at(ctx, mark, "invalid YAML: %s (%s at line %zu, column %zu)%s",
			       problem, parser->context, parser->context_mark.line + 1,
			       parser->context_mark.column + 1, tab_hint(ctx, mark));
	return fail_at(ctx, mark, "invalid YAML: %s%s", problem, tab_hint(ctx, mark));
}

/* A policy is one document: anything after it is a mistake, not ignored. */
static int expect_no_more_documents(struct parse_ctx *ctx, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(parser, &next))
		return yaml_failure(ctx, parser);
	root = yaml_document_get_root_node(&next);
	if (root)
		rc = fail_at(ctx, next.start_mark,
			     "a second YAML document; a policy file holds exactly one");
	yaml_document_delete(&next);
	return rc;
}

static int parse_document(struct parse_ctx *ctx)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return eg_fail(ctx->err, ENOMEM, "%s: out of memory", ctx->name);
	/* libyaml wants a non-NULL pointer even for empty input. */
	yaml_parser_set_input_string(&parser, (const unsigned char *)(ctx->buf ? ctx->buf : ""),
				     ctx->len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_failure(ctx, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	ctx->doc = &doc;
	rc = parse_top(ctx);
	ctx->doc = NULL;
	yaml_document_delete(&doc);
	if (!rc)
		rc = expect_no_more_documents(ctx, &parser);
	yaml_parser_delete(&parser);
	return rc;
}

int eg_policy_parse(const char *buf, size_t len, const char *name, struct eg_policy *policy,
		    struct eg_error *err)
{
	struct eg_policy parsed = {.mode = EG_MODE_ENFORCE, .default_action = EG_ACT_ALLOW};
	struct parse_ctx ctx = {.name = name ? name : "(policy)",
				.buf = buf,
				.len = len,
				.err = err,
				.policy = &parsed};

	memset(policy, 0, sizeof(*policy));
	if (len > EG_POLICY_MAX_BYTES)
		return eg_fail(err, EFBIG, "%s: %zu bytes; a policy can be at most %u MiB",
			       ctx.name, len, EG_POLICY_MAX_BYTES >> 20);
	parsed.path = strdup(ctx.name);
	if (!parsed.path)
		return eg_fail(err, ENOMEM, "%s: out of memory", ctx.name);
	if (parse_document(&ctx)) {
		eg_policy_free(&parsed);
		return -1;
	}
	inherit_scope_settings(&parsed);
	*policy = parsed;
	return 0;
}

/* Read all of fd, refusing more than EG_POLICY_MAX_BYTES. */
static int read_policy_file(const char *path, int fd, char **buf, size_t *len, struct eg_error *err)
{
	size_t cap = 4096, used = 0;
	struct stat st;
	char *data;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > EG_POLICY_MAX_BYTES)
			return eg_fail(err, EFBIG, "%s: %lld bytes; a policy can be at most %u MiB",
				       path, (long long)st.st_size, EG_POLICY_MAX_BYTES >> 20);
		cap = (size_t)st.st_size + 1;
	}
	data = malloc(cap);
	if (!data)
		return eg_fail(err, ENOMEM, "%s: out of memory", path);
	for (;;) {
		ssize_t got;

		if (used == cap) {
			/* cap reaches EG_POLICY_MAX_BYTES + 1: filling it means too big. */
			size_t bigger_cap =
				cap * 2 > EG_POLICY_MAX_BYTES ? EG_POLICY_MAX_BYTES + 1 : cap * 2;
			char *bigger;

			if (cap > EG_POLICY_MAX_BYTES) {
				free(data);
				return eg_fail(err, EFBIG,
					       "%s: larger than %u MiB, the most a policy can be",
					       path, EG_POLICY_MAX_BYTES >> 20);
			}
			bigger = realloc(data, bigger_cap);
			if (!bigger) {
				free(data);
				return eg_fail(err, ENOMEM, "%s: out of memory", path);
			}
			data = bigger;
			cap = bigger_cap;
		}
		got = read(fd, data + used, cap - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(data);
			return eg_fail(err, e, "%s: cannot read: %s", path, strerror(e));
		}
		if (got == 0)
			break;
		used += (size_t)got;
	}
	*buf = data;
	*len = used;
	return 0;
}

int eg_policy_load(const char *path, struct eg_policy *policy, struct eg_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	memset(policy, 0, sizeof(*policy));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		return eg_fail(err, e, "%s: cannot open: %s", path, strerror(e));
	}
	rc = read_policy_file(path, fd, &buf, &len, err);
	close(fd);
	if (rc)
		return -1;
	rc = eg_policy_parse(buf, len, path, policy, err);
	free(buf);
	return rc;
}
