// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The numbers of a report: event files read line by line and summed up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <json-c/linkhash.h>
#include "cmd_report.h"

const struct report_dim_info report_dims[BY_N] = {
	[BY_COUNTRY] = {"by-country", "Destination countries", "Country",
			"Where the destination's address is located (ISO 3166 code).", 1},
	[BY_PROVIDER] = {"by-provider", "Destination providers", "Provider",
			 "The cloud or network company that runs the destination.", 1},
	[BY_JURISDICTION] =
		{"by-jurisdiction", "Jurisdictions", "Jurisdiction",
		 "The country whose law governs the provider that runs the destination.", 1},
	[BY_WORKLOAD] = {"by-workload", "Workloads that tried", "Workload",
			 "The pod, container or control group the attempt came from.", 1},
	[BY_PROGRAM] = {"by-program", "Programs that tried", "Program",
			"The program that made the attempt (its path when known, else its name).",
			0},
	[BY_DESTINATION] = {"by-destination", "Top destinations", "Destination",
			    "Address and port the program tried to reach.", 0},
	[BY_RULE] = {"by-rule", "Policy rules that decided", "Rule",
		     "The rule of the policy that matched, as written in the policy file.", 0},
	[BY_DATASET] =
		{"by-dataset", "Classification data in force", "Dataset version",
		 "Which version of the address data the guard used to classify destinations.", 0},
	[BY_MODE] = {"by-mode", "Guard mode", "Mode",
		     "enforce: attempts were blocked; audit: they were only recorded.", 0},
};

static void tally_free_entry(struct lh_entry *e)
{
	(void)e; /* keys and rows are freed with the rows */
}

int report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	for (int d = 0; d < BY_N; d++) {
		r->by[d].index = lh_kchar_table_new(256, tally_free_entry);
		if (!r->by[d].index)
			return -1;
	}
	return 0;
}

void report_free(struct report *r)
{
	for (int d = 0; d < BY_N; d++) {
		for (size_t i = 0; i < r->by[d].n; i++) {
			free(r->by[d].rows[i]->key);
			free(r->by[d].rows[i]->label);
			free(r->by[d].rows[i]);
		}
		free(r->by[d].rows);
		if (r->by[d].index)
			lh_table_free(r->by[d].index);
	}
	for (size_t i = 0; i < r->policy.n_rules; i++)
		free(r->policy.rules[i]);
	free(r->policy.rules);
	free(r->points);
	memset(r, 0, sizeof(*r));
}

static struct report_row *tally_row(struct report_tally *t, const char *key)
{
	struct report_row *row;
	void *found;

	if (lh_table_lookup_ex(t->index, key, &found))
		return found;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct report_row **rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return NULL;
		t->rows = rows;
		t->cap = cap;
	}
	row = calloc(1, sizeof(*row));
	if (!row || !(row->key = strdup(key))) {
		free(row);
		return NULL;
	}
	t->rows[t->n++] = row;
	lh_table_insert(t->index, row->key, row);
	return row;
}

