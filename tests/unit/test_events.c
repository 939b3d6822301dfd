// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Events as written to the sink: one whole line each, valid JSON however
 * long the rule, the fields the README promises, the text form, the backlog
 * mark, and a sink that stalls while the daemon stops.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <json-c/json.h>
#include "../lib/check.h"
#include "events.h"
#include "policy.h"

#define MANY_CIDRS 400 /* a rule whose text is far longer than any fixed line buffer */

static struct eg_policy policy;
static char *policy_text;

/* A policy whose rule 0 names MANY_CIDRS prefixes. */
static int parse_long_policy(void)
{
	struct eg_error err = {0};
	size_t cap = 64 + MANY_CIDRS * 24, len;
	int i;

	policy_text = malloc(cap);
	if (!policy_text)
		return -1;
	len = (size_t)snprintf(policy_text, cap, "rules:\n  - action: deny\n    cidr: [");
	for (i = 0; i < MANY_CIDRS; i++)
		len += (size_t)snprintf(policy_text + len, cap - len, "%s10.%d.%d.0/24",
					i ? ", " : "", i / 256, i % 256);
	len += (size_t)snprintf(policy_text + len, cap - len, "]\n");
	if (eg_policy_parse(policy_text, len, "long.yaml", &policy, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* A deny of 10.1.44.7 over connect4 by rule 0 of policy slot 0. */
static struct eg_event sample_event(void)
{
	struct eg_event ev;
	uint32_t ip = htonl(0x0a012c07);

	memset(&ev, 0, sizeof(ev));
	ev.ts_boot_ns = 1;
	ev.pid = 42;
	ev.tid = 43;
	ev.uid = 1000;
	ev.dport = 443;
	ev.rule = 0;
	ev.daddr[10] = ev.daddr[11] = 0xff;
	memcpy(&ev.daddr[12], &ip, 4);
	ev.family = AF_INET;
	ev.proto = 6;
	ev.hook = EG_HOOK_CONNECT4;
	ev.verdict = EG_VERDICT_DENY;
	ev.mode = EG_MODE_ENFORCE;
	ev.match = EG_MATCH_CIDR;
	ev.prefixlen = 24;
	memcpy(ev.comm, "curl", 5);
	return ev;
}

/* Everything written to a pipe's read end so far. */
static size_t drain(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return n;
}

static struct eg_event_ctx *new_ctx(enum eg_format format, int fd)
{
	struct eg_event_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx) {
		eg_event_ctx_init(ctx, format, fd, "/nonexistent");
		eg_event_ctx_set_policy(ctx, 0, &policy);
	}
	return ctx;
}

static void test_long_rule_stays_one_json_line(void)
{
	static char out[1 << 16];
	struct eg_event ev = sample_event();
	struct eg_event_ctx *ctx;
	json_object *obj, *rule, *text;
	int p[2];

	ASSERT_EQ(parse_long_policy(), 0, "policy with a long rule parsed");
	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0, "pipe");
	ctx = new_ctx(EG_FORMAT_JSON, p[1]);
	ASSERT_TRUE(ctx, "context");
	ASSERT_EQ(eg_event_emit(ctx, &ev), 0, "emitted");
	drain(p[0], out, sizeof(out));
	ASSERT_GE(strlen(out), 5000, "the line carries the whole rule (over 4 KiB)");
	ASSERT_TRUE(strchr(out, '\n') == out + strlen(out) - 1, "exactly one line, newline-ended");
	obj = json_tokener_parse(out);
	ASSERT_TRUE(obj, "valid JSON");
	ASSERT_TRUE(json_object_object_get_ex(obj, "rule", &rule) &&
			    json_object_object_get_ex(rule, "text", &text),
		    "rule.text present");
	ASSERT_CONTAINS(json_object_get_string(text), "10.1.143.0/24", "the last CIDR is in it");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "daddr")), "10.1.44.7",
		     "a mapped address shown as IPv4");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "prefix")), "10.1.44.0/24",
		     "the matching prefix");
	ASSERT_TRUE(!json_object_object_get_ex(obj, "backlog", NULL), "no backlog mark");
	json_object_put(obj);
	close(p[0]);
	close(p[1]);
	free(ctx);
}

