/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Classification lookup over the DXR tables of maps/exfilguard.h, shared by
 * the BPF programs and userspace (`exfilguard lookup`, tests, benchmarks).
 *
 * The includer defines the table accessors first, each returning NULL when
 * out of range or absent:
 *   const struct eg_span     *eg_tbl_v4_span(EG_TABLES_T t, __u32 slash16);
 *   const struct eg_v4_bound4 *eg_tbl_v4_bound4(EG_TABLES_T t, __u32 index);
 *   const struct eg_span     *eg_tbl_v6_span(EG_TABLES_T t, __u32 slash16);
 *   const struct eg_v6_coarse_bound *eg_tbl_v6_bound(EG_TABLES_T t, __u32 index);
 *   const struct eg_span     *eg_tbl_v6_fine_span(EG_TABLES_T t, __u32 index);
 *   const struct eg_v6_fine_bound *eg_tbl_v6_fine_bound(EG_TABLES_T t, __u32 index);
 *   const struct eg_class    *eg_tbl_class(EG_TABLES_T t, __u32 class_id);
 *   const struct eg_rule     *eg_tbl_rule(EG_TABLES_T t, __u32 policy, const __u8 addr[16]);
 *   const struct eg_rule     *eg_tbl_selector(EG_TABLES_T t, const struct eg_selector_key *k);
 * and eg_judge_tables() is then the whole decision, the same in the kernel
 * and in userspace. The decision tables (compiled from that decision, see
 * EG_MAP_DT_* in exfilguard.h) are read through
 *   const struct eg_dt_head     *eg_tbl_dt_head(EG_TABLES_T t, __u32 table);
 *   const struct eg_span        *eg_tbl_dt_v4_span(EG_TABLES_T t, __u32 cell);
 *   const struct eg_dt_line     *eg_tbl_dt_v4_line(EG_TABLES_T t, __u32 index);
 *   const struct eg_v4_bound    *eg_tbl_dt_v4_bound(EG_TABLES_T t, __u32 index);
 *   const struct eg_span        *eg_tbl_dt_v6_span(EG_TABLES_T t, __u32 cell);
 *   const struct eg_v6_bound    *eg_tbl_dt_v6_bound(EG_TABLES_T t, __u32 index);
 *   const struct eg_dt_decision *eg_tbl_dt_decision(EG_TABLES_T t, __u32 id);
 *   const struct eg_dt_summary  *eg_tbl_dt_summary(EG_TABLES_T t, __u32 table);
 * (the summary may be NULL: the lookup then reads the cell) and EG_JUDGE_ONE chooses which of the
 * two judges a single address.
 */
#ifndef EXFILGUARD_CLASSIFY_H
#define EXFILGUARD_CLASSIFY_H

#include "exfilguard.h"
#include "decide.h"
#include "embed4.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline int eg_is_v4mapped(const __u8 a[16])
{
	__u64 hi;
	__u32 mid;

	__builtin_memcpy(&hi, a, 8);
	__builtin_memcpy(&mid, a + 8, 4);
	/* ::ffff:0:0/96: bytes 0-9 zero, bytes 10-11 0xff (any byte order for the zero part). */
	return hi == 0 && ((const __u8 *)&mid)[0] == 0 && ((const __u8 *)&mid)[1] == 0 &&
	       a[10] == 0xff && a[11] == 0xff;
}

static __always_inline __u64 eg_be64_at(const __u8 *p)
{
	return ((__u64)p[0] << 56) | ((__u64)p[1] << 48) | ((__u64)p[2] << 40) |
	       ((__u64)p[3] << 32) | ((__u64)p[4] << 24) | ((__u64)p[5] << 16) |
	       ((__u64)p[6] << 8) | (__u64)p[7];
}

/* Which bounds a search walks: a constant at each call, so each inlined search is one table's. */
enum eg_bound_kind {
	EG_BOUNDS_V4,	   /* classification, IPv4: struct eg_v4_bound4 */
	EG_BOUNDS_V6,	   /* classification, IPv6 to /48: struct eg_v6_coarse_bound */
	EG_BOUNDS_V6_FINE, /* classification, inside a /48: struct eg_v6_fine_bound */
	EG_BOUNDS_DT_V4,   /* decision tables, IPv4: struct eg_v4_bound */
	EG_BOUNDS_DT_V6,   /* decision tables, IPv6: struct eg_v6_bound */
};

