// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CSV and TSV range files, as published:
 *
 *   ip-location-db asn-ipv4.csv, asn-ipv6.csv  start,end,asn,organisation
 *   ip-location-db country CSVs                start,end,country_code
 *   iptoasn ip2asn-v4.tsv, ip2asn-combined.tsv start<TAB>end<TAB>asn<TAB>country<TAB>description
 *   iptoasn ip2country-v4.tsv                  start<TAB>end<TAB>country
 *
 * start and end are IPv4 or IPv6 addresses (both of one family), inclusive.
 * CSV fields may be double-quoted ("" is a quote inside). Skipped: blank
 * lines, lines starting with #, a UTF-8 byte order mark, and a header (a
 * first line whose start field is a word rather than an address). Rows of AS
 * 0 or country "None" (iptoasn: not routed) carry no value and are skipped
 * too. The first bad line stops the load with "file:line: what is wrong".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format.h"
#include "names.h"

#define MAX_FIELDS 8

struct field {
	const char *text; /* NUL-terminated, in the reader's scratch buffer */
	size_t len;
};

struct text_reader {
	const char *name;
	struct eg_dataset *ds;
	struct eg_error *err;
	char delim; /* ',' or '\t', from the first line that is not a comment */
	unsigned line;
	int seen_content; /* a data line came before: no header any more */
	char *scratch;
	size_t scratch_cap;
	struct field fields[MAX_FIELDS];
	size_t n_fields; /* counted even beyond MAX_FIELDS, for the message */
	struct eg_name_table names;
	uint32_t last_named; /* the previous row's AS: rows of one AS come in runs */
};

/* Where a row's value and AS organisation are, by field count (-1: not in the row). */
struct row_layout {
	int value;
	int org;
};

__attribute__((format(printf, 2, 3))) static int line_error(struct text_reader *r, const char *fmt,
							    ...)
{
	char what[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return eg_fail(r->err, EINVAL, "%s:%u: %s", r->name, r->line, what);
}

/* ---- splitting a line into fields ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void add_field(struct text_reader *r, const char *start, char *end)
{
	/* Unquoted fields may carry spaces around them; addresses and numbers never do. */
	while (end > start && end[-1] == ' ')
		end--;
	*end = '\0';
	if (r->n_fields < MAX_FIELDS)
		r->fields[r->n_fields] = (struct field){start, (size_t)(end - start)};
	r->n_fields++;
}

/* A quoted CSV field starting after its opening quote; *pp ends after the closing one. */
static int copy_quoted(struct text_reader *r, const char **pp, const char *end, char **out)
{
	const char *p = *pp;

	for (;;) {
		if (p == end)
			return line_error(r, "unterminated quoted field");
		if (*p == '"') {
			if (p + 1 < end && p[1] == '"') {
				*(*out)++ = '"';
				p += 2;
				continue;
			}
			*pp = p + 1;
			return 0;
		}
		*(*out)++ = *p++;
	}
}

/*
 * Fields of p[0..len) into r->fields, copied into the scratch buffer (which
 * the caller sized to 2 * len + 2: every byte, and a NUL per field).
 */
static int split(struct text_reader *r, const char *p, size_t len)
{
	const char *end = p + len;
	char *out = r->scratch;

	r->n_fields = 0;
	for (;;) {
		char *start = out;

		while (p < end && *p == ' ')
			p++;
		if (r->delim == ',' && p < end && *p == '"') {
			p++;
			if (copy_quoted(r, &p, end, &out))
				return -1;
			while (p < end && *p == ' ')
				p++;
			if (p < end && *p != ',')
				return line_error(r, "text after the closing quote of field %zu",
						  r->n_fields + 1);
			/* Quoted text keeps its spaces: mark the end before add_field trims. */
			*out = '\0';
			if (r->n_fields < MAX_FIELDS)
				r->fields[r->n_fields] =
					(struct field){start, (size_t)(out - start)};
			r->n_fields++;
			out++;
		} else {
			while (p < end && *p != r->delim)
				*out++ = *p++;
			add_field(r, start, out);
			out++;
		}
		if (p == end)
			return 0;
		p++; /* the delimiter */
	}
}

