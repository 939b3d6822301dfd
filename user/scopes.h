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
#include <stdint.h>
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

/*
 * Scopes and depth. The hooks look for a sender's scope on its cgroup's
 * ancestors at levels 1 to EG_MAX_CGROUP_DEPTH - 1 (the root is level 0), so
 * a scope assigned to a cgroup EG_MAX_CGROUP_DEPTH or more levels deep is
 * never found: sync still writes it, and warns on stderr naming the cgroup.
 */
/* Components of a path below the cgroup v2 mount: "/" is 0, "/a/b" is 2. */
int eg_cgroup_level(const char *path);
/* Could a cgroup glob select cgroups that deep ("**", or that many components)? */
int eg_glob_may_be_too_deep(const char *glob);
/*
 * For status: entries in the scopes map (map_fd), with too_deep() called for
 * each one too deep to be enforced (its path below mount and its level).
 */
size_t eg_scopes_census(const char *mount, int map_fd,
			void (*too_deep)(const char *path, int level, void *arg), void *arg);

/*
 * The inotify watch on the guarded tree. Events are read by
 * eg_scope_watch_pending() into what the next eg_scopes_sync() examines:
 * the subtree of each new cgroup (or one whose owner or mode changed), and
 * the map entries of cgroups removed. Only a lost event (queue overflow)
 * makes the next sync walk the whole tree again.
 */
struct eg_scope_watch {
	int inotify_fd; /* -1 when not watching */
	char mount[PATH_MAX];
	char root[PATH_MAX]; /* the guarded cgroup directory */
	void *dirs;	     /* tsearch tree: each watched directory, by watch descriptor */
	void *paths;	     /* the same directories by path, while they exist */
	char **examine;	     /* directories whose subtree the next sync examines */
	size_t n_examine, cap_examine;
	uint64_t *removed; /* ids of cgroups removed since the last sync */
	size_t n_removed, cap_removed;
	int rescan; /* events were lost (or a sync failed): the next sync walks everything */
	/* How much work syncs did: whole-tree walks and subtrees examined (tests, reports). */
	size_t full_walks, examined;
};

/*
 * Assign the scopes of cgroups below root (below mount) into map_fd and drop
 * entries of cgroups gone or no longer selected. Without w, or when w has
 * nothing reported (the first sync, a new policy) or lost events, the whole
 * tree is walked; otherwise only what w reported. *assigned counts cgroups
 * found in a scope, *changed entries written or removed. Every directory
 * walked gets a watch when w is open.
 */
int eg_scopes_sync(const struct eg_policy *p, const char *mount, const char *root, int map_fd,
		   struct eg_scope_watch *w, size_t *assigned, size_t *changed);

int eg_scope_watch_open(struct eg_scope_watch *w, const char *mount, const char *root);
/* Drain the watch; 1 when the next sync has something to do. */
int eg_scope_watch_pending(struct eg_scope_watch *w);
void eg_scope_watch_close(struct eg_scope_watch *w);

/* For eg_scopes_sync: watch the directory at path, cgroup id. */
void eg_scope_watch_add(struct eg_scope_watch *w, const char *path, uint64_t id);
/* For eg_scopes_sync: what was reported is done; full: it walked the tree; failed: walk it next. */
void eg_scope_watch_reported(struct eg_scope_watch *w, int full, int failed);

/* Room for element n of *v (capacity *cap, doubling): 0, or -1 when out of memory. */
int eg_scopes_grow(void **v, size_t *cap, size_t n, size_t elem);

#endif
