// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The daemon's share of the volume accounting (user/attempts.h): a socket
 * hook's deny the kernel left unclassified (EG_EVF_TALLY) is classified from
 * the address that decided (the embedded IPv4 when it decided) on the
 * fixture world, counted under its class in a real per-CPU hash map of the
 * byte map's layout, under the daemon's own key; and `stats` (user/stats.c)
 * reads the kernel's and the daemon's rows of one workload, class and
 * verdict as one row. Rows are written in a batch per pass, a key's count
 * read from the map once. Needs root (it creates BPF maps); nothing is
 * loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attempts.h"
#include "bundle.h"
#include "check.h"
#include "realdata.h"
#include "stats.h"

#define CGROUP 4242

static char fixtures[] = "/tmp/eg-test-attempts-XXXXXX";
static struct eg_bundle bundle;
static int map_fd = -1, ncpu;

static int load_fixture_world(void)
{
	if (testbundle_load(fixtures, "data:\n  country: geolite2-country.mmdb\n  asn: asn.csv\n",
			    "rules: []\n", &bundle))
		return -1;
	return bundle.have_world ? 0 : -1;
}

/* A deny of a connect to 198.51.100.10 (fixture: CN, AS4134), as the kernel leaves it. */
static struct eg_event cn_deny(void)
{
	struct eg_event ev = {.cgroup_id = CGROUP,
			      .verdict = EG_VERDICT_DENY,
			      .flags = EG_EVF_TALLY,
			      .hook = EG_HOOK_CONNECT4};
	const uint8_t addr[16] = {[10] = 0xff, [11] = 0xff, 198, 51, 100, 10};

	memcpy(ev.daddr, addr, 16);
	return ev;
}

/* The attempts under key (one row, summed over CPUs); -1 when there is no row. */
static long long map_attempts(const struct eg_acct_key *key)
{
	struct eg_acct *vals = calloc((size_t)ncpu, sizeof(*vals));
	long long sum = -1;

	if (vals && bpf_map_lookup_elem(map_fd, key, vals) == 0) {
		sum = 0;
		for (int i = 0; i < ncpu; i++)
			sum += (long long)vals[i].attempts;
	}
	free(vals);
	return sum;
}

static void daemon_key_of(const struct eg_event *ev, struct eg_acct_key *key)
{
	const struct eg_class *cls = eg_world_class(&bundle.world, ev->class_id);

	memset(key, 0, sizeof(*key));
	key->cgroup_id = ev->cgroup_id;
	key->verdict = ev->verdict;
	key->source = EG_ACCT_BY_DAEMON;
	if (cls)
		key->cls = *cls;
}

static void test_environment(void)
{
	ASSERT_TRUE(mkdtemp(fixtures) != NULL, "temporary directory");
	ASSERT_EQ(fixtures_generate(fixtures), 0, "fixture datasets generated");
	ASSERT_EQ(load_fixture_world(), 0, "fixture world loaded");
	ncpu = libbpf_num_possible_cpus();
	ASSERT_GE(ncpu, 1, "possible CPUs");
	map_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "eg_test_bytes",
				sizeof(struct eg_acct_key), sizeof(struct eg_acct), EG_MAX_ACCT,
				NULL);
	ASSERT_GE(map_fd, 0, "a per-CPU hash map of the byte map's layout");
}

static void test_classified_from_the_decided_address(void)
{
	struct eg_event ev = cn_deny(), nat64 = cn_deny();
	const uint8_t v6[16] = {0x00, 0x64, 0xff, 0x9b, [12] = 198, 51, 100, 10};
	const struct eg_class *cls;

	eg_attempts_classify(&bundle.world, NULL, &ev);
	cls = eg_world_class(&bundle.world, ev.class_id);
	ASSERT_TRUE(ev.class_id != 0 && cls != NULL, "198.51.100.10 has a class");
	ASSERT_EQ(cls ? cls->country : 0, EG_CC('C', 'N'), "country CN");
	ASSERT_EQ(cls ? cls->asn : 0, 4134, "AS4134");

	/* 64:ff9b::198.51.100.10, decided by the IPv4 it carries: the IPv4's class. */
	memcpy(nat64.daddr, v6, 16);
	memcpy(nat64.daddr_v4, v6 + 12, 4);
	nat64.embed = EG_EMBED_NAT64;
	nat64.flags |= EG_EVF_BY_V4;
	eg_attempts_classify(&bundle.world, NULL, &nat64);
	ASSERT_EQ(nat64.class_id, ev.class_id, "NAT64: the embedded IPv4's class");
	nat64.flags &= (uint8_t)~EG_EVF_BY_V4;
	eg_attempts_classify(&bundle.world, NULL, &nat64);
	ASSERT_TRUE(nat64.class_id != ev.class_id, "not decided by the IPv4: the IPv6's own class");

	ev.flags = 0;
	ev.class_id = 77;
	eg_attempts_classify(&bundle.world, NULL, &ev);
	ASSERT_EQ(ev.class_id, 77, "an event the kernel classified is left as it is");
}

