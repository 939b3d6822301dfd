/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kernel events to lines, as a pipeline: each event is resolved once into a
 * view (event_view.h: rule as written, scope, cgroup, container, class names,
 * time, all strings made safe), rendered from the view as JSON or text, and
 * written to a sink (event_sink.h).
 */
#ifndef EXFILGUARD_EVENTS_H
#define EXFILGUARD_EVENTS_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include "catalog.h"
#include "datasrc.h"
#include "event_names.h"
#include "event_sink.h"
#include "policy.h"
#include "world.h"
#include "../maps/exfilguard.h"

enum eg_format {
	EG_FORMAT_JSON,
	EG_FORMAT_TEXT,
};

#define EG_CGROUP_CACHE 256
#define EG_POLICY_SLOTS 2

struct eg_cgroup_cache_entry {
	uint64_t id;
	char path[EG_PATH_LEN];
};

struct eg_event_ctx {
	enum eg_format format;
	struct eg_sinks *sinks;	     /* events go to each (not owned) */
	char cgroup_mount[PATH_MAX]; /* to name cgroups by path */
	int64_t boot_to_real_ns;     /* add to a boot-time stamp to get wall time */
	/* The policy behind each slot, to show the rule as written. */
	struct {
		uint32_t id;
		const struct eg_policy *policy;
	} slots[EG_POLICY_SLOTS];
	struct eg_cgroup_cache_entry cgroups[EG_CGROUP_CACHE];
	/* Classification in force, to name a destination's class (all may be NULL). */
	const struct eg_world *world;
	const struct eg_catalog *catalog;
	const struct eg_dataset *asn_data; /* AS organisation names */
	/* The scopes of the policy in force: slot EG_SLOT_SCOPE(i) is scopes[i]. */
	const struct eg_policy_scope *scopes;
	size_t n_scopes;
	/*
	 * Events recorded while no daemon ran, read from the pinned ring after a
	 * crash: marked "backlog", rules by index only (the policy that judged
	 * them is not the one loaded now), no classification.
	 */
	int backlog;
	uint64_t unwritten; /* events some sink did not take (dropped), or that could not be made */
};

/* Events in format (for file sinks) to each of sinks (which the caller keeps and closes). */
void eg_event_ctx_init(struct eg_event_ctx *ctx, enum eg_format format, struct eg_sinks *sinks,
		       const char *cgroup_mount);
/* Remember which policy is in slot id (the older of the two slots is forgotten). */
void eg_event_ctx_set_policy(struct eg_event_ctx *ctx, uint32_t id, const struct eg_policy *policy);

/* Write one event line in the context's format. */
int eg_event_emit(struct eg_event_ctx *ctx, const struct eg_event *ev);
/*
 * The lines of a fold entry (fold.h), each with the entry's event fields:
 * "lost" when its first report was not written (budget spent, ring full),
 * "folded" for its repeats; count says how many each stands for.
 */
int eg_event_emit_fold(struct eg_event_ctx *ctx, const struct eg_fold *f);
/*
 * Write a line saying `count` more events were lost in the kernel, known by
 * total only (`total` since start): reason "ring_full" or "fold_evicted".
 */
int eg_event_emit_lost(struct eg_event_ctx *ctx, uint64_t count, uint64_t total,
		       const char *reason);

#endif
