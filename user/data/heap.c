// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <malloc.h>
#include "heap.h"
#include "prefault.h"

/* Blocks this big and more are mappings of their own, advised into huge pages by their owners. */
#define MMAP_THRESHOLD	EG_HUGE_MIN
#define TRIM_WHILE_LOAD (16u << 20)  /* free space at the heap's top kept for what comes next */
#define TRIM_AFTER_LOAD (128u << 10) /* glibc's default */

void eg_heap_prepare(void)
{
	/* The reader threads allocate from the warm heap too; a fixed threshold, not one that
	 * moves (and with it the trimming) as blocks are freed. */
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, TRIM_WHILE_LOAD);
}

void eg_heap_release(void)
{
	mallopt(M_TRIM_THRESHOLD, TRIM_AFTER_LOAD);
	malloc_trim(0);
}
