/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef EXFILGUARD_PREFAULT_H
#define EXFILGUARD_PREFAULT_H

#include <stddef.h>
#include <stdint.h>
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
