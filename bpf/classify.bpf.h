/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Classification lookup over the DXR tables of maps/exfilguard.h, shared by
 * the BPF programs and userspace (`exfilguard lookup`, tests, benchmarks).
 *
 * The includer defines the table accessors first, each returning NULL when
 * out of range:
 *   const struct eg_span     *eg_tbl_v4_span(EG_TABLES_T t, __u32 slash16);
 *   const struct eg_v4_bound *eg_tbl_v4_bound(EG_TABLES_T t, __u32 index);
 *   const struct eg_span     *eg_tbl_v6_span(EG_TABLES_T t, __u32 slash16);
 *   const struct eg_v6_bound *eg_tbl_v6_bound(EG_TABLES_T t, __u32 index);
 */
#ifndef EXFILGUARD_CLASSIFY_BPF_H
#define EXFILGUARD_CLASSIFY_BPF_H

#include "../maps/exfilguard.h"

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

/* Last bound in [span] whose start <= x; the first bound of a span always starts at 0. */
static __always_inline __u32 eg_classify_v4(EG_TABLES_T t, __u32 ip)
{
	const struct eg_span *span = eg_tbl_v4_span(t, ip >> 16);
	const struct eg_v4_bound *b;
	__u16 x = (__u16)ip;
	__u32 lo, hi, i;

	if (!span || !span->count)
		return 0;
	lo = span->first;
	hi = span->first + span->count - 1;
	for (i = 0; i < EG_SEARCH_STEPS && lo < hi; i++) {
		__u32 mid = lo + (hi - lo + 1) / 2;

		b = eg_tbl_v4_bound(t, mid);
		if (!b)
			return 0;
		if (b->start <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	b = eg_tbl_v4_bound(t, lo);
	return b ? b->class_id : 0;
}

static __always_inline __u32 eg_classify_v6(EG_TABLES_T t, __u64 ahi, __u64 alo)
{
	const struct eg_span *span = eg_tbl_v6_span(t, (__u32)(ahi >> 48));
	const struct eg_v6_bound *b;
	__u32 lo, hi, i;

	if (!span || !span->count)
		return 0;
	lo = span->first;
	hi = span->first + span->count - 1;
	for (i = 0; i < EG_SEARCH_STEPS && lo < hi; i++) {
		__u32 mid = lo + (hi - lo + 1) / 2;

		b = eg_tbl_v6_bound(t, mid);
		if (!b)
			return 0;
		if (b->start_hi < ahi || (b->start_hi == ahi && b->start_lo <= alo))
			lo = mid;
		else
			hi = mid - 1;
	}
	b = eg_tbl_v6_bound(t, lo);
	return b ? b->class_id : 0;
}

/* Class id of an address in the 16-byte form; 0 when nothing is known. */
static __always_inline __u32 eg_classify(EG_TABLES_T t, const __u8 addr[16])
{
	if (eg_is_v4mapped(addr))
		return eg_classify_v4(t, ((__u32)addr[12] << 24) | ((__u32)addr[13] << 16) |
						 ((__u32)addr[14] << 8) | addr[15]);
	return eg_classify_v6(t, eg_be64_at(addr), eg_be64_at(addr + 8));
}

#endif /* EXFILGUARD_CLASSIFY_BPF_H */
