// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: any bytes as a dataset file, of either kind, through
 * eg_dataset_load_mem (content detection, gzip, the CSV/TSV reader; MaxMind
 * DBs too when the bytes carry the metadata marker). A load either fails
 * with a message naming the input, leaving the dataset empty, or yields
 * sorted, disjoint ranges with values, and names sorted by AS.
 *
 *   perl tests/fixtures/gen_fixtures.pl /tmp/seeds   # seed corpus
 *   make build/fuzz/fuzz_ranges
 *   build/fuzz/fuzz_ranges -max_total_time=20 -max_len=4096 /tmp/corpus /tmp/seeds
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "datasrc.h"

/*
 * libmaxminddb 1.7.1 (Debian 12) leaks its entry-data pool (~4.5 KB) when
 * MMDB_open fails on a corrupt data section; nothing of ours can free it.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libmaxminddb.so\n";
}

static void check_failure(const struct eg_dataset *ds, const struct eg_error *err)
{
	if (strncmp(err->msg, "fuzz.csv", 8) != 0 || err->code == 0)
		abort();
	if (ds->ranges.n || ds->ranges.v || ds->path || ds->names || ds->n_names)
		abort();
}

struct tiling {
	unsigned __int128 next; /* where the next block must start */
	size_t blocks;
};

static void block(const uint8_t addr[16], unsigned plen16, void *ctx)
{
	struct tiling *t = ctx;

	if (plen16 == 0 || plen16 > 128 || eg_u128_from_addr(addr) != t->next)
		abort();
	t->next += (unsigned __int128)1 << (128 - plen16);
	t->blocks++;
}

/* The CIDR split of a range tiles it exactly, in at most 254 blocks. */
static void check_cidrs(const struct eg_range *r)
{
	struct tiling t = {.next = eg_u128_from_addr(r->first)};

	eg_range_to_cidrs(r->first, r->last, block, &t);
	if (t.blocks == 0 || t.blocks > 254 || t.next - 1 != eg_u128_from_addr(r->last))
		abort();
}

static void check_success(const struct eg_dataset *ds)
{
	const struct eg_range_list *l = &ds->ranges;

	if (!l->n || !ds->path || !ds->format || !ds->description || strlen(ds->sha256) != 64)
		abort();
	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].value || memcmp(l->v[i].first, l->v[i].last, 16) > 0)
			abort();
		if (i && memcmp(l->v[i - 1].last, l->v[i].first, 16) >= 0)
			abort();
		if (i < 64)
			check_cidrs(&l->v[i]);
	}
	for (size_t i = 0; i < ds->n_names; i++)
		if (!ds->names[i].name || (i && ds->names[i - 1].asn >= ds->names[i].asn))
			abort();
	if (ds->kind == EG_DATA_COUNTRY && ds->n_names)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum eg_data_kind kinds[] = {EG_DATA_ASN, EG_DATA_COUNTRY};

	/* Stay inside libFuzzer's memory budget: no gzip bomb may inflate past 16 MiB. */
	eg_dataset_max_bytes = 16u << 20;
	for (size_t k = 0; k < 2; k++) {
		struct eg_dataset ds;
		struct eg_error err = {0};

		if (eg_dataset_load_mem(data, size, kinds[k], "fuzz.csv", &ds, &err)) {
			check_failure(&ds, &err);
			continue;
		}
		check_success(&ds);
		eg_dataset_free(&ds);
	}
	return 0;
}
