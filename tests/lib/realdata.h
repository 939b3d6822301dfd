/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The real datasets the tests read, and small file helpers the tests share. */
#ifndef EXFILGUARD_TEST_REALDATA_H
#define EXFILGUARD_TEST_REALDATA_H

#include <stddef.h>

#define REALDATA_ABSENT "real datasets absent (run: exfilguard data fetch data)"

/*
 * A policy's data: section naming the real datasets fetched into ./data
 * (DB-IP country mmdb, the two ASN CSVs) by absolute path, newline-ended,
 * into out; -1 when one of them is not readable there.
 */
int realdata_section(char *out, size_t len);

/*
 * The fixture datasets (tests/fixtures/gen_fixtures.pl: real mmdb files and
 * CSVs) written into dir, made if missing; run from the repository root. 0,
 * or -1 with the failure printed.
 */
int fixtures_generate(const char *dir);

/* Write text to path (created or truncated); 0, or -1. */
int testfile_write(const char *path, const char *text);

struct eg_bundle;
/*
 * The policy data_text + body_text, written to dir/policy.yaml, loaded as a
 * bundle (its relative data paths are dir's); 0, or -1 with the error printed.
 */
int testbundle_load(const char *dir, const char *data_text, const char *body_text,
		    struct eg_bundle *b);

#endif /* EXFILGUARD_TEST_REALDATA_H */
