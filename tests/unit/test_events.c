// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Events as written to the sink: one whole line each, valid JSON however
 * long the rule, the fields the README promises, the text form, the backlog
 * mark, a sink that stalls while the daemon stops, and names an attacker
 * chose (ill-formed UTF-8, newlines, terminal escapes) that can neither break
 * the JSON nor split or hide a text line.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sys/prctl.h>
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
	ev.uid = 4242420; /* no user has it: no user name */
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

/* A context whose one sink writes to fd. */
static struct eg_event_ctx *new_ctx(enum eg_format format, int fd)
{
	struct eg_event_ctx *ctx = calloc(1, sizeof(*ctx));
	struct eg_sinks *sinks = calloc(1, sizeof(*sinks));
	struct eg_error err = {0};

	if (!ctx || !sinks || eg_sinks_add_fd(sinks, fd, &err)) {
		free(ctx);
		free(sinks);
		return NULL;
	}
	eg_event_ctx_init(ctx, format, sinks, "/nonexistent");
	eg_event_ctx_set_policy(ctx, &policy);
	return ctx;
}

/* Emit, and wait until the sinks wrote it (they write in their own threads). */
static int emit(struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	int rc = eg_event_emit(ctx, ev);

	return eg_sinks_flush(ctx->sinks, 2000) ? -1 : rc;
}

static void end_ctx(struct eg_event_ctx *ctx)
{
	eg_sinks_close(ctx->sinks, 0);
	free(ctx->sinks);
	free(ctx);
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
	ASSERT_EQ(emit(ctx, &ev), 0, "emitted");
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
	end_ctx(ctx);
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
	ASSERT_EQ(emit(ctx, &ev), 0, "emitted");
	drain(p[0], out, sizeof(out));
	ASSERT_GE(strlen(out), 5000, "the line carries the whole rule (over 4 KiB)");
	ASSERT_TRUE(strchr(out, '\n') == out + strlen(out) - 1, "exactly one line, newline-ended");
	ASSERT_CONTAINS(out, "10.1.143.0/24]\" country=- asn=- provider=- jurisdiction=-\n",
			"the last CIDR and the fields after the rule");
	close(p[0]);
	close(p[1]);
	end_ctx(ctx);
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
	ASSERT_EQ(emit(ctx, &ev), 0, "emitted");
	ASSERT_EQ(emit(ctx, &ev), 0, "emitted again");
	drain(p[0], out, sizeof(out));
	ASSERT_CONTAINS(out, " deny connect4 tcp 10.1.44.7:443 pid=42 comm=curl ",
			"the readable form");
	ASSERT_CONTAINS(out, " rule=#1 \"deny cidr: [", "rule 0 is #1, as check says, quoted");
	ASSERT_TRUE(strchr(out, '\n') &&
			    strchr(strchr(out, '\n') + 1, '\n') == out + strlen(out) - 1,
		    "two lines, each newline-ended");
	ASSERT_CONTAINS(out, " backlog\n", "the backlog mark ends the line");
	close(p[0]);
	close(p[1]);
	end_ctx(ctx);
}

/* A full pipe nobody reads holds up neither the other sink nor the emitter; at close it is given
 * up. */
static void test_stalled_sink_does_not_hold_up_others(void)
{
	static char out[1 << 17];
	struct eg_event ev = sample_event();
	struct eg_sinks sinks = {0};
	struct eg_event_ctx *ctx = calloc(1, sizeof(*ctx));
	struct eg_error err = {0};
	int stalled[2], live[2];

	ASSERT_TRUE(ctx, "context");
	ASSERT_EQ(pipe(stalled), 0, "pipe");
	ASSERT_EQ(fcntl(stalled[1], F_SETFL, O_NONBLOCK), 0, "fill without blocking");
	while (write(stalled[1], out, sizeof(out)) > 0)
		;
	ASSERT_EQ(fcntl(stalled[1], F_SETFL, 0), 0, "blocking again, as a sink is");
	ASSERT_EQ(pipe2(live, O_NONBLOCK), 0, "pipe");
	ASSERT_EQ(eg_sinks_add_fd(&sinks, stalled[1], &err), 0, err.msg);
	ASSERT_EQ(eg_sinks_add_fd(&sinks, live[1], &err), 0, err.msg);
	eg_event_ctx_init(ctx, EG_FORMAT_TEXT, &sinks, "/nonexistent");
	ASSERT_EQ(eg_event_emit(ctx, &ev), 0, "queued, without waiting");
	ASSERT_EQ(eg_event_emit(ctx, &ev), 0, "queued again");
	ASSERT_EQ(eg_sinks_flush(&sinks, 300), -1, "the stalled sink still holds them");
	drain(live[0], out, sizeof(out));
	ASSERT_TRUE(strchr(out, '\n') && strchr(strchr(out, '\n') + 1, '\n'),
		    "the other sink wrote both lines meanwhile");
	eg_sinks_close(&sinks, 100);
	ASSERT_EQ(eg_sinks_dropped(&sinks), 2, "both given up on the stalled sink, and counted");
	ASSERT_EQ(sinks.sink[1].dropped, 0, "none on the other");
	close(stalled[0]);
	close(stalled[1]);
	close(live[0]);
	close(live[1]);
	free(ctx);
}

