/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Network namespaces for the end-to-end tests: unsharing, running iproute2
 * and writing namespaced sysctls. Every function acts on the namespace of
 * the calling process and prints what went wrong on failure.
 */
#ifndef EXFILGUARD_TESTS_NETNS_H
#define EXFILGUARD_TESTS_NETNS_H

/* Run argv[0] (searched in PATH) and wait; 0 when it exited 0, else prints it with its output. */
int netns_run(char *const argv[]);

/* Run `ip ARGS`; the formatted ARGS are split at spaces. */
__attribute__((format(printf, 1, 2))) int netns_ip(const char *fmt, ...);

/* Move the calling process into a new network namespace and bring up its lo. */
int netns_unshare(void);

/* Write a sysctl of the current namespace: name is the path below /proc/sys ("net/ipv4/..."). */
int netns_sysctl(const char *name, const char *value);

#endif
