// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The classification in the kernel's compact form (maps/tables.h: IPv4
 * bounds four to a value; IPv6 in 8-byte bounds on /48 boundaries, fine
 * spans for the /48s cut finer; single-valued /16s inline), looked up by the
 * kernel's own search (maps/classify.h through user/judge.c), against a
 * plain search of the segments: at every range start, one below and one
 * above it, at each range's last address and at the /48 after its start;
 * on made-up ranges with every awkward cut, and on the real datasets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundle.h"
#include "check.h"
#include "realdata.h"
#include "judge.h"

typedef unsigned __int128 u128;

#define V6(a, b, c, d, lo)                                                                         \
	(((u128)(((uint64_t)(a) << 48) | ((uint64_t)(b) << 32) | ((uint64_t)(c) << 16) | (d))      \
	  << 64) |                                                                                 \
	 (lo))

/* Range starts and classes of the made-up world; a class runs up to the next start. */
static const struct {
	u128 start;
	uint32_t class_id;
} starts[] = {
	{0, 0},
	{((u128)0xffff << 32) | 0x0a000000, 1}, /* ::ffff:10.0.0.0, IPv4 */
	{((u128)0xffff << 32) | 0x0a000100, 0},
	{V6(0x2001, 0x0db8, 0, 0, 0), 2},		/* a /32 */
	{V6(0x2001, 0x0db8, 5, 0, 0), 3},		/* a /48, then cut finer: */
	{V6(0x2001, 0x0db8, 5, 0x100, 0), 4},		/* /56 */
	{V6(0x2001, 0x0db8, 5, 0x101, 0), 3},		/* /64 */
	{V6(0x2001, 0x0db8, 5, 0x101, 7), 5},		/* /128 */
	{V6(0x2001, 0x0db8, 5, 0x101, 8), 3},		/* ... up to the next /48 */
	{V6(0x2001, 0x0db8, 6, 0, 0), 6},		/* aligned right after a fine /48 */
	{V6(0x2001, 0x0db8, 7, 0x8000, 0), 7},		/* fine /48 whose start is not a bound */
	{V6(0x2001, 0x0db8, 8, 0x8000, 1ull << 63), 8}, /* fine /48 right after a fine /48 */
	{V6(0x2001, 0x0db8, 0x10, 0, 0), 2},
	{V6(0x2001, 0xffff, 0xffff, 0xfffe, 0), 9}, /* fine in the /16's last /48 */
	{V6(0x2002, 0, 0, 0, 0), 10},		    /* one class for the whole /16: inline */
	{V6(0x2003, 0, 0, 0, 0), 0},
	{V6(0xffff, 0xffff, 0xffff, 0xffff, ~0ull), 11}, /* the very last address */
};
#define N_STARTS (sizeof(starts) / sizeof(starts[0]))

static uint32_t segment_class(const struct eg_world *w, u128 a)
{
	return eg_world_segment(w, eg_world_segment_find(w, a)).class_id;
}

/*
 * Every range start, one each side of it, the range's last address and the
 * first address of the /48 after its start (when the range reaches it) agree.
 */
static size_t mismatches(const struct eg_world *w, size_t *checked)
{
	const u128 below48 = ((u128)1 << 80) - 1;
	size_t bad = 0, i;
	int k;

	for (i = 0; i < w->segs.n; i++) {
		const struct eg_segment seg = eg_world_segment(w, i), *s = &seg;
		u128 next48 = (s->first | below48) + 1;
		u128 at[5] = {s->first - 1, s->first, s->first + 1, s->last,
			      next48 && next48 <= s->last ? next48 : s->last};

		for (k = i ? 0 : 1; k < 5; k++) {
			uint8_t addr[16];

			eg_u128_to_addr(at[k], addr);
			bad += eg_world_classify(w, addr) != segment_class(w, at[k]);
			(*checked)++;
		}
	}
	return bad;
}

static void test_made_up_cuts(void)
{
	struct eg_world *w = calloc(1, sizeof(*w));
	size_t checked = 0, i;

	ASSERT_TRUE(w != NULL, "world");
	for (i = 0; i < N_STARTS; i++)
		ASSERT_OK(eg_world_add_segment(w, starts[i].start, starts[i].class_id), "segment");
	ASSERT_OK(eg_world_index(w), "tables built");
	/* ::/48 too: the IPv4-mapped /96 takes no bounds, the range after it starts at ::1:0:0:0.
	 */
	EXPECT_EQ(w->n_v6_fine_spans, 6, "six /48s cut finer");
	EXPECT_EQ(w->v6_index[0x2002].count, 1, "a single-class /16 is inline");
	EXPECT_EQ(w->v6_index[0x2002].first, 10, "with its class");
	EXPECT_EQ(mismatches(w, &checked), 0, "classification equals the segments'");
	for (i = 0; i < N_STARTS; i++) { /* and a few addresses inside each range */
		uint8_t addr[16];
		u128 a = starts[i].start +
			 (i + 1 < N_STARTS ? (starts[i + 1].start - starts[i].start) / 3 : 0);

		eg_u128_to_addr(a, addr);
		EXPECT_EQ(eg_world_classify(w, addr), starts[i].class_id, "inside a range");
	}
	EXPECT_GE(checked, 4 * (N_STARTS - 2), "every boundary checked");
	eg_world_free(w);
	free(w);
}

/* Real data: the whole world, every boundary. */
static void test_real_boundaries(void)
{
	char data[1024], path[] = "/tmp/eg-test-world-v6-XXXXXX", file[600];
	struct eg_error err = {0};
	size_t checked = 0;
	struct eg_bundle b;
	FILE *f;
	int fd;

	if (realdata_section(data, sizeof(data)))
		SKIP(REALDATA_ABSENT);
	fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0, "policy file");
	f = fdopen(fd, "w");
	ASSERT_TRUE(f != NULL, "policy file");
	fprintf(f, "%srules: []\n", data);
	fclose(f);
	snprintf(file, sizeof(file), "%s", path);
	ASSERT_OK(eg_bundle_load(file, -1, &b, &err), err.msg);
	unlink(path);
	EXPECT_GE(b.world.n_v6_fine_spans, 1000, "real /48s cut finer");
	EXPECT_LE(eg_world_kernel_bytes(&b.world), 12ull << 20, "classification under 12 MiB");
	EXPECT_EQ(mismatches(&b.world, &checked), 0, "classification equals the segments'");
	EXPECT_GE(checked, 3000000, "every boundary checked");
	eg_bundle_free(&b);
}

int main(void)
{
	RUN_TEST(test_made_up_cuts);
	RUN_TEST(test_real_boundaries);
	return check_summary();
}