static const char *str_of(json_object *ev, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(ev, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* What one line stands for: a verdict or how many attempts, and the bytes. */
struct attempts {
	int deny;
	uint64_t n, bytes;
};

static int count_in(struct report *r, enum report_dim d, const char *key, const char *label,
		    const struct attempts *a)
{
	struct report_row *row = tally_row(&r->by[d], key ? key : "(unknown)");

	if (!row)
		return -1;
	*(a->deny ? &row->deny : &row->audit) += a->n;
	row->bytes += a->bytes;
	if (label && !row->label)
		row->label = strdup(label);
	return 0;
}

/* "pod 1234-...", "container 0123456789ab", or the cgroup path. */
static void workload_of(json_object *ev, char *out, size_t len)
{
	const char *pod = str_of(ev, "pod_uid"), *ctr = str_of(ev, "container_id");
	const char *cg = str_of(ev, "cgroup");

	if (pod)
		snprintf(out, len, "pod %s", pod);
	else if (ctr)
		snprintf(out, len, "container %.12s", ctr);
	else
		snprintf(out, len, "%s", cg ? cg : "(cgroup gone)");
}

static void destination_of(json_object *ev, char *out, size_t len)
{
	const char *daddr = str_of(ev, "daddr"), *name = str_of(ev, "name");
	json_object *port;
	int dport = json_object_object_get_ex(ev, "dport", &port) ? json_object_get_int(port) : 0;

	int v6 = daddr && strchr(daddr, ':');

	snprintf(out, len, "%s%s%s:%d%s%s", v6 ? "[" : "", daddr ? daddr : "?", v6 ? "]" : "",
		 dport, name ? " " : "", name ? name : "");
}

static const char *rule_of(json_object *ev)
{
	json_object *rule, *text;

	if (!json_object_object_get_ex(ev, "rule", &rule) ||
	    !json_object_object_get_ex(rule, "text", &text))
		return NULL;
	return json_object_get_string(text);
}

static int64_t seconds_of(const char *time)
{
	struct tm tm = {0};
	const char *end = time ? strptime(time, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;

	return end ? (int64_t)timegm(&tm) : 0;
}

static int add_point(struct report *r, const char *time, const struct attempts *a)
{
	int64_t t = seconds_of(time);

	if (!t)
		return 0;
	if (r->n_points == r->cap_points) {
		size_t cap = r->cap_points ? r->cap_points * 2 : 1024;
		struct report_point *p = realloc(r->points, cap * sizeof(*p));

		if (!p)
			return -1;
		r->points = p;
		r->cap_points = cap;
	}
	r->points[r->n_points++] =
		(struct report_point){.t = t, .deny = a->deny, .n = a->n, .bytes = a->bytes};
	if (!r->first_t || t < r->first_t) {
		r->first_t = t;
		snprintf(r->first, sizeof(r->first), "%.19sZ", time);
	}
	if (t > r->last_t) {
		r->last_t = t;
		snprintf(r->last, sizeof(r->last), "%.19sZ", time);
	}
	return 0;
}

/*
 * A verdict line (n 1) or a fold line: "folded" repeats of a destination
 * within a window, or first reports the kernel could not queue ("lost",
 * with the destination named): n attempts with the line's details.
 */
static int add_attempt(struct report *r, json_object *ev, int deny, uint64_t n)
{
	json_object *b;
	struct attempts a = {.deny = deny, .n = n};
	const char *exe = str_of(ev, "exe");
	char workload[512], dest[512];

	a.bytes = json_object_object_get_ex(ev, "bytes", &b) ? json_object_get_uint64(b) : 0;
	*(deny ? &r->deny : &r->audit) += n;
	r->bytes += a.bytes;
	if (json_object_object_get_ex(ev, "backlog", NULL))
		r->backlog += n;
	workload_of(ev, workload, sizeof(workload));
	destination_of(ev, dest, sizeof(dest));
	return add_point(r, str_of(ev, "time"), &a) ||
	       count_in(r, BY_COUNTRY, str_of(ev, "country"), NULL, &a) ||
	       count_in(r, BY_PROVIDER, str_of(ev, "provider"), NULL, &a) ||
	       count_in(r, BY_JURISDICTION, str_of(ev, "jurisdiction"), NULL, &a) ||
	       count_in(r, BY_WORKLOAD, workload, NULL, &a) ||
	       count_in(r, BY_PROGRAM, exe ? exe : str_of(ev, "comm"), NULL, &a) ||
	       count_in(r, BY_DESTINATION, dest, str_of(ev, "as_org"), &a) ||
	       count_in(r, BY_RULE, rule_of(ev), NULL, &a) ||
	       count_in(r, BY_DATASET, str_of(ev, "dataset"), NULL, &a) ||
	       count_in(r, BY_MODE, str_of(ev, "mode"), NULL, &a);
}

static void invalid(struct report *r, const char *path, uint64_t line, const char *why)
{
	r->invalid++;
	if (r->n_examples < REPORT_EXAMPLES)
		snprintf(r->examples[r->n_examples++], sizeof(r->examples[0]), "%s:%llu: %s", path,
			 (unsigned long long)line, why);
}

static uint64_t count_of(json_object *ev)
{
	json_object *v;

	return json_object_object_get_ex(ev, "count", &v) ? json_object_get_uint64(v) : 0;
}

/* deny or audit: 1 for deny, 0 for audit, -1 for anything else. */
static int deny_or_audit(const char *verdict)
{
	if (!verdict)
		return -1;
	return !strcmp(verdict, "deny") ? 1 : !strcmp(verdict, "audit") ? 0 : -1;
}

/*
 * One line: an attempt ("verdict"), repeats or unqueued reports of a named
 * destination ("folded", "lost" with a verdict), events lost unnamed
 * ("lost" without one), another kind of line, or an invalid one.
 */
static int add_line(struct report *r, const char *path, uint64_t lineno, const char *line)
{
	json_object *ev = json_tokener_parse(line);
	const char *kind = ev ? str_of(ev, "event") : NULL;
	int verdict = ev ? deny_or_audit(str_of(ev, "verdict")) : -1, rc = 0;

	r->lines++;
	if (!ev)
		invalid(r, path, lineno, "not valid JSON");
	else if (!json_object_is_type(ev, json_type_object) || !kind)
		invalid(r, path, lineno, "not an exfilguard event (no \"event\" field)");
	else if (!strcmp(kind, "verdict") && verdict >= 0)
		rc = add_attempt(r, ev, verdict, 1);
	else if ((!strcmp(kind, "folded") || !strcmp(kind, "lost")) && verdict >= 0) {
		r->folded += !strcmp(kind, "folded") ? count_of(ev) : 0;
		rc = add_attempt(r, ev, verdict, count_of(ev));
	} else if (!strcmp(kind, "lost"))
		r->lost += count_of(ev);
	else
		r->other++;
	json_object_put(ev);
	return rc;
}

int report_read(struct report *r, const char *path, struct eg_error *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return eg_fail(err, errno, "%s: cannot open: %s", path, strerror(errno));
	while (!rc && (n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (n == 1 && line[0] == '\n')
			continue;
		rc = add_line(r, path, lineno, line);
	}
	if (!rc && ferror(f))
		rc = eg_fail(err, errno, "%s: cannot read: %s", path, strerror(errno));
	else if (rc)
		rc = eg_fail(err, ENOMEM, "%s: out of memory", path);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}
