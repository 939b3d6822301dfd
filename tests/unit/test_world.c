// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The classification tables: built from fixture datasets (generated at test
 * time by tests/fixtures/gen_fixtures.pl), looked up by the kernel's own search code
 * (maps/classify.h through user/judge.c), checked against a plain search
 * of the segments; and, when `exfilguard data fetch data` has been run, the
 * real datasets' known facts (reported as skipped when they are absent).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundle.h"
#include "check.h"
#include "realdata.h"
#include "judge.h"

static char fixtures[] = "/tmp/eg-test-world-XXXXXX";

static int load(const char *text, struct eg_bundle *b)
{
	return testbundle_load(fixtures, "", text, b);
}

static const struct eg_class *class_of(const struct eg_bundle *b, const char *text)
{
	uint8_t addr[16], family;

	if (eg_addr_parse(text, addr, &family))
		return NULL;
	return eg_world_class(&b->world, eg_world_classify(&b->world, addr));
}

static const char *provider_of(const struct eg_bundle *b, const struct eg_class *c)
{
	return c && c->provider ? b->catalog.providers[c->provider - 1].id : "";
}

static const char fixture_policy[] = "data:\n"
				     "  country: geolite2-country.mmdb\n"
				     "  asn: asn.csv\n"
				     "rules: []\n";

static void test_fixture_classes(void)
{
	const struct eg_class *c;
	struct eg_bundle b;
	char prefix[64];
	uint8_t addr[16], family;

	ASSERT_EQ(load(fixture_policy, &b), 0, "fixture bundle loads");
	c = class_of(&b, "198.51.100.10");
	ASSERT_EQ(c->country, EG_CC('C', 'N'), "198.51.100.10 country");
	ASSERT_EQ(c->asn, 4134, "198.51.100.10 asn");
	ASSERT_EQ(c->provider, 0, "198.51.100.10 provider");
	c = class_of(&b, "198.19.113.10");
	ASSERT_EQ(c->country, EG_CC('U', 'S'), "198.19.113.10 located in the US");
	ASSERT_EQ(c->asn, 45102, "198.19.113.10 announced by AS45102");
	ASSERT_STREQ(provider_of(&b, c), "alibaba-cloud", "198.19.113.10 provider");
	ASSERT_EQ(c->jurisdiction, EG_CC('C', 'N'), "198.19.113.10 jurisdiction");
	c = class_of(&b, "198.19.113.200");
	ASSERT_STREQ(provider_of(&b, c), "aws", "198.19.113.200 provider");
	ASSERT_EQ(c->jurisdiction, EG_CC('U', 'S'), "198.19.113.200 jurisdiction");
	c = class_of(&b, "::ffff:198.19.113.10");
	ASSERT_EQ(c->asn, 45102, "the mapped form classifies as the IPv4 address");
	c = class_of(&b, "2001:db8:1::5");
	ASSERT_EQ(c->asn, 45102, "IPv6 asn");
	ASSERT_EQ(c->country, EG_CC('U', 'S'), "IPv6 country");
	c = class_of(&b, "10.1.2.3");
	ASSERT_TRUE(c->asn == 0 && c->country == 0, "an address in no dataset has class 0");
	eg_addr_parse("198.19.113.10", addr, &family);
	eg_world_prefix(&b.world, addr, prefix, sizeof(prefix));
	ASSERT_STREQ(prefix, "198.19.113.0/25", "classification prefix");
	eg_bundle_free(&b);
}

/* The DXR search must agree with a plain binary search of the segments everywhere. */
static void test_dxr_matches_segments(void)
{
	unsigned seed = 7, i;
	struct eg_bundle b;

	ASSERT_EQ(load(fixture_policy, &b), 0, "fixture bundle loads");
	for (i = 0; i < 200000; i++) {
		uint8_t addr[16] = {0};
		unsigned __int128 a;
		size_t lo = 0, hi = b.world.segs.n - 1;
		int k;

		if (i & 1) { /* IPv4, biased towards the fixture ranges */
			addr[10] = addr[11] = 0xff;
			addr[12] = (uint8_t)(i % 3 == 0 ? 203 : i % 3 == 1 ? 198 : rand_r(&seed));
			for (k = 13; k < 16; k++)
				addr[k] = (uint8_t)rand_r(&seed);
		} else {
			addr[0] = 0x20;
			addr[1] = 0x01;
			addr[2] = 0x0d;
			addr[3] = 0xb8;
			for (k = 4; k < 16; k++)
				addr[k] = (uint8_t)(k < 6 ? rand_r(&seed) & 1 : rand_r(&seed));
		}
		a = eg_u128_from_addr(addr);
		while (lo < hi) {
			size_t mid = lo + (hi - lo + 1) / 2;

			if (eg_world_segment(&b.world, mid).first <= a)
				lo = mid;
			else
				hi = mid - 1;
		}
		ASSERT_EQ(eg_world_classify(&b.world, addr),
			  eg_world_segment(&b.world, lo).class_id,
			  "DXR class equals the segment's");
	}
	eg_bundle_free(&b);
}

/* Real data: every range the ASN CSV gives AS45102 classifies as Alibaba Cloud, controlled from CN.
 */
static void test_real_alibaba_us(void)
{
	char data[1024], text[2048], line[512];
	size_t checked = 0;
	struct eg_bundle b;
	FILE *csv;

	if (realdata_section(data, sizeof(data)))
		SKIP(REALDATA_ABSENT);
	snprintf(text, sizeof(text), "%srules: []\n", data);
	ASSERT_EQ(load(text, &b), 0, "real bundle loads");
	ASSERT_GE(b.world.n_v4_bounds, 300000, "IPv4 ranges");
	ASSERT_GE(b.world.n_v6_bounds, 100000, "IPv6 ranges");
	csv = fopen("data/asn-ipv4.csv", "r");
	ASSERT_TRUE(csv != NULL, "asn-ipv4.csv");
	while (fgets(line, sizeof(line), csv)) {
		char *first = strtok(line, ","), *last = strtok(NULL, ","),
		     *asn = strtok(NULL, ",");
		const struct eg_class *c;

		if (!asn || strcmp(asn, "45102") != 0)
			continue;
		c = class_of(&b, first);
		ASSERT_TRUE(c && c->asn == 45102, first);
		ASSERT_STREQ(provider_of(&b, c), "alibaba-cloud", first);
		ASSERT_EQ(c->jurisdiction, EG_CC('C', 'N'), first);
		c = class_of(&b, last);
		ASSERT_STREQ(provider_of(&b, c), "alibaba-cloud", last);
		checked++;
	}
	fclose(csv);
	ASSERT_GE(checked, 100, "AS45102 ranges checked");
	eg_bundle_free(&b);
}

int main(void)
{
	char cmd[512];

	if (!mkdtemp(fixtures) || fixtures_generate(fixtures)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_fixture_classes);
	RUN_TEST(test_dxr_matches_segments);
	RUN_TEST(test_real_alibaba_us);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fixtures);
	if (system(cmd))
		fprintf(stderr, "test_world: could not remove %s\n", fixtures);
	return check_summary();
}
