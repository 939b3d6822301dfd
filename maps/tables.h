/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Part of the exfilguard ABI (maps/exfilguard.h includes it; include that):
 * the layout of the lookup tables, the classification of the address space
 * and the decision tables compiled from it, under the same rules: fixed-width
 * types, byte order stated, sizes pinned.
 */
#ifndef EXFILGUARD_ABI_TABLES_H
#define EXFILGUARD_ABI_TABLES_H

#include <linux/types.h>

/*
 * Classification of the whole address space (country, AS, provider,
 * jurisdiction), in DXR form: the address space is cut into ranges, each
 * with a class id; a first-level array indexed by the top 16 bits of the
 * address points at the sorted range starts inside that /16, which a bounded
 * binary search walks. A /16 that is one range takes no bound: its span has
 * count 1 and the class id inline in `first`. A lookup costs one index read
 * and at most log2(ranges in one /16) + 1 probes whatever the data size.
 *
 * Array map values take a multiple of 8 bytes in the kernel, hence these
 * sizes: ~6 bytes per IPv4 range and ~8 per IPv6 range (an LPM trie needs
 * ~140 per prefix). IPv6 ranges are cut at /48 or coarser almost everywhere
 * (in DB-IP + ASN 2026-06: 6,253 of 484,787 range starts are not, in 3,797
 * /48s), so an IPv6 bound holds bits 16-47 of its start (struct
 * eg_v6_coarse_bound); a /48 that holds finer starts gets one coarse bound
 * whose value carries EG_V6_FINE and the index of its span in
 * EG_MAP_V6_FINE_INDEX, and a second search of that span's struct
 * eg_v6_fine_bound (bits 48-127) finds the class, exactly.
 */
struct eg_span {
	__u32 first; /* host order: index of the /16's first bound, or the value when count is 1 */
	__u32 count; /* host order: number of bounds in the /16, >= 1 when data is loaded */
};
_Static_assert(sizeof(struct eg_span) == 8, "eg_span ABI");

/* An IPv4 range start in its /16: the decision tables' EG_DT_WIDE cells keep theirs so. */
struct eg_v4_bound {
	__u16 start; /* host order: low 16 bits of the first address of the range */
	__u16 pad;
	__u32 class_id; /* host order */
};
_Static_assert(sizeof(struct eg_v4_bound) == 8, "eg_v4_bound ABI");

/*
 * EG_MAP_V4_BOUNDS value: the classification's IPv4 bounds four at a time
 * (bound i is slot i % 4 of value i / 4), 6 bytes a bound where a value of
 * one would take 8.
 */
struct eg_v4_bound4 {
	__u16 start[4];	   /* host order: low 16 bits of each range's first address */
	__u32 class_id[4]; /* host order */
};
_Static_assert(sizeof(struct eg_v4_bound4) == 24, "eg_v4_bound4 ABI");

/* EG_MAP_V6_BOUNDS value: a range start on a /48 boundary, or a /48 cut finer. */
struct eg_v6_coarse_bound {
	__u32 start; /* host order: bits 16-47 of the first address (the /16 gives bits 0-15) */
	__u32 value; /* host order: class id, or EG_V6_FINE | index into EG_MAP_V6_FINE_INDEX */
};
_Static_assert(sizeof(struct eg_v6_coarse_bound) == 8, "eg_v6_coarse_bound ABI");

/* The /48s cut finer: their spans, and their bounds. */
#define EG_MAP_V6_FINE_INDEX  eg_v6_fine_idx /* array: struct eg_span */
#define EG_MAP_V6_FINE_BOUNDS eg_v6_fine     /* array: struct eg_v6_fine_bound */

/* A coarse bound's value with this bit: its /48 has the finer bounds of a fine span. */
#define EG_V6_FINE 0x80000000u

/* EG_MAP_V6_FINE_BOUNDS value: a range start inside a /48; a fine span's first is at 0. */
struct eg_v6_fine_bound {
	__u64 start_lo;	 /* host order: bits 64-127 of the first address */
	__u16 start_mid; /* host order: bits 48-63 (the coarse bound gives bits 0-47) */
	__u16 pad;
	__u32 class_id; /* host order */
};
_Static_assert(sizeof(struct eg_v6_fine_bound) == 16, "eg_v6_fine_bound ABI");

