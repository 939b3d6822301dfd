// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * End-to-end test of `run --metrics`: the guard serves /metrics and /healthz
 * on 127.0.0.1 of the test's own network namespace; every scrape must parse
 * with a strict Prometheus text-format parser (tests/lib/promtext.c), the
 * counters must move after denied connects, the bearer token is required
 * when set, and /healthz says 200 while enforcing.
 *
 * Needs root, cgroup v2 and a BPF-capable kernel; a missing feature fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/check.h"
#include "../lib/client.h"
#include "../lib/guard.h"
#include "../lib/promtext.h"
#include "../lib/testenv.h"
#include "../lib/testhost.h"

#define DENIED4 "198.51.100.10"
#define PORT	19464
#define TOKEN	"s3cret-token"
#define DENY_CONNECT4                                                                              \
	"exfilguard_verdicts_total", "hook=\"connect4\",mode=\"enforce\",verdict=\"deny\""

static const char policy_yaml[] = "mode: enforce\n"
				  "default: allow\n"
				  "rules:\n"
				  "  - action: deny\n"
				  "    cidr: [198.51.100.0/24]\n";

static char policy_path[PATH_MAX], token_path[PATH_MAX];
static struct guard guard;
static char response[1 << 20];

static void test_environment(void)
{
	char events[PATH_MAX], log[PATH_MAX];
	const char *extra[] = {"--metrics", "127.0.0.1:19464", "--metrics-token-file", token_path,
			       NULL};
	struct guard_config c = {.pin_dir = testenv.pin_dir,
				 .cgroup = testenv.cg_guarded,
				 .events = events,
				 .log = log,
				 .extra = extra};

	ASSERT_EQ(testenv_setup(), 0, "environment set-up (namespaces, veth, cgroups, servers)");
	ASSERT_EQ(testenv_write_file("policy.yaml", policy_yaml, policy_path), 0, "policy file");
	ASSERT_EQ(testenv_write_file("token", TOKEN "\n", token_path), 0, "token file");
	c.policy = policy_path;
	testenv_path("metrics.events", events);
	testenv_path("metrics.log", log);
	ASSERT_EQ(guard_start(&guard, &c), 0, "guard started with --metrics");
}

/* GET path over loopback: the status code, the body in response (after the headers). */
static int http_get(const char *path, const char *token)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(PORT)};
	char req[512], *body;
	size_t got = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), status = -1;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "  connect 127.0.0.1:%d: %s\n", PORT, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n%s%s%sConnection: close\r\n\r\n", path,
		 token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, response + got, sizeof(response) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	response[got] = '\0';
	body = strstr(response, "\r\n\r\n");
	if (sscanf(response, "HTTP/1.%*d %d", &status) != 1 || !body)
		return -1;
	memmove(response, body + 4, strlen(body + 4) + 1);
	return status;
}

/* One scrape, parsed strictly; -1 when it is refused or does not parse. */
static int scrape(struct prom_set *set)
{
	char err[256];
	int status = http_get("/metrics", TOKEN);

	if (status != 200) {
		fprintf(stderr, "  /metrics: status %d\n", status);
		return -1;
	}
	if (promtext_parse(response, set, err, sizeof(err))) {
		fprintf(stderr, "  /metrics does not parse: %s\n%.3000s\n", err, response);
		promtext_free(set);
		return -1;
	}
	return 0;
}

static void test_token_is_required(void)
{
	ASSERT_EQ(http_get("/metrics", NULL), 401, "no token: 401");
	ASSERT_EQ(http_get("/metrics", "wrong-token!"), 401,
		  "a wrong token of the same length: 401");
	ASSERT_EQ(http_get("/healthz", NULL), 401, "/healthz too");
	ASSERT_EQ(http_get("/healthz", TOKEN), 200, "enforcing: /healthz 200");
	ASSERT_EQ(http_get("/nothing", TOKEN), 404, "unknown path: 404");
}

static double attempts_unknown_deny(const struct prom_set *set)
{
	return promtext_get(set, "exfilguard_attempts_by_country_total",
			    "country=\"unknown\",verdict=\"deny\"");
}

static void test_counters_move_after_denied_connects(void)
{
	struct client_action a = {CLIENT_TCP_CONNECT, AF_INET, DENIED4, TESTHOST_TCP_PORT, NULL, 0};
	struct prom_set before, after = {0};
	struct client_result r;
	double base_events;

	ASSERT_EQ(scrape(&before), 0, "first scrape parses");
	ASSERT_EQ(promtext_get(&before, "exfilguard_build_info", "version=\"0.1.0\""), 1,
		  "build info");
	ASSERT_EQ(promtext_get(&before, "exfilguard_healthy", ""), 1, "healthy");
	ASSERT_GE(promtext_get(&before, "exfilguard_load_seconds", ""), 0, "load time given");
	base_events = attempts_unknown_deny(&before);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(client_run(testenv.cg_guarded, &a, &r), 0, "workload ran");
		ASSERT_EQ(r.err, EPERM, "denied");
	}
	for (int waited = 0; waited < 3000; waited += 50) {
		promtext_free(&after);
		ASSERT_EQ(scrape(&after), 0, "scrape parses");
		if (attempts_unknown_deny(&after) >= (base_events < 0 ? 0 : base_events) + 3)
			break;
		usleep(50 * 1000);
	}
	ASSERT_EQ(promtext_get(&after, DENY_CONNECT4), promtext_get(&before, DENY_CONNECT4) + 3,
		  "connect4 deny counter +3");
	ASSERT_EQ(attempts_unknown_deny(&after), (base_events < 0 ? 0 : base_events) + 3,
		  "attempts by country (unknown: no dataset) +3");
	ASSERT_GE(promtext_sum(&after, "exfilguard_events_written_total", ""), 3, "events written");
	/* The series is there (an absent series reads -1). */
	ASSERT_GE(promtext_get(&after, "exfilguard_events_folded_total", ""), 0,
		  "events folded exposed");
	promtext_free(&before);
	promtext_free(&after);
}

static void test_healthz_after_stop(void)
{
	ASSERT_EQ(testenv_guard_finish(&guard, 0), 0, "guard exit status after SIGTERM");
	ASSERT_EQ(http_get("/healthz", TOKEN), -1, "stopped: nothing listens any more");
}

int main(void)
{
	RUN_TEST(test_environment);
	RUN_TEST(test_token_is_required);
	RUN_TEST(test_counters_move_after_denied_connects);
	RUN_TEST(test_healthz_after_stop);
	return check_summary();
}
