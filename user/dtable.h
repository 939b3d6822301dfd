/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The decision tables (EG_MAP_DT_* of maps/exfilguard.h): each policy slot
 * compiled with the classification into ranges of decisions, by the
 * reference decision itself (user/judge.c: maps/decide.h and
 * maps/classify.h) run once per range where nothing it reads changes. The
 * arrays are exactly what the kernel maps hold.
 */
#ifndef EXFILGUARD_DTABLE_H
#define EXFILGUARD_DTABLE_H

#include <stddef.h>
#include <stdint.h>
#include "dxr.h"
#include "error.h"
#include "judge.h"

struct eg_bundle;
struct eg_intern;

struct eg_dtset {
	struct eg_dt_head heads[EG_DT_MAX_TABLES];
	struct eg_span *v4_index, *v6_index; /* n_tables x EG_DT_CELLS */
	size_t n_tables;
	struct eg_dxr_bounds bounds;
	struct eg_dt_decision *decisions; /* [EG_DT_NONE] is unused */
	size_t n_decisions, cap_decisions;
	struct eg_intern *intern;
	size_t n_ranges; /* ranges before the split into cells, over all tables */
};

/*
 * Compile the decision of ref (world, rules, on_failure, stale: its stale
 * flag picks the variant) for policy slot `slot` into table
 * EG_DT_TABLE(slot, ref->stale), the self-test canary included.
 */
int eg_dtset_add(struct eg_dtset *set, const struct eg_tables *ref, uint32_t slot,
		 struct eg_error *err);
/*
 * Every table of a bundle: the node policy in slot `node_slot`, each scope
 * in EG_SLOT_SCOPE(i), each also stale when the policy sets max_data_age.
 */
int eg_dtset_build(struct eg_dtset *set, const struct eg_bundle *b, uint32_t node_slot,
		   struct eg_error *err);
void eg_dtset_free(struct eg_dtset *set);
/* Kernel memory the tables take (array maps: entries x value size). */
uint64_t eg_dtset_kernel_bytes(const struct eg_dtset *set);

#endif
