/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel's decision, run in userspace over the userspace copies of the
 * maps: maps/classify.h compiled with accessors to a world and a ruleset.
 */
#ifndef EXFILGUARD_JUDGE_H
#define EXFILGUARD_JUDGE_H

#include <stdint.h>
#include "../maps/decide.h"
#include "ruleset.h"
#include "world.h"

struct eg_tables {
	const struct eg_world *world; /* NULL: no classification data */
	const struct eg_ruleset *rs;
	int fail_closed;		     /* the policy's on_failure */
	int stale;			     /* the data is older than max_data_age */
	const struct eg_nat64_prefix *nat64; /* EG_MAX_NAT64_PREFIXES entries, or NULL */
};

/* Decide for addr (16-byte form); *class_id as eg_judge_tables() leaves it. */
void eg_judge_user(const struct eg_tables *t, const uint8_t addr[16], struct eg_decision *d,
		   uint32_t *class_id);

#endif
