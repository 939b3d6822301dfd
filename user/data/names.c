// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "names.h"

static size_t name_slot(const struct eg_name_table *t, uint32_t asn)
{
	size_t i = (asn * 2654435761u) & (t->cap - 1);

	while (t->slots[i].asn && t->slots[i].asn != asn)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int names_grow(struct eg_name_table *t)
{
	struct eg_name_table bigger = {.cap = t->cap ? t->cap * 2 : 1024};

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].asn)
			bigger.slots[name_slot(&bigger, t->slots[i].asn)] = t->slots[i];
	bigger.n = t->n;
	free(t->slots);
	*t = bigger;
	return 0;
}

int eg_names_put(struct eg_name_table *t, uint32_t asn, const char *name, size_t len)
{
	size_t i;

	if (!asn || !len)
		return 0;
	if ((t->n + 1) * 2 > t->cap && names_grow(t))
		return -1;
	i = name_slot(t, asn);
	if (t->slots[i].asn)
		return 0; /* the first name seen stays */
	t->slots[i].name = strndup(name, len);
	if (!t->slots[i].name)
		return -1;
	t->slots[i].asn = asn;
	t->n++;
	return 0;
}

static int name_cmp(const void *pa, const void *pb)
{
	const struct eg_asn_name *a = pa, *b = pb;

	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

void eg_names_finish(struct eg_name_table *t, struct eg_asn_name **names, size_t *n)
{
	size_t used = 0;

	/* Compact the used slots to the front, then sort them. */
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].asn)
			t->slots[used++] = t->slots[i];
	if (used)
		qsort(t->slots, used, sizeof(*t->slots), name_cmp);
	*names = t->slots;
	*n = used;
	memset(t, 0, sizeof(*t));
}

void eg_names_free(struct eg_name_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].name);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

const char *eg_names_find(const struct eg_asn_name *names, size_t n, uint32_t asn)
{
	struct eg_asn_name key = {.asn = asn};
	const struct eg_asn_name *hit;

	if (!n)
		return NULL;
	hit = bsearch(&key, names, n, sizeof(key), name_cmp);
	return hit ? hit->name : NULL;
}

int eg_names_merge(struct eg_asn_name **names, size_t *n, struct eg_asn_name **more, size_t *n_more)
{
	struct eg_asn_name *a = *names, *b = *more;
	size_t i = 0, j = 0, used = 0;
	struct eg_asn_name *out = malloc((*n + *n_more + 1) * sizeof(*out));

	if (!out)
		return -1;
	while (i < *n || j < *n_more) {
		if (j == *n_more || (i < *n && a[i].asn <= b[j].asn)) {
			if (j < *n_more && a[i].asn == b[j].asn)
				free(b[j++].name);
			out[used++] = a[i++];
		} else {
			out[used++] = b[j++];
		}
	}
	free(a);
	free(b);
	*more = NULL;
	*n_more = 0;
	*names = out;
	*n = used;
	return 0;
}

void eg_names_array_free(struct eg_asn_name *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
	free(names);
}
