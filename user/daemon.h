/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon behind `exfilguard run`: start (or adopt a pinned guard),
 * report the backlog, stream events, reload on SIGHUP, stop on SIGINT or
 * SIGTERM.
 */
#ifndef EXFILGUARD_DAEMON_H
#define EXFILGUARD_DAEMON_H

#include "error.h"
#include "events.h"

struct eg_run_opts {
	const char *policy_path;
	const char *cgroup_arg;		   /* NULL: the cgroup v2 root */
	const char *events_path;	   /* NULL: standard output */
	const char *outputs[EG_SINKS_MAX]; /* --output, in order; replace the policy's */
	size_t n_outputs;
	int mode; /* -1: as the policy says */
	enum eg_format format;
	int ready_fd;		   /* -1: none */
	int persist;		   /* leave the hooks pinned at a stop */
	const char *metrics;	   /* --metrics [ADDR:]PORT; NULL: the policy's metrics:, if any */
	const char *metrics_token; /* --metrics-token-file */
	int watch_policy; /* reload when the policy file changes (ConfigMap volumes: always) */
};

/*
 * Guard until a stop signal, then detach (or leave pinned: persist). -1
 * with err when it could not start; nothing new is then left attached or
 * pinned.
 */
int eg_daemon_run(const struct eg_run_opts *o, const char *pin_dir, struct eg_error *err);

#endif