/*
 * Is bound i of the table at or below the address (v4: its low 16 bits in
 * lo; v6: hi and lo)? 1 or 0, and the bound's value (class or decision id)
 * in *value; -1 when i is out of the table.
 */
static __always_inline int eg_bound_at_or_below(EG_TABLES_T t, enum eg_bound_kind kind, __u32 i,
						__u64 hi, __u64 lo, __u32 *value)
{
	const struct eg_v4_bound *b4;
	const struct eg_v4_bound4 *g4;
	const struct eg_v6_bound *b6;
	const struct eg_v6_coarse_bound *c6;
	const struct eg_v6_fine_bound *f6;

	if (kind == EG_BOUNDS_V6) {
		c6 = eg_tbl_v6_bound(t, i);
		if (!c6)
			return -1;
		*value = c6->value;
		return c6->start <= (__u32)(hi >> 16);
	}
	if (kind == EG_BOUNDS_V6_FINE) {
		f6 = eg_tbl_v6_fine_bound(t, i);
		if (!f6)
			return -1;
		*value = f6->class_id;
		return f6->start_mid < (__u16)hi ||
		       (f6->start_mid == (__u16)hi && f6->start_lo <= lo);
	}
	if (kind == EG_BOUNDS_DT_V6) {
		b6 = eg_tbl_dt_v6_bound(t, i);
		if (!b6)
			return -1;
		*value = b6->class_id;
		return b6->start_hi < hi || (b6->start_hi == hi && b6->start_lo <= lo);
	}
	if (kind == EG_BOUNDS_V4) {
		g4 = eg_tbl_v4_bound4(t, i / 4);
		if (!g4)
			return -1;
		*value = g4->class_id[i % 4];
		return g4->start[i % 4] <= lo;
	}
	b4 = eg_tbl_dt_v4_bound(t, i);
	if (!b4)
		return -1;
	*value = b4->class_id;
	return b4->start <= lo;
}

/* The value of the last bound in span at or below the address; a span's first bound is at 0. */
static __always_inline __u32 eg_span_search(EG_TABLES_T t, enum eg_bound_kind kind,
					    const struct eg_span *span, __u64 hi, __u64 lo)
{
	__u32 first, last, i, value = 0;

	if (!span || !span->count)
		return 0;
	first = span->first;
	last = span->first + span->count - 1;
	for (i = 0; i < EG_SEARCH_STEPS && first < last; i++) {
		__u32 mid = first + (last - first + 1) / 2;
		int below = eg_bound_at_or_below(t, kind, mid, hi, lo, &value);

		if (below < 0)
			return 0;
		if (below)
			first = mid;
		else
			last = mid - 1;
	}
	return eg_bound_at_or_below(t, kind, first, hi, lo, &value) < 0 ? 0 : value;
}

/* A first-level cell: its single value inline (count 1), or a search of its bounds. 0: none. */
static __always_inline __u32 eg_cell_value(EG_TABLES_T t, enum eg_bound_kind kind,
					   const struct eg_span *span, __u64 hi, __u64 lo)
{
	if (!span)
		return 0;
	if (span->count == 1)
		return span->first;
	return eg_span_search(t, kind, span, hi, lo);
}

static __always_inline __u32 eg_v4_of_mapped(const __u8 addr[16])
{
	return ((__u32)addr[12] << 24) | ((__u32)addr[13] << 16) | ((__u32)addr[14] << 8) |
	       addr[15];
}

#include "dtable_v4.h"

/*
 * Decision id of an address in decision table `table` (EG_DT_TABLE); the
 * stale variant falls back to the fresh one when it was not compiled.
 * EG_DT_NONE when the table is not loaded.
 */
static __always_inline __u32 eg_dt_find(EG_TABLES_T t, __u32 table, const __u8 addr[16])
{
	const struct eg_dt_head *head = eg_tbl_dt_head(t, table);
	const struct eg_dt_summary *summary;
	__u64 hi, lo;
	__u32 ip;

	if ((!head || !head->loaded) && (table & 1))
		head = eg_tbl_dt_head(t, table & ~1u);
	if (!head || !head->loaded)
		return EG_DT_NONE;
	if (eg_is_v4mapped(addr)) {
		ip = eg_v4_of_mapped(addr);
		summary = eg_tbl_dt_summary(t, table);
		if (eg_dt_summary_marks(summary, ip))
			return summary->id;
		return eg_dt_v4_cell(t, eg_tbl_dt_v4_span(t, head->cells + (ip >> 16)), (__u16)ip);
	}
	hi = eg_be64_at(addr);
	lo = eg_be64_at(addr + 8);
	return eg_cell_value(t, EG_BOUNDS_DT_V6,
			     eg_tbl_dt_v6_span(t, head->cells + (__u32)(hi >> 48)), hi, lo);
}

