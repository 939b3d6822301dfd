/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The parts of `exfilguard data fetch` (cmd_data.c): the staging directory
 * and its removal (fetch_stage.c), npm and tar (fetch_npm.c), and the checks
 * a download must pass before it replaces the data in force (fetch_check.c).
 */
#ifndef EXFILGUARD_FETCH_H
#define EXFILGUARD_FETCH_H

#include <stddef.h>
#include "datasrc.h"
#include "error.h"

/* Create dest if needed and make sure this user can write into it (errors say who owns it). */
int eg_fetch_dest_ready(const char *dest, struct eg_error *err);
/* A fresh staging directory dest/.fetch-XXXXXX into stage[len]. */
int eg_fetch_stage_create(const char *dest, char *stage, size_t len, struct eg_error *err);
/*
 * Remove a directory and everything below it, through directory fds
 * (openat, unlinkat; symlinks are removed, never followed). 0, or -1 with errno.
 */
int eg_remove_tree(const char *path);

/* npm and tar on PATH, else what to install. */
int eg_fetch_need_tools(struct eg_error *err);
/*
 * `npm pack PACKAGE` into stage/<name> and unpack it there; unpacked gets
 * the package directory. A failing npm's error names its last stderr line.
 */
int eg_fetch_package(const char *stage, const char *package, char *unpacked, size_t len,
		     struct eg_error *err);

/* Known facts every sound download keeps (8.8.8.8 is US and AS15169, ...). */
int eg_fetch_canaries(const struct eg_dataset *country, const struct eg_dataset *const *asn,
		      size_t n_asn, struct eg_error *err);
/* Refuse rows that dropped more than EG_FETCH_MAX_DROP from the previous manifest's. */
#define EG_FETCH_MAX_DROP 0.20
int eg_fetch_row_drop(const char *dest, const char *name, size_t rows, struct eg_error *err);
/*
 * Cross-check the country data against an independent source: sample
 * addresses across the primary's ranges, count those both place, and refuse
 * when the share they disagree on passes EG_FETCH_MAX_DISAGREE.
 */
#define EG_FETCH_MAX_DISAGREE 0.15 /* DB-IP vs geo-whois-asn-country: 5.9 % in June 2026 */
struct eg_cross_check {
	size_t sampled, known_to_both, disagree;
	double share; /* disagree / known_to_both */
};
int eg_fetch_cross_check(const struct eg_dataset *country, const struct eg_dataset *other,
			 struct eg_cross_check *out, struct eg_error *err);

#endif
