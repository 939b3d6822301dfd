// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: any bytes through the YAML readers, the policy parser
 * and the provider catalog parser (both on user/yaml_doc.c). When they make
 * a policy, the ruleset compiler and a few lookups run; when they make a
 * catalog, every provider and ASN must be found again, and the catalog must
 * fold into the built-in one. Failures must be clean errors
 * ("file:line:column: ...") with nothing leaked. `make fuzz-smoke` builds
 * and runs it; seed it with the examples and maps/providers.yaml.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bundle.h"
#include "catalog.h"
#include "policy.h"
#include "ruleset.h"

/* Every error names the input first; anything else is a bug in the message. */
static void check_message(const struct eg_error *err)
{
	if (strncmp(err->msg, "fuzz.yaml:", 10) != 0 || err->code == 0)
		abort();
}

/* Does rule hold a prefix of length plen (as written) around addr, at least min16 long? */
static int rule_explains(const struct eg_policy_rule *rule, unsigned plen, const uint8_t addr[16],
			 unsigned min16)
{
	for (size_t c = 0; c < rule->n_cidrs; c++)
		if (rule->cidrs[c].plen == plen && eg_cidr_plen16(&rule->cidrs[c]) >= min16 &&
		    eg_cidr_contains(&rule->cidrs[c], addr))
			return 1;
	return 0;
}

/* Each prefix's own address must find its rule or a more specific one. */
static void check_lookups(const struct eg_policy *policy, const struct eg_ruleset *rs)
{
	for (size_t r = 0; r < policy->n_rules; r++) {
		for (size_t c = 0; c < policy->rules[r].n_cidrs; c++) {
			const struct eg_cidr *cidr = &policy->rules[r].cidrs[c];
			const struct eg_rule *hit = eg_ruleset_lookup(rs, cidr->addr);

			if (!hit || hit->index >= policy->n_rules ||
			    !rule_explains(&policy->rules[hit->index], hit->plen, cidr->addr,
					   eg_cidr_plen16(cidr)))
				abort();
		}
	}
}

static void check_catalog(const struct eg_catalog *cat)
{
	for (size_t i = 0; i < cat->n_providers; i++) {
		const struct eg_provider *p = &cat->providers[i];

		if (p->index != i + 1 || !p->name || !p->jurisdiction || !p->kind ||
		    !(p->n_asns + p->n_cidrs))
			abort();
		if (eg_catalog_find(cat, p->id) != p || eg_catalog_get(cat, p->index) != p)
			abort();
		for (size_t a = 0; a < p->n_asns; a++)
			if (eg_catalog_by_asn(cat, p->asns[a].asn) != p)
				abort();
	}
}

/* The same bytes as a catalog: parsed alone, then folded into the built-in one. */
static void fuzz_catalog(const uint8_t *data, size_t size)
{
	struct eg_catalog cat, merged;
	struct eg_error err = {0};

	if (eg_catalog_parse((const char *)data, size, "fuzz.yaml", &cat, &err)) {
		check_message(&err);
		if (cat.providers || cat.n_providers || cat.by_asn || cat.path)
			abort();
		return;
	}
	check_catalog(&cat);
	if (eg_catalog_load_builtin(&merged, &err) || eg_catalog_merge(&merged, &cat, &err))
		abort(); /* a valid catalog always folds in */
	check_catalog(&merged);
	eg_catalog_free(&merged);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_policy policy;
	struct eg_ruleset rs;
	struct eg_error err = {0};

	fuzz_catalog(data, size);
	if (eg_policy_parse((const char *)data, size, "fuzz.yaml", &policy, &err)) {
		check_message(&err);
		return 0;
	}
	if (eg_ruleset_build(&policy, 1, &rs, &err) == 0) {
		check_lookups(&policy, &rs);
		eg_ruleset_free(&rs);
	} else {
		check_message(&err);
	}
	eg_policy_free(&policy);
	return 0;
}
