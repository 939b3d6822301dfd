// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: any bytes as a MaxMind DB. The reader writes them to a
 * memfd, opens it with libmaxminddb and walks the whole search tree, as a
 * country and as an ASN database. Corrupt trees (cycles, records pointing
 * anywhere), bad data sections and metadata must end in a clean error naming
 * the input; a success must give sorted, disjoint ranges.
 *
 *   perl tests/fixtures/gen_fixtures.pl /tmp/seeds && mkdir /tmp/mmdb-seeds &&
 *     (cd /tmp/seeds && cp *.mmdb *.mmdb.gz /tmp/mmdb-seeds/)
 *   make build/fuzz/fuzz_mmdb
 *   build/fuzz/fuzz_mmdb -max_total_time=20 -max_len=8192 /tmp/corpus /tmp/mmdb-seeds
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "format.h"

/*
 * libmaxminddb 1.7.1 (Debian 12) leaks its entry-data pool (~4.5 KB) when
 * MMDB_open fails on a corrupt data section; nothing of ours can free it.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libmaxminddb.so\n";
}

static void check(const struct eg_dataset *ds)
{
	for (size_t i = 0; i < ds->ranges.n; i++) {
		const struct eg_range *r = &ds->ranges.v[i];

		if (!r->value || memcmp(r->first, r->last, 16) > 0)
			abort();
		if (i && memcmp(ds->ranges.v[i - 1].last, r->first, 16) >= 0)
			abort();
	}
	for (size_t i = 1; i < ds->n_names; i++)
		if (ds->names[i - 1].asn >= ds->names[i].asn)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum eg_data_kind kinds[] = {EG_DATA_COUNTRY, EG_DATA_ASN};

	for (size_t k = 0; k < 2; k++) {
		struct eg_dataset ds = {.kind = kinds[k]};
		struct eg_error err = {0};
		const char *format = eg_format_mmdb.name;
		size_t conflicts;

		if (eg_format_mmdb.read(data, size, "fuzz.mmdb", &ds, &format, &err)) {
			if (strncmp(err.msg, "fuzz.mmdb: ", 11) != 0 || err.code == 0)
				abort();
		} else if (eg_range_list_resolve(&ds.ranges, ds.kind, &conflicts, NULL, 0) == 0) {
			/* A tree has no overlaps: the walk's output must need no resolving. */
			if (conflicts)
				abort();
			check(&ds);
		}
		eg_dataset_free(&ds);
	}
	return 0;
}
