/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the netfilter hooks need from the daemon: the guarded cgroup (for
 * local_out), and the addresses of guarded workloads that live in their own
 * network namespace (for forward): for every process of the guarded tree
 * whose network namespace is not the daemon's, that namespace's addresses
 * map to the process's cgroup and the policy slot of its scope (the node's
 * when none). A pod's packets that the node forwards are then judged under
 * the pod's policy.
 */
#ifndef EXFILGUARD_WORKLOADS_H
#define EXFILGUARD_WORKLOADS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

struct eg_guard;

/*
 * Make map_fd (EG_MAP_WORKLOADS) hold exactly the addresses of the guarded
 * tree's own-namespace workloads under root; scopes_fd: the cgroup -> scope
 * slot map. *n_addrs: how many it holds now. -1 with errno when the tree
 * cannot be read (the map is left as it was).
 */
int eg_workloads_sync(int map_fd, int scopes_fd, const char *root, size_t *n_addrs);

/* Before attaching: the guarded cgroup (cg_rel below the mount) and the first sync. */
int eg_workloads_prepare(struct eg_guard *g, const char *cg_dir, const char *cg_rel, uint64_t cg_id,
			 struct eg_error *err);

/* Keep the workload addresses current: a sync at most once a second. */
void eg_workloads_refresh(struct eg_guard *g, const char *cg_dir);

#endif
