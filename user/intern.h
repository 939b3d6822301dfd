/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Interning of 64-bit keys to dense ids 0, 1, 2, ... in order of first sight. */
#ifndef EXFILGUARD_INTERN_H
#define EXFILGUARD_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct eg_intern {
	uint64_t *keys; /* key + 1, 0 = empty */
	uint32_t *ids;
	size_t cap, used;
};

/* Id of key; *added says it is new (its id is then the count before). UINT32_MAX: no memory. */
uint32_t eg_intern(struct eg_intern *t, uint64_t key, int *added);
void eg_intern_free(struct eg_intern *t);

#endif
