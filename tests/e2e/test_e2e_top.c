// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of `exfilguard top`, driven in a real terminal (tmux, on a
 * private server socket): against a running test guard it must show a row per
 * workload, class and verdict with the attempts and bytes the kernel counted,
 * re-sort on b, and leave with status 0 on q.
 *
 * Needs root, cgroup v2, a BPF-capable kernel and tmux; a missing one fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/clirun.h"
#include "../lib/guard.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"

#define DENIED4	 "198.51.100.10"
#define AUDITED4 "198.51.100.7"
#define PAYLOAD	 "0123456789abcdef" /* 16 bytes: 44 counted with the IPv4 and UDP headers */

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.10/32]\n"
				  "  - action: audit\n"
				  "    cidr: [198.51.100.7/32]\n";

static char policy_path[PATH_MAX], tmux_sock[64], exit_file[PATH_MAX];
static struct guard guard;

static int sh(const char *fmt, const char *arg)
{
	char cmd[4 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), fmt, tmux_sock, arg);
	return system(cmd);
}

static void test_environment(void)
{
	struct client_action deny = {CLIENT_TCP_CONNECT, AF_INET, DENIED4,
				     TESTHOST_TCP_PORT,	 NULL,	  0};
	struct client_action audit = {CLIENT_UDP_SENDTO, AF_INET, AUDITED4,
				      TESTHOST_UDP_PORT, PAYLOAD, 0};
	struct client_result r;

	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
	ASSERT_EQ(testenv_guard_start(&guard, policy_path, NULL, "top"), 0, "guard started");
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(client_run(testenv.cg_guarded, &deny, &r), 0, "denied workload ran");
		ASSERT_NE(r.ret, 0, "denied");
	}
	ASSERT_EQ(client_run(testenv.cg_guarded, &audit, &r), 0, "audited workload ran");
	ASSERT_EQ(r.ret, (int)strlen(PAYLOAD), "audited datagram sent");
	snprintf(tmux_sock, sizeof(tmux_sock), "egtop-%d", (int)getpid());
	testenv_path("top.exit", exit_file);
}

/* The pane as text, into out. */
static int capture(char *out, size_t len)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "tmux -L %s capture-pane -p -t egtop", tmux_sock);
	return clirun_shell(cmd, out, len);
}

/* The pane's line that holds all of a, b and c; NULL when none does. */
static const char *line_with(const char *pane, const char *a, const char *b, const char *c)
{
	static char line[1024];

	for (const char *at = pane; *at;) {
		size_t n = strcspn(at, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)n, at);
		if (strstr(line, a) && strstr(line, b) && strstr(line, c))
			return line;
		at += n + (at[n] ? 1 : 0);
	}
	return NULL;
}

static const char *await_line(char *pane, size_t len, const char *a, const char *b, const char *c)
{
	const char *line = NULL;

	for (int waited = 0; !line && waited < 5000; waited += 100) {
		usleep(100 * 1000);
		if (capture(pane, len) == 0)
			line = line_with(pane, a, b, c);
	}
	if (!line)
		fprintf(stderr, "  pane:\n%s\n", pane);
	return line;
}

static void test_top_in_tmux(void)
{
	static char pane[1 << 16];
	char cmd[3 * PATH_MAX], exit_text[16] = "";
	unsigned long long attempts, packets, bytes;
	const char *line;
	char verdict[16];

	snprintf(cmd, sizeof(cmd), "%s --pin-dir %s top; echo $? > %s", guard_binary(),
		 testenv.pin_dir, exit_file);
	ASSERT_EQ(sh("tmux -L %s new-session -d -s egtop -x 200 -y 30 '%s'", cmd), 0,
		  "top started in tmux");
	line = await_line(pane, sizeof(pane), testenv.guarded_rel, " deny ", "198.51.100.10");
	ASSERT_TRUE(line, "a row for the denied destination, with the workload");
	ASSERT_EQ(sscanf(strstr(line, " deny "), " %15s %*s %*s %*s %llu %llu %llu", verdict,
			 &attempts, &packets, &bytes),
		  4, "the row's numbers");
	ASSERT_EQ(attempts, 2, "two denied attempts");
	ASSERT_EQ(bytes, 0, "nothing left");
	ASSERT_CONTAINS(pane, "sort: attempts", "sorted by attempts first");
	ASSERT_EQ(sh("tmux -L %s send-keys -t egtop b%s", ""), 0, "b pressed");
	line = await_line(pane, sizeof(pane), "sort: bytes", "", "");
	ASSERT_TRUE(line, "sorted by bytes now");
	line = line_with(pane, " audit ", "198.51.100.7", "");
	ASSERT_TRUE(line, "the audited destination's row");
	ASSERT_CONTAINS(line, " 44 ", "its bytes: the payload and headers");
	ASSERT_TRUE(strstr(pane, "(198.51.100.7)") < strstr(pane, "(198.51.100.10)"),
		    "biggest bytes first");
	ASSERT_EQ(sh("tmux -L %s send-keys -t egtop q%s", ""), 0, "q pressed");
	for (int waited = 0; !exit_text[0] && waited < 3000; waited += 100) {
		usleep(100 * 1000);
		testenv_read_file(exit_file, exit_text, sizeof(exit_text));
	}
	ASSERT_STREQ(exit_text, "0\n", "top exits 0 on q");
}

static void test_stop(void)
{
	sh("tmux -L %s kill-server 2>/dev/null%s", "");
	ASSERT_EQ(testenv_guard_finish(&guard, 0), 0, "guard exit status after SIGTERM");
}

int main(void)
{
	RUN_TEST(test_environment);
	RUN_TEST(test_top_in_tmux);
	RUN_TEST(test_stop);
	return check_summary();
}