/* The first line of an event from this very process, as JSON (NULL when it could not be made). */
static json_object *own_event(const char *comm)
{
	static char out[1 << 16];
	struct eg_event ev = sample_event();
	struct eg_event_ctx *ctx;
	json_object *obj = NULL;
	int p[2];

	ev.pid = (uint32_t)getpid();
	ev.tid = (uint32_t)gettid();
	ev.uid = 0;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	if (pipe2(p, O_NONBLOCK))
		return NULL;
	ctx = new_ctx(EG_FORMAT_JSON, p[1]);
	if (ctx && emit(ctx, &ev) == 0 && drain(p[0], out, sizeof(out)))
		obj = json_tokener_parse(out);
	close(p[0]);
	close(p[1]);
	if (ctx)
		end_ctx(ctx);
	return obj;
}

/* Executable, parent and user name, from /proc while the sender runs. */
static void test_process_context(void)
{
	char comm[32] = "", exe[PATH_MAX] = "", pcomm[32] = "", path[64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	json_object *obj;
	FILE *f;

	ASSERT_GE(n, 1, "own executable");
	exe[n] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)getppid());
	f = fopen(path, "r");
	ASSERT_TRUE(f && fgets(pcomm, sizeof(pcomm), f), "parent's comm");
	fclose(f);
	pcomm[strcspn(pcomm, "\n")] = '\0';
	prctl(PR_GET_NAME, comm);
	obj = own_event(comm);
	ASSERT_TRUE(obj, "event made");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "exe")), exe, "exe");
	ASSERT_EQ(json_object_get_int64(json_object_object_get(obj, "ppid")), getppid(), "ppid");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "parent_comm")), pcomm,
		     "parent's comm");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "user")), "root",
		     "uid 0 named");
	json_object_put(obj);
	/* Not the comm the kernel saw: the pid is someone else's now, nothing is said of it. */
	obj = own_event("someone-else");
	ASSERT_TRUE(obj, "event made");
	ASSERT_TRUE(json_object_object_get_ex(obj, "exe", NULL) &&
			    !json_object_object_get(obj, "exe") &&
			    !json_object_object_get(obj, "ppid") &&
			    !json_object_object_get(obj, "parent_comm"),
		    "exe, ppid and parent_comm null");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "user")), "root",
		     "the user name still (from the uid)");
	json_object_put(obj);
}

/* A JSON line (newline-ended) parsed with json-c's strict parser that also validates UTF-8. */
static json_object *parse_strict(const char *line)
{
	json_tokener *tok = json_tokener_new();
	size_t len = strlen(line);
	json_object *obj = NULL;

	if (tok && len && line[len - 1] == '\n') {
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
		obj = json_tokener_parse_ex(tok, line, (int)len - 1);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(obj);
			obj = NULL;
		}
	}
	if (tok)
		json_tokener_free(tok);
	return obj;
}

/* Is there a raw control byte (C0 other than the final newline, DEL, or a UTF-8 C1) in s? */
static int has_raw_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if ((*p < 0x20 && !(*p == '\n' && !p[1])) || *p == 0x7f ||
		    (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

struct hostile {
	const char *label;
	const char *comm;    /* at most 15 bytes: the kernel's comm */
	const char *escaped; /* comm in the JSON */
	const char *in_text; /* comm in the text line */
	int marked;	     /* listed in "escaped" */
};

static const struct hostile hostile_names[] = {
	{"bytes ff fe", "a\xff\xfe", "a\\xff\\xfe", "a\\xff\\xfe", 1},
	{"overlong '/' (c0 af)", "\xc0\xaf", "\\xc0\\xaf", "\\xc0\\xaf", 1},
	{"overlong 3-byte (e0 80 af)", "\xe0\x80\xaf", "\\xe0\\x80\\xaf", "\\xe0\\x80\\xaf", 1},
	{"lone continuation byte", "x\x80y", "x\\x80y", "x\\x80y", 1},
	{"surrogate (ed a0 80)", "\xed\xa0\x80", "\\xed\\xa0\\x80", "\\xed\\xa0\\x80", 1},
	{"backslash beside a bad byte", "\\\xff", "\\\\\\xff", "\\\\\\xff", 1},
	{"newline", "a\nb", "a\nb", "a\\x0ab", 0},
	{"terminal escape", "\x1b[2J\x1b[1A", "\x1b[2J\x1b[1A", "\\x1b[2J\\x1b[1A", 0},
	{"C1 control and DEL",
	 "\xc2\x9b"
	 "1m\x7f",
	 "\xc2\x9b"
	 "1m\x7f",
	 "\\u009b1m\\x7f", 0},
	{"space", "a uid=0", "a uid=0", "a\\x20uid=0", 0},
	{"well-formed UTF-8 kept", "d\xc3\xa9j\xc3\xa0", "d\xc3\xa9j\xc3\xa0", "d\xc3\xa9j\xc3\xa0",
	 0},
};

/* Does the JSON event's "escaped" list name field? */
static int lists_escaped(json_object *obj, const char *field)
{
	json_object *list;
	size_t i;

	if (!json_object_object_get_ex(obj, "escaped", &list))
		return 0;
	for (i = 0; i < json_object_array_length(list); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(list, i)), field))
			return 1;
	return 0;
}

