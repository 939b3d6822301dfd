/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The provider catalog (maps/providers.conf): which cloud providers exist,
 * which country controls each (its jurisdiction), which ASNs each announces
 * and which extra ranges each publishes.
 */
#ifndef EXFILGUARD_CATALOG_H
#define EXFILGUARD_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "error.h"

#define EG_PROVIDER_ID_MAX 64

struct eg_provider {
	uint16_t index;		     /* 1-based; 0 means "no provider" everywhere */
	char id[EG_PROVIDER_ID_MAX]; /* e.g. "alibaba-cloud" */
	char *name;		     /* e.g. "Alibaba Cloud" */
	uint16_t jurisdiction;	     /* EG_CC() of the controlling country */
	uint32_t *asns;
	size_t n_asns;
	struct eg_cidr *cidrs;
	size_t n_cidrs;
	unsigned line; /* where it is defined */
};

/* One entry of the ASN index. */
struct eg_catalog_asn {
	uint32_t asn;
	uint16_t provider; /* 1-based provider index */
};

struct eg_catalog {
	char *path;
	struct eg_provider *providers;
	size_t n_providers;
	struct eg_catalog_asn *by_asn; /* sorted by asn; an ASN belongs to one provider */
	size_t n_by_asn;
};

/*
 * Read a catalog (syntax: maps/providers.conf). Errors are "file:line[:col]:
 * what is wrong"; on error *cat is left empty.
 */
int eg_catalog_load(const char *path, struct eg_catalog *cat, struct eg_error *err);
int eg_catalog_parse(const char *buf, size_t len, const char *name, struct eg_catalog *cat,
		     struct eg_error *err);
void eg_catalog_free(struct eg_catalog *cat);
const struct eg_provider *eg_catalog_find(const struct eg_catalog *cat, const char *id);
/* Provider announcing this ASN, or NULL. */
const struct eg_provider *eg_catalog_by_asn(const struct eg_catalog *cat, uint32_t asn);
/* Provider by its 1-based index (struct eg_class.provider), or NULL. */
const struct eg_provider *eg_catalog_get(const struct eg_catalog *cat, uint16_t index);

#endif
