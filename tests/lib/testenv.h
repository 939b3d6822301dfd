/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The whole end-to-end environment, built once per test program:
 *
 *  - the test process moves into its own network namespace (the client) and
 *    a forked test host serves in another (testhost.h);
 *  - cgroups <cgroup2>/exfilguard-test-<pid>/{guarded,outside} for the
 *    workloads; the test process itself, and so the guard, stay where they
 *    were started;
 *  - the pin directory /sys/fs/bpf/exfilguard-test-<pid> (bpffs is mounted
 *    there when it is not yet) and a temporary directory for policies,
 *    events and logs.
 *
 * Everything is undone by testenv_cleanup(), which runs at exit and on
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV and SIGBUS: workloads and
 * the guard are stopped, `exfilguard detach` is run and the pins removed, the
 * host killed, leftover processes moved out and the cgroups removed.
 * Set EXFILGUARD_E2E_KEEP=1 to keep the temporary directory.
 */
#ifndef EXFILGUARD_TESTS_TESTENV_H
#define EXFILGUARD_TESTS_TESTENV_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include "guard.h"

struct testenv {
	pid_t owner; /* the test process; its children never clean up */
	int ready;   /* testenv_setup() succeeded */
	char cg_mount[PATH_MAX];
	char cg_home[PATH_MAX]; /* where the test started: leftovers are moved back here */
	char cg_base[PATH_MAX]; /* <mount>/exfilguard-test-<pid> */
	char cg_guarded[PATH_MAX];
	char cg_outside[PATH_MAX];
	char guarded_rel[PATH_MAX]; /* cg_guarded relative to the mount, from "/" */
	uint64_t guarded_id;
	char pin_dir[PATH_MAX];
	char tmpdir[PATH_MAX];
};

extern struct testenv testenv;

/* Build everything; prints what failed. Cleanup is registered first, so a failure leaves nothing.
 */
int testenv_setup(void);

/* Undo everything (idempotent; only in the test process). */
void testenv_cleanup(void);

/* A path in the temporary directory. */
void testenv_path(const char *name, char out[PATH_MAX]);

/* Write text to a file in the temporary directory; its path into out. */
int testenv_write_file(const char *name, const char *text, char out[PATH_MAX]);

/* Up to len - 1 bytes of the file at path into buf, NUL-terminated ("" when unreadable); 0 or -1.
 */
int testenv_read_file(const char *path, char *buf, size_t len);

/*
 * Start the guard on the guarded cgroup with the policy file and mode (NULL:
 * the policy's), events in <tmp>/<name>.events, log in <tmp>/<name>.log.
 */
int testenv_guard_start(struct guard *g, const char *policy, const char *mode, const char *name);

/* Is the pin directory gone? */
int testenv_pins_gone(void);

/* After a test: make sure no guard runs and nothing stays pinned, for the next one. */
void testenv_guard_reset(void);
/*
 * Stop a test's guard (SIGTERM) and reset; its events and log are shown when
 * the test failed or the guard did not exit 0. Returns its exit status (0
 * when none ran).
 */
int testenv_guard_finish(struct guard *g, int test_failed);

/* A counter (enum eg_counter, EG_CTR_HOOK) of the guard pinned at testenv.pin_dir; 0 when none. */
uint64_t testenv_counter(uint32_t slot);

#endif
