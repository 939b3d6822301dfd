/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `exfilguard report`: event files (JSON lines) summed up for an audit, then
 * written as one self-contained HTML page or as Markdown. The numbers are
 * gathered once (cmd_report_data.c) and both forms are written from them.
 */
#ifndef EXFILGUARD_CMD_REPORT_H
#define EXFILGUARD_CMD_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "error.h"

#define REPORT_EXAMPLES 5  /* invalid lines quoted */
#define REPORT_TOP	15 /* rows a table shows */
#define REPORT_BUCKETS	48 /* at most this many bars over time */
#define REPORT_TIME_LEN 48

/* Attempts counted under one key (a country, a destination, ...). */
struct report_row {
	char *key;
	char *label; /* more words about the key (a provider's or AS's name), or NULL */
	uint64_t deny, audit, bytes;
};

struct report_tally {
	struct lh_table *index; /* key -> row */
	struct report_row **rows;
	size_t n, cap;
};

/* The ways attempts are broken down; each is one table (and chart) of the report. */
enum report_dim {
	BY_COUNTRY,
	BY_PROVIDER,
	BY_JURISDICTION,
	BY_WORKLOAD,
	BY_PROGRAM,
	BY_DESTINATION,
	BY_RULE,
	BY_DATASET,
	BY_MODE,
	BY_N,
};

struct report_dim_info {
	const char *id;	   /* the HTML element id: "by-country" */
	const char *title; /* "Destination countries" */
	const char *key;   /* the heading of the key column */
	const char *about; /* one sentence for a reader who never saw the tool */
	int chart;	   /* drawn as bars too */
};
extern const struct report_dim_info report_dims[BY_N];

/* One attempt in time, for the chart. */
struct report_point {
	int64_t t; /* unix seconds */
	int deny;
	uint64_t n; /* attempts: 1, or a folded line's count */
	uint64_t bytes;
};

struct report_bucket {
	int64_t start;
	uint64_t deny, audit, bytes;
};

struct report_policy {
	int given;
	char path[4096];
	char sha256[65];
	const char *mode, *default_action;
	char **rules; /* as written, one line each */
	size_t n_rules;
};

struct report {
	uint64_t lines, invalid, other, deny, audit, bytes, lost, backlog;
	uint64_t folded; /* attempts read from "folded" lines (repeats within a window) */
	char examples[REPORT_EXAMPLES][320]; /* "file:line: what is wrong" */
	size_t n_examples;
	int64_t first_t, last_t; /* unix seconds; first_t 0: no attempt */
	char first[REPORT_TIME_LEN], last[REPORT_TIME_LEN];
	struct report_point *points;
	size_t n_points, cap_points;
	struct report_tally by[BY_N];
	char *const *files;
	size_t n_files;
	struct report_policy policy;
	char generated[REPORT_TIME_LEN];
};

int report_init(struct report *r);
void report_free(struct report *r);
/* Sum up one events file ("-": standard input); invalid lines are counted, not fatal. */
int report_read(struct report *r, const char *path, struct eg_error *err);
/* Describe the policy file given with --policy. */
int report_read_policy(struct report *r, const char *path, struct eg_error *err);
/* Sort every table, most attempts first. */
void report_finish(struct report *r);
/* The attempts over time in at most REPORT_BUCKETS bars; their count, width in *width (s). */
size_t report_buckets(const struct report *r, struct report_bucket *out, int64_t *width);
/* "5 min", "1 h", "1 day". */
const char *report_width_name(int64_t width);
/* "2025-05-01 10:00" (UTC) */
void report_time_text(int64_t t, char *out, size_t len);
/* "12.3 MB" */
void report_bytes_text(uint64_t bytes, char *out, size_t len);

int report_write_html(const struct report *r, FILE *out);
int report_write_md(const struct report *r, FILE *out);

#endif
