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

struct eg_dtset;

struct eg_tables {
	const struct eg_world *world; /* NULL: no classification data */
	const struct eg_ruleset *rs;
	int fail_closed;		     /* the policy's on_failure */
	int stale;			     /* the data is older than max_data_age */
	const struct eg_nat64_prefix *nat64; /* EG_MAX_NAT64_PREFIXES entries, or NULL */
	/*
	 * The compiled decision tables of slot 0 (user/dtable.h): when set, the
	 * decision is read from them as the kernel reads it, and world and rs
	 * only give the policy header; NULL: the reference, rules + classification.
	 */
	const struct eg_dtset *dt;
	uint32_t class_hint; /* class id + 1 of the address being judged, 0: classify it */
	uint32_t slot;	     /* policy slot judged under (the table read; d->slot) */
};

/* Decide for addr (16-byte form); *class_id as eg_judge_tables() leaves it. */
void eg_judge_user(const struct eg_tables *t, const uint8_t addr[16], struct eg_decision *d,
		   uint32_t *class_id);

/*
 * The reference decision for one address, without the IPv4 an IPv6 address
 * may carry (the kernel judges that through the tables too); class_id: the
 * address's class when the caller knows it (saves the search), else
 * EG_CLASS_UNRESOLVED.
 */
void eg_judge_user_one(const struct eg_tables *t, const uint8_t addr[16], uint32_t class_id,
		       struct eg_decision *d);

#endif
