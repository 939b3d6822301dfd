// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: any bytes as a provider catalog (maps/providers.conf
 * syntax). A parse either fails with "fuzz.conf:..." and leaves the catalog
 * empty, or gives complete providers whose every ASN finds its provider.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iuser -Imaps \
 *     tools/fuzz_catalog.c user/catalog.c user/datasrc.c user/range_source.c \
 *     user/mmdb_source.c user/sha256.c user/addr.c user/error.c -lmaxminddb -lz \
 *     -o /tmp/fuzz_catalog && mkdir -p /tmp/catalog-seeds && cp maps/providers.conf \
 *     /tmp/catalog-seeds/ && /tmp/fuzz_catalog -max_total_time=20 /tmp/corpus /tmp/catalog-seeds
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog.h"

static void check(const struct eg_catalog *cat)
{
	for (size_t i = 0; i < cat->n_providers; i++) {
		const struct eg_provider *p = &cat->providers[i];

		if (p->index != i + 1 || !p->name || !p->jurisdiction || !(p->n_asns + p->n_cidrs))
			abort();
		if (eg_catalog_find(cat, p->id) != p || eg_catalog_get(cat, p->index) != p)
			abort();
		for (size_t a = 0; a < p->n_asns; a++)
			if (eg_catalog_by_asn(cat, p->asns[a]) != p)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_catalog cat;
	struct eg_error err = {0};

	if (eg_catalog_parse((const char *)data, size, "fuzz.conf", &cat, &err)) {
		if (strncmp(err.msg, "fuzz.conf", 9) != 0 || err.code == 0 || cat.providers ||
		    cat.n_providers || cat.by_asn || cat.path)
			abort();
		return 0;
	}
	check(&cat);
	eg_catalog_free(&cat);
	return 0;
}