/* A whole IPv6 range start: how the decision tables store theirs (few: they merge ranges). */
struct eg_v6_bound {
	__u64 start_hi; /* host order: bits 0-63 of the range's first address */
	__u64 start_lo; /* host order: bits 64-127 */
	__u32 class_id; /* host order */
	__u32 pad;
};
_Static_assert(sizeof(struct eg_v6_bound) == 24, "eg_v6_bound ABI");

/* Enough probes for 2^24 bounds in one /16 or fine span: the verifier needs a fixed bound. */
#define EG_SEARCH_STEPS 25

/* EG_MAP_CLASSES value. Class 0 is "nothing known". */
struct eg_class {
	__u32 asn;	    /* host order, 0 = unknown */
	__u16 country;	    /* host order, EG_CC('C','N') = 0x434e, 0 = unknown */
	__u16 provider;	    /* host order, 1-based provider catalog index, 0 = none */
	__u16 jurisdiction; /* host order, country code controlling the provider, 0 = none */
	__u16 pad;
};
_Static_assert(sizeof(struct eg_class) == 12, "eg_class ABI");

/* 'C','N' -> 0x434e. */
#define EG_CC(a, b) ((__u16)(((__u8)(a) << 8) | (__u8)(b)))

/*
 * EG_MAP_SELECTORS key: a rule that names an ASN, provider, country or
 * jurisdiction. kind is the enum eg_match value of the selector.
 */
struct eg_selector_key {
	__u32 policy; /* host order */
	__u32 kind;   /* host order: EG_MATCH_ASN, _PROVIDER, _COUNTRY or _JURISDICTION */
	__u32 value;  /* host order: AS number, provider index or country code */
};
_Static_assert(sizeof(struct eg_selector_key) == 12, "eg_selector_key ABI");

/*
 * The decision tables: each policy slot compiled together with the
 * classification into ranges of the address space whose values are
 * decisions (rule, match kind, action, verdict), in the DXR form above. A
 * hook reads one first-level cell; a cell holding one decision (count 1)
 * carries its id inline in `first`. An IPv6 cell of several is searched
 * like the classification (struct eg_v6_bound, class_id = decision id). An
 * IPv4 cell of several says in the top bits of its count how its ranges are
 * kept in 64-byte lines (struct eg_dt_line: one cache line each), so that a
 * lookup reads one line, or two in a cell of more than 16 ranges:
 *   EG_DT_LEAF | n (n <= 16): the n ranges in slots first % 16 .. of line
 *     first / 16 (a line holds several small cells);
 *   EG_DT_TREE | n (n <= 256): slots from `first` hold a key run, the start
 *     of each of the cell's ceil(n / 16) leaf lines, and in its first two id
 *     fields the index of the first leaf line (low, high 16 bits); the
 *     leaves are full lines of 16 ranges but the last;
 *   EG_DT_BITMAP | a << 14 | b: half `first` % 2 of line `first` / 2 is a
 *     bitmap of the cell's 256 /24s choosing between decisions a and b
 *     (below 2^14: a cell of 4 or more ranges all starting on a /24, two
 *     decisions);
 *   EG_DT_WIDE | n: n struct eg_v4_bound from index `first` of
 *     EG_MAP_DT_V4_BOUNDS (a cell the others cannot hold: no bitmap, and a
 *     decision id past 16 bits or more than 256 ranges).
 * Table t of a slot: EG_DT_TABLE(slot, stale); the stale variant is there
 * only when the policy sets max_data_age.
 */