/* ---- values ---- */

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A word, not a mistyped address: letters, and no '.' or ':'. */
static int looks_like_header(const char *s)
{
	int letters = 0;

	for (; *s; s++) {
		if (*s == '.' || *s == ':')
			return 0;
		if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')
			letters = 1;
	}
	return letters;
}

static int parse_addr(struct text_reader *r, const struct field *f, const char *which,
		      uint8_t addr[16], uint8_t *family)
{
	if (eg_addr_parse(f->text, addr, family) == 0)
		return 0;
	if (all_digits(f->text))
		return line_error(r,
				  "bad %s address \"%s\" (numeric addresses, as in the "
				  "*-num.csv files, are not supported)",
				  which, f->text);
	return line_error(r, "bad %s address \"%.80s\"", which, f->text);
}

static int parse_asn(struct text_reader *r, const struct field *f, uint32_t *asn)
{
	int rc = eg_asn_parse(f->text, f->len, asn);

	if (rc == -2)
		return line_error(r, "bad AS number \"%.80s\" (more than 32 bits)", f->text);
	if (rc)
		return line_error(r, "bad AS number \"%.80s\"", f->text);
	return 0;
}

static int parse_country(struct text_reader *r, const struct field *f, uint32_t *value)
{
	uint16_t cc;

	/* iptoasn writes "None" where no country is known (unrouted space). */
	if (r->delim == '\t' && strcmp(f->text, "None") == 0) {
		*value = 0;
		return 0;
	}
	if (eg_country_parse(f->text, f->len, &cc))
		return line_error(r, "bad country code \"%.80s\" (expected two letters)", f->text);
	*value = cc;
	return 0;
}

/* Which field holds what, or an error naming the layouts this kind accepts. */
static int layout(struct text_reader *r, struct row_layout *lay)
{
	size_t n = r->n_fields;
	int tsv = r->delim == '\t', asn = r->ds->kind == EG_DATA_ASN;

	lay->value = 2;
	lay->org = -1;
	if (asn && !tsv && (n == 3 || n == 4)) {
		lay->org = n == 4 ? 3 : -1;
		return 0;
	}
	if (asn && tsv && (n == 3 || n == 5)) {
		lay->org = n == 5 ? 4 : -1;
		return 0;
	}
	if (!asn && (n == 3 || (tsv && n == 5))) {
		lay->value = n == 5 ? 3 : 2;
		return 0;
	}
	if (asn)
		return line_error(
			r, "expected %s, found %zu field%s",
			tsv ? "3 or 5 tab-separated fields (start, end, asn[, country, "
			      "description])"
			    : "3 or 4 comma-separated fields (start,end,asn[,organisation])",
			n, n == 1 ? "" : "s");
	return line_error(r, "expected %s, found %zu field%s",
			  tsv ? "3 or 5 tab-separated fields (start, end, country, or start, end, "
				"asn, country, description)"
			      : "3 comma-separated fields (start,end,country_code)",
			  n, n == 1 ? "" : "s");
}

/* ---- rows ---- */

static int parse_range(struct text_reader *r, uint8_t first[16], uint8_t last[16])
{
	uint8_t first_family, last_family;

	if (parse_addr(r, &r->fields[0], "start", first, &first_family) ||
	    parse_addr(r, &r->fields[1], "end", last, &last_family))
		return -1;
	if (first_family != last_family)
		return line_error(r, "start %s and end %s are of different address families",
				  r->fields[0].text, r->fields[1].text);
	if (memcmp(last, first, 16) < 0)
		return line_error(r, "end %s before start %s", r->fields[1].text,
				  r->fields[0].text);
	return 0;
}

static int data_row(struct text_reader *r)
{
	struct row_layout lay;
	uint8_t first[16], last[16];
	uint32_t value = 0;
	int rc;

	if (layout(r, &lay) || parse_range(r, first, last))
		return -1;
	if (r->ds->kind == EG_DATA_ASN)
		rc = parse_asn(r, &r->fields[lay.value], &value);
	else
		rc = parse_country(r, &r->fields[lay.value], &value);
	if (rc)
		return -1;
	r->ds->n_records++;
	if (!value) { /* AS 0 or country "None": not routed, nothing to say */
		r->ds->n_skipped++;
		return 0;
	}
	if (eg_range_list_add(&r->ds->ranges, first, last, value))
		return eg_fail(r->err, ENOMEM, "%s:%u: out of memory", r->name, r->line);
	if (lay.org < 0 || value == r->last_named)
		return 0;
	r->last_named = value;
	if (eg_names_put(&r->names, value, r->fields[lay.org].text, r->fields[lay.org].len))
		return eg_fail(r->err, ENOMEM, "%s:%u: out of memory", r->name, r->line);
	return 0;
}

