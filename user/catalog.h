/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The provider catalog (maps/providers.yaml): which cloud providers and
 * carriers exist, which country controls each (its jurisdiction), which ASNs
 * each announces and which extra ranges each publishes.
 */
#ifndef EXFILGUARD_CATALOG_H
#define EXFILGUARD_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "error.h"

#define EG_PROVIDER_ID_MAX 64

enum eg_provider_kind {
	EG_KIND_CLOUD = 1,  /* rents compute and storage to anyone */
	EG_KIND_CARRIER,    /* a telecom operator's network */
	EG_KIND_CONTENT,    /* a company's own services (apps, search, video) */
	EG_KIND_ENTERPRISE, /* a company's own offices and corporate networks */
};

/* One ASN of a provider, with the citation the catalog gives for it. */
struct eg_provider_asn {
	uint32_t asn;
	char *org;    /* the registry's organisation name; NULL when not given */
	char *source; /* what ties the AS to the provider; NULL when not given */
};

struct eg_provider {
	uint16_t index;		     /* 1-based; 0 means "no provider" everywhere */
	char id[EG_PROVIDER_ID_MAX]; /* e.g. "alibaba-cloud" */
	char *name;		     /* e.g. "Alibaba Cloud" */
	uint16_t jurisdiction;	     /* EG_CC() of the controlling country */
	enum eg_provider_kind kind;
	struct eg_provider_asn *asns;
	size_t n_asns;
	struct eg_cidr *cidrs;
	size_t n_cidrs;
	char **sources; /* citations for the whole entry */
	size_t n_sources;
	unsigned line; /* where it is defined, in its own file */
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
 * Read a catalog (YAML; the format is described at the top of
 * maps/providers.yaml). Errors are "file:line:column: what is wrong"; on
 * error *cat is left empty.
 */
int eg_catalog_load(const char *path, struct eg_catalog *cat, struct eg_error *err);
int eg_catalog_parse(const char *buf, size_t len, const char *name, struct eg_catalog *cat,
		     struct eg_error *err);
/*
 * The catalog a policy uses: the built-in one, extended and overridden by
 * the catalog at user_path (NULL: the built-in one alone). See
 * eg_catalog_merge.
 */
int eg_catalog_load_for_policy(const char *user_path, struct eg_catalog *cat, struct eg_error *err);
/*
 * Fold user into base: a user entry with a new id is added, one with an
 * existing id replaces that entry; ASNs and ranges a user entry claims leave
 * the built-in entries that had them (an entry left with nothing is
 * dropped). user is consumed (left empty) either way.
 */
int eg_catalog_merge(struct eg_catalog *base, struct eg_catalog *user, struct eg_error *err);
void eg_catalog_free(struct eg_catalog *cat);
/* What the parser and the merge share: the ASN index (an ASN listed twice is an error), and
 * freeing one entry. */
int eg_catalog_index(struct eg_catalog *cat, struct eg_error *err);
/* Two providers' cidrs may not overlap: which one would an address belong to? */
int eg_catalog_check_cidrs(const struct eg_catalog *cat, struct eg_error *err);
void eg_provider_free(struct eg_provider *prov);
const struct eg_provider *eg_catalog_find(const struct eg_catalog *cat, const char *id);
/* Provider announcing this ASN, or NULL. */
const struct eg_provider *eg_catalog_by_asn(const struct eg_catalog *cat, uint32_t asn);
/* Provider by its 1-based index (struct eg_class.provider), or NULL. */
const struct eg_provider *eg_catalog_get(const struct eg_catalog *cat, uint16_t index);
const char *eg_provider_kind_name(enum eg_provider_kind kind);
/* The kind named, or -1. */
int eg_provider_kind_from_name(const char *name);

/* "45102" or "AS45102" (any case), 1-4294967295. */
int eg_asn_text_parse(const char *text, uint32_t *asn);
/* A provider id: 1-63 of a-z, 0-9 and "-", not starting or ending with "-". */
int eg_provider_id_valid(const char *id);

#endif
