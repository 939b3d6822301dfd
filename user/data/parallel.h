/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Independent jobs side by side: the datasets of a policy are read on all cores at once. */
#ifndef EXFILGUARD_PARALLEL_H
#define EXFILGUARD_PARALLEL_H

#include <stddef.h>

/*
 * Call run(job) for each of n jobs (job i at jobs + i * size), each on a
 * thread of its own (the first on the caller's), and return when all are
 * done. A thread that cannot be started runs its job on the caller's: the
 * jobs all run either way.
 */
void eg_parallel_run(void (*run)(void *job), void *jobs, size_t n, size_t size);

#endif
