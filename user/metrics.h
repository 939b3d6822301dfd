/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Prometheus endpoint of `run --metrics [ADDR:]PORT`: GET /metrics (text
 * exposition format 0.0.4) and /healthz, served by libmicrohttpd from its own
 * thread, so a slow scraper never holds up the event loop. Counters are read
 * from the guard's pinned maps at each scrape; what only the daemon knows
 * (loads, reloads, health, events by label) it hands over here.
 */
#ifndef EXFILGUARD_METRICS_H
#define EXFILGUARD_METRICS_H

#include <stdint.h>
#include "error.h"

#define EG_METRICS_DEFAULT_PORT 9464
#define EG_METRICS_TOKEN_MAX	256

struct eg_metrics;
struct eg_sinks;

/* "[ADDR:]PORT" ("9464", "127.0.0.1:9464", "[::1]:9464"); ADDR defaults to 127.0.0.1. */
struct eg_metrics_listen {
	char addr[64];
	uint16_t port;
};
int eg_metrics_parse_listen(const char *text, struct eg_metrics_listen *out, const char **why);

/*
 * Serve on listen; token_file (NULL: none) holds the bearer token every
 * request must carry. The events the daemon emits are counted through a sink
 * added to sinks. NULL with err when it cannot listen.
 */
struct eg_metrics *eg_metrics_start(const struct eg_metrics_listen *listen, const char *token_file,
				    const char *pin_dir, struct eg_sinks *sinks,
				    struct eg_error *err);
/*
 * The endpoint the daemon's options ask for: --metrics (cli), else the
 * policy's metrics: key (policy, "" for none); *out NULL when neither does.
 */
int eg_metrics_open(struct eg_metrics **out, const char *cli, const char *policy,
		    const char *token_file, const char *pin_dir, struct eg_sinks *sinks,
		    struct eg_error *err);
/* Enforcing and self-tested (/healthz 200), or not (503). */
void eg_metrics_set_healthy(struct eg_metrics *m, int healthy);
/* The first load, begun at `began` (CLOCK_MONOTONIC), is done; the mode and oldest dataset build
 * time (0: none) in force. */
struct timespec;
void eg_metrics_loaded(struct eg_metrics *m, const struct timespec *began, const char *mode,
		       uint64_t dataset_built);
/* A reload begins; it ended (ok or refused) with what is now in force. */
void eg_metrics_reload_begin(struct eg_metrics *m);
void eg_metrics_reload_end(struct eg_metrics *m, int ok, const char *mode, uint64_t dataset_built);
/* Stop serving and free (after the sinks are closed: the sink counts into m). NULL is fine. */
void eg_metrics_stop(struct eg_metrics *m);

#endif