static __always_inline __u32 eg_classify_v4(EG_TABLES_T t, __u32 ip)
{
	return eg_cell_value(t, EG_BOUNDS_V4, eg_tbl_v4_span(t, ip >> 16), 0, (__u16)ip);
}

/* The /48's class, or the class inside a /48 cut finer. */
static __always_inline __u32 eg_classify_v6(EG_TABLES_T t, __u64 ahi, __u64 alo)
{
	__u32 value =
		eg_cell_value(t, EG_BOUNDS_V6, eg_tbl_v6_span(t, (__u32)(ahi >> 48)), ahi, alo);

	if (!(value & EG_V6_FINE))
		return value;
	return eg_span_search(t, EG_BOUNDS_V6_FINE, eg_tbl_v6_fine_span(t, value & ~EG_V6_FINE),
			      ahi, alo);
}

/* Class id of an address in the 16-byte form; 0 when nothing is known. */
static __always_inline __u32 eg_classify(EG_TABLES_T t, const __u8 addr[16])
{
	if (eg_is_v4mapped(addr))
		return eg_classify_v4(t, eg_v4_of_mapped(addr));
	return eg_classify_v6(t, eg_be64_at(addr), eg_be64_at(addr + 8));
}

/*
 * The decision from the rules and the classification (the reference the
 * decision tables are compiled with). The kernel defines EG_DT_ONLY: it
 * holds only the compiled tables.
 */
#ifndef EG_DT_ONLY
static __always_inline const struct eg_rule *eg_selector(EG_TABLES_T t, __u32 policy, __u32 kind,
							 __u32 value, __u8 kinds_used)
{
	struct eg_selector_key key = {.policy = policy, .kind = kind, .value = value};

	if (!value || !(kinds_used & (1u << kind)))
		return (const struct eg_rule *)0;
	return eg_tbl_selector(t, &key);
}

/* The selector rules that match a destination's class. */
static __always_inline void eg_class_hits(EG_TABLES_T t, __u32 policy, __u8 kinds,
					  const struct eg_class *cls, struct eg_hits *h)
{
	h->asn = eg_selector(t, policy, EG_MATCH_ASN, cls->asn, kinds);
	h->provider = eg_selector(t, policy, EG_MATCH_PROVIDER, cls->provider, kinds);
	h->country = eg_selector(t, policy, EG_MATCH_COUNTRY, cls->country, kinds);
	h->jur_by_country = eg_selector(t, policy, EG_MATCH_JURISDICTION, cls->country, kinds);
	h->jur_by_provider =
		eg_selector(t, policy, EG_MATCH_JURISDICTION, cls->jurisdiction, kinds);
}

/*
 * The includer may route the decision's classification through a function
 * of its own: the BPF side makes it a global function, which the verifier
 * checks once instead of at each of the (up to three) places it runs.
 */
#ifndef EG_CLASSIFY
#define EG_CLASSIFY eg_classify
#endif

/*
 * The decision for addr under policy `policy` (header pol, may be NULL).
 * *class_id is the destination's class when the decision needed it, else
 * EG_CLASS_UNRESOLVED: allowed traffic under a CIDR-only policy, or a CIDR
 * hit, never pays for classification.
 */
static __always_inline void eg_judge_one(EG_TABLES_T t, const struct eg_policy_hdr *pol,
					 __u32 policy, const __u8 addr[16], __u32 cfg_flags,
					 int stale, struct eg_decision *d, __u32 *class_id)
{
	struct eg_hits h = {};

	*class_id = EG_CLASS_UNRESOLVED;
	if (pol && pol->loaded)
		h.cidr = eg_tbl_rule(t, policy, addr);
	/* Stale data decides nothing: fail open ignores it, fail closed denies instead. */
	if (pol && pol->loaded && !h.cidr && pol->selector_kinds && !stale) {
		const struct eg_class *cls;

		*class_id = EG_CLASSIFY(t, addr);
		cls = eg_tbl_class(t, *class_id);
		if (cls)
			eg_class_hits(t, policy, pol->selector_kinds, cls, &h);
	}
	eg_decide_hits_ex(pol, &h, stale ? EG_MATCH_STALE : 0, cfg_flags & EG_CFG_FAIL_CLOSED, d);
	d->slot = policy;
}
#endif /* EG_DT_ONLY */

