/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef EXFILGUARD_PREFAULT_H
#define EXFILGUARD_PREFAULT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* The whole pages inside [p, p + len). */
static inline int eg_page_interior(void *p, size_t len, uintptr_t *start, uintptr_t *end)
{
	*start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	*end = ((uintptr_t)p + len) & ~(uintptr_t)4095;
	return len >= (1u << 20) && *end > *start;
}

/*
 * Blocks this big are mappings of their own (glibc's largest mmap threshold,
 * and the one a load sets): freed, they are unmapped whole.
 */
#define EG_HUGE_MIN (32u << 20)

/*
 * Back a big array with huge pages where the kernel has them (THP in madvise
 * mode): one fault per 2 MiB instead of per 4 KiB, and fewer TLB misses over
 * arrays of millions of ranges. Only blocks of EG_HUGE_MIN and more, which
 * are mappings of their own: advice on the heap would outlive the block, and
 * khugepaged could fill its freed pages back in. Only a hint.
 */
static inline void eg_advise_huge(void *p, size_t len)
{
	uintptr_t start, end;

	if (len >= EG_HUGE_MIN && eg_page_interior(p, len, &start, &end))
		madvise((void *)start, end - start, MADV_HUGEPAGE);
}

/*
 * Room for need elements of size in the growable array *arr holding *cap:
 * at least twice the room it had and at least first_cap, the new part
 * advised for huge pages (eg_advise_huge). 0, or -1 when out of memory
 * (the array unchanged).
 */
static inline int eg_array_reserve(void **arr, size_t *cap, size_t need, size_t size,
				   size_t first_cap)
{
	size_t want = need;
	void *grown;

	if (need <= *cap)
		return 0;
	if (want < 2 * *cap)
		want = 2 * *cap;
	if (want < first_cap)
		want = first_cap;
	grown = realloc(*arr, want * size);
	if (!grown)
		return -1;
	eg_advise_huge((char *)grown + *cap * size, (want - *cap) * size);
	*arr = grown;
	*cap = want;
	return 0;
}

/*
 * Fault in a fresh big allocation in one go: on virtual machines each page
 * fault is an expensive exit, and the real datasets touch tens of MB. Only a
 * hint: kernels before 5.14 refuse it and the pages fault in as usual.
 */
static inline void eg_prefault(void *p, size_t len)
{
	uintptr_t start, end;

	if (eg_page_interior(p, len, &start, &end))
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

#endif
