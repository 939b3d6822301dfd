/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A reload when the policy file changes, for a policy mounted from a
 * Kubernetes ConfigMap: the kubelet writes the new files into a new
 * timestamped directory and swaps the `..data` symlink onto it with a rename,
 * so the file's own inode never changes: the policy's directory is watched
 * instead (IN_MOVED_TO/IN_CREATE of `..data`, IN_CLOSE_WRITE/IN_MOVED_TO of
 * the file itself for plain edits and editors that rename). A burst of
 * changes gives one reload, once the directory was quiet for a debounce.
 */
#ifndef EXFILGUARD_POLICY_WATCH_H
#define EXFILGUARD_POLICY_WATCH_H

#include <limits.h>
#include <stdint.h>
#include "error.h"

#define EG_POLICY_WATCH_DEBOUNCE_MS 500

struct eg_policy_watch {
	int fd; /* inotify; -1 when not watching */
	char base[NAME_MAX + 1];
	uint64_t due_ms; /* CLOCK_MONOTONIC when a reload is due; 0: none pending */
};

/*
 * Watch policy_path's directory when asked to (forced) or when the directory
 * is laid out as a ConfigMap volume (it holds a `..data` symlink).
 * *watching says which.
 */
int eg_policy_watch_open(struct eg_policy_watch *w, const char *policy_path, int forced,
			 int *watching, struct eg_error *err);
/* Read what changed; 1 when a reload is due now (the changes settled). */
int eg_policy_watch_due(struct eg_policy_watch *w);
/*
 * A reload is starting (whatever asked for it): it reads the policy as it is
 * now, so the changes seen so far need no reload of their own.
 */
void eg_policy_watch_forget(struct eg_policy_watch *w);
void eg_policy_watch_close(struct eg_policy_watch *w);

#endif