/* The text line is not cut either (it once was, at 4 KiB). */
static void test_long_rule_stays_one_text_line(void)
{
	static char out[1 << 16];
	struct eg_event ev = sample_event();
	struct eg_event_ctx *ctx;
	int p[2];

	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0, "pipe");
	ctx = new_ctx(EG_FORMAT_TEXT, p[1]);
	ASSERT_TRUE(ctx, "context");
	ASSERT_EQ(eg_event_emit(ctx, &ev), 0, "emitted");
	drain(p[0], out, sizeof(out));
	ASSERT_GE(strlen(out), 5000, "the line carries the whole rule (over 4 KiB)");
	ASSERT_TRUE(strchr(out, '\n') == out + strlen(out) - 1, "exactly one line, newline-ended");
	ASSERT_CONTAINS(out, "10.1.143.0/24] country=- asn=0 provider=- jurisdiction=-\n",
			"the last CIDR and the fields after the rule");
	close(p[0]);
	close(p[1]);
	free(ctx);
}

static void test_text_lines(void)
{
	static char out[1 << 14];
	struct eg_event ev = sample_event();
	struct eg_event_ctx *ctx;
	int p[2];

	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0, "pipe");
	ctx = new_ctx(EG_FORMAT_TEXT, p[1]);
	ASSERT_TRUE(ctx, "context");
	ctx->backlog = 1;
	ASSERT_EQ(eg_event_emit(ctx, &ev), 0, "emitted");
	ASSERT_EQ(eg_event_emit(ctx, &ev), 0, "emitted again");
	drain(p[0], out, sizeof(out));
	ASSERT_CONTAINS(out, " deny connect4 tcp 10.1.44.7:443 pid=42 comm=curl ",
			"the readable form");
	ASSERT_TRUE(strchr(out, '\n') &&
			    strchr(strchr(out, '\n') + 1, '\n') == out + strlen(out) - 1,
		    "two lines, each newline-ended");
	ASSERT_CONTAINS(out, " backlog\n", "the backlog mark ends the line");
	close(p[0]);
	close(p[1]);
	free(ctx);
}

/* A full pipe nobody reads: while running, a write would wait; once stopping, it is given up. */
static void test_stalled_sink_given_up_when_stopping(void)
{
	static char out[1 << 17];
	volatile sig_atomic_t stopping = 0;
	struct eg_event ev = sample_event();
	struct eg_event_ctx *ctx;
	int p[2];

	ASSERT_EQ(pipe(p), 0, "pipe");
	ASSERT_EQ(fcntl(p[1], F_SETFL, O_NONBLOCK), 0, "fill without blocking");
	while (write(p[1], out, sizeof(out)) > 0)
		;
	ASSERT_EQ(fcntl(p[1], F_SETFL, 0), 0, "blocking again, as a sink is");
	ctx = new_ctx(EG_FORMAT_JSON, p[1]);
	ASSERT_TRUE(ctx, "context");
	ctx->stopping = &stopping;
	stopping = 1;
	ASSERT_EQ(eg_event_emit(ctx, &ev), -1, "given up after a second");
	ASSERT_EQ(eg_event_emit(ctx, &ev), -1, "and at once from then on");
	ASSERT_EQ(ctx->unwritten, 2, "both counted as unwritten");
	close(p[0]);
	close(p[1]);
	free(ctx);
}

int main(void)
{
	RUN_TEST(test_long_rule_stays_one_json_line);
	RUN_TEST(test_long_rule_stays_one_text_line);
	RUN_TEST(test_text_lines);
	RUN_TEST(test_stalled_sink_given_up_when_stopping);
	eg_policy_free(&policy);
	free(policy_text);
	return check_summary();
}
