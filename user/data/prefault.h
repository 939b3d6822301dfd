/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef EXFILGUARD_PREFAULT_H
#define EXFILGUARD_PREFAULT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

/*
 * Fault in a fresh big allocation in one go: on virtual machines each page
 * fault is an expensive exit, and the real datasets touch tens of MB. Only a
 * hint: kernels before 5.14 refuse it and the pages fault in as usual.
 */
static inline void eg_prefault(void *p, size_t len)
{
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)p + len) & ~(uintptr_t)4095;

	if (len >= (1u << 20) && end > start) {
		madvise((void *)start, end - start, MADV_HUGEPAGE);
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
	}
}

#endif