#define EG_MAP_DT_HEADS	    eg_dt_heads	    /* array[EG_DT_MAX_TABLES]: struct eg_dt_head */
#define EG_MAP_DT_V4_INDEX  eg_dt_v4_index  /* array[tables x 65536]: struct eg_span */
#define EG_MAP_DT_V4_LINES  eg_dt_v4_lines  /* array: struct eg_dt_line */
#define EG_MAP_DT_V4_BOUNDS eg_dt_v4_bounds /* array: struct eg_v4_bound (EG_DT_WIDE cells) */
#define EG_MAP_DT_V6_INDEX  eg_dt_v6_index  /* array[tables x 65536]: struct eg_span */
#define EG_MAP_DT_V6_BOUNDS eg_dt_v6_bounds /* array: struct eg_v6_bound */
#define EG_MAP_DT_DECISIONS eg_dt_decisions /* array: decision id -> struct eg_dt_decision */

/* An IPv4 decision-table cell's form, in the top 4 bits of its count (0: count 1, inline). */
#define EG_DT_FORM(count) ((count)&0xf0000000u)
#define EG_DT_N(count)	  ((count)&0x0fffffffu)
#define EG_DT_LEAF	  0x10000000u
#define EG_DT_TREE	  0x20000000u
#define EG_DT_BITMAP	  0x30000000u
#define EG_DT_WIDE	  0x40000000u
#define EG_DT_SLOTS	  16u	  /* ranges a line holds */
#define EG_DT_TREE_MAX	  256u	  /* ranges a tree cell holds: its key run fits one line */
#define EG_DT_BITMAP_ID	  0x3fffu /* a bitmap's decisions: 14 bits each, in its count */

/* EG_MAP_DT_V4_LINES value: one cache line. */
struct eg_dt_line {
	union {
		struct {
			__u16 start[EG_DT_SLOTS]; /* host order: a range's first address, low 16 */
			__u16 id[EG_DT_SLOTS];	  /* host order: its decision id */
		};
		__u64 bits[8]; /* two bitmaps: bit b of one, the decision of the cell's /24 b */
	};
};
_Static_assert(sizeof(struct eg_dt_line) == 64, "eg_dt_line ABI");

#define EG_DT_MAX_TABLES	 (2 * EG_MAX_POLICIES)
#define EG_DT_TABLE(slot, stale) ((slot)*2u + ((stale) ? 1u : 0u))
#define EG_DT_CELLS		 65536u /* first-level cells per table and family */
#define EG_DT_NONE		 0u	/* decision id 0: no decision (never stored in a table) */

/*
 * A policy's IPv4 summary: the /12 blocks (ip >> EG_DT_SUMMARY_SHIFT) in
 * which every address has decision `id` in each of the policy's tables
 * (fresh and stale data), `id` being the decision most blocks have whole. A
 * lookup in a marked block reads no cell. The kernel keeps the node policy's
 * in its config (struct eg_config), so that an allowed connect to most of
 * the address space reads the config's page only (see struct eg_config).
 * Built from the tables' cells (user/dtable_v4.c eg_dt_summarize).
 */
#define EG_DT_SUMMARY_SHIFT  20u
#define EG_DT_SUMMARY_BLOCKS 4096u
struct eg_dt_summary {
	__u32 id; /* host order: the marked blocks' decision; EG_DT_NONE when none is marked */
	__u32 pad;
	/* host order: bit b % 64 of word b / 64 marks block b */
	__u64 blocks[EG_DT_SUMMARY_BLOCKS / 64];
};
_Static_assert(sizeof(struct eg_dt_summary) == 520, "eg_dt_summary ABI");

struct eg_dt_head {
	__u32 loaded; /* host order: 1 when the table is filled */
	__u32 cells;  /* host order: index of the table's first cell in both index maps */
};
_Static_assert(sizeof(struct eg_dt_head) == 8, "eg_dt_head ABI");

/* What struct eg_decision holds of a compiled decision. */
struct eg_dt_decision {
	__u16 rule; /* host order: rule index, EG_RULE_DEFAULT or EG_RULE_CANARY */
	__u8 action;
	__u8 verdict;
	__u8 match;
	__u8 prefixlen;
	__u8 mode;
	__u8 pad;
};
_Static_assert(sizeof(struct eg_dt_decision) == 8, "eg_dt_decision ABI");

#endif /* EXFILGUARD_ABI_TABLES_H */
