// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void eg_event_ctx_init(struct eg_event_ctx *ctx, enum eg_format format, int out_fd,
		       const char *cgroup_mount)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->format = format;
	eg_sink_file_over(&ctx->sink, out_fd);
	snprintf(ctx->cgroup_mount, sizeof(ctx->cgroup_mount), "%s", cgroup_mount);
	ctx->boot_to_real_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	ctx->slots[0].id = ctx->slots[1].id = UINT32_MAX;
}

void eg_event_ctx_set_policy(struct eg_event_ctx *ctx, uint32_t id, const struct eg_policy *policy)
{
	ctx->slots[1] = ctx->slots[0];
	ctx->slots[0].id = id;
	ctx->slots[0].policy = policy;
}

/* Hand a rendered line (NULL: could not be made) to the sink; takes line. */
static int put_line(struct eg_event_ctx *ctx, char *line, size_t len)
{
	int rc = line ? eg_sink_write(&ctx->sink, line, len, ctx->stopping) : -1;

	if (rc)
		ctx->unwritten++;
	free(line);
	return rc;
}

int eg_event_emit(struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	struct eg_event_view view;
	size_t len = 0;
	char *line;

	eg_event_view_resolve(ctx, ev, &view);
	line = ctx->format == EG_FORMAT_JSON ? eg_event_view_json(&view, &len)
					     : eg_event_view_text(&view, &len);
	eg_event_view_free(&view);
	return put_line(ctx, line, len);
}

int eg_event_emit_lost(struct eg_event_ctx *ctx, uint64_t count, uint64_t total)
{
	const char *fmt =
		ctx->format == EG_FORMAT_TEXT
			? "%s lost %llu events (ring buffer full; %llu lost since start)\n"
			: "{\"time\":\"%s\",\"event\":\"lost\",\"count\":%llu,\"total\":%llu}\n";
	char when[48], *line = NULL;
	int len;

	eg_format_time(clock_ns(CLOCK_REALTIME), when, sizeof(when));
	len = asprintf(&line, fmt, when, (unsigned long long)count, (unsigned long long)total);
	return put_line(ctx, len < 0 ? NULL : line, len < 0 ? 0 : (size_t)len);
}
