// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: any bytes through the policy parser and, when they make
 * a policy, the ruleset compiler and a few lookups. Failures must be clean
 * errors ("file:line:column: ...") with nothing leaked.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iuser -Imaps -Ibuild \
 *     tools/fuzz_policy.c user/policy.c user/addr.c user/ruleset.c user/error.c -lyaml \
 *     -o /tmp/fuzz_policy && /tmp/fuzz_policy -max_total_time=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_policy policy;
	struct eg_ruleset rs;
	struct eg_error err = {0};

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
