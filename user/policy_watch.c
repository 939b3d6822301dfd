// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "policy_watch.h"

#define KUBELET_DATA_LINK "..data"
#define WATCH_MASK	  (IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR)

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int is_configmap_dir(const char *dir)
{
	char link[PATH_MAX];
	struct stat st;

	snprintf(link, sizeof(link), "%s/%s", dir, KUBELET_DATA_LINK);
	return lstat(link, &st) == 0 && S_ISLNK(st.st_mode);
}

int eg_policy_watch_open(struct eg_policy_watch *w, const char *policy_path, int forced,
			 int *watching, struct eg_error *err)
{
	char dir_buf[PATH_MAX], base_buf[PATH_MAX];
	const char *dir;

	w->fd = -1;
	w->due_ms = 0;
	*watching = 0;
	snprintf(dir_buf, sizeof(dir_buf), "%s", policy_path);
	snprintf(base_buf, sizeof(base_buf), "%s", policy_path);
	dir = dirname(dir_buf);
	snprintf(w->base, sizeof(w->base), "%s", basename(base_buf));
	if (!forced && !is_configmap_dir(dir))
		return 0;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0 || inotify_add_watch(w->fd, dir, WATCH_MASK) < 0) {
		eg_fail(err, errno, "%s: cannot watch for policy changes: %s", dir,
			strerror(errno));
		eg_policy_watch_close(w);
		return -1;
	}
	*watching = 1;
	return 0;
}

/* Does this change touch the policy: the ConfigMap's data swapped, or the file written? */
static int touches_policy(const struct eg_policy_watch *w, const struct inotify_event *ev)
{
	if (!ev->len)
		return 0;
	if (strcmp(ev->name, KUBELET_DATA_LINK) == 0)
		return (ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0;
	return strcmp(ev->name, w->base) == 0;
}

int eg_policy_watch_due(struct eg_policy_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	if (w->fd < 0)
		return 0;
	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (touches_policy(w, ev) || (ev->mask & IN_Q_OVERFLOW))
				w->due_ms = monotonic_ms() + EG_POLICY_WATCH_DEBOUNCE_MS;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (!w->due_ms || monotonic_ms() < w->due_ms)
		return 0;
	w->due_ms = 0;
	return 1;
}

void eg_policy_watch_forget(struct eg_policy_watch *w)
{
	eg_policy_watch_due(w); /* drains what is queued */
	w->due_ms = 0;
}

void eg_policy_watch_close(struct eg_policy_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
