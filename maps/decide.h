/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The decision: given what the tries found for a destination, which action
 * applies and what the kernel does about it. Pure functions over ABI structs,
 * compiled into the BPF object and into the userspace binary, so that
 * `exfilguard lookup` answers with the very code the hooks run.
 */
#ifndef EXFILGUARD_DECIDE_H
#define EXFILGUARD_DECIDE_H

#include "exfilguard.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

struct eg_decision {
	__u8 action;	/* enum eg_action that applied */
	__u8 verdict;	/* enum eg_verdict: what the kernel does */
	__u8 match;	/* enum eg_match: which selector decided */
	__u8 prefixlen; /* matched prefix length as written */
	__u16 rule;	/* rule index or EG_RULE_DEFAULT */
	__u8 mode;	/* enum eg_mode of the deciding policy */
	__u8 pad;
	__u32 slot; /* policy slot that decided (node-wide or a scope's) */
	__u8 embed; /* enum eg_embed: how the destination carries an IPv4 (maps/embed4.h) */
	__u8 by_v4; /* 1: that IPv4's verdict was the stronger and decided */
	__u8 v4[4]; /* net order: the carried IPv4 when embed is set */
	__u8 pad2[2];
};

/* IPv4 (net order) to its 16-byte form ::ffff:a.b.c.d. */
static __always_inline void eg_addr_from_v4(__u8 out[16], __u32 ip4_net)
{
	__u32 words[4] = {0, 0, 0, 0};

	((__u8 *)&words[2])[2] = 0xff;
	((__u8 *)&words[2])[3] = 0xff;
	words[3] = ip4_net;
	__builtin_memcpy(out, words, 16);
}

/* The address whose rules decided: addr, or the IPv4 it carries in its 16-byte form. */
static __always_inline void eg_decided_addr(const __u8 addr[16], const struct eg_decision *d,
					    __u8 out[16])
{
	__u32 v4_net;

	if (d->by_v4) {
		__builtin_memcpy(&v4_net, d->v4, 4);
		eg_addr_from_v4(out, v4_net);
	} else {
		__builtin_memcpy(out, addr, 16);
	}
}

/* The rule-trie key for a full (/128) lookup of addr under a policy. */
static __always_inline void eg_rule_key_for(struct eg_rule_key *key, __u32 policy_net,
					    const __u8 addr[16])
{
	key->prefixlen = 32 + 128;
	key->policy = policy_net;
	__builtin_memcpy(key->addr, addr, 16);
}

/*
 * What the lookups found for one destination. Precedence, strongest first:
 * the longest matching CIDR; then what is known of the operator: an ASN or
 * provider rule, or a jurisdiction rule naming the country that controls the
 * provider; then what is known of the location: a country rule, or a
 * jurisdiction rule naming the located country; then the policy default.
 * Two hits on one level: the rule written first in the policy wins.
 *
 * Why the provider's jurisdiction ranks above country: the product exists to
 * catch clouds controlled from one country that run servers located in
 * others (Alibaba Cloud's US regions geolocate to the US). With
 * `allow country: [US]` written before `deny jurisdiction: [CN]`, the
 * location must not let an Alibaba US address through.
 */
struct eg_hits {
	const struct eg_rule *cidr;
	const struct eg_rule *asn;
	const struct eg_rule *provider;
	const struct eg_rule *country;
	const struct eg_rule *jur_by_country;  /* jurisdiction rule naming the located country */
	const struct eg_rule *jur_by_provider; /* jurisdiction rule naming the provider's country */
};

/* Of two candidate hits, the one written first (either may be NULL). */
static __always_inline const struct eg_rule *eg_first_written(const struct eg_rule *a,
							      const struct eg_rule *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return b->index < a->index ? b : a;
}

static __always_inline void eg_take_rule(struct eg_decision *d, const struct eg_rule *r, __u8 match)
{
	d->action = r->action;
	d->match = match;
	d->rule = r->index;
	d->prefixlen = r->plen;
}

static __always_inline void eg_take_default(struct eg_decision *d, __u8 action, __u8 match)
{
	d->action = action;
	d->match = match;
	d->rule = EG_RULE_DEFAULT;
	d->prefixlen = 0;
}

/*
 * failure: what went wrong, if anything: EG_MATCH_STALE (the data is older
 * than max_data_age), else 0; fail_closed: the policy's on_failure.
 */
static __always_inline void eg_decide_hits_ex(const struct eg_policy_hdr *pol,
					      const struct eg_hits *h, __u8 failure,
					      __u8 fail_closed, struct eg_decision *d)
{
	const struct eg_rule *operator_rule = eg_first_written(h->asn, h->provider);
	const struct eg_rule *level2 = eg_first_written(operator_rule, h->jur_by_provider);
	const struct eg_rule *level3 = eg_first_written(h->country, h->jur_by_country);
	__u8 on_failure = fail_closed ? EG_ACT_DENY : EG_ACT_ALLOW;

	d->mode = pol ? pol->mode : EG_MODE_ENFORCE;
	d->pad = 0;
	if (!pol || !pol->loaded)
		eg_take_default(d, on_failure, EG_MATCH_NO_POLICY);
	else if (h->cidr)
		eg_take_rule(d, h->cidr, EG_MATCH_CIDR);
	else if (failure == EG_MATCH_STALE && fail_closed)
		eg_take_default(d, EG_ACT_DENY, EG_MATCH_STALE);
	else if (level2)
		eg_take_rule(d, level2,
			     level2 == h->asn	     ? EG_MATCH_ASN
			     : level2 == h->provider ? EG_MATCH_PROVIDER
						     : EG_MATCH_JURISDICTION);
	else if (level3)
		eg_take_rule(d, level3,
			     level3 == h->country ? EG_MATCH_COUNTRY : EG_MATCH_JURISDICTION);
	else
		eg_take_default(d, pol->default_action, EG_MATCH_DEFAULT);

	/* Audit mode turns every deny into a reported allow. */
	if (d->action == EG_ACT_DENY)
		d->verdict = d->mode == EG_MODE_AUDIT ? EG_VERDICT_AUDIT : EG_VERDICT_DENY;
	else if (d->action == EG_ACT_AUDIT)
		d->verdict = EG_VERDICT_AUDIT;
	else
		d->verdict = EG_VERDICT_ALLOW;
	if (d->rule == EG_RULE_CANARY)
		d->verdict = EG_VERDICT_DENY; /* the self-test proves refusal, in any mode */
}

static __always_inline void eg_decide_hits(const struct eg_policy_hdr *pol, const struct eg_hits *h,
					   struct eg_decision *d)
{
	eg_decide_hits_ex(pol, h, 0, 0, d);
}

/* Only a CIDR hit (or none): the policy without classification selectors. */
static __always_inline void eg_decide(const struct eg_policy_hdr *pol,
				      const struct eg_rule *cidr_hit, struct eg_decision *d)
{
	struct eg_hits h = {.cidr = cidr_hit};

	eg_decide_hits(pol, &h, d);
}

#endif /* EXFILGUARD_DECIDE_H */
