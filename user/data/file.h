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

/*
 * A dataset file as one immutable snapshot: copied inside the kernel into a
 * sealed memfd (nobody can change it after) and mapped read-only, so the
 * digest and the parse read the very same bytes without a copy through
 * fresh user memory. A file that is not regular (a pipe, a device) or is
 * empty is read as eg_file_read does, and fd is -1 then. Errors as
 * eg_file_read's.
 */
struct eg_snapshot {
	const uint8_t *data;
	size_t len;
	int fd;		/* the sealed memfd holding exactly data[0..len), or -1 */
	uint64_t mtime; /* seconds; 0 when not known */
	void *heap;	/* what eg_file_read gave, when not mapped */
};

int eg_file_snapshot(const char *path, const struct eg_file_rules *rules, struct eg_snapshot *out,
		     struct eg_error *err);
void eg_snapshot_release(struct eg_snapshot *s);

#endif
