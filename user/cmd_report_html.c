// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The report as one HTML page that needs nothing else to be read: styles
 * inline, charts as inline SVG, no script, no font or image to fetch. The
 * figures carry ids and data- attributes (total-denied, data-deny, ...) so
 * that a test, or a reviewer's tooling, can read them back.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cmd_report.h"

#define CHART_W	   880
#define CHART_H	   200
#define CHART_ROWS 10

static const char style[] =
	"body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;"
	"max-width:960px;margin:2em auto;padding:0 1em}"
	"h1{font-size:1.6em;margin-bottom:0}h2{font-size:1.2em;margin-top:2em;"
	"border-bottom:1px solid #d0d4dc}.sub,.about{color:#5a6172}"
	".cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #d0d4dc;"
	"border-radius:8px;padding:10px 16px;min-width:150px}.num{display:block;"
	"font-size:1.8em;font-weight:600}.deny .num{color:#b3261e}.audit .num{color:#a05a00}"
	"table{border-collapse:collapse;width:100%;margin-top:.5em}th,td{text-align:left;"
	"padding:4px 8px;border-bottom:1px solid #e4e7ec}td.n,th.n{text-align:right;"
	"font-variant-numeric:tabular-nums}code{font-size:.9em;word-break:break-all}"
	"svg text{font:12px system-ui,sans-serif;fill:#1d2330}.meaning{background:#f4f6fa;"
	"border-radius:8px;padding:4px 16px}";

static void html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* before<code>text</code>after */
static void code(FILE *f, const char *before, const char *text, const char *after)
{
	fprintf(f, "%s<code>", before);
	html(f, text);
	fprintf(f, "</code>%s", after);
}

/* At most max bytes of s (cut on a character boundary, "…" added), escaped. */
static void html_cut(FILE *f, const char *s, size_t max)
{
	char buf[256];
	size_t len = strlen(s);

	if (len <= max || max >= sizeof(buf) - 4) {
		html(f, s);
		return;
	}
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--; /* not inside a UTF-8 sequence */
	snprintf(buf, sizeof(buf), "%.*s\u2026", (int)max, s);
	html(f, buf);
}

static void card(FILE *f, const char *id, const char *cls, uint64_t n, const char *shown,
		 const char *label)
{
	fprintf(f, "<div class=\"card %s\"><span class=\"num\" id=\"%s\" data-value=\"%llu\">", cls,
		id, (unsigned long long)n);
	html(f, shown);
	fprintf(f, "</span>%s</div>\n", label);
}

static void totals(FILE *f, const struct report *r)
{
	char n[3][32], bytes[32];

	snprintf(n[0], sizeof(n[0]), "%llu", (unsigned long long)(r->deny + r->audit));
	snprintf(n[1], sizeof(n[1]), "%llu", (unsigned long long)r->deny);
	snprintf(n[2], sizeof(n[2]), "%llu", (unsigned long long)r->audit);
	report_bytes_text(r->bytes, bytes, sizeof(bytes));
	fputs("<section id=\"totals\"><h2>Totals</h2><div class=\"cards\">\n", f);
	card(f, "total-attempts", "", r->deny + r->audit, n[0],
	     "attempts to send to a flagged destination");
	card(f, "total-denied", "deny", r->deny, n[1], "blocked before any data left");
	card(f, "total-audited", "audit", r->audit, n[2], "allowed but recorded (audit)");
	if (r->bytes)
		card(f, "total-bytes", "", r->bytes, bytes, "sent in recorded packets");
	fputs("</div></section>\n", f);
}

static void meaning(FILE *f, const struct report *r)
{
	fputs("<section id=\"meaning\" class=\"meaning\"><h2>What this means</h2><p>", f);
	fputs("exfilguard watches every attempt by a program on the guarded machines to open a "
	      "connection or send data to another computer, and checks the destination against a "
	      "policy: which countries, cloud providers and legal jurisdictions data may go to. ",
	      f);
	fputs("A <b>blocked</b> attempt was refused before a single byte left. An <b>audited</b> "
	      "attempt went through, but the policy flags its destination: in audit mode this is "
	      "what would have been blocked. ",
	      f);
	if (!r->deny && !r->audit)
		fputs("No attempt to reach a flagged destination was recorded in these files.", f);
	else
		fputs("The tables below show where those attempts were going, which workloads and "
		      "programs made them, and which rule of the policy decided.",
		      f);
	fputs("</p></section>\n", f);
}

