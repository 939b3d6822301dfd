// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include "operators.h"
#include "shadow.h"

typedef unsigned __int128 u128;

struct shadow {
	const struct eg_bundle *b;
	const char *scope; /* NULL: the node-wide policy */
	const struct eg_policy_rule *allow, *deny;
	size_t allow_no, deny_no; /* 1-based, as messages number rules */
	eg_shadow_note note;
	void *ctx;
};

static int names_jurisdiction(const struct eg_policy_rule *deny, uint16_t cc)
{
	for (size_t i = 0; i < deny->n_selectors; i++)
		if (deny->selectors[i].kind == EG_MATCH_JURISDICTION &&
		    deny->selectors[i].value == cc)
			return 1;
	return 0;
}

/* One warning: what (a provider, or a range of one) the allow rule lets through, and why. */
static void warn(const struct shadow *s, const struct eg_provider *prov, const char *what,
		 const char *why)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "%s%s%srule %zu (line %u) \"%s\" %s%s (%s, jurisdiction %c%c): it %s rule %zu "
		 "(line %u) \"%s\" there",
		 s->scope ? "scope " : "", s->scope ? s->scope : "", s->scope ? ": " : "",
		 s->allow_no, s->allow->line, s->allow->text, what, prov->id, prov->name,
		 (char)(prov->jurisdiction >> 8), (char)prov->jurisdiction, why, s->deny_no,
		 s->deny->line, s->deny->text);
	s->note(s->ctx, text);
}

/* Operator level: the allow rule is written first, so it wins for the providers it names. */
static void operator_shadows(const struct shadow *s)
{
	const struct eg_catalog *cat = &s->b->catalog;

	if (s->allow_no > s->deny_no)
		return;
	for (size_t i = 0; i < s->allow->n_selectors; i++) {
		const struct eg_policy_selector *sel = &s->allow->selectors[i];
		const struct eg_provider *prov =
			sel->kind == EG_MATCH_ASN	 ? eg_catalog_by_asn(cat, sel->value)
			: sel->kind == EG_MATCH_PROVIDER ? eg_catalog_find(cat, sel->provider)
							 : NULL;

		if (prov && names_jurisdiction(s->deny, prov->jurisdiction))
			warn(s, prov, "names ",
			     "is written before, and on the operator level overrides,");
	}
}

static void cidr_bounds(const struct eg_cidr *c, u128 *first, u128 *last)
{
	unsigned plen = eg_cidr_plen16(c);

	*first = eg_u128_from_addr(c->addr);
	/* The host bits; a shift by the type's width is undefined, so /0 and /128 apart. */
	*last = *first | (plen == 0 ? ~(u128)0 : plen >= 128 ? 0 : (~(u128)0 >> plen));
}

/* The provider of a catalog or published range overlapping [first, last] that deny names. */
static const struct eg_provider *denied_overlap(const struct shadow *s, u128 first, u128 last)
{
	const struct eg_catalog *cat = &s->b->catalog;

	for (size_t p = 0; p < cat->n_providers; p++) {
		const struct eg_provider *prov = &cat->providers[p];

		for (size_t i = 0; i < prov->n_cidrs; i++) {
			u128 f, l;

			cidr_bounds(&prov->cidrs[i], &f, &l);
			if (f <= last && first <= l &&
			    names_jurisdiction(s->deny, prov->jurisdiction))
				return prov;
		}
	}
	for (size_t i = 0; s->b->have_ranges && i < s->b->ranges.ranges.n; i++) {
		const struct eg_range *r = &s->b->ranges.ranges.v[i];
		const struct eg_provider *prov =
			eg_catalog_find(cat, eg_range_operator_id(r->value));

		if (eg_u128_from_addr(r->first) <= last && first <= eg_u128_from_addr(r->last) &&
		    prov && names_jurisdiction(s->deny, prov->jurisdiction))
			return prov;
	}
	return NULL;
}

static void cidr_shadows(const struct shadow *s)
{
	for (size_t i = 0; i < s->allow->n_cidrs; i++) {
		const struct eg_provider *prov;
		char what[EG_ADDR_STRLEN + 32];
		u128 first, last;

		cidr_bounds(&s->allow->cidrs[i], &first, &last);
		prov = denied_overlap(s, first, last);
		if (!prov)
			continue;
		eg_cidr_format(&s->allow->cidrs[i], what, sizeof(what));
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " overlaps ranges of ");
		warn(s, prov, what, "is a CIDR rule, which always wins over");
	}
}

static void check_policy(struct shadow *s, const struct eg_policy *p)
{
	for (size_t d = 0; d < p->n_rules; d++) {
		if (p->rules[d].action != EG_ACT_DENY)
			continue;
		for (size_t a = 0; a < p->n_rules; a++) {
			if (p->rules[a].action != EG_ACT_ALLOW)
				continue;
			s->allow = &p->rules[a];
			s->deny = &p->rules[d];
			s->allow_no = a + 1;
			s->deny_no = d + 1;
			operator_shadows(s);
			cidr_shadows(s);
		}
	}
}

void eg_shadow_check(const struct eg_bundle *b, eg_shadow_note note, void *ctx)
{
	struct shadow s = {.b = b, .note = note, .ctx = ctx};

	check_policy(&s, &b->policy);
	for (size_t i = 0; i < b->policy.n_scopes; i++) {
		s.scope = b->policy.scopes[i].name;
		check_policy(&s, &b->policy.scopes[i].body);
	}
}
