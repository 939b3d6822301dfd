// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "promtext.h"

#define MAX_TYPED 512

struct parser {
	const char *line;
	size_t no;
	char *err;
	size_t err_len;
	char *typed[MAX_TYPED]; /* metrics with a TYPE line */
	size_t n_typed;
};

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->err_len, "line %zu: ", p->no);

	va_start(ap, fmt);
	vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static size_t name_len(const char *s, int colons)
{
	size_t n = 0;

	if (!(isalpha((unsigned char)s[0]) || s[0] == '_' || (colons && s[0] == ':')))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_' || (colons && s[n] == ':'))
		n++;
	return n;
}

static int parse_value(const char *s, double *v)
{
	char *end;

	if (!strcmp(s, "+Inf") || !strcmp(s, "-Inf") || !strcmp(s, "NaN")) {
		*v = s[0] == 'N' ? NAN : s[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	*v = strtod(s, &end);
	return end != s && (*end == '\0' || *end == ' ') ? 0 : -1;
}

/* {k="v",...} into out (canonical), advancing *s past it. */
static int parse_labels(struct parser *p, const char **s, char *out, size_t len)
{
	const char *at = *s + 1;
	size_t o = 0;

	while (*at != '}') {
		size_t n = name_len(at, 0);

		if (!n || at[n] != '=' || at[n + 1] != '"')
			return fail(p, "bad label name or missing =\"");
		o += (size_t)snprintf(out + o, len - o, "%s%.*s=\"", o ? "," : "", (int)n, at);
		for (at += n + 2; *at != '"'; at++) {
			char c = *at;

			if (!c || c == '\n')
				return fail(p, "unterminated label value");
			if (c == '\\') {
				c = *++at;
				if (c != '\\' && c != '"' && c != 'n')
					return fail(p, "bad escape \\%c in a label value", c);
				c = c == 'n' ? '\n' : c;
			}
			if (o + 2 < len)
				out[o++] = c;
		}
		o += (size_t)snprintf(out + o, len - o, "\"");
		at++;
		if (*at == ',')
			at++;
		else if (*at != '}')
			return fail(p, "expected , or } after a label");
	}
	out[o < len ? o : len - 1] = '\0';
	*s = at + 1;
	return 0;
}

static int is_typed(const struct parser *p, const char *name, size_t n)
{
	for (size_t i = 0; i < p->n_typed; i++)
		if (strlen(p->typed[i]) == n && !strncmp(p->typed[i], name, n))
			return 1;
	return 0;
}

static int parse_comment(struct parser *p, const struct prom_set *set, const char *l)
{
	static const char *const types[] = {"counter", "gauge", "histogram", "summary", "untyped"};
	size_t n;
	int known = 0;

	if (strncmp(l, "# TYPE ", 7))
		return strncmp(l, "# HELP ", 7) || name_len(l + 7, 1) ? 0 : fail(p, "bad HELP");
	n = name_len(l + 7, 1);
	if (!n || l[7 + n] != ' ')
		return fail(p, "bad TYPE line");
	for (size_t i = 0; i < 5; i++)
		known |= !strcmp(l + 8 + n, types[i]);
	if (!known)
		return fail(p, "unknown type '%s'", l + 8 + n);
	if (is_typed(p, l + 7, n) || p->n_typed == MAX_TYPED)
		return fail(p, "a second TYPE for %.*s", (int)n, l + 7);
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->s[i].name) == n && !strncmp(set->s[i].name, l + 7, n))
			return fail(p, "TYPE of %.*s after its samples", (int)n, l + 7);
	p->typed[p->n_typed++] = strndup(l + 7, n);
	return 0;
}

static int parse_sample(struct parser *p, struct prom_set *set, const char *l)
{
	size_t n = name_len(l, 1);
	char labels[4096] = "";
	const char *at = l + n;
	double v;

	if (!n)
		return fail(p, "not a sample: %.60s", l);
	if (*at == '{' && parse_labels(p, &at, labels, sizeof(labels)))
		return -1;
	if (*at != ' ' || parse_value(at + 1, &v))
		return fail(p, "bad value in: %.80s", l);
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->s[i].name) == n && !strncmp(set->s[i].name, l, n) &&
		    !strcmp(set->s[i].labels, labels))
			return fail(p, "series given twice: %.80s", l);
	set->s = realloc(set->s, (set->n + 1) * sizeof(*set->s));
	set->s[set->n++] = (struct prom_sample){strndup(l, n), strdup(labels), v};
	return 0;
}

int promtext_parse(const char *text, struct prom_set *set, char *err, size_t err_len)
{
	struct parser p = {.err = err, .err_len = err_len};
	const char *line = text, *nl;
	int rc = 0;

	memset(set, 0, sizeof(*set));
	if (!text[0] || text[strlen(text) - 1] != '\n')
		rc = fail(&p, "the text must end in a newline");
	for (; !rc && (nl = strchr(line, '\n')); line = nl + 1) {
		char *l = strndup(line, (size_t)(nl - line));

		p.no++;
		rc = !l[0] ? 0 : l[0] == '#' ? parse_comment(&p, set, l) : parse_sample(&p, set, l);
		free(l);
	}
	for (size_t i = 0; i < p.n_typed; i++)
		free(p.typed[i]);
	return rc;
}

void promtext_free(struct prom_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->s[i].name);
		free(set->s[i].labels);
	}
	free(set->s);
	memset(set, 0, sizeof(*set));
}

double promtext_get(const struct prom_set *set, const char *name, const char *labels)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->s[i].name, name) && !strcmp(set->s[i].labels, labels))
			return set->s[i].value;
	return -1;
}

double promtext_sum(const struct prom_set *set, const char *name, const char *part)
{
	double sum = 0;

	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->s[i].name, name) && strstr(set->s[i].labels, part))
			sum += set->s[i].value;
	return sum;
}