/* The includer may route table lookups through a function of its own (BPF: a global one). */
#ifndef EG_DT_FIND
#define EG_DT_FIND eg_dt_find
#endif

/*
 * eg_judge_one from the compiled decision tables: one cell read (and a
 * short search in the few cells that hold several decisions), no
 * classification. *class_id is always EG_CLASS_UNRESOLVED: whoever reports
 * the decision classifies the destination.
 */
static __always_inline void eg_dt_judge_one(EG_TABLES_T t, const struct eg_policy_hdr *pol,
					    __u32 policy, const __u8 addr[16], __u32 cfg_flags,
					    int stale, struct eg_decision *d, __u32 *class_id)
{
	const struct eg_dt_decision *dd = (const struct eg_dt_decision *)0;
	struct eg_hits none = {};
	__u32 id = EG_DT_NONE;

	*class_id = EG_CLASS_UNRESOLVED;
	if (pol && pol->loaded)
		id = EG_DT_FIND(t, EG_DT_TABLE(policy, stale), addr);
	if (id != EG_DT_NONE)
		dd = eg_tbl_dt_decision(t, id);
	if (dd) {
		d->action = dd->action;
		d->verdict = dd->verdict;
		d->match = dd->match;
		d->prefixlen = dd->prefixlen;
		d->rule = dd->rule;
		d->mode = dd->mode;
		d->pad = 0;
	} else {
		/* No policy, or no table for it: on_failure decides. */
		eg_decide_hits_ex((const struct eg_policy_hdr *)0, &none, 0,
				  cfg_flags & EG_CFG_FAIL_CLOSED, d);
		if (pol)
			d->mode = pol->mode;
	}
	d->slot = policy;
}

#ifndef EG_JUDGE_ONE
#define EG_JUDGE_ONE eg_judge_one
#endif

/* The IPv4 an IPv6 destination carries (BPF: a global function, see judge.bpf.h). */
#ifndef EG_EMBEDDED_V4
#define EG_EMBEDDED_V4 eg_embedded_v4
#endif

/* Verdict strength when two forms of one destination disagree: deny > audit > allow. */
static __always_inline int eg_verdict_rank(__u8 verdict)
{
	return verdict == EG_VERDICT_DENY ? 2 : verdict == EG_VERDICT_AUDIT ? 1 : 0;
}

/*
 * eg_judge_one, and for an IPv6 destination that carries an IPv4 (NAT64
 * under the well-known or a configured prefix nat64, may be NULL; 6to4,
 * IPv4-compatible, SIIT) that IPv4 judged too: a translator delivers to it,
 * so every IPv4 rule must apply. The stronger verdict wins; on a tie the
 * IPv6 form's decision stands. d->by_v4 says which form decided.
 */
static __always_inline void eg_judge_tables(EG_TABLES_T t, const struct eg_policy_hdr *pol,
					    __u32 policy, const __u8 addr[16],
					    const struct eg_nat64_prefix *nat64, __u32 cfg_flags,
					    int stale, struct eg_decision *d, __u32 *class_id)
{
	__u8 v4[4] = {0, 0, 0, 0}, mapped[16];
	/* An IPv4 destination (the mapped form) is that IPv4 already: nothing to extract. */
	__u8 embed = eg_is_v4mapped(addr) ? EG_EMBED_NONE : EG_EMBEDDED_V4(addr, nat64, v4);
	struct eg_decision d4;
	__u32 class4, v4_net;

	EG_JUDGE_ONE(t, pol, policy, addr, cfg_flags, stale, d, class_id);
	if (embed) {
		__builtin_memcpy(&v4_net, v4, 4);
		eg_addr_from_v4(mapped, v4_net);
		EG_JUDGE_ONE(t, pol, policy, mapped, cfg_flags, stale, &d4, &class4);
		if (eg_verdict_rank(d4.verdict) > eg_verdict_rank(d->verdict)) {
			*d = d4;
			*class_id = class4;
			d->by_v4 = 1;
		} else {
			d->by_v4 = 0;
		}
	} else {
		d->by_v4 = 0;
	}
	d->embed = embed;
	__builtin_memcpy(d->v4, v4, 4);
	d->pad2[0] = d->pad2[1] = 0;
}

#endif /* EXFILGUARD_CLASSIFY_H */
