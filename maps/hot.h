/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Part of the exfilguard ABI (maps/exfilguard.h includes it; include that):
 * what every hook reads and counts in on its way, EG_MAP_HOT: the configs
 * of the generations, beside the verdict counters.
 */
#ifndef EXFILGUARD_ABI_HOT_H
#define EXFILGUARD_ABI_HOT_H

#include <linux/types.h>

/*
 * on_failure: closed. With no policy loaded, everything is denied; with stale
 * data, everything a CIDR rule does not allow is denied. Open (the default):
 * no policy allows everything; stale data is not used for verdicts.
 */
#define EG_CFG_FAIL_CLOSED 1u
/* raw_sockets: allow. Else header-including raw sockets (IP_HDRINCL, IPPROTO_RAW) are refused. */
#define EG_CFG_RAW_ALLOW 2u
/* accounting: all. Else only denied and audited destinations are counted by volume. */
#define EG_CFG_ACCT_ALL 4u
/*
 * Set by the daemon on the config in force when it is about to free its own
 * lookup tables (a reload that reads new data): a socket hook's deny is then
 * classified and counted in the kernel, not left to the daemon
 * (EG_EVF_TALLY), which could no longer classify it. A new generation starts
 * without it.
 */
#define EG_CFG_KERNEL_COUNTS 8u

/* Decisions the config carries a copy of (ids below it): a policy seldom compiles to more. */
#define EG_CFG_DECISIONS 64 /* a power of two: the kernel masks ids with it */

/* One generation's config: EG_MAP_HOT's cfg[] at the generation's slot. */
struct eg_config {
	__u32 policy;	  /* host order: id of the policy in force (EG_MAP_POLICY index) */
	__u32 generation; /* host order: bumped on every change; invalidates socket caches */
	__u32 data_gen;	  /* host order: which classification data is loaded (0: none) */
	__u32 scoped;	  /* host order: non-zero when EG_MAP_SCOPES has entries */
	__u32 flags;	  /* host order: EG_CFG_* */
	__u32 pad;
	__u64 stale_after_ns; /* host order, boot-time clock: data counts as stale after; 0 never */
	struct eg_nat64_prefix nat64[EG_MAX_NAT64_PREFIXES]; /* the policy's nat64_prefixes */
	/*
	 * Copies of what the node-wide policy's lookups read elsewhere: its
	 * EG_MAP_POLICY header, its two EG_MAP_DT_HEADS entries (fresh and stale
	 * data) and the first decisions of EG_MAP_DT_DECISIONS, written with
	 * the rest of the config by the switch (eg_guard_apply). Where the TLB
	 * starts empty at each syscall (page-table isolation without PCID, as on
	 * the PVM guests we measure on), every further map page a hook touches
	 * costs a page walk, ~25 ns: an allowed connect now reads this page, its
	 * counter row and, outside the summary's blocks (below), its
	 * decision-table cell. Scopes' policies use the maps.
	 */
	struct eg_policy_hdr node_hdr;
	struct eg_dt_head node_heads[2]; /* EG_DT_TABLE(policy, 0) and EG_DT_TABLE(policy, 1) */
	__u32 n_decisions;		 /* host order: how many of decisions[] are copied */
	__u32 pad2;
	struct eg_dt_decision decisions[EG_CFG_DECISIONS]; /* [EG_DT_NONE] unused, as in the map */
	/*
	 * The node policy's summary, from its tables' cells: a destination in a
	 * marked /12 (three in four random public IPv4 addresses under a
	 * CN-deny policy) is decided here, without the cell's page.
	 */
	struct eg_dt_summary node_summary;
};
_Static_assert(sizeof(struct eg_config) ==
		       32 + 16 * EG_MAX_NAT64_PREFIXES + 32 + 8 * EG_CFG_DECISIONS + 520,
	       "eg_config ABI");

/*
 * EG_MAP_HOT value: what every hook reads and counts in on its way, kept
 * together so that the config and the first CPUs' counter rows share the
 * map's first page (its values start a page: the map is mappable). The map
 * outlives generations, as the counters must: a reload's generation writes
 * its config into the slot the one in force does not use, and each
 * generation's programs read their own slot (EG_MAP_SLOT). Userspace writes
 * a config through the mapping, never the whole value, which the hooks'
 * counters are being added to.
 */
struct eg_hot {
	struct eg_config cfg[2];
	struct eg_counter_row rows[EG_CTR_ROWS];
};
_Static_assert(2 * sizeof(struct eg_config) + 2 * sizeof(struct eg_counter_row) <= 4096,
	       "the configs and two CPUs' counter rows share a page");
_Static_assert(sizeof(struct eg_hot) == 2 * sizeof(struct eg_config) + 512 * EG_CTR_ROWS,
	       "eg_hot ABI");

#endif /* EXFILGUARD_ABI_HOT_H */
