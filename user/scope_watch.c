// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The inotify watch that keeps scopes current as cgroups come and go. Each
 * event is turned into the least work that covers it: a new directory's
 * subtree to examine, a removed cgroup's map entry to drop. A full walk per
 * event made a loop of mkdir/rmdir cost the daemon a whole core.
 */
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "scopes.h"

/*
 * Created and removed sub-cgroups (the parent reports both at once; the
 * removed directory's own IN_DELETE_SELF can come much later), and a
 * directory's owner or mode changing.
 */
#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_ATTRIB | IN_ONLYDIR)

/* A watched directory, in two trees: by watch descriptor and, until it is removed, by path. */
struct watched {
	int wd;
	int removed; /* no longer in the path tree */
	uint64_t id;
	char path[]; /* absolute */
};

static int cmp_wd(const void *a, const void *b)
{
	const struct watched *x = a, *y = b;

	return (x->wd > y->wd) - (x->wd < y->wd);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct watched *)a)->path, ((const struct watched *)b)->path);
}

static struct watched *find_wd(struct eg_scope_watch *w, int wd)
{
	struct watched key = {.wd = wd};
	struct watched **found = tfind(&key, &w->dirs, cmp_wd);

	return found ? *found : NULL;
}

/* A node for dir, or for dir/name when name is given; NULL when out of memory. */
static struct watched *node_new(const char *dir, const char *name)
{
	size_t len = strlen(dir) + (name ? strlen(name) + 1 : 0);
	struct watched *d = calloc(1, sizeof(*d) + len + 1);

	if (d)
		snprintf(d->path, len + 1, "%s%s%s", dir, name ? "/" : "", name ? name : "");
	return d;
}

void eg_scope_watch_add(struct eg_scope_watch *w, const char *path, uint64_t id)
{
	int wd = inotify_add_watch(w->inotify_fd, path, WATCH_MASK);
	struct watched *d;

	if (wd < 0 || find_wd(w, wd)) /* gone already, or watched before: nothing new */
		return;
	d = node_new(path, NULL);
	if (d) {
		d->wd = wd;
		d->id = id;
	}
	if (!d || !tsearch(d, &w->dirs, cmp_wd)) {
		free(d);
		w->rescan = 1; /* a directory unknown to its events: walk all next time */
		return;
	}
	/* A path still held by a removed directory whose removal is not read yet: replace it. */
	tdelete(d, &w->paths, cmp_path);
	if (!tsearch(d, &w->paths, cmp_path))
		w->rescan = 1;
}

static void queue_examine(struct eg_scope_watch *w, const char *dir, const char *name)
{
	char *path = NULL;

	if (eg_scopes_grow((void **)&w->examine, &w->cap_examine, w->n_examine,
			   sizeof(*w->examine)) ||
	    asprintf(&path, "%s%s%s", dir, name ? "/" : "", name ? name : "") < 0) {
		w->rescan = 1;
		return;
	}
	w->examine[w->n_examine++] = path;
}

/* Directory name in dir was removed: drop its map entry (by its id: the path is gone). */
static void dir_removed(struct eg_scope_watch *w, const char *dir, const char *name)
{
	struct watched *key = node_new(dir, name), **found;

	found = key ? tfind(key, &w->paths, cmp_path) : NULL;
	free(key);
	if (!found)
		return;
	if (eg_scopes_grow((void **)&w->removed, &w->cap_removed, w->n_removed,
			   sizeof(*w->removed)))
		w->rescan = 1;
	else
		w->removed[w->n_removed++] = (*found)->id;
	(*found)->removed = 1;
	tdelete(*found, &w->paths, cmp_path);
}

/* The kernel dropped the watch of d (IN_IGNORED): forget d. */
static void forget(struct eg_scope_watch *w, struct watched *d)
{
	struct watched **at = d->removed ? NULL : tfind(d, &w->paths, cmp_path);

	if (at && *at == d)
		tdelete(d, &w->paths, cmp_path);
	tdelete(d, &w->dirs, cmp_wd);
	free(d);
}

static void on_event(struct eg_scope_watch *w, const struct inotify_event *ev)
{
	struct watched *d = ev->wd >= 0 ? find_wd(w, ev->wd) : NULL;
	int dir_named = (ev->mask & IN_ISDIR) && ev->len;

	if (ev->mask & IN_Q_OVERFLOW)
		w->rescan = 1;
	else if (!d)
		return; /* a directory the walks never saw: its creation event covers it */
	else if (ev->mask & IN_IGNORED)
		forget(w, d);
	else if ((ev->mask & IN_CREATE) && dir_named)
		queue_examine(w, d->path, ev->name);
	else if ((ev->mask & IN_DELETE) && dir_named)
		dir_removed(w, d->path, ev->name);
	else if ((ev->mask & IN_ATTRIB) && !ev->len)
		/* Its owner or mode changed: whether names below it are trusted may have too. */
		queue_examine(w, d->path, NULL);
}

int eg_scope_watch_open(struct eg_scope_watch *w, const char *mount, const char *root)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->mount, sizeof(w->mount), "%s", mount);
	snprintf(w->root, sizeof(w->root), "%s", root);
	w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return w->inotify_fd < 0 ? -1 : 0;
}

int eg_scope_watch_pending(struct eg_scope_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while (w->inotify_fd >= 0 && (n = read(w->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			on_event(w, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
	return w->rescan || w->n_examine || w->n_removed;
}

void eg_scope_watch_reported(struct eg_scope_watch *w, int full, int failed)
{
	for (size_t i = 0; i < w->n_examine; i++)
		free(w->examine[i]);
	w->n_examine = 0;
	w->n_removed = 0;
	w->full_walks += full;
	w->rescan = failed;
}

static void noop(void *node)
{
	(void)node;
}

void eg_scope_watch_close(struct eg_scope_watch *w)
{
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	w->inotify_fd = -1;
	eg_scope_watch_reported(w, 0, 0);
	free(w->examine);
	free(w->removed);
	tdestroy(w->paths, noop);
	tdestroy(w->dirs, free);
	w->dirs = w->paths = NULL;
	w->examine = NULL;
	w->removed = NULL;
	w->cap_examine = w->cap_removed = 0;
}
