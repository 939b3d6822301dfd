/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The binary under test as a command against the test guard's pins: `exfilguard --pin-dir P ARGS`.
 */
#ifndef EXFILGUARD_TESTS_CLIRUN_H
#define EXFILGUARD_TESTS_CLIRUN_H

#include <stddef.h>

/* The standard output of a shell command into out (NUL-terminated); its exit code. */
int clirun_shell(const char *cmd, char *out, size_t len);
/* Its standard output into out (NUL-terminated; stderr is left to the test's); its exit code. */
int clirun_capture(const char *args, char *out, size_t len);
/* Its standard output parsed as one JSON object (a new reference), or NULL (printed). */
struct json_object *clirun_json(const char *args);

#endif
