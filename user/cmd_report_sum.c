// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The report's numbers put in order: sorted tables, bars over time, the policy in force. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd_report.h"
#include "policy.h"
#include "sha256.h"
#include "data/file.h"

static int by_attempts(const void *a, const void *b)
{
	const struct report_row *x = *(const struct report_row *const *)a;
	const struct report_row *y = *(const struct report_row *const *)b;
	uint64_t nx = x->deny + x->audit, ny = y->deny + y->audit;

	if (nx != ny)
		return nx < ny ? 1 : -1;
	return strcmp(x->key, y->key);
}

void report_finish(struct report *r)
{
	for (int d = 0; d < BY_N; d++)
		if (r->by[d].n)
			qsort(r->by[d].rows, r->by[d].n, sizeof(r->by[d].rows[0]), by_attempts);
}

/* Bar widths a reader knows, the smallest that needs no more than REPORT_BUCKETS bars. */
static const struct {
	int64_t seconds;
	const char *name;
} widths[] = {
	{60, "1 min"},	    {300, "5 min"},   {900, "15 min"},	  {3600, "1 hour"},
	{21600, "6 hours"}, {86400, "1 day"}, {604800, "1 week"}, {2592000, "30 days"},
};

const char *report_width_name(int64_t width)
{
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		if (widths[i].seconds == width)
			return widths[i].name;
	return "?";
}

size_t report_buckets(const struct report *r, struct report_bucket *out, int64_t *width)
{
	size_t i, n, last = sizeof(widths) / sizeof(widths[0]) - 1;
	int64_t start;

	*width = widths[last].seconds;
	if (!r->n_points)
		return 0;
	for (i = 0; i < last; i++)
		if ((r->last_t / widths[i].seconds - r->first_t / widths[i].seconds) <
		    REPORT_BUCKETS)
			break;
	*width = widths[i].seconds;
	start = r->first_t / *width * *width;
	n = (size_t)((r->last_t - start) / *width) + 1;
	if (n > REPORT_BUCKETS)
		n = REPORT_BUCKETS; /* (only past 4 years: the last bar takes the rest) */
	memset(out, 0, n * sizeof(*out));
	for (i = 0; i < n; i++)
		out[i].start = start + (int64_t)i * *width;
	for (i = 0; i < r->n_points; i++) {
		size_t b = (size_t)((r->points[i].t - start) / *width);
		struct report_bucket *k = &out[b < n ? b : n - 1];

		*(r->points[i].deny ? &k->deny : &k->audit) += r->points[i].n;
		k->bytes += r->points[i].bytes;
	}
	return n;
}

void report_time_text(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

void report_bytes_text(uint64_t bytes, char *out, size_t len)
{
	static const char *const units[] = {"bytes", "KB", "MB", "GB", "TB"};
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%llu bytes", (unsigned long long)bytes);
	else
		snprintf(out, len, "%.1f %s", v, units[u]);
}

static int copy_rules(struct report_policy *p, const struct eg_policy *pol)
{
	p->rules = calloc(pol->n_rules ? pol->n_rules : 1, sizeof(*p->rules));
	if (!p->rules)
		return -1;
	for (size_t i = 0; i < pol->n_rules; i++) {
		p->rules[i] = strdup(pol->rules[i].text);
		if (!p->rules[i])
			return -1;
		p->n_rules = i + 1;
	}
	return 0;
}

int report_read_policy(struct report *r, const char *path, struct eg_error *err)
{
	const struct eg_file_rules rules = {.max_bytes = EG_POLICY_MAX_BYTES, .what = "a policy"};
	struct report_policy *p = &r->policy;
	struct eg_policy pol;
	struct eg_file file;
	int rc;

	if (eg_file_read(path, &rules, &file, err))
		return -1;
	rc = eg_policy_parse(file.data, file.len, path, &pol, err);
	if (!rc) {
		eg_sha256_hex(file.data, file.len, p->sha256);
		snprintf(p->path, sizeof(p->path), "%s", path);
		p->mode = eg_mode_name(pol.mode);
		p->default_action = eg_action_name(pol.default_action);
		p->given = 1;
		if (copy_rules(p, &pol))
			rc = eg_fail(err, ENOMEM, "%s: out of memory", path);
		eg_policy_free(&pol);
	}
	free(file.data);
	return rc;
}
