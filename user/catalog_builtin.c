// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * maps/providers.yaml, built into the binary so that `exfilguard` carries a
 * catalog wherever it is installed, and a policy's own catalog folded into
 * it (data.providers extends and overrides the built-in entries).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bundle.h"

__asm__(".section .rodata\n"
	".global eg_builtin_catalog\n"
	"eg_builtin_catalog:\n"
	".incbin \"maps/providers.yaml\"\n"
	".global eg_builtin_catalog_end\n"
	"eg_builtin_catalog_end:\n"
	".byte 0\n"
	".previous\n");

extern const char eg_builtin_catalog[], eg_builtin_catalog_end[];

int eg_catalog_load_builtin(struct eg_catalog *cat, struct eg_error *err)
{
	return eg_catalog_parse(eg_builtin_catalog,
				(size_t)(eg_builtin_catalog_end - eg_builtin_catalog),
				"(built-in maps/providers.yaml)", cat, err);
}

/* Keep the ASNs and ranges of a built-in entry that no user entry claims. */
static void drop_claimed(struct eg_provider *prov, const struct eg_catalog *user)
{
	size_t kept = 0;

	for (size_t i = 0; i < prov->n_asns; i++) {
		if (eg_catalog_by_asn(user, prov->asns[i].asn)) {
			free(prov->asns[i].org);
			free(prov->asns[i].source);
			continue;
		}
		prov->asns[kept++] = prov->asns[i];
	}
	prov->n_asns = kept;
	kept = 0;
	for (size_t i = 0; i < prov->n_cidrs; i++) {
		int claimed = 0;

		for (size_t u = 0; u < user->n_providers; u++)
			for (size_t j = 0; j < user->providers[u].n_cidrs; j++)
				claimed |= eg_cidr_contains(&prov->cidrs[i],
							    user->providers[u].cidrs[j].addr) ||
					   eg_cidr_contains(&user->providers[u].cidrs[j],
							    prov->cidrs[i].addr);
		if (!claimed)
			prov->cidrs[kept++] = prov->cidrs[i];
	}
	prov->n_cidrs = kept;
}

/* Append *prov (moved, left empty) as entry n of out. */
static void move_entry(struct eg_provider *out, size_t *n, struct eg_provider *prov)
{
	out[*n] = *prov;
	out[*n].index = (uint16_t)(*n + 1);
	memset(prov, 0, sizeof(*prov));
	(*n)++;
}

static char *merged_path(const struct eg_catalog *base, const struct eg_catalog *user)
{
	char *path;

	if (asprintf(&path, "%s extended by %s", base->path, user->path) < 0)
		return NULL;
	return path;
}

int eg_catalog_merge(struct eg_catalog *base, struct eg_catalog *user, struct eg_error *err)
{
	size_t cap = base->n_providers + user->n_providers, n = 0;
	struct eg_provider *out = calloc(cap ? cap : 1, sizeof(*out));
	char *path = merged_path(base, user);
	int rc = 0;

	if (!out || !path || cap >= UINT16_MAX) {
		rc = eg_fail(err, out && path ? EINVAL : ENOMEM, "%s: %s", user->path,
			     out && path ? "too many providers together with the built-in ones"
					 : "out of memory");
		free(out);
		free(path);
		eg_catalog_free(user);
		return rc;
	}
	for (size_t i = 0; i < base->n_providers; i++) {
		struct eg_provider *prov = &base->providers[i];
		struct eg_provider *own = (struct eg_provider *)eg_catalog_find(user, prov->id);

		if (own) { /* replaced in place, so built-in indexes keep their order */
			move_entry(out, &n, own);
			continue;
		}
		drop_claimed(prov, user);
		if (prov->n_asns || prov->n_cidrs)
			move_entry(out, &n, prov);
	}
	for (size_t i = 0; i < user->n_providers; i++)
		if (user->providers[i].index) /* not moved above */
			move_entry(out, &n, &user->providers[i]);
	eg_catalog_free(base);
	eg_catalog_free(user);
	*base = (struct eg_catalog){.path = path, .providers = out, .n_providers = n};
	if (eg_catalog_index(base, err)) {
		eg_catalog_free(base);
		return -1;
	}
	return 0;
}

int eg_catalog_load_for_policy(const char *user_path, struct eg_catalog *cat, struct eg_error *err)
{
	struct eg_catalog user;

	if (eg_catalog_load_builtin(cat, err))
		return -1;
	if (!user_path)
		return 0;
	if (eg_catalog_load(user_path, &user, err)) {
		eg_catalog_free(cat);
		return -1;
	}
	return eg_catalog_merge(cat, &user, err);
}
