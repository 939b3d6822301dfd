/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cgroup v2 for the end-to-end tests: where it is mounted, creating and
 * removing test cgroups, joining one, and cgroup ids. Paths are absolute
 * directories below the cgroup2 mount; failures are printed.
 */
#ifndef EXFILGUARD_TESTS_TESTCG_H
#define EXFILGUARD_TESTS_TESTCG_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

/* The first cgroup2 mount point listed in /proc/mounts. */
int testcg_mount(char out[PATH_MAX]);

/* The cgroup v2 directory of the calling process (from /proc/self/cgroup "0::"). */
int testcg_self(const char *mount, char out[PATH_MAX]);

/* mkdir a cgroup; one that already exists is fine. */
int testcg_create(const char *dir);

/* The cgroup v2 id of dir: its kernfs node id, as a file handle carries it. */
int testcg_id(const char *dir, uint64_t *id);

/* Move process pid (0: the caller) into the cgroup. */
int testcg_join(const char *dir, pid_t pid);

/* Move every process still in dir to the cgroup `to`; returns how many moved. */
int testcg_evacuate(const char *dir, const char *to);

/* Evacuate dir to `to`, then rmdir it (retrying while exiting tasks still hold it). */
int testcg_remove(const char *dir, const char *to);

#endif
