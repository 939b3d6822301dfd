// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stddef.h>
#include <string.h>
#include "dtset.h"
#include "judge.h"

/* The accessors maps/classify.h needs, over userspace tables. */
#define EG_TABLES_T const struct eg_tables *

static inline const struct eg_span *eg_tbl_v4_span(const struct eg_tables *t, uint32_t i)
{
	return t->world && i < 65536 ? &t->world->v4_index[i] : NULL;
}

static inline const struct eg_v4_bound4 *eg_tbl_v4_bound4(const struct eg_tables *t, uint32_t i)
{
	return t->world && i < EG_V4_BOUND4S(t->world->n_v4_bounds) ? &t->world->v4_bounds[i]
								    : NULL;
}

static inline const struct eg_span *eg_tbl_v6_span(const struct eg_tables *t, uint32_t i)
{
	return t->world && i < 65536 ? &t->world->v6_index[i] : NULL;
}

static inline const struct eg_v6_coarse_bound *eg_tbl_v6_bound(const struct eg_tables *t,
							       uint32_t i)
{
	return t->world && i < t->world->n_v6_bounds ? &t->world->v6_bounds[i] : NULL;
}

static inline const struct eg_span *eg_tbl_v6_fine_span(const struct eg_tables *t, uint32_t i)
{
	return t->world && i < t->world->n_v6_fine_spans ? &t->world->v6_fine_index[i] : NULL;
}

static inline const struct eg_v6_fine_bound *eg_tbl_v6_fine_bound(const struct eg_tables *t,
								  uint32_t i)
{
	return t->world && i < t->world->n_v6_fine_bounds ? &t->world->v6_fine_bounds[i] : NULL;
}

static inline const struct eg_class *eg_tbl_class(const struct eg_tables *t, uint32_t id)
{
	return t->world && id < t->world->n_classes ? &t->world->classes[id] : NULL;
}

/* 0.0.0.1 in the 16-byte form: the self-test's canary destination. */
static const uint8_t canary_addr[16] = {[10] = 0xff, [11] = 0xff, [15] = EG_CANARY_V4};
static const struct eg_rule canary_rule = {
	.index = EG_RULE_CANARY, .action = EG_ACT_DENY, .plen = 32};

static inline const struct eg_rule *eg_tbl_rule(const struct eg_tables *t, uint32_t policy,
						const uint8_t addr[16])
{
	const struct eg_rule *r = eg_ruleset_lookup(t->rs, addr);

	(void)policy; /* a userspace ruleset holds one policy */
	/* Every kernel slot holds the canary rule too (unless the policy's own /32 is there). */
	if (memcmp(addr, canary_addr, 16) == 0 && (!r || r->plen < 32))
		return &canary_rule;
	return r;
}

static inline const struct eg_rule *eg_tbl_selector(const struct eg_tables *t,
						    const struct eg_selector_key *key)
{
	return eg_ruleset_selector(t->rs, key->kind, key->value);
}

static inline const struct eg_dt_head *eg_tbl_dt_head(const struct eg_tables *t, uint32_t i)
{
	return t->dt && i < EG_DT_MAX_TABLES ? &t->dt->heads[i] : NULL;
}

static inline const struct eg_span *eg_tbl_dt_v4_span(const struct eg_tables *t, uint32_t i)
{
	return t->dt && i < t->dt->n_tables * EG_DT_CELLS ? &t->dt->v4_index[i] : NULL;
}

static inline const struct eg_dt_line *eg_tbl_dt_v4_line(const struct eg_tables *t, uint32_t i)
{
	return t->dt && i < t->dt->n_v4_lines ? &t->dt->v4_lines[i] : NULL;
}

static inline const struct eg_v4_bound *eg_tbl_dt_v4_bound(const struct eg_tables *t, uint32_t i)
{
	return t->dt && i < t->dt->bounds.n_v4 ? &t->dt->bounds.v4[i] : NULL;
}

static inline const struct eg_span *eg_tbl_dt_v6_span(const struct eg_tables *t, uint32_t i)
{
	return t->dt && i < t->dt->n_tables * EG_DT_CELLS ? &t->dt->v6_index[i] : NULL;
}

static inline const struct eg_v6_bound *eg_tbl_dt_v6_bound(const struct eg_tables *t, uint32_t i)
{
	return t->dt && i < t->dt->bounds.n_v6 ? &t->dt->bounds.v6[i] : NULL;
}

static inline const struct eg_dt_decision *eg_tbl_dt_decision(const struct eg_tables *t,
							      uint32_t id)
{
	return t->dt && id < t->dt->n_decisions ? &t->dt->decisions[id] : NULL;
}

static inline const struct eg_dt_summary *eg_tbl_dt_summary(const struct eg_tables *t,
							    uint32_t table)
{
	return t->dt && t->dt->summaries && table / 2 < EG_MAX_POLICIES
		       ? &t->dt->summaries[table / 2]
		       : NULL;
}

/* A class the caller already knows (compiling the tables walks the classification's segments). */
static inline uint32_t eg_user_classify(const struct eg_tables *t, const uint8_t addr[16]);
#define EG_CLASSIFY eg_user_classify

/* The compiled tables when the caller gave them, else the reference. */
struct eg_policy_hdr;
static void eg_user_judge_one(const struct eg_tables *t, const struct eg_policy_hdr *pol,
			      uint32_t policy, const uint8_t addr[16], uint32_t cfg_flags,
			      int stale, struct eg_decision *d, uint32_t *class_id);
#define EG_JUDGE_ONE eg_user_judge_one

#include "../maps/classify.h"

static inline uint32_t eg_user_classify(const struct eg_tables *t, const uint8_t addr[16])
{
	return t->class_hint ? t->class_hint - 1 : eg_classify(t, addr);
}

static void eg_user_judge_one(const struct eg_tables *t, const struct eg_policy_hdr *pol,
			      uint32_t policy, const uint8_t addr[16], uint32_t cfg_flags,
			      int stale, struct eg_decision *d, uint32_t *class_id)
{
	if (t->dt)
		eg_dt_judge_one(t, pol, policy, addr, cfg_flags, stale, d, class_id);
	else
		eg_judge_one(t, pol, policy, addr, cfg_flags, stale, d, class_id);
}

void eg_judge_user_one(const struct eg_tables *t, const uint8_t addr[16], uint32_t class_id,
		       struct eg_decision *d)
{
	struct eg_tables hinted = *t;
	uint32_t unused;

	hinted.dt = NULL;
	hinted.class_hint = class_id == EG_CLASS_UNRESOLVED ? 0 : class_id + 1;
	eg_judge_one(&hinted, &t->rs->hdr, t->slot, addr, t->fail_closed ? EG_CFG_FAIL_CLOSED : 0,
		     t->stale, d, &unused);
}

void eg_judge_user(const struct eg_tables *t, const uint8_t addr[16], struct eg_decision *d,
		   uint32_t *class_id)
{
	eg_judge_tables(t, &t->rs->hdr, t->slot, addr, t->nat64,
			t->fail_closed ? EG_CFG_FAIL_CLOSED : 0, t->stale, d, class_id);
}

uint32_t eg_world_classify(const struct eg_world *w, const uint8_t addr[16])
{
	struct eg_tables t = {.world = w};

	return eg_classify(&t, addr);
}
