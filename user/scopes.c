// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "bundle.h"
#include "cgroup.h"
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

int eg_cgroup_level(const char *path)
{
	int level = 0;

	for (const char *c = path; c && *c;) {
		c += strspn(c, "/");
		level += *c != '\0';
		c += strcspn(c, "/");
	}
	return level;
}

int eg_glob_may_be_too_deep(const char *glob)
{
	return strstr(glob, "**") || eg_cgroup_level(glob) >= EG_MAX_CGROUP_DEPTH;
}

/* A scope the hooks will never find there: say so, with what to do instead. */
static void warn_too_deep(const char *rel, int level, const struct eg_policy_scope *sc)
{
	fprintf(stderr,
		"exfilguard run: warning: cgroup %s is %d levels deep; the hooks find scopes only "
		"on the first %d levels, so scope \"%s\" is NOT enforced for it (its nearest "
		"scoped "
		"ancestor's rules or the top-level policy apply); select an ancestor instead\n",
		rel, level, EG_MAX_CGROUP_DEPTH - 1, sc->name);
}

size_t eg_scopes_census(const char *mount, int map_fd,
			void (*too_deep)(const char *path, int level, void *arg), void *arg)
{
	uint64_t key, prev_key;
	char path[PATH_MAX];
	size_t n = 0;

	for (void *prev = NULL; bpf_map_get_next_key(map_fd, prev, &key) == 0; prev = &prev_key) {
		prev_key = key;
		n++;
		if (eg_cgroup_path_of(mount, key, path, sizeof(path)) == 0 &&
		    eg_cgroup_level(path) >= EG_MAX_CGROUP_DEPTH)
			too_deep(path, eg_cgroup_level(path), arg);
	}
	return n;
}

int eg_scopes_grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t want = *cap ? *cap * 2 : 64;
	void *grown = n < *cap ? *v : realloc(*v, want * elem);

	if (!grown)
		return -1;
	*cap = n < *cap ? *cap : want;
	*v = grown;
	return 0;
}

/* nftw has no context argument: the walk's state lives here for its duration. */
static struct {
	const struct eg_policy *policy;
	size_t mount_len;
	int map_fd;
	struct eg_scope_watch *watch;
	int base_untrusted; /* the walk's top was made in an untrusted directory */
	/* untrusted[l]: a directory at level l of the walk, or one above it, is untrusted */
	unsigned char untrusted[PATH_MAX / 2];
	uint64_t *seen; /* cgroups in a scope, kept by a full walk for prune() */
	size_t n_seen, cap_seen, assigned, changed;
	int failed;
} walk;

static int remember(uint64_t id)
{
	if (eg_scopes_grow((void **)&walk.seen, &walk.cap_seen, walk.n_seen, sizeof(*walk.seen)))
		return -1;
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
	int above = level > 0 ? level > (int)max || walk.untrusted[level - 1] : walk.base_untrusted;

	if (level < (int)max)
		walk.untrusted[level] = above || eg_dir_untrusted(st);
	return above || level >= (int)max || eg_cgroup_path_delegated(rel);
}

/* Make the map say cgroup id is in slot (0: in no scope). */
static int set_slot(uint64_t id, uint32_t slot)
{
	uint32_t current = 0;
	int present = bpf_map_lookup_elem(walk.map_fd, &id, &current) == 0;

	if (present ? current == slot : !slot)
		return 0;
	if (slot ? bpf_map_update_elem(walk.map_fd, &id, &slot, BPF_ANY)
		 : bpf_map_delete_elem(walk.map_fd, &id))
		return slot ? -1 : 0; /* an entry removed meanwhile is as good */
	walk.changed++;
	return 0;
}