static void time_chart(FILE *f, const struct report *r)
{
	struct report_bucket b[REPORT_BUCKETS];
	int64_t width;
	size_t n = report_buckets(r, b, &width), i;
	uint64_t max = 1;
	double bw;
	char label[32], bytes[32];

	fputs("<section id=\"over-time\"><h2>Attempts over time</h2>\n", f);
	if (!n) {
		fputs("<p>No attempts.</p></section>\n", f);
		return;
	}
	for (i = 0; i < n; i++)
		max = b[i].deny + b[i].audit > max ? b[i].deny + b[i].audit : max;
	bw = (double)CHART_W / (double)n;
	fprintf(f,
		"<p class=\"about\">Each bar is %s (UTC); red: blocked, amber: audited. "
		"Tallest bar: %llu.</p>\n<svg id=\"chart-over-time\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"attempts over time\">\n",
		report_width_name(width), (unsigned long long)max, CHART_W, CHART_H + 20, CHART_W,
		CHART_H + 20);
	for (i = 0; i < n; i++) {
		double hd = (double)b[i].deny * CHART_H / (double)max;
		double ha = (double)b[i].audit * CHART_H / (double)max;

		report_time_text(b[i].start, label, sizeof(label));
		report_bytes_text(b[i].bytes, bytes, sizeof(bytes));
		fprintf(f,
			"<g data-start=\"%s\" data-deny=\"%llu\" data-audit=\"%llu\" "
			"data-bytes=\"%llu\"><title>%s: %llu blocked, %llu audited, %s</title>",
			label, (unsigned long long)b[i].deny, (unsigned long long)b[i].audit,
			(unsigned long long)b[i].bytes, label, (unsigned long long)b[i].deny,
			(unsigned long long)b[i].audit, bytes);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			"fill=\"#b3261e\"/>",
			i * bw + 1, CHART_H - hd, bw - 2, hd);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			"fill=\"#e8a33d\"/></g>\n",
			i * bw + 1, CHART_H - hd - ha, bw - 2, ha);
	}
	report_time_text(b[0].start, label, sizeof(label));
	fprintf(f, "<text x=\"0\" y=\"%d\">%s</text>", CHART_H + 15, label);
	report_time_text(b[n - 1].start, label, sizeof(label));
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n</svg></section>\n",
		CHART_W, CHART_H + 15, label);
}

static void bar_chart(FILE *f, const struct report_tally *t, const char *id)
{
	size_t n = t->n < CHART_ROWS ? t->n : CHART_ROWS, i;
	uint64_t max = 1;

	for (i = 0; i < n; i++)
		max = t->rows[i]->deny + t->rows[i]->audit > max
			      ? t->rows[i]->deny + t->rows[i]->audit
			      : max;
	fprintf(f,
		"<svg id=\"chart-%s\" width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\" "
		"role=\"img\">\n",
		id, CHART_W, n * 22 + 4, CHART_W, n * 22 + 4);
	for (i = 0; i < n; i++) {
		const struct report_row *row = t->rows[i];
		double wd = (double)row->deny * 560 / (double)max;
		double wa = (double)row->audit * 560 / (double)max;

		fprintf(f, "<text x=\"0\" y=\"%zu\">", i * 22 + 15);
		html_cut(f, row->key, 36); /* the bars start at x 260 */
		fprintf(f,
			"</text><rect x=\"260\" y=\"%zu\" width=\"%.1f\" height=\"16\" "
			"fill=\"#b3261e\"/><rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"16\" "
			"fill=\"#e8a33d\"/><text x=\"%.1f\" y=\"%zu\">%llu</text>\n",
			i * 22 + 2, wd, 260 + wd, i * 22 + 2, wa, 266 + wd + wa, i * 22 + 15,
			(unsigned long long)(row->deny + row->audit));
	}
	fputs("</svg>\n", f);
}

