// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include "event_view.h"
#include "events.h"
#include "hooks.h"

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void eg_event_ctx_init(struct eg_event_ctx *ctx, enum eg_format format, struct eg_sinks *sinks,
		       const char *cgroup_mount)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->format = format;
	ctx->sinks = sinks;
	snprintf(ctx->cgroup_mount, sizeof(ctx->cgroup_mount), "%s", cgroup_mount);
	ctx->boot_to_real_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
}

void eg_event_ctx_set_policy(struct eg_event_ctx *ctx, const struct eg_policy *policy)
{
	ctx->policy = policy;
}

/* Hand a record to the sinks, if its lines could be made (NULL: out of memory). */
static int put_record(struct eg_event_ctx *ctx, struct eg_sink_record *rec)
{
	int rc = rec->line && rec->text ? eg_sinks_emit(ctx->sinks, rec) : -1;

	if (rc)
		ctx->unwritten++;
	return rc;
}

int eg_event_emit(struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	struct eg_event_view view;
	struct eg_view_fields fields;
	struct eg_sink_record rec = {.msgid = "verdict"};
	char *json = NULL;
	int rc;

	eg_event_view_resolve(ctx, ev, &view);
	rec.text = eg_event_view_text(&view, &rec.text_len);
	if (ctx->format == EG_FORMAT_JSON)
		json = eg_event_view_json(&view, &rec.len);
	rec.line = ctx->format == EG_FORMAT_JSON ? json : rec.text;
	rec.len = ctx->format == EG_FORMAT_JSON ? rec.len : rec.text_len;
	eg_event_view_fields(&view, &fields);
	rec.fields = fields.f;
	rec.n_fields = fields.n;
	rec.time = view.time;
	rec.severity = ev->verdict == EG_VERDICT_DENY ? LOG_WARNING : LOG_NOTICE;
	rc = put_record(ctx, &rec);
	free(json);
	free((char *)rec.text);
	eg_event_view_free(&view);
	return rc;
}

int eg_event_emit_lost(struct eg_event_ctx *ctx, uint64_t count, uint64_t total)
{
	char when[48], n[2][24], *json = NULL, *text = NULL;
	struct eg_sink_field fields[] = {{"count", n[0]}, {"total", n[1]}};
	struct eg_sink_record rec = {.msgid = "lost", .severity = LOG_WARNING, .time = when};
	int jlen, tlen, rc;

	eg_format_time(clock_ns(CLOCK_REALTIME), when, sizeof(when));
	snprintf(n[0], sizeof(n[0]), "%llu", (unsigned long long)count);
	snprintf(n[1], sizeof(n[1]), "%llu", (unsigned long long)total);
	tlen = asprintf(&text, "%s lost %s events (ring buffer full; %s lost since start)\n", when,
			n[0], n[1]);
	jlen = asprintf(&json, "{\"time\":\"%s\",\"event\":\"lost\",\"count\":%s,\"total\":%s}\n",
			when, n[0], n[1]);
	rec.text = tlen < 0 ? NULL : text;
	rec.text_len = tlen < 0 ? 0 : (size_t)tlen;
	rec.line = ctx->format == EG_FORMAT_TEXT ? rec.text : (jlen < 0 ? NULL : json);
	rec.len = ctx->format == EG_FORMAT_TEXT ? rec.text_len : (jlen < 0 ? 0 : (size_t)jlen);
	rec.fields = fields;
	rec.n_fields = 2;
	rc = put_record(ctx, &rec);
	free(tlen < 0 ? NULL : text);
	free(jlen < 0 ? NULL : json);
	return rc;
}
