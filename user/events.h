/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kernel events to lines, as a pipeline: each event is resolved once into a
 * view (event_view.h: rule as written, scope, cgroup, container, class names,
 * time, all strings made safe), rendered from the view as JSON or text, and
 * written to a sink (event_sink.h).
 */
#ifndef EXFILGUARD_EVENTS_H
#define EXFILGUARD_EVENTS_H

#include <stdint.h>
#include "event_ctx.h"

/* Events in format (for file sinks) to each of sinks (which the caller keeps and closes). */
void eg_event_ctx_init(struct eg_event_ctx *ctx, enum eg_format format, struct eg_sinks *sinks,
		       const char *cgroup_mount);
/* The policy in force (slot EG_SLOT_NODE), to show its rules as written. */
void eg_event_ctx_set_policy(struct eg_event_ctx *ctx, const struct eg_policy *policy);

/* Write one event line in the context's format. */
int eg_event_emit(struct eg_event_ctx *ctx, const struct eg_event *ev);
/* Write a line saying `count` more events were lost in the kernel (ring buffer full). */
int eg_event_emit_lost(struct eg_event_ctx *ctx, uint64_t count, uint64_t total);

#endif
