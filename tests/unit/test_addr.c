// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Addresses and CIDRs: parsing, formatting, containment. */
#include <sys/socket.h>
#include "../lib/check.h"
#include "addr.h"

static const uint8_t v4_198_51_100_7[16] = {0, 0, 0,	0,    0,   0,  0,   0,
					    0, 0, 0xff, 0xff, 198, 51, 100, 7};

static void test_addr_parse_v4(void)
{
	uint8_t addr[16], family = 0;
	char text[EG_ADDR_STRLEN];

	ASSERT_EQ(eg_addr_parse("198.51.100.7", addr, &family), 0, "parse");
	ASSERT_EQ(family, AF_INET, "family");
	ASSERT_EQ(memcmp(addr, v4_198_51_100_7, 16), 0, "stored as ::ffff:a.b.c.d");
	ASSERT_TRUE(eg_addr_is_v4mapped(addr), "mapped");
	eg_addr_format(addr, text, sizeof(text));
	ASSERT_STREQ(text, "198.51.100.7", "format");
}

static void test_addr_parse_v6(void)
{
	uint8_t addr[16], family = 0;
	char text[EG_ADDR_STRLEN];

	ASSERT_EQ(eg_addr_parse("2001:DB8::1", addr, &family), 0, "parse");
	ASSERT_EQ(family, AF_INET6, "family");
	ASSERT_EQ(addr[0], 0x20, "byte 0");
	ASSERT_EQ(addr[1], 0x01, "byte 1");
	ASSERT_EQ(addr[15], 0x01, "byte 15");
	ASSERT_TRUE(!eg_addr_is_v4mapped(addr), "not mapped");
	eg_addr_format(addr, text, sizeof(text));
	ASSERT_STREQ(text, "2001:db8::1", "format is canonical");
}

static void test_addr_parse_mapped(void)
{
	uint8_t addr[16], family = 0;
	char text[EG_ADDR_STRLEN];

	ASSERT_EQ(eg_addr_parse("::ffff:198.51.100.7", addr, &family), 0, "parse");
	ASSERT_EQ(family, AF_INET, "a mapped address is IPv4");
	ASSERT_EQ(memcmp(addr, v4_198_51_100_7, 16), 0, "same bytes as the IPv4 text");
	eg_addr_format(addr, text, sizeof(text));
	ASSERT_STREQ(text, "198.51.100.7", "prints as IPv4");
}

static void test_addr_parse_bad(void)
{
	static const char *const bad[] = {"",		"1.2.3",    "1.2.3.4.5",      "256.1.1.1",
					  " 1.2.3.4",	"1.2.3.4 ", "2001:db8::1::2", "example.com",
					  "1.2.3.4/32", "01.2.3.4"};
	uint8_t addr[16], family;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (eg_addr_parse(bad[i], addr, &family) != -1) {
			CHECK_FAIL_("\"%s\" parsed as an address", bad[i]);
			return;
		}
	}
	ASSERT_EQ(eg_addr_parse(NULL, addr, &family), -1, "NULL");
}

static void test_addr_format_short_buffer(void)
{
	char text[8];

	eg_addr_format(v4_198_51_100_7, text, sizeof(text));
	ASSERT_STREQ(text, "198.51.", "truncated, terminated");
}

/* Parse text as a CIDR and check its canonical form, family and lengths. */
static int cidr_round_trip(const char *text, const char *canonical, int family, unsigned plen,
			   unsigned plen16)
{
	struct eg_cidr cidr;
	const char *why = NULL;
	char out[EG_ADDR_STRLEN];

	if (eg_cidr_parse(text, &cidr, &why) != 0) {
		CHECK_FAIL_("\"%s\": refused: %s", text, why);
		return -1;
	}
	eg_cidr_format(&cidr, out, sizeof(out));
	if (strcmp(out, canonical) || cidr.family != family || cidr.plen != plen ||
	    eg_cidr_plen16(&cidr) != plen16) {
		CHECK_FAIL_("\"%s\": got %s family %d plen %u plen16 %u; expected %s %d %u %u",
			    text, out, cidr.family, cidr.plen, eg_cidr_plen16(&cidr), canonical,
			    family, plen, plen16);
		return -1;
	}
	return 0;
}

