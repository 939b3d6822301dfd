/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Turning kernel events into JSON or text lines. */
#ifndef EXFILGUARD_EVENTS_H
#define EXFILGUARD_EVENTS_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include "catalog.h"
#include "datasrc.h"
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
	int out_fd;		     /* events go here, one line per write() */
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
	/*
	 * Set (by a signal handler) when the daemon stops: from then on a sink
	 * (stdout or --events) that takes nothing for a second is given up on,
	 * so a stalled log reader cannot keep the daemon from exiting.
	 */
	volatile sig_atomic_t *stopping;
	int sink_stalled;
	uint64_t unwritten; /* events the sink did not take */
};

/* A destination's classification in words. */
struct eg_class_names {
	char country[3];      /* "" when unknown */
	uint32_t asn;	      /* 0 when unknown */
	const char *as_org;   /* NULL when unknown */
	const char *provider; /* catalog id, NULL when none */
	const char *provider_name;
	char jurisdiction[3]; /* "" when none */
};

void eg_event_ctx_init(struct eg_event_ctx *ctx, enum eg_format format, int out_fd,
		       const char *cgroup_mount);
/* Remember which policy is in slot id (the older of the two slots is forgotten). */
void eg_event_ctx_set_policy(struct eg_event_ctx *ctx, uint32_t id, const struct eg_policy *policy);

json_object *eg_event_to_json(struct eg_event_ctx *ctx, const struct eg_event *ev);
void eg_event_to_text(struct eg_event_ctx *ctx, const struct eg_event *ev, char *buf, size_t len);
/* Write one event line in the context's format. */
int eg_event_emit(struct eg_event_ctx *ctx, const struct eg_event *ev);
/* Write a line saying `count` more events were lost in the kernel (ring buffer full). */
int eg_event_emit_lost(struct eg_event_ctx *ctx, uint64_t count, uint64_t total);

void eg_class_describe(const struct eg_class *cls, const struct eg_catalog *cat,
		       const struct eg_dataset *asn_data, struct eg_class_names *out);
/* Add country, asn, as_org, provider, jurisdiction to a JSON object. */
void eg_class_names_to_json(const struct eg_class_names *n, json_object *obj);

const char *eg_verdict_name(unsigned verdict);
const char *eg_match_name(unsigned match);
/* "tcp", "udp", "icmp", "ipv6-icmp", else the number. */
const char *eg_proto_name(unsigned proto, char *buf, size_t len);
/* The CIDR text of the prefix of addr that matched (plen as written in the rule). */
void eg_matched_prefix(const uint8_t addr[16], uint8_t plen, char *buf, size_t len);
/* RFC 3339 UTC with nanoseconds. */
void eg_format_time(int64_t unix_ns, char *buf, size_t len);

#endif
