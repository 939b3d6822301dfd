/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* One error type for every module: a sentence that names where and what. */
#ifndef EXFILGUARD_ERROR_H
#define EXFILGUARD_ERROR_H

#include <stdarg.h>

struct eg_error {
	int code;	/* errno-style, positive; 0 = no error */
	char msg[1024]; /* "file:line:col: what is wrong", no trailing newline */
};

/* Set err (if non-NULL) and return -1, so callers can `return eg_fail(...)`. */
__attribute__((format(printf, 3, 4))) int eg_fail(struct eg_error *err, int code, const char *fmt,
						  ...);

#endif