/* One line of the event in format, from a context whose cgroup cache names cgroup. */
static void emit_one(enum eg_format format, const struct eg_event *ev, const char *cgroup,
		     char *out, size_t len)
{
	struct eg_event_ctx *ctx;
	int p[2];

	out[0] = '\0';
	if (pipe2(p, O_NONBLOCK))
		return;
	ctx = new_ctx(format, p[1]);
	if (ctx) {
		/* Known ids are answered from the cache: a cgroup name without a real cgroup. */
		ctx->cgroups[ev->cgroup_id % EG_CGROUP_CACHE].id = ev->cgroup_id;
		snprintf(ctx->cgroups[ev->cgroup_id % EG_CGROUP_CACHE].path, EG_PATH_LEN, "%s",
			 cgroup);
		if (emit(ctx, ev) == 0)
			drain(p[0], out, len);
	}
	close(p[0]);
	close(p[1]);
	end_ctx(ctx);
}

static void check_hostile_comm(const struct hostile *h)
{
	static char out[1 << 14];
	struct eg_event ev = sample_event();
	json_object *obj;
	char want[128];

	ev.cgroup_id = 77;
	snprintf(ev.comm, sizeof(ev.comm), "%s", h->comm);
	emit_one(EG_FORMAT_JSON, &ev, "/ok", out, sizeof(out));
	obj = parse_strict(out);
	ASSERT_TRUE(obj, h->label);
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "comm")), h->escaped,
		     h->label);
	ASSERT_EQ(lists_escaped(obj, "comm"), h->marked, h->label);
	json_object_put(obj);
	emit_one(EG_FORMAT_TEXT, &ev, "/ok", out, sizeof(out));
	ASSERT_TRUE(!has_raw_control(out), h->label);
	snprintf(want, sizeof(want), " comm=%s uid=4242420 cgroup=/ok ", h->in_text);
	ASSERT_CONTAINS(out, want, h->label);
}

static void test_hostile_comm(void)
{
	size_t i;

	for (i = 0; i < sizeof(hostile_names) / sizeof(hostile_names[0]); i++) {
		check_hostile_comm(&hostile_names[i]);
		if (check_cur_failed)
			return;
	}
}

/* A cgroup name is chosen by whoever may mkdir in a delegated subtree: any byte but '/'. */
static void test_hostile_cgroup(void)
{
	static char out[1 << 14];
	struct eg_event ev = sample_event();
	json_object *obj;

	ev.cgroup_id = 1234;
	emit_one(EG_FORMAT_JSON, &ev, "/user.slice/x\xff\xfe\n\x1b[2J/\xc0\xaf", out, sizeof(out));
	obj = parse_strict(out);
	ASSERT_TRUE(obj, "strict JSON with ill-formed UTF-8 in the cgroup");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(obj, "cgroup")),
		     "/user.slice/x\\xff\\xfe\n\x1b[2J/\\xc0\\xaf", "cgroup escaped");
	ASSERT_TRUE(lists_escaped(obj, "cgroup") && !lists_escaped(obj, "comm"),
		    "only the cgroup is marked escaped");
	json_object_put(obj);
	emit_one(EG_FORMAT_TEXT, &ev, "/user.slice/x\xff\n\x1b[2J", out, sizeof(out));
	ASSERT_TRUE(!has_raw_control(out), "no raw control byte in the text line");
	ASSERT_TRUE(strchr(out, '\n') == out + strlen(out) - 1, "still one text line");
	ASSERT_CONTAINS(out, " cgroup=/user.slice/x\\xff\\x0a\\x1b[2J prefix=", "cgroup in text");
}

int main(void)
{
	RUN_TEST(test_long_rule_stays_one_json_line);
	RUN_TEST(test_long_rule_stays_one_text_line);
	RUN_TEST(test_text_lines);
	RUN_TEST(test_stalled_sink_does_not_hold_up_others);
	RUN_TEST(test_process_context);
	RUN_TEST(test_hostile_comm);
	RUN_TEST(test_hostile_cgroup);
	eg_policy_free(&policy);
	free(policy_text);
	return check_summary();
}
