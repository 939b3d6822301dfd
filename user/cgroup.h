/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Finding cgroup v2 and bpffs, and naming cgroups by id. */
#ifndef EXFILGUARD_CGROUP_H
#define EXFILGUARD_CGROUP_H

#include <limits.h>
#include <stdint.h>
#include "error.h"

/* The cgroup v2 mount point, from /proc/mounts (the first cgroup2 entry). */
int eg_cgroup2_mount(char out[PATH_MAX], struct eg_error *err);

/*
 * A --cgroup argument (absolute, or relative to the cgroup v2 mount; NULL:
 * the root) as the real directory (dir) and its path below the mount (rel,
 * "/" for the root). A cgroup v1 hierarchy is refused, naming where v2 is.
 */
int eg_cgroup_resolve(const char *mount, const char *arg, char dir[PATH_MAX], char rel[PATH_MAX],
		      struct eg_error *err);

/* The cgroup v2 id (kernfs inode number) of a cgroup directory. */
int eg_cgroup_id_of(const char *dir, uint64_t *id, struct eg_error *err);

/*
 * Path of a cgroup relative to the cgroup v2 mount ("/" for the root),
 * resolved through the kernel's file handle for the id. Returns -1 when the
 * cgroup is gone (or the caller lacks CAP_DAC_READ_SEARCH).
 */
int eg_cgroup_path_of(const char *mount, uint64_t id, char *out, size_t len);

/* Make sure dir's parent is on a bpffs, mounting one at /sys/fs/bpf if none is. */
int eg_bpffs_ensure(const char *pin_dir, struct eg_error *err);

#endif