static void test_cidr_parse_good(void)
{
	ASSERT_EQ(cidr_round_trip("198.51.100.0/24", "198.51.100.0/24", AF_INET, 24, 120), 0, "v4");
	ASSERT_EQ(cidr_round_trip("198.51.100.7", "198.51.100.7/32", AF_INET, 32, 128), 0,
		  "bare v4");
	ASSERT_EQ(cidr_round_trip("0.0.0.0/0", "0.0.0.0/0", AF_INET, 0, 96), 0, "v4 /0");
	ASSERT_EQ(cidr_round_trip("2001:db8:bad::/48", "2001:db8:bad::/48", AF_INET6, 48, 48), 0,
		  "v6");
	ASSERT_EQ(cidr_round_trip("2001:DB8:0:0::/32", "2001:db8::/32", AF_INET6, 32, 32), 0,
		  "v6 canonical");
	ASSERT_EQ(cidr_round_trip("2001:db8::1", "2001:db8::1/128", AF_INET6, 128, 128), 0,
		  "bare v6");
	ASSERT_EQ(cidr_round_trip("::/0", "::/0", AF_INET6, 0, 0), 0, "v6 /0");
	ASSERT_EQ(cidr_round_trip("::ffff:198.51.100.0/120", "198.51.100.0/24", AF_INET, 24, 120),
		  0, "mapped /120 is v4 /24");
	ASSERT_EQ(cidr_round_trip("::ffff:0:0/96", "0.0.0.0/0", AF_INET, 0, 96), 0,
		  "mapped /96 is v4 /0");
	ASSERT_EQ(cidr_round_trip("::ffff:198.51.100.7", "198.51.100.7/32", AF_INET, 32, 128), 0,
		  "bare mapped");
	ASSERT_EQ(cidr_round_trip("198.51.100.0/024", "198.51.100.0/24", AF_INET, 24, 120), 0,
		  "leading zero in length");
}

/* The CIDR is refused and why contains the expected words. */
static int cidr_refused(const char *text, const char *why_part)
{
	struct eg_cidr cidr;
	const char *why = NULL;

	if (eg_cidr_parse(text, &cidr, &why) == 0) {
		CHECK_FAIL_("\"%s\" accepted", text);
		return -1;
	}
	if (!why || !strstr(why, why_part)) {
		CHECK_FAIL_("\"%s\": why \"%s\" does not contain \"%s\"", text,
			    why ? why : "(null)", why_part);
		return -1;
	}
	return 0;
}

static void test_cidr_parse_bad(void)
{
	ASSERT_EQ(cidr_refused("", "empty"), 0, "empty");
	ASSERT_EQ(cidr_refused(NULL, "empty"), 0, "NULL");
	ASSERT_EQ(cidr_refused("198.51.100.0/33", "prefix length must be 0-32 for IPv4"), 0, "/33");
	ASSERT_EQ(cidr_refused("2001:db8::/129", "prefix length must be 0-128 for IPv6"), 0,
		  "/129");
	ASSERT_EQ(cidr_refused("198.51.100.0/99999999999", "0-32"), 0, "huge length");
	ASSERT_EQ(cidr_refused("198.51.100.0/", "missing prefix length"), 0, "no length");
	ASSERT_EQ(cidr_refused("198.51.100.0/abc", "not a number"), 0, "letters");
	ASSERT_EQ(cidr_refused("198.51.100.0/-1", "not a number"), 0, "negative");
	ASSERT_EQ(cidr_refused("198.51.100.0/+24", "not a number"), 0, "plus sign");
	ASSERT_EQ(cidr_refused("198.51.100.0/24x", "not a number"), 0, "trailing junk");
	ASSERT_EQ(cidr_refused("198.51.100.0/24/8", "not a number"), 0, "two slashes");
	ASSERT_EQ(cidr_refused("198.51.100.0/ 24", "not a number"), 0, "space in length");
	ASSERT_EQ(cidr_refused(" 198.51.100.0/24", "whitespace"), 0, "leading space");
	ASSERT_EQ(cidr_refused("198.51.100.0/24 ", "whitespace"), 0, "trailing space");
	ASSERT_EQ(cidr_refused("198.51.100.0/24\n", "whitespace"), 0, "trailing newline");
	ASSERT_EQ(cidr_refused("x198.51.100.0/24", "not an IPv4 or IPv6 address"), 0,
		  "leading junk");
	ASSERT_EQ(cidr_refused("198.51.100/24", "not an IPv4 or IPv6 address"), 0, "three parts");
	ASSERT_EQ(cidr_refused("300.1.1.0/24", "not an IPv4 or IPv6 address"), 0, "octet > 255");
	ASSERT_EQ(cidr_refused("/24", "no address"), 0, "no address");
	ASSERT_EQ(cidr_refused("2001:db8:::/48", "not an IPv4 or IPv6 address"), 0, "bad v6");
	ASSERT_EQ(cidr_refused("1111:2222:3333:4444:5555:6666:7777:8888:9999/64",
			       "not an IPv4 or IPv6 address"),
		  0, "long v6");
	ASSERT_EQ(cidr_refused("::ffff:0:0/95", "must be /96 or longer"), 0, "short mapped");
}

