// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Top-level keys about what the guard measures, not what it decides:
 * accounting (whose bytes the egress program counts, bpf/acct.bpf.h) and
 * metrics (where run serves Prometheus metrics, metrics.h).
 */
#include <stdio.h>
#include <string.h>
#include "metrics.h"
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

/* metrics: [ADDR:]PORT ("9464", "127.0.0.1:9464") */
int policy_parse_metrics(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value, void *target,
			 size_t rule_no)
{
	struct eg_policy *policy = target;
	struct eg_metrics_listen listen;
	char shown[EG_YAML_SHOWN];
	const char *text, *why = "too long";

	(void)rule_no;
	if (eg_yaml_word(ctx, key, value, "[ADDR:]PORT such as 127.0.0.1:9464", &text))
		return -1;
	if (strlen(text) >= sizeof(policy->metrics) || eg_metrics_parse_listen(text, &listen, &why))
		return eg_yaml_fail(ctx, value->start_mark, "bad metrics %s: %s",
				    eg_yaml_show_scalar(value, shown), why);
	snprintf(policy->metrics, sizeof(policy->metrics), "%s", text);
	return 0;
}
