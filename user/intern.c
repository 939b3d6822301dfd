// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Open addressing, linear probing, kept at most half full. */
#include <stdlib.h>
#include "intern.h"

static size_t hash64(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static int grow(struct eg_intern *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096, i, j;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	uint32_t *ids = calloc(cap, sizeof(*ids));

	if (!keys || !ids) {
		free(keys);
		free(ids);
		return -1;
	}
	for (i = 0; i < t->cap; i++) {
		if (!t->keys[i])
			continue;
		for (j = hash64(t->keys[i], cap); keys[j]; j = (j + 1) & (cap - 1))
			;
		keys[j] = t->keys[i];
		ids[j] = t->ids[i];
	}
	free(t->keys);
	free(t->ids);
	t->keys = keys;
	t->ids = ids;
	t->cap = cap;
	return 0;
}

uint32_t eg_intern(struct eg_intern *t, uint64_t key, int *added)
{
	size_t i;

	*added = 0;
	key++;
	if ((t->used + 1) * 2 > t->cap && grow(t))
		return UINT32_MAX;
	for (i = hash64(key, t->cap); t->keys[i]; i = (i + 1) & (t->cap - 1))
		if (t->keys[i] == key)
			return t->ids[i];
	t->keys[i] = key;
	t->ids[i] = (uint32_t)t->used;
	*added = 1;
	return (uint32_t)t->used++;
}

void eg_intern_free(struct eg_intern *t)
{
	free(t->keys);
	free(t->ids);
	t->keys = NULL;
	t->ids = NULL;
	t->cap = t->used = 0;
}
