/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The allocator's settings for a load. Reading the full world allocates
 * about a hundred MB in blocks of every size, and on a virtual machine every
 * first touch of a 4 KiB page is an exit costing microseconds: page faults
 * were a third of the load. With glibc's defaults the reader threads each
 * start a cold arena of their own, and the heap is trimmed and grown again
 * as blocks come and go, faulting the same memory in several times
 * (`check` of the full world: 15,000 page faults, 6,000 with these settings).
 */
#ifndef EXFILGUARD_HEAP_H
#define EXFILGUARD_HEAP_H

/* Before a load: one arena for every thread, and the heap kept while the load lasts. */
void eg_heap_prepare(void);
/* After it (the daemon, once the kernel holds the tables): trim as usual, and trim now. */
void eg_heap_release(void);
/*
 * Once enforcing (the daemon): every large block in its own mapping for
 * good, later loads (reloads) included; see heap.c.
 */
void eg_heap_settle(void);

#endif
