// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Top-level keys about what the guard measures, not what it decides:
 * accounting (whose bytes the egress program counts, bpf/acct.bpf.h).
 */
#include <string.h>
#include "policy_impl.h"

static int accounting_from_name(const char *name)
{
	return strcmp(name, "denied") == 0 ? 0 : strcmp(name, "all") == 0 ? 1 : -1;
}

/* accounting: denied (the default: denied and audited destinations) | all */
int policy_parse_accounting(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			    size_t rule_no)
{
	(void)rule_no;
	return eg_yaml_choice(ctx, key, value, "denied or all", accounting_from_name,
			      &((struct eg_policy *)target)->acct_all);
}
