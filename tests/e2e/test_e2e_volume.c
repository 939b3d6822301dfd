// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of exfiltration volume (`exfilguard stats`): under an audit
 * policy, two workloads in two cgroups send known amounts to audited
 * destinations; the bytes the kernel counted per workload must match what
 * each sent (exactly for one UDP datagram, within TCP/IP headers for a TCP
 * stream), survive a reload, and `--since` must count only what came after a
 * snapshot.
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <json-c/json.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/clirun.h"
#include "../lib/testcg.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"

#define AUDITED4     "198.51.100.10"
#define AUDITED4_UDP "198.51.100.7"
#define TCP_PAYLOAD  20000
#define UDP_PAYLOAD  777
#define MAX_HEADER   60 /* IPv4 20 + TCP 20 + options up to 20 per packet, and more than UDP's */

static const char policy_yaml[] = "mode: audit\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24]\n";

static char policy_path[PATH_MAX], second_cg[PATH_MAX], second_rel[PATH_MAX];
static char payload[TCP_PAYLOAD + 1];
static struct guard guard;

static void test_environment(void)
{
	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
	snprintf(second_cg, sizeof(second_cg), "%s/second", testenv.cg_guarded);
	snprintf(second_rel, sizeof(second_rel), "%s/second", testenv.guarded_rel);
	ASSERT_EQ(testcg_create(second_cg), 0, "a second workload cgroup");
	memset(payload, 'x', TCP_PAYLOAD);
	ASSERT_EQ(testenv_guard_start(&guard, policy_path, NULL, "volume"), 0, "guard started");
}

/* The stats row of a workload and verdict: packets and bytes (0 when there is none). */
static void stats_row(json_object *stats, const char *workload, const char *verdict,
		      long long *packets, long long *bytes)
{
	json_object *rows = json_object_object_get(stats, "rows");

	*packets = *bytes = 0;
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i);

		if (strcmp(json_object_get_string(json_object_object_get(r, "workload")),
			   workload) ||
		    strcmp(json_object_get_string(json_object_object_get(r, "verdict")), verdict))
			continue;
		*packets += json_object_get_int64(json_object_object_get(r, "packets"));
		*bytes += json_object_get_int64(json_object_object_get(r, "bytes"));
	}
}

static void read_row(const char *args, const char *workload, long long *packets, long long *bytes)
{
	json_object *stats = clirun_json(args);

	*packets = *bytes = -1;
	if (stats)
		stats_row(stats, workload, "audit", packets, bytes);
	json_object_put(stats);
}

static void test_bytes_match_what_each_workload_sent(void)
{
	struct client_action tcp = {CLIENT_TCP_CONNECT, AF_INET, AUDITED4,
				    TESTHOST_TCP_PORT,	payload, 0};
	struct client_action udp = {CLIENT_UDP_SENDTO, AF_INET, AUDITED4_UDP,
				    TESTHOST_UDP_PORT, NULL,	0};
	char datagram[UDP_PAYLOAD + 1];
	uint64_t before = testhost_count(TESTHOST_TCP_BYTES, AUDITED4);
	struct client_result r;
	long long packets, bytes;

	memset(datagram, 'u', UDP_PAYLOAD);
	datagram[UDP_PAYLOAD] = '\0';
	udp.data = datagram;
	ASSERT_EQ(client_run(testenv.cg_guarded, &tcp, &r), 0, "TCP workload ran");
	ASSERT_EQ(r.err, 0, "the audited connect and send went through");
	ASSERT_GE(testhost_wait_count(TESTHOST_TCP_BYTES, AUDITED4, before + TCP_PAYLOAD, 3000),
		  before + TCP_PAYLOAD, "the host received it all");
	ASSERT_EQ(client_run(second_cg, &udp, &r), 0, "UDP workload ran");
	ASSERT_EQ(r.ret, UDP_PAYLOAD, "the audited datagram was sent");
	usleep(200 * 1000); /* the TCP close's last packets */

	read_row("stats --json", testenv.guarded_rel, &packets, &bytes);
	ASSERT_GE(packets, 3, "TCP workload: its packets were counted");
	ASSERT_GE(bytes, TCP_PAYLOAD, "TCP workload: at least the payload");
	ASSERT_LE(bytes, TCP_PAYLOAD + packets * MAX_HEADER, "TCP workload: the payload + headers");
	read_row("stats --json", second_rel, &packets, &bytes);
	ASSERT_EQ(packets, 1, "UDP workload: one datagram");
	ASSERT_EQ(bytes, UDP_PAYLOAD + 28, "UDP workload: payload + IPv4 and UDP headers, exactly");
}

static void test_counts_survive_a_reload(void)
{
	char out[4096];
	long long packets, bytes;

	ASSERT_EQ(clirun_capture("reload", out, sizeof(out)), 0, "reload done");
	read_row("stats --json", second_rel, &packets, &bytes);
	ASSERT_EQ(bytes, UDP_PAYLOAD + 28, "the counts carried over into the new generation");
}

static void test_since_counts_after_a_snapshot(void)
{
	struct client_action udp = {CLIENT_UDP_SENDTO, AF_INET,	     AUDITED4_UDP,
				    TESTHOST_UDP_PORT, "0123456789", 0};
	char args[PATH_MAX + 64], dir[PATH_MAX], out[8192];
	struct client_result r;
	long long packets, bytes;

	testenv_path("snapshots", dir);
	snprintf(args, sizeof(args), "stats --save --snapshot-dir %s", dir);
	ASSERT_EQ(clirun_capture(args, out, sizeof(out)), 0, "snapshot saved");
	ASSERT_EQ(client_run(second_cg, &udp, &r), 0, "UDP workload ran");
	ASSERT_EQ(r.ret, 10, "sent");
	usleep(1100 * 1000); /* the snapshot must be at least 1 s old */
	snprintf(args, sizeof(args), "stats --json --since 1s --snapshot-dir %s", dir);
	read_row(args, second_rel, &packets, &bytes);
	ASSERT_EQ(bytes, 10 + 28, "only the datagram after the snapshot");
	snprintf(args, sizeof(args), "stats --since 1h --snapshot-dir %s", dir);
	ASSERT_EQ(clirun_capture(args, out, sizeof(out)), 0, "stats --since 1h");
	ASSERT_CONTAINS(out, "since counters start", "no snapshot that old: says its baseline");
}

static void test_guard_stops(void)
{
	ASSERT_EQ(testenv_guard_finish(&guard, 0), 0, "guard exit status after SIGTERM");
	ASSERT_EQ(testcg_remove(second_cg, testenv.cg_guarded), 0, "second cgroup removed");
}

int main(void)
{
	RUN_TEST(test_environment);
	RUN_TEST(test_bytes_match_what_each_workload_sent);
	RUN_TEST(test_counts_survive_a_reload);
	RUN_TEST(test_since_counts_after_a_snapshot);
	RUN_TEST(test_guard_stops);
	return check_summary();
}
