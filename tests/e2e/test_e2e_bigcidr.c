// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end: CIDR-only policies of exactly 65,536 and of 1,000,000
 * prefixes load (`run` agrees with `check`: the decision tables hold any
 * policy `check` accepts) and enforce. The first 65,536 prefixes deny every
 * even address of 198.18.0.0/15; the rest deny even addresses of 10.0.0.0/8,
 * which nothing contacts. UDP connects send nothing.
 *
 * And a policy of more decisions than the config carries copies of
 * (EG_CFG_DECISIONS): decisions past the copies come from their map, and
 * the copies the kernel reads equal the maps they were taken from.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "../lib/check.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/workload.h"
#include "pins.h"

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

/* n rules, each its own decision: rule i denies 198.18.i.0/24 (audits it when i is odd). */
static int write_many_rules_policy(size_t n, char out[PATH_MAX])
{
	FILE *f;
	size_t i;

	testenv_path("many.yaml", out);
	f = fopen(out, "w");
	if (!f)
		return -1;
	fputs("rules:\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  - action: %s\n    cidr: [198.18.%zu.0/24]\n",
			i % 2 ? "audit" : "deny", i);
	return fclose(f);
}

/* The config's copies against the maps they were taken from. */
static void check_config_copies(void)
{
	int heads = eg_pinned_map_fd(testenv.pin_dir, EG_STR(EG_MAP_DT_HEADS));
	int decisions = eg_pinned_map_fd(testenv.pin_dir, EG_STR(EG_MAP_DT_DECISIONS));
	struct eg_config cfg;
	struct eg_dt_head head;
	struct eg_dt_decision dd;
	uint32_t i, table;

	ASSERT_EQ(eg_pinned_config(testenv.pin_dir, &cfg), 0, "config read");
	ASSERT_TRUE(heads >= 0 && decisions >= 0, "decision-table maps pinned");
	EXPECT_EQ(cfg.n_decisions, EG_CFG_DECISIONS, "the config copies its full share");
	EXPECT_EQ(cfg.node_hdr.loaded, 1, "node policy header copied");
	for (i = 0; i < 2; i++) {
		table = EG_DT_TABLE(cfg.policy, i);
		ASSERT_EQ(bpf_map_lookup_elem(heads, &table, &head), 0, "head read");
		EXPECT_EQ(memcmp(&head, &cfg.node_heads[i], sizeof(head)), 0,
			  "head copy equals the map");
	}
	for (i = 0; i < cfg.n_decisions; i++) {
		ASSERT_EQ(bpf_map_lookup_elem(decisions, &i, &dd), 0, "decision read");
		EXPECT_EQ(memcmp(&dd, &cfg.decisions[i], sizeof(dd)), 0,
			  "decision copy equals the map");
	}
	close(heads);
	close(decisions);
}

/* The id of the first decision rule decides with; 0 (EG_DT_NONE) when there is none. */
static uint32_t decision_of_rule(uint16_t rule)
{
	int fd = eg_pinned_map_fd(testenv.pin_dir, EG_STR(EG_MAP_DT_DECISIONS));
	struct eg_dt_decision dd;
	uint32_t id, found = EG_DT_NONE;

	for (id = 1; fd >= 0 && !found && bpf_map_lookup_elem(fd, &id, &dd) == 0; id++)
		if (dd.rule == rule)
			found = id;
	if (fd >= 0)
		close(fd);
	return found;
}

static void test_more_decisions_than_copied(void)
{
	char policy[PATH_MAX];

	ASSERT_OK(write_many_rules_policy(100, policy), "policy written");
	ASSERT_EQ(testenv_guard_start(&guard, policy, NULL, "many"), 0, "guard started");
	check_config_copies();
	EXPECT_TRUE(decision_of_rule(98) >= EG_CFG_DECISIONS, "rule 98's decision is not copied");
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, "198.18.0.1", 9), 0,
		  "rule 0 (a copied decision) denies");
	EXPECT_EQ(workload_udp_verdict(testenv.cg_guarded, "198.18.98.1", 9), 0,
		  "rule 98 (a decision past the copies) denies");
	EXPECT_TRUE(workload_udp_verdict(testenv.cg_guarded, "198.18.99.1", 9) != 0,
		    "rule 99 audits: allowed");
	EXPECT_TRUE(workload_udp_verdict(testenv.cg_guarded, "198.18.200.1", 9) != 0,
		    "no rule: allowed");
	EXPECT_EQ(testenv_counter(EG_CTR_HOOK(EG_HOOK_CONNECT4, EG_VERDICT_AUDIT)), 1,
		  "the audit past the copies counted as an audit");
	EXPECT_EQ(testenv_guard_finish(&guard, check_failed), 0, "guard stopped cleanly");
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
	RUN_TEST(test_more_decisions_than_copied);
	testenv_guard_reset();
	return check_summary();
}