/*
 * A world that shed its lookup tables for a reload answers from the next
 * generation's, with its own id of the class of the same content.
 */
static void test_shed_world_classifies_with_the_next(void)
{
	struct eg_bundle shed = {0};
	struct eg_event ev = cn_deny(), fresh = cn_deny();
	const struct eg_class *cls;

	ASSERT_EQ(testbundle_load(fixtures,
				  "data:\n  country: geolite2-country.mmdb\n  asn: asn.csv\n",
				  "rules: []\n", &shed),
		  0, "a second world of the same data");
	eg_attempts_classify(&bundle.world, NULL, &fresh);
	eg_world_shed(&shed.world);
	eg_attempts_classify(&shed.world, NULL, &ev);
	EXPECT_EQ(ev.class_id, 0, "shed, alone: 198.51.100.10's cell holds several classes");
	eg_attempts_classify(&shed.world, &bundle.world, &ev);
	cls = eg_world_class(&shed.world, ev.class_id);
	EXPECT_TRUE(ev.class_id != 0 && cls != NULL, "with the next world: a class");
	EXPECT_EQ(cls ? cls->country : 0, EG_CC('C', 'N'), "country CN");
	EXPECT_EQ(cls ? cls->asn : 0, 4134, "AS4134");
	EXPECT_EQ(ev.class_id, fresh.class_id, "the shed world's own id of it");
	eg_bundle_free(&shed);
}

static void test_counted_under_the_daemons_key(void)
{
	struct eg_event ev = cn_deny(), kernel_counted = cn_deny();
	struct eg_attempts t;
	struct eg_acct_key key;

	ASSERT_EQ(eg_attempts_init(&t), 0, "init");
	eg_attempts_classify(&bundle.world, NULL, &ev);
	daemon_key_of(&ev, &key);
	ASSERT_EQ(eg_attempts_add(&t, map_fd, &bundle.world, &ev, 1), 0, "the event's report");
	ASSERT_EQ(eg_attempts_add(&t, map_fd, &bundle.world, &ev, 9), 0, "its folded reports");
	ASSERT_EQ(map_attempts(&key), -1, "counted, not written yet");
	ASSERT_EQ(eg_attempts_write(&t, map_fd), 0, "written");
	ASSERT_EQ(map_attempts(&key), 10, "10 attempts under (workload, CN/AS4134, deny, daemon)");
	ASSERT_EQ(eg_attempts_write(&t, map_fd), 0, "written again: nothing new");
	ASSERT_EQ(map_attempts(&key), 10, "still 10");

	kernel_counted.flags = 0;
	kernel_counted.class_id = ev.class_id;
	ASSERT_EQ(eg_attempts_add(&t, map_fd, &bundle.world, &kernel_counted, 5), 0,
		  "an event the kernel counted");
	ASSERT_EQ(eg_attempts_write(&t, map_fd), 0, "written");
	ASSERT_EQ(map_attempts(&key), 10, "is not counted again");

	ASSERT_EQ(eg_attempts_add(&t, map_fd, &bundle.world, &ev, 3), 0, "3 more");
	ASSERT_EQ(eg_attempts_write(&t, -1), -1, "no map: refused");
	ASSERT_EQ(t.refused, 1, "and counted");
	ASSERT_EQ(eg_attempts_write(&t, map_fd), 0, "written at the next pass");
	ASSERT_EQ(map_attempts(&key), 13, "13");
	eg_attempts_free(&t);

	/* A new daemon (or a forgotten table) goes on from the map's count: a dead daemon's. */
	ASSERT_EQ(eg_attempts_init(&t), 0, "a second daemon's");
	ASSERT_EQ(eg_attempts_add(&t, map_fd, &bundle.world, &ev, 2), 0, "2 more");
	ASSERT_EQ(eg_attempts_write(&t, map_fd), 0, "written");
	ASSERT_EQ(map_attempts(&key), 15, "counted on from 13");
	eg_attempts_free(&t);
}

