/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The policy's "outputs:" key: where the daemon sends events, e.g.
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
#ifndef EXFILGUARD_POLICY_OUTPUTS_H
#define EXFILGUARD_POLICY_OUTPUTS_H

#include <stddef.h>
#include "yaml_doc.h"

struct eg_policy_outputs {
	char **targets;
	size_t n;
};

/* The top-level key handler; target is the struct eg_policy whose outputs to fill. */
int eg_policy_parse_outputs(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
			    size_t no);
void eg_policy_outputs_free(struct eg_policy_outputs *o);

#endif
