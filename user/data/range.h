/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The range library under every dataset reader: lists of inclusive address
 * ranges in the 16-byte form, each with one value (a country code or an AS
 * number), their normalisation, overlap resolution and CIDR split.
 */
#ifndef EXFILGUARD_RANGE_H
#define EXFILGUARD_RANGE_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "error.h"
#include "values.h"

struct eg_range {
	uint8_t first[16]; /* net order, IPv4 as ::ffff:a.b.c.d; inclusive */
	uint8_t last[16];  /* inclusive */
	uint32_t value;
};

struct eg_range_list {
	struct eg_range *v;
	size_t n, cap;
};

/* Room for "first-last (value)". */
#define EG_RANGE_STRLEN (3 * EG_ADDR_STRLEN)

/*
 * Append a range (first <= last). A range that continues the last one with
 * the same value extends it instead, which keeps walks of big databases small.
 * 0, or -1 when out of memory.
 */
int eg_range_list_add(struct eg_range_list *l, const uint8_t first[16], const uint8_t last[16],
		      uint32_t value);
/*
 * Room for n ranges up front, a reader's upper bound: the list then grows in
 * place, never copied, and only the pages it fills are touched (the rest is
 * address space). Only a hint: without the memory it grows as it goes.
 */
void eg_range_list_reserve(struct eg_range_list *l, size_t n);
/*
 * Merge the sorted list side into the sorted list l (in place from the back),
 * freeing side as it is consumed (so the two are never whole twice over).
 * -1 when out of memory (both unchanged).
 */
int eg_range_list_merge(struct eg_range_list *l, struct eg_range_list *side);
/* Append all of more. 0, or -1 when out of memory. */
int eg_range_list_append(struct eg_range_list *l, const struct eg_range_list *more);
void eg_range_list_free(struct eg_range_list *l);

/*
 * Sort by first address and merge ranges that overlap or touch with the same
 * value; fail (naming both ranges) when two overlap with different values.
 */
int eg_range_list_normalize(struct eg_range_list *l, const char *path, struct eg_error *err);
/* The same, printing values as the kind spells them ("CN", "AS45102") in messages. */
int eg_range_list_normalize_kind(struct eg_range_list *l, enum eg_data_kind kind, const char *path,
				 struct eg_error *err);
/*
 * Sort and make non-overlapping whatever the list holds: where ranges with
 * different values overlap, the one that starts later wins the overlap (of
 * nested ranges, the more specific; of equal starts, the shorter), as a
 * longest-prefix match would have it. Ranges of one value that overlap or
 * touch merge. Counts the conflicts (overlaps with different values) into
 * *conflicts and describes the first into first[first_len] (may be NULL).
 * 0, or -1 when out of memory.
 */
int eg_range_list_resolve(struct eg_range_list *l, enum eg_data_kind kind, size_t *conflicts,
			  char *first, size_t first_len);

/* "a-b (CN)"; kind < 0: the value prints as a plain number. */
void eg_range_format(const struct eg_range *r, int kind, char *buf, size_t len);

/*
 * Split an inclusive range into the minimal list of CIDRs; calls emit for
 * each (addr, prefix length in the 16-byte form). Neighbours with the same
 * value should be merged before (eg_range_list_normalize does).
 */
void eg_range_to_cidrs(const uint8_t first[16], const uint8_t last[16],
		       void (*emit)(const uint8_t addr[16], unsigned plen16, void *ctx), void *ctx);

#endif
