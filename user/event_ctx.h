/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What turning kernel events into lines needs to know (the policy, scopes,
 * classification and cgroup names in force, the sinks), shared by the
 * pipeline's stages: events.h (emit), event_view.h (resolve), the renderers.
 */
#ifndef EXFILGUARD_EVENT_CTX_H
#define EXFILGUARD_EVENT_CTX_H

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

struct eg_cgroup_cache_entry {
	uint64_t id;
	char path[EG_PATH_LEN];
};

struct eg_event_ctx {
	enum eg_format format;
	struct eg_sinks *sinks;		/* events go to each (not owned) */
	char cgroup_mount[PATH_MAX];	/* to name cgroups by path */
	int64_t boot_to_real_ns;	/* add to a boot-time stamp to get wall time */
	const struct eg_policy *policy; /* in force, slot EG_SLOT_NODE: rules as written */
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

#endif
