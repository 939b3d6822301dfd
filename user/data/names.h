/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* AS organisation names, as the ASN datasets that have them give them. */
#ifndef EXFILGUARD_NAMES_H
#define EXFILGUARD_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct eg_asn_name {
	uint32_t asn;
	char *name;
};

/* Names while reading: a hash table, first name of an ASN wins. */
struct eg_name_table {
	struct eg_asn_name *slots; /* asn 0 marks a free slot */
	size_t cap, n;
};

/* 0, or -1 when out of memory. AS 0 and empty names are ignored. */
int eg_names_put(struct eg_name_table *t, uint32_t asn, const char *name, size_t len);
/* Move the names into *names[*n], sorted by ASN; the table is left empty. */
void eg_names_finish(struct eg_name_table *t, struct eg_asn_name **names, size_t *n);
void eg_names_free(struct eg_name_table *t);

/* The name of asn in a sorted array, or NULL. */
const char *eg_names_find(const struct eg_asn_name *names, size_t n, uint32_t asn);
/*
 * Merge the sorted more[n_more] into the sorted *names[*n], taking its
 * names over (more is freed and emptied); a name already in *names stays.
 * 0, or -1 when out of memory (nothing changed then).
 */
int eg_names_merge(struct eg_asn_name **names, size_t *n, struct eg_asn_name **more,
		   size_t *n_more);
void eg_names_array_free(struct eg_asn_name *names, size_t n);

#endif
