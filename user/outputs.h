/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where the daemon sends events: the policy's "outputs:" key (parsed in
 * policy_outputs.c), e.g.
 *
 *   outputs:
 *     - type: journald
 *     - type: syslog
 *       target: udp://192.0.2.10:514
 *     - type: file
 *       path: /var/log/exfilguard/events.json
 *
 * kept as the targets `run --output` takes ("journald", "syslog:TARGET",
 * "file:PATH", "stdout").
 */
#ifndef EXFILGUARD_OUTPUTS_H
#define EXFILGUARD_OUTPUTS_H

#include <stddef.h>

/* The most outputs a policy or the command line may name. */
#define EG_OUTPUTS_MAX 8

struct eg_policy_outputs {
	char **targets;
	size_t n;
};

#endif
