/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The binary under test ($EXFILGUARD) as a daemon:
 *
 *   $EXFILGUARD --pin-dir DIR run --policy FILE [--mode M] --cgroup CG
 *               --events FILE --format json --ready-fd N
 *
 * guard_start() returns once it wrote READY=1 (everything attached);
 * guard_stop() sends SIGTERM and gives it 3 s before SIGKILL. Its stdout and
 * stderr go to a log file that guard_print_log() shows when a test fails.
 */
#ifndef EXFILGUARD_TESTS_GUARD_H
#define EXFILGUARD_TESTS_GUARD_H

#include <limits.h>
#include <sys/types.h>

#define GUARD_READY_TIMEOUT_MS 60000 /* a 1M-prefix policy takes ~15 s to parse */
#define GUARD_STOP_TIMEOUT_MS  3000

struct guard_config {
	const char *pin_dir;
	const char *policy;	  /* policy file */
	const char *mode;	  /* "audit", "enforce", or NULL for the policy's own */
	const char *cgroup;	  /* cgroup directory to guard */
	const char *events;	  /* events file (JSON lines) */
	const char *log;	  /* the daemon's stdout and stderr */
	const char *const *extra; /* more `run` options, NULL-ended (may be NULL) */
};

struct guard {
	pid_t pid;
	char events[PATH_MAX]; /* copied from the config */
	char log[PATH_MAX];
};

/* $EXFILGUARD, or NULL (printed) when it is unset or not executable. */
const char *guard_binary(void);

/* Start the daemon and wait for READY=1; on failure it is stopped and its log printed. */
int guard_start(struct guard *g, const struct guard_config *c);

/*
 * SIGTERM, then SIGKILL after GUARD_STOP_TIMEOUT_MS. Returns the exit code,
 * 128+signal when a signal ended it, or -1 when no guard runs.
 */
int guard_stop(struct guard *g);

/* Stop the running guard, if any (for cleanup). */
void guard_stop_running(void);

/* `$EXFILGUARD --pin-dir DIR detach`; returns its exit code (-1 when it could not run). */
int guard_detach(const char *pin_dir);

/* rm -rf of a pin directory; 0 when it is gone. */
int guard_remove_pins(const char *pin_dir);

void guard_print_log(const struct guard *g);

#endif
