// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The report as Markdown, for a ticket: the same figures as the HTML page, tables only. */
#include <stdio.h>
#include <string.h>
#include "cmd_report.h"

/* A table cell: '|' and line breaks would end it early, '*', '_', '`' and markup restyle it. */
static void cell(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<' || *s == '>') {
			fputs(*s == '<' ? "&lt;" : "&gt;", f); /* not markup in a renderer */
			continue;
		}
		if (*s == '|' || *s == '`' || *s == '\\' || *s == '*' || *s == '_')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
}

static void totals(FILE *f, const struct report *r)
{
	char bytes[32];

	fprintf(f,
		"| | |\n|---|---:|\n| Attempts to flagged destinations | %llu |\n"
		"| Blocked before any data left | %llu |\n| Allowed but recorded (audit) | %llu "
		"|\n",
		(unsigned long long)(r->deny + r->audit), (unsigned long long)r->deny,
		(unsigned long long)r->audit);
	if (r->bytes) {
		report_bytes_text(r->bytes, bytes, sizeof(bytes));
		fprintf(f, "| Sent in recorded packets | %s |\n", bytes);
	}
	if (r->folded)
		fprintf(f,
			"| Repeats of a destination within a second (from folded lines) | %llu |\n",
			(unsigned long long)r->folded);
	fprintf(f,
		"| Not recorded (guard's queue full) | %llu |\n| Unreadable lines (not counted) | "
		"%llu |\n\n",
		(unsigned long long)r->lost, (unsigned long long)r->invalid);
}

static void over_time(FILE *f, const struct report *r)
{
	struct report_bucket b[REPORT_BUCKETS];
	int64_t width;
	size_t n = report_buckets(r, b, &width);

	if (!n)
		return;
	fprintf(f,
		"## Attempts over time\n\nPer %s (UTC).\n\n| From | Blocked | Audited |%s\n"
		"|---|---:|---:|%s\n",
		report_width_name(width), r->bytes ? " Bytes |" : "", r->bytes ? "---:|" : "");
	for (size_t i = 0; i < n; i++) {
		char from[32];

		if (!b[i].deny && !b[i].audit)
			continue;
		report_time_text(b[i].start, from, sizeof(from));
		fprintf(f, "| %s | %llu | %llu |", from, (unsigned long long)b[i].deny,
			(unsigned long long)b[i].audit);
		if (r->bytes)
			fprintf(f, " %llu |", (unsigned long long)b[i].bytes);
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void dim_table(FILE *f, const struct report *r, enum report_dim d)
{
	const struct report_tally *t = &r->by[d];
	size_t n = t->n < REPORT_TOP ? t->n : REPORT_TOP;

	if (!t->n)
		return;
	fprintf(f, "## %s\n\n%s\n\n| %s | Blocked | Audited |\n|---|---:|---:|\n",
		report_dims[d].title, report_dims[d].about, report_dims[d].key);
	for (size_t i = 0; i < n; i++) {
		fputs("| ", f);
		cell(f, t->rows[i]->key);
		if (t->rows[i]->label) {
			fputs(" (", f);
			cell(f, t->rows[i]->label);
			fputc(')', f);
		}
		fprintf(f, " | %llu | %llu |\n", (unsigned long long)t->rows[i]->deny,
			(unsigned long long)t->rows[i]->audit);
	}
	if (t->n > n)
		fprintf(f, "\nand %zu more.\n", t->n - n);
	fputc('\n', f);
}

static void policy(FILE *f, const struct report_policy *p)
{
	if (!p->given)
		return;
	fputs("## Policy in force\n\n", f);
	cell(f, p->path);
	fprintf(f, " (SHA-256 %s): mode %s, default %s.\n\n", p->sha256, p->mode,
		p->default_action);
	for (size_t i = 0; i < p->n_rules; i++) {
		fprintf(f, "%zu. ", i + 1);
		cell(f, p->rules[i]);
		fputc('\n', f);
	}
	fputc('\n', f);
}

int report_write_md(const struct report *r, FILE *f)
{
	fprintf(f,
		"# Outbound data transfer attempts\n\nAudit report generated %s by exfilguard, "
		"period %s to %s (UTC).\n\n",
		r->generated, r->first[0] ? r->first : "-", r->last[0] ? r->last : "-");
	fputs("A *blocked* attempt was refused before any data left; an *audited* one went "
	      "through, but the policy flags its destination (in audit mode: what would have been "
	      "blocked).\n\n",
	      f);
	totals(f, r);
	over_time(f, r);
	for (int d = 0; d < BY_N; d++)
		dim_table(f, r, (enum report_dim)d);
	policy(f, &r->policy);
	for (size_t i = 0; i < r->n_examples; i++) {
		fputs(i ? "" : "Unreadable lines (first ones):\n\n", f);
		fputs("- ", f);
		cell(f, r->examples[i]);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}