static void test_cidr_host_bits(void)
{
	ASSERT_EQ(cidr_refused("198.51.100.7/24", "host bits set; did you mean 198.51.100.0/24?"),
		  0, "v4");
	ASSERT_EQ(cidr_refused("198.51.100.128/23", "did you mean 198.51.100.0/23?"), 0, "v4 /23");
	ASSERT_EQ(cidr_refused("10.0.0.1/0", "did you mean 0.0.0.0/0?"), 0, "v4 /0");
	ASSERT_EQ(cidr_refused("2001:db8:bad::1/48", "did you mean 2001:db8:bad::/48?"), 0, "v6");
	ASSERT_EQ(cidr_refused("2001:db8::c000/113", "did you mean 2001:db8::8000/113?"), 0,
		  "v6 odd length");
	ASSERT_EQ(cidr_refused("::ffff:198.51.100.7/120", "did you mean 198.51.100.0/24?"), 0,
		  "mapped");
}

static void test_cidr_contains(void)
{
	struct eg_cidr v4, v6, all4, all6, host;
	uint8_t a[16], family;

	ASSERT_EQ(eg_cidr_parse("198.51.100.0/24", &v4, NULL), 0, "v4");
	ASSERT_EQ(eg_cidr_parse("2001:db8:bad::/48", &v6, NULL), 0, "v6");
	ASSERT_EQ(eg_cidr_parse("0.0.0.0/0", &all4, NULL), 0, "all v4");
	ASSERT_EQ(eg_cidr_parse("::/0", &all6, NULL), 0, "all v6");
	ASSERT_EQ(eg_cidr_parse("198.51.100.7", &host, NULL), 0, "host");

	ASSERT_TRUE(eg_cidr_contains(&v4, v4_198_51_100_7), "v4 in its /24");
	ASSERT_TRUE(eg_cidr_contains(&host, v4_198_51_100_7), "v4 host");
	ASSERT_EQ(eg_addr_parse("198.51.101.7", a, &family), 0, "parse");
	ASSERT_TRUE(!eg_cidr_contains(&v4, a), "next /24 is outside");
	ASSERT_TRUE(eg_cidr_contains(&all4, a), "0.0.0.0/0 holds every IPv4");
	ASSERT_TRUE(eg_cidr_contains(&all6, a), "::/0 holds IPv4 too (mapped)");
	ASSERT_TRUE(!eg_cidr_contains(&v6, a), "v4 not in v6");

	ASSERT_EQ(eg_addr_parse("2001:db8:bad:ffff::1", a, &family), 0, "parse");
	ASSERT_TRUE(eg_cidr_contains(&v6, a), "v6 in its /48");
	ASSERT_TRUE(!eg_cidr_contains(&all4, a), "0.0.0.0/0 holds no IPv6");
	ASSERT_EQ(eg_addr_parse("2001:db8:bae::1", a, &family), 0, "parse");
	ASSERT_TRUE(!eg_cidr_contains(&v6, a), "next /48 is outside");
}

static void test_cidr_plen16(void)
{
	struct eg_cidr c = {.family = AF_INET, .plen = 0};

	ASSERT_EQ(eg_cidr_plen16(&c), 96, "v4 /0");
	c.plen = 32;
	ASSERT_EQ(eg_cidr_plen16(&c), 128, "v4 /32");
	c.family = AF_INET6;
	ASSERT_EQ(eg_cidr_plen16(&c), 32, "v6 /32");
	c.plen = 128;
	ASSERT_EQ(eg_cidr_plen16(&c), 128, "v6 /128");
}

int main(void)
{
	RUN_TEST(test_addr_parse_v4);
	RUN_TEST(test_addr_parse_v6);
	RUN_TEST(test_addr_parse_mapped);
	RUN_TEST(test_addr_parse_bad);
	RUN_TEST(test_addr_format_short_buffer);
	RUN_TEST(test_cidr_parse_good);
	RUN_TEST(test_cidr_parse_bad);
	RUN_TEST(test_cidr_host_bits);
	RUN_TEST(test_cidr_contains);
	RUN_TEST(test_cidr_plen16);
	return check_summary();
}