static void dim_table(FILE *f, const struct report *r, enum report_dim d)
{
	const struct report_dim_info *info = &report_dims[d];
	const struct report_tally *t = &r->by[d];
	size_t n = t->n < REPORT_TOP ? t->n : REPORT_TOP, i;
	char bytes[32];

	fprintf(f, "<section id=\"%s\"><h2>%s</h2><p class=\"about\">%s</p>\n", info->id,
		info->title, info->about);
	if (info->chart && n)
		bar_chart(f, t, info->id);
	fprintf(f,
		"<table><thead><tr><th>%s</th><th class=\"n\">Blocked</th><th class=\"n\">"
		"Audited</th>%s</tr></thead><tbody>\n",
		info->key, r->bytes ? "<th class=\"n\">Bytes</th>" : "");
	for (i = 0; i < n; i++) {
		const struct report_row *row = t->rows[i];

		fputs("<tr data-key=\"", f);
		html(f, row->key);
		fprintf(f, "\" data-deny=\"%llu\" data-audit=\"%llu\"><td><code>",
			(unsigned long long)row->deny, (unsigned long long)row->audit);
		html(f, row->key);
		fputs("</code>", f);
		if (row->label) {
			fputs(" ", f);
			html(f, row->label);
		}
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>",
			(unsigned long long)row->deny, (unsigned long long)row->audit);
		report_bytes_text(row->bytes, bytes, sizeof(bytes));
		fprintf(f, "%s%s%s</tr>\n", r->bytes ? "<td class=\"n\">" : "",
			r->bytes ? bytes : "", r->bytes ? "</td>" : "");
	}
	fputs("</tbody></table>", f);
	if (t->n > n)
		fprintf(f, "<p class=\"about\">and %zu more.</p>", t->n - n);
	fputs("</section>\n", f);
}

static void policy(FILE *f, const struct report *r)
{
	const struct report_policy *p = &r->policy;

	fputs("<section id=\"policy\"><h2>Policy in force</h2>\n", f);
	if (!p->given) {
		fputs("<p>The events do not name the policy file. The rules that decided are "
		      "listed "
		      "above, as written in it; the data versions too.</p></section>\n",
		      f);
		return;
	}
	fputs("<p>Policy file <code>", f);
	html(f, p->path);
	fprintf(f,
		"</code> (SHA-256 <code id=\"policy-sha256\">%s</code>): mode <b>%s</b>, "
		"destinations no rule names are <b>%s</b>ed. Rules, first match wins:</p><ol>",
		p->sha256, p->mode, p->default_action);
	for (size_t i = 0; i < p->n_rules; i++)
		code(f, "<li>", p->rules[i], "</li>");
	fputs("</ol></section>\n", f);
}

static void quality(FILE *f, const struct report *r)
{
	fprintf(f,
		"<section id=\"data-quality\"><h2>About these numbers</h2><ul>"
		"<li><span id=\"lines-read\" data-value=\"%llu\">%llu</span> lines read from "
		"%zu file(s).</li><li><span id=\"invalid-lines\" data-value=\"%llu\">%llu</span> "
		"line(s) could not be read as events and are not counted.</li>",
		(unsigned long long)r->lines, (unsigned long long)r->lines, r->n_files,
		(unsigned long long)r->invalid, (unsigned long long)r->invalid);
	for (size_t i = 0; i < r->n_examples; i++)
		code(f, "<li>", r->examples[i], "</li>");
	fprintf(f,
		"<li><span id=\"lost-events\" data-value=\"%llu\">%llu</span> attempt(s) were "
		"not recorded because the guard's queue was full (they were still blocked or "
		"allowed as the policy says, only not described).</li>"
		"<li>%llu attempt(s) happened while the guard's reporting process was not "
		"running and were reported when it restarted.</li>"
		"<li><span id=\"folded-attempts\" data-value=\"%llu\">%llu</span> attempt(s) "
		"were repeats of a destination within a second, counted from one \"folded\" "
		"line each instead of a line per attempt.</li></ul>",
		(unsigned long long)r->lost, (unsigned long long)r->lost,
		(unsigned long long)r->backlog, (unsigned long long)r->folded,
		(unsigned long long)r->folded);
	fputs("<p class=\"about\">Files:", f);
	for (size_t i = 0; i < r->n_files; i++)
		code(f, " ", r->files[i], "");
	fputs("</p></section>\n", f);
}

int report_write_html(const struct report *r, FILE *f)
{
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>Outbound data transfer attempts: audit report</title><style>%s</style>"
		"</head><body>\n<h1>Outbound data transfer attempts</h1>\n<p class=\"sub\">Audit "
		"report generated %s by exfilguard. Period: <span id=\"period-start\">%s</span> "
		"to <span id=\"period-end\">%s</span> (UTC).</p>\n",
		style, r->generated, r->first[0] ? r->first : "-", r->last[0] ? r->last : "-");
	meaning(f, r);
	totals(f, r);
	time_chart(f, r);
	for (int d = 0; d < BY_N; d++)
		dim_table(f, r, (enum report_dim)d);
	policy(f, r);
	quality(f, r);
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
