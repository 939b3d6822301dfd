// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Policy keys about how destinations are reached rather than where they are:
 * nat64_prefixes (IPv4 carried in IPv6, judged as that IPv4 too) and
 * raw_sockets (header-including raw sockets, whose header can name another
 * destination than the one the kernel routes to).
 */
#include <sys/socket.h>
#include "embed.h"
#include "policy_impl.h"

/* nat64_prefixes: [64:ff9b:1:fffe::/96, ...]: IPv6 prefixes of RFC 6052's lengths. */
static int nat64_prefix(struct eg_yaml *ctx, yaml_node_t *item, struct eg_policy *policy)
{
	char shown[EG_YAML_SHOWN];
	struct eg_cidr *c = &policy->nat64[policy->n_nat64];
	const char *text = NULL,
		   *why = "expected an IPv6 prefix of length 32, 40, 48, 56, 64 or 96";

	if (policy->n_nat64 == EG_MAX_NAT64_PREFIXES)
		return eg_yaml_fail(ctx, item->start_mark, "more than %d nat64_prefixes",
				    EG_MAX_NAT64_PREFIXES);
	if (item->type != YAML_SCALAR_NODE || eg_yaml_is_null(item))
		return eg_yaml_fail(ctx, item->start_mark,
				    "a nat64 prefix must be a scalar, got %s", eg_yaml_kind(item));
	if (eg_yaml_text(ctx, item, "nat64_prefixes", &text))
		return -1;
	if (eg_cidr_parse(text, c, &why) || c->family != AF_INET6 || !eg_nat64_plen_ok(c->plen))
		return eg_yaml_fail(ctx, item->start_mark, "bad nat64 prefix %s: %s",
				    eg_yaml_show_scalar(item, shown), why);
	policy->n_nat64++;
	return 0;
}

int policy_parse_nat64_prefixes(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
				void *target, size_t rule_no)
{
	(void)rule_no;
	if (value->type != YAML_SEQUENCE_NODE)
		return eg_yaml_fail(ctx, eg_yaml_value_mark(key, value),
				    "\"nat64_prefixes\" must be a list of IPv6 prefixes, got %s",
				    eg_yaml_kind(value));
	for (yaml_node_item_t *it = value->data.sequence.items.start;
	     it < value->data.sequence.items.top; it++)
		if (nat64_prefix(ctx, eg_yaml_node(ctx, *it), target))
			return -1;
	return 0;
}

/* raw_sockets: allow | deny (an action word; audit would let them through unseen) */
int policy_parse_raw_sockets(struct eg_yaml *ctx, yaml_node_t *key, yaml_node_t *value,
			     void *target, size_t rule_no)
{
	enum eg_action action;

	(void)rule_no;
	if (policy_action_value(ctx, key, value, &action))
		return -1;
	if (action == EG_ACT_AUDIT)
		return eg_yaml_fail(ctx, value->start_mark,
				    "raw_sockets cannot be audit (expected allow or deny)");
	((struct eg_policy *)target)->raw_allow = action == EG_ACT_ALLOW;
	return 0;
}
