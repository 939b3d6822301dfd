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
#include "dtset.h"
#include "error.h"
#include "judge.h"

struct eg_bundle;
struct eg_intern;

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
/*
 * The IPv4 cells of the table just built (index: its 65536 cells; its bounds
 * from bounds_from on) into lines (dtable_v4.c). -1 when out of memory.
 */
int eg_dt_v4_pack(struct eg_dtset *set, struct eg_span *index, size_t bounds_from);
/*
 * The summary (struct eg_dt_summary) of a slot's IPv4 cells: fresh's
 * EG_DT_CELLS, and stale's (NULL: none) where the policy has a stale
 * table; decision ids are below n_decisions. -1 when out of memory.
 */
int eg_dt_summarize(const struct eg_span *fresh, const struct eg_span *stale, size_t n_decisions,
		    struct eg_dt_summary *out);
/* How many blocks a summary marks (NULL: 0). */
unsigned eg_dt_summary_marked(const struct eg_dt_summary *s);
/* Kernel memory the tables take (array maps: entries x value size). */
uint64_t eg_dtset_kernel_bytes(const struct eg_dtset *set);

#endif
