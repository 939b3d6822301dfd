// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <malloc.h>
#include "heap.h"
#include "prefault.h"

/* Blocks this big and more are mappings of their own, advised into huge pages by their owners. */
#define MMAP_THRESHOLD	EG_HUGE_MIN
#define TRIM_WHILE_LOAD (16u << 20)  /* free space at the heap's top kept for what comes next */
#define TRIM_AFTER_LOAD (128u << 10) /* glibc's default */
#define MMAP_SETTLED	(128u << 10) /* glibc's initial mmap threshold */

static int settled;

void eg_heap_prepare(void)
{
	/* The reader threads allocate from the warm heap too; a fixed threshold, not one that
	 * moves (and with it the trimming) as blocks are freed. */
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_MMAP_THRESHOLD, settled ? MMAP_SETTLED : MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, TRIM_WHILE_LOAD);
}

/*
 * Once enforcing: every large block in its own mapping, given back to the
 * kernel when freed. With blocks up to 32 MiB in the heap, a reload's arrays
 * (datasets, world, tables: up to tens of MiB, grown by realloc) would each
 * leave their old copies resident beside the generation in force; in their
 * own mappings realloc is mremap and a reload's peak is what is live. Not at
 * start: there it costs more CPU (fresh pages) than the peak it saves is
 * worth while nothing else is resident.
 */
void eg_heap_settle(void)
{
	settled = 1;
	mallopt(M_MMAP_THRESHOLD, MMAP_SETTLED);
	malloc_trim(0);
}

void eg_heap_release(void)
{
	mallopt(M_TRIM_THRESHOLD, TRIM_AFTER_LOAD);
	malloc_trim(0);
}
