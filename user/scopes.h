/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which cgroups belong to which scope: a walk of the guarded cgroup tree
 * that matches each cgroup's path, container id and pod UID against the
 * policy's scopes (first match wins) and keeps the kernel's cgroup -> slot
 * map equal to the result. Cgroups created below a scoped cgroup are covered
 * by the kernel at once (it walks ancestors); a watch on the tree makes new
 * cgroups that match by their own name scoped as soon as they appear.
 */
#ifndef EXFILGUARD_SCOPES_H
#define EXFILGUARD_SCOPES_H

#include <limits.h>
#include <stddef.h>
#include "policy.h"

struct stat;

/*
 * Index of the first scope selecting the cgroup at path (below the mount), or
 * -1. A delegated cgroup (one whose name an unprivileged user could have
 * chosen: see eg_cgroup_path_delegated and eg_dir_untrusted) is selected only
 * by scopes with allow_delegated, so a user cannot name a cgroup of their own
 * "docker-<id>.scope" and take that container's rules.
 */
int eg_scope_of(const struct eg_policy *p, const char *path, int delegated);

/* Is path in a user's systemd subtree (a user.slice or user@UID.service component)? */
int eg_cgroup_path_delegated(const char *path);

/* May a user other than root create entries in this directory (owner, or group/other write)? */
int eg_dir_untrusted(const struct stat *st);

struct eg_scope_watch {
	int inotify_fd; /* -1 when not watching */
	char mount[PATH_MAX];
	char root[PATH_MAX]; /* the guarded cgroup directory */
};

/*
 * Walk root (below mount), assign scopes into map_fd, drop entries of
 * cgroups no longer there or no longer matching. *changed counts entries
 * written or removed. When w is given, every directory gets an inotify watch
 * (new cgroups then make eg_scope_watch_pending() true).
 */
int eg_scopes_sync(const struct eg_policy *p, const char *mount, const char *root, int map_fd,
		   struct eg_scope_watch *w, size_t *assigned, size_t *changed);

int eg_scope_watch_open(struct eg_scope_watch *w, const char *mount, const char *root);
/* Drain the watch; 1 when cgroups were created since the last call. */
int eg_scope_watch_pending(struct eg_scope_watch *w);
void eg_scope_watch_close(struct eg_scope_watch *w);

#endif