static int grow_scratch(struct text_reader *r, size_t len)
{
	size_t want = 2 * len + 2;
	char *bigger;

	if (want <= r->scratch_cap)
		return 0;
	bigger = realloc(r->scratch, want);
	if (!bigger)
		return eg_fail(r->err, ENOMEM, "%s:%u: out of memory", r->name, r->line);
	r->scratch = bigger;
	r->scratch_cap = want;
	return 0;
}

static int one_line(struct text_reader *r, const char *p, size_t len)
{
	size_t lead = 0;

	if (len && p[len - 1] == '\r')
		len--;
	while (lead < len && is_blank(p[lead]))
		lead++;
	if (lead == len || p[lead] == '#')
		return 0;
	if (!r->delim)
		r->delim = memchr(p, '\t', len) ? '\t' : ',';
	if (grow_scratch(r, len) || split(r, p, len))
		return -1;
	if (!r->seen_content) {
		r->seen_content = 1;
		if (r->n_fields >= 2 && looks_like_header(r->fields[0].text))
			return 0;
	}
	return data_row(r);
}

struct eg_text_stream {
	struct text_reader r;
	int started; /* past the byte order mark's place */
};

struct eg_text_stream *eg_text_stream_new(const char *name, struct eg_dataset *ds, size_t size_hint,
					  struct eg_error *err)
{
	struct eg_text_stream *s = calloc(1, sizeof(*s));

	if (!s) {
		eg_fail(err, ENOMEM, "%s: out of memory", name);
		return NULL;
	}
	s->r = (struct text_reader){.name = name, .ds = ds, .err = err};
	/* A row takes at least 8 bytes ("::,::,1\n"): room for all of them, never copied. */
	eg_range_list_reserve(&ds->ranges, size_hint / 8 + 1);
	return s;
}

long eg_text_stream_feed(struct eg_text_stream *s, const char *buf, size_t len, int at_end)
{
	const char *p = buf, *end = buf + len;

	if (!s->started && (len >= 3 || at_end)) {
		s->started = 1;
		if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte order mark */
			p += 3;
	}
	while (s->started && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t line_len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (!nl && !at_end)
			break; /* the rest of the line comes with the next bytes */
		s->r.line++;
		if (one_line(&s->r, p, line_len))
			return -1;
		p += line_len + 1;
	}
	return p > end ? (long)len : (long)(p - buf);
}

int eg_text_stream_end(struct eg_text_stream *s, int ok, const char **format)
{
	*format = s->r.delim == '\t' ? "tsv" : "csv";
	free(s->r.scratch);
	if (ok)
		eg_names_finish(&s->r.names, &s->r.ds->names, &s->r.ds->n_names);
	eg_names_free(&s->r.names);
	free(s);
	return ok ? 0 : -1;
}

static int text_read(const uint8_t *buf, size_t len, const char *name, struct eg_dataset *ds,
		     const char **format, struct eg_error *err)
{
	struct eg_text_stream *s = eg_text_stream_new(name, ds, len, err);

	if (!s)
		return -1;
	return eg_text_stream_end(s, eg_text_stream_feed(s, (const char *)buf, len, 1) >= 0,
				  format);
}

/* Text has no NUL byte. */
static int text_probe(const uint8_t *buf, size_t len, char *why, size_t why_len)
{
	const uint8_t *nul = memchr(buf, 0, len);

	if (!nul)
		return 1;
	snprintf(why, why_len, "binary data at byte %zu", (size_t)(nul - buf));
	return 0;
}

const struct eg_format eg_format_text = {
	.name = "csv", .kinds = EG_KINDS_ADDRESS, .probe = text_probe, .read = text_read};
