/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Workloads: forked children that join a cgroup before they open any
 * socket, so that the cgroup hooks judge them, and report results back over a
 * pipe. A workload may pause between steps for the parent (e.g. to start the
 * guard in the middle of a connection).
 *
 *   child:  fn(arg) { ...; workload_report(ret, errno); workload_pause(); ... }
 *   parent: workload_start(&w, cg, fn, arg); workload_await(&w, &r);
 *           workload_resume(&w); ...; workload_end(&w);
 *
 * Children carry the command name WORKLOAD_COMM and always leave by _exit, so
 * the parent's atexit handlers never run in them.
 */
#ifndef EXFILGUARD_TESTS_WORKLOAD_H
#define EXFILGUARD_TESTS_WORKLOAD_H

#include <sys/types.h>

#define WORKLOAD_COMM	    "egtest-client"
#define WORKLOAD_TIMEOUT_MS 5000

struct workload {
	pid_t pid;
	int cmd_fd;    /* parent -> child: resume */
	int report_fd; /* child -> parent: struct workload_report */
};

struct workload_report {
	int ret; /* what the step returned (-1 on failure) */
	int err; /* its errno (0 on success) */
};

typedef void (*workload_fn)(void *arg);

/* Fork a child into cgroup dir, name it WORKLOAD_COMM and run fn(arg) there. */
int workload_start(struct workload *w, const char *cgroup_dir, workload_fn fn, void *arg);

/* Parent: the child's next report; -1 (printed) when none comes in time. */
int workload_await(struct workload *w, struct workload_report *r);

/* Parent: let the child continue past workload_pause(). */
int workload_resume(struct workload *w);

/* Parent: kill the child if it still runs and reap it; returns its exit code or 128+signal. */
int workload_end(struct workload *w);

/* Kill and reap every workload still running (for cleanup). */
void workload_kill_all(void);

/* Child: report a step's result. */
void workload_report(int ret, int err);

/* Child: wait for workload_resume(); -1 when the parent went away. */
int workload_pause(void);

/*
 * A UDP connect() (it sends nothing) to IPv4 addr:port from a fresh workload
 * in cgroup_dir: 1 allowed, 0 refused with EPERM, -1 another error (an
 * allowed connect may find no route), -2 when the workload could not run.
 */
int workload_udp_verdict(const char *cgroup_dir, const char *addr, unsigned port);

#endif
