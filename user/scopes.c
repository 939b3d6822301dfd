// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "bundle.h"
#include "container.h"
#include "scopes.h"

static int words_match_glob(const struct eg_policy_words *w, const char *path)
{
	for (size_t i = 0; i < w->n; i++)
		if (eg_cgroup_glob_match(w->v[i], path))
			return 1;
	return 0;
}

static int scope_selects(const struct eg_policy_scope *sc, const char *path,
			 const struct eg_container_info *ci)
{
	size_t i;

	if (words_match_glob(&sc->cgroups, path))
		return 1;
	for (i = 0; i < sc->container_ids.n; i++)
		if (eg_container_id_match(sc->container_ids.v[i], ci))
			return 1;
	for (i = 0; i < sc->pod_uids.n; i++)
		if (eg_pod_uid_match(sc->pod_uids.v[i], ci))
			return 1;
	return 0;
}

int eg_scope_of(const struct eg_policy *p, const char *path, int delegated)
{
	struct eg_container_info ci;

	eg_container_from_cgroup(path, &ci);
	for (size_t i = 0; i < p->n_scopes; i++)
		if ((!delegated || p->scopes[i].allow_delegated) &&
		    scope_selects(&p->scopes[i], path, &ci))
			return (int)i;
	return -1;
}

/* "user@<uid>.service": systemd's per-user manager, whose subtree it delegates to the user. */
static int is_user_manager(const char *c, size_t len)
{
	size_t i = strlen("user@");

	if (len <= i + strlen(".service") || strncmp(c, "user@", i) ||
	    strncmp(c + len - strlen(".service"), ".service", strlen(".service")))
		return 0;
	for (; i < len - strlen(".service"); i++)
		if (c[i] < '0' || c[i] > '9')
			return 0;
	return 1;
}

int eg_cgroup_path_delegated(const char *path)
{
	const char *c = path;

	while (c && *c) {
		size_t len;

		c += strspn(c, "/");
		len = strcspn(c, "/");
		if ((len == strlen("user.slice") && !strncmp(c, "user.slice", len)) ||
		    is_user_manager(c, len))
			return 1;
		c += len;
	}
	return 0;
}

int eg_dir_untrusted(const struct stat *st)
{
	return st->st_uid != 0 || (st->st_mode & S_IWOTH) ||
	       ((st->st_mode & S_IWGRP) && st->st_gid != 0);
}

/* nftw has no context argument: the walk's state lives here for its duration. */
static struct {
	const struct eg_policy *policy;
	size_t mount_len;
	int map_fd;
	struct eg_scope_watch *watch;
	/* untrusted[l]: a directory at level l of the walk, or one above it, is untrusted */
	unsigned char untrusted[PATH_MAX / 2];
	uint64_t *seen;
	size_t n_seen, cap_seen, assigned, changed;
	int failed;
} walk;

static int remember(uint64_t id)
{
	if (walk.n_seen == walk.cap_seen) {
		size_t cap = walk.cap_seen ? walk.cap_seen * 2 : 1024;
		uint64_t *grown = realloc(walk.seen, cap * sizeof(*grown));

		if (!grown)
			return -1;
		walk.seen = grown;
		walk.cap_seen = cap;
	}
	walk.seen[walk.n_seen++] = id;
	return 0;
}

/*
 * Could an unprivileged user have chosen this cgroup's name? Yes when it is
 * in a user's systemd subtree, or when the directory it was made in (or one
 * above that, up to the guarded root) is one such a user may write to. The
 * cgroup's own owner does not count: runtimes chown a user-namespaced
 * container's cgroup to its root after naming it.
 */
static int walk_delegated(const char *rel, const struct stat *st, int level)
{
	size_t max = sizeof(walk.untrusted);
	int above = level > 0 && (level > (int)max || walk.untrusted[level - 1]);

	if (level < (int)max)
		walk.untrusted[level] = above || eg_dir_untrusted(st);
	return above || level >= (int)max || eg_cgroup_path_delegated(rel);
}

static int visit(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = *(fpath + walk.mount_len) ? fpath + walk.mount_len : "/";
	uint64_t id = st->st_ino; /* a cgroup's id is its directory's inode number */
	uint32_t slot, current;
	int scope, delegated;

	if (type != FTW_D)
		return 0;
	if (walk.watch && walk.watch->inotify_fd >= 0)
		inotify_add_watch(walk.watch->inotify_fd, fpath, IN_CREATE | IN_ONLYDIR);
	delegated = walk_delegated(rel, st, ftw->level);
	scope = eg_scope_of(walk.policy, rel, delegated);
	if (scope < 0)
		return 0;
	slot = EG_SLOT_SCOPE(scope);
	if (remember(id)) {
		walk.failed = ENOMEM;
		return FTW_STOP;
	}
	walk.assigned++;
	if (bpf_map_lookup_elem(walk.map_fd, &id, &current) == 0 && current == slot)
		return 0;
	if (bpf_map_update_elem(walk.map_fd, &id, &slot, BPF_ANY)) {
		walk.failed = errno;
		return FTW_STOP;
	}
	walk.changed++;
	return 0;
}

static int seen(uint64_t id)
{
	for (size_t i = 0; i < walk.n_seen; i++)
		if (walk.seen[i] == id)
			return 1;
	return 0;
}

/* Remove entries of cgroups gone or no longer selected (keys collected first). */
static void prune(void)
{
	uint64_t key, *stale = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;
	uint64_t prev_key;

	while (bpf_map_get_next_key(walk.map_fd, prev, &key) == 0) {
		prev_key = key;
		prev = &prev_key;
		if (seen(key))
			continue;
		if (n == cap) {
			uint64_t *grown =
				realloc(stale, (cap = cap ? cap * 2 : 64) * sizeof(*grown));

			if (!grown)
				break;
			stale = grown;
		}
		stale[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(walk.map_fd, &stale[i]) == 0)
			walk.changed++;
	free(stale);
}

int eg_scopes_sync(const struct eg_policy *p, const char *mount, const char *root, int map_fd,
		   struct eg_scope_watch *w, size_t *assigned, size_t *changed)
{
	int rc;

	memset(&walk, 0, sizeof(walk));
	walk.policy = p;
	walk.mount_len = strlen(mount);
	walk.map_fd = map_fd;
	walk.watch = w;
	rc = p->n_scopes ? nftw(root, visit, 32, FTW_PHYS | FTW_MOUNT) : 0;
	if (!walk.failed && rc == 0)
		prune();
	free(walk.seen);
	*assigned = walk.assigned;
	*changed = walk.changed;
	if (walk.failed || rc < 0) {
		errno = walk.failed ? walk.failed : errno;
		return -1;
	}
	return 0;
}

int eg_scope_watch_open(struct eg_scope_watch *w, const char *mount, const char *root)
{
	snprintf(w->mount, sizeof(w->mount), "%s", mount);
	snprintf(w->root, sizeof(w->root), "%s", root);
	w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return w->inotify_fd < 0 ? -1 : 0;
}

int eg_scope_watch_pending(struct eg_scope_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int pending = 0;

	while (w->inotify_fd >= 0 && read(w->inotify_fd, buf, sizeof(buf)) > 0)
		pending = 1;
	return pending;
}

void eg_scope_watch_close(struct eg_scope_watch *w)
{
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	w->inotify_fd = -1;
}