static int visit(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = *(fpath + walk.mount_len) ? fpath + walk.mount_len : "/";
	uint64_t id = st->st_ino; /* a cgroup's id is its directory's inode number */
	int scope;

	if (type != FTW_D)
		return 0;
	if (walk.watch)
		eg_scope_watch_add(walk.watch, fpath, id);
	scope = eg_scope_of(walk.policy, rel, walk_delegated(rel, st, ftw->level));
	if (scope >= 0 && remember(id)) {
		walk.failed = ENOMEM;
		return FTW_STOP;
	}
	walk.assigned += scope >= 0;
	if (scope >= 0 && eg_cgroup_level(rel) >= EG_MAX_CGROUP_DEPTH)
		warn_too_deep(rel, eg_cgroup_level(rel), &walk.policy->scopes[scope]);
	if (set_slot(id, scope >= 0 ? EG_SLOT_SCOPE(scope) : 0)) {
		walk.failed = errno;
		return FTW_STOP;
	}
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Remove entries of cgroups a full walk did not find (keys collected first). */
static void prune(void)
{
	uint64_t key, prev_key, *stale = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;

	if (walk.n_seen) /* (qsort and bsearch take no NULL array, even empty) */
		qsort(walk.seen, walk.n_seen, sizeof(*walk.seen), cmp_id);
	while (bpf_map_get_next_key(walk.map_fd, prev, &key) == 0) {
		prev_key = key;
		prev = &prev_key;
		if (walk.n_seen && bsearch(&key, walk.seen, walk.n_seen, sizeof(key), cmp_id))
			continue;
		if (eg_scopes_grow((void **)&stale, &cap, n, sizeof(*stale)))
			break;
		stale[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(walk.map_fd, &stale[i]) == 0)
			walk.changed++;
	free(stale);
}

/* Is a directory from dir up to the guarded root one a user may write to (or gone)? */
static int chain_untrusted(const char *root, const char *dir)
{
	size_t root_len = strlen(root);
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s", dir);
	for (;;) {
		char *slash = strrchr(p, '/');

		if (lstat(p, &st) || eg_dir_untrusted(&st))
			return 1;
		if (strlen(p) <= root_len || !slash)
			return 0;
		*slash = '\0';
	}
}

/* Walk the subtree at dir (below root), as the top of a walk or one the watch reported. */
static int walk_subtree(const char *root, const char *dir)
{
	char parent[PATH_MAX];
	int rc;

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	walk.base_untrusted = strlen(dir) > strlen(root) && chain_untrusted(root, parent);
	rc = nftw(dir, visit, 32, FTW_PHYS | FTW_MOUNT);
	/* A cgroup already removed again is no error: its removal is in the watch's queue. */
	return rc < 0 && errno == ENOENT && strcmp(dir, root) ? 0 : rc;
}

/* What the watch reported since the last sync: new or changed subtrees, removed cgroups. */
static int sync_reported(struct eg_scope_watch *w, const char *root)
{
	int rc = 0;

	for (size_t i = 0; i < w->n_removed; i++)
		if (bpf_map_delete_elem(walk.map_fd, &w->removed[i]) == 0)
			walk.changed++;
	for (size_t i = 0; i < w->n_examine && !rc && !walk.failed; i++) {
		rc = walk_subtree(root, w->examine[i]);
		w->examined++;
	}
	return rc;
}

int eg_scopes_sync(const struct eg_policy *p, const char *mount, const char *root, int map_fd,
		   struct eg_scope_watch *w, size_t *assigned, size_t *changed)
{
	int full = !w || w->rescan || !(w->n_examine || w->n_removed), rc = 0;

	memset(&walk, 0, sizeof(walk));
	walk.policy = p;
	walk.mount_len = strlen(mount);
	walk.map_fd = map_fd;
	walk.watch = w && w->inotify_fd >= 0 ? w : NULL;
	if (p->n_scopes)
		rc = full ? walk_subtree(root, root) : sync_reported(w, root);
	if (p->n_scopes && full && !walk.failed && rc == 0)
		prune();
	if (w)
		eg_scope_watch_reported(w, full, walk.failed || rc < 0);
	free(walk.seen);
	*assigned = walk.assigned;
	*changed = walk.changed;
	if (walk.failed || rc < 0) {
		errno = walk.failed ? walk.failed : errno;
		return -1;
	}
	return 0;
}