/* A table three quarters full is written out and forgotten before it takes another row. */
static void test_full_table_written_and_forgotten(void)
{
	unsigned n = EG_ATTEMPTS_SLOTS / 4 * 3;
	int big = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "eg_test_bytes2",
				 sizeof(struct eg_acct_key), sizeof(struct eg_acct), 2 * n, NULL);
	struct eg_event ev = cn_deny();
	struct eg_attempts t;
	struct eg_acct_key first;
	int saved = map_fd;

	ASSERT_GE(big, 0, "a map with room for every row");
	ASSERT_EQ(eg_attempts_init(&t), 0, "init");
	eg_attempts_classify(&bundle.world, NULL, &ev);
	map_fd = big; /* for map_attempts */
	for (unsigned i = 0; i <= n; i++) {
		ev.cgroup_id = CGROUP + 1 + i; /* a row each */
		if (i == 0)
			daemon_key_of(&ev, &first);
		if (eg_attempts_add(&t, big, &bundle.world, &ev, 1))
			break;
		if (i == n - 1)
			EXPECT_EQ(map_attempts(&first), -1, "at the limit: not written yet");
	}
	EXPECT_EQ(t.used, 1, "one row more: the table written and forgotten, then that row");
	EXPECT_EQ(map_attempts(&first), 1, "the first row is in the map");
	EXPECT_EQ(t.refused, 0, "nothing refused");
	map_fd = saved;
	eg_attempts_free(&t);
	close(big);
}

static void test_stats_adds_both_sources(void)
{
	struct eg_event ev = cn_deny();
	struct eg_acct *vals = calloc((size_t)ncpu, sizeof(*vals));
	struct eg_acct_key key;
	struct eg_error err = {0};
	struct eg_stats s = {0};
	size_t rows = 0;

	eg_attempts_classify(&bundle.world, NULL, &ev);
	daemon_key_of(&ev, &key);
	key.source = EG_ACCT_BY_KERNEL; /* the same workload, class and verdict, the kernel's */
	ASSERT_TRUE(vals != NULL, "memory");
	if (!vals)
		return;
	vals[0].attempts = 2;
	vals[ncpu - 1].attempts += 3;
	vals[0].bytes = 100;
	vals[0].packets = 1;
	ASSERT_EQ(bpf_map_update_elem(map_fd, &key, vals, BPF_ANY), 0, "a kernel row");
	free(vals);

	ASSERT_EQ(eg_stats_read_fd(map_fd, &s, &err), 0, "stats read");
	for (size_t i = 0; i < s.n; i++) {
		if (s.rows[i].key.cgroup_id != CGROUP)
			continue;
		rows++;
		ASSERT_EQ(s.rows[i].key.source, EG_ACCT_BY_KERNEL, "the row reads as one source");
		ASSERT_EQ(s.rows[i].attempts, 15 + 5, "the daemon's 15 and the kernel's 5");
		ASSERT_EQ(s.rows[i].bytes, 100, "the kernel's bytes");
		ASSERT_EQ(s.rows[i].packets, 1, "the kernel's packets");
	}
	ASSERT_EQ(rows, 1, "one row for the workload, class and verdict");
	eg_stats_free(&s);
}

int main(void)
{
	char cmd[512];

	RUN_TEST(test_environment);
	RUN_TEST(test_classified_from_the_decided_address);
	RUN_TEST(test_shed_world_classifies_with_the_next);
	RUN_TEST(test_counted_under_the_daemons_key);
	RUN_TEST(test_full_table_written_and_forgotten);
	RUN_TEST(test_stats_adds_both_sources);
	if (map_fd >= 0)
		close(map_fd);
	eg_bundle_free(&bundle);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fixtures);
	if (system(cmd))
		fprintf(stderr, "test_bpf_attempts: could not remove %s\n", fixtures);
	return check_summary();
}
