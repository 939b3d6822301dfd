/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The one reader for every file exfilguard reads whole: datasets, policies, the catalog. */
#ifndef EXFILGUARD_FILE_H
#define EXFILGUARD_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

struct eg_file_rules {
	uint64_t max_bytes; /* more is refused (EFBIG) */
	const char *what;   /* "a policy": messages say "a policy can be at most 16 MiB" */
	int regular_only;   /* refuse pipes, devices and directories up front */
};

struct eg_file {
	char *data; /* len bytes and a NUL after them */
	size_t len;
	uint64_t mtime; /* seconds; 0 when not known */
};

/*
 * Read path whole into out (free out->data). Errors name the file and say
 * what is wrong: "cannot open: ...", "cannot read: ...", "not a regular
 * file", "N bytes; a policy can be at most 16 MiB".
 */
int eg_file_read(const char *path, const struct eg_file_rules *rules, struct eg_file *out,
		 struct eg_error *err);

#endif
