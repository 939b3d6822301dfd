// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The provider catalog: a line-based text file (syntax at the top of
 * maps/providers.conf) naming each cloud provider, the country that controls
 * it, the ASNs it announces and the ranges it publishes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "catalog.h"
#include "datasrc.h"
#include "file.h"
#include "../maps/exfilguard.h"

#define CATALOG_MAX_BYTES (16u << 20)
#define NAME_MAX_LEN	  200

struct token {
	const char *text; /* NUL-terminated (quoted text unescaped) */
	size_t len;
	unsigned col; /* 1-based */
};

struct parser {
	const char *name;
	unsigned line;
	struct eg_error *err;
	struct eg_catalog *cat;
	struct token *tok;
	size_t n_tok, cap_tok;
	char *text; /* this line's token text */
	size_t cap_text;
};

/* Where each ASN was listed, to name both places when one is listed twice. */
struct asn_use {
	uint32_t asn;
	uint16_t provider;
	unsigned line;
};

__attribute__((format(printf, 3, 4))) static int fail_at(struct parser *p, unsigned col,
							 const char *fmt, ...)
{
	char what[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (col)
		return eg_fail(p->err, EINVAL, "%s:%u:%u: %s", p->name, p->line, col, what);
	return eg_fail(p->err, EINVAL, "%s:%u: %s", p->name, p->line, what);
}

static int oom(struct parser *p)
{
	return eg_fail(p->err, ENOMEM, "%s:%u: out of memory", p->name, p->line);
}

/* ---- tokens ---- */

static int push_token(struct parser *p, const char *text, size_t len, unsigned col)
{
	if (p->n_tok == p->cap_tok) {
		size_t cap = p->cap_tok ? p->cap_tok * 2 : 16;
		struct token *t = realloc(p->tok, cap * sizeof(*t));

		if (!t)
			return oom(p);
		p->tok = t;
		p->cap_tok = cap;
	}
	p->tok[p->n_tok++] = (struct token){text, len, col};
	return 0;
}

/* "text" with \" and \\ escapes; *i is at the opening quote, ends after the closing one. */
static int quoted(struct parser *p, const char *line, size_t len, size_t *i, char **out)
{
	unsigned col = (unsigned)*i + 1;

	for ((*i)++; *i < len; (*i)++) {
		char c = line[*i];

		if (c == '"') {
			(*i)++;
			if (*i < len && line[*i] != ' ' && line[*i] != '\t' && line[*i] != '#')
				return fail_at(p, (unsigned)*i + 1,
					       "text right after a closing quote");
			return 0;
		}
		if (c == '\\' && *i + 1 < len && (line[*i + 1] == '"' || line[*i + 1] == '\\'))
			c = line[++*i];
		*(*out)++ = c;
	}
	return fail_at(p, col, "unterminated quoted string");
}

/* Split a line into tokens: words and quoted strings, up to a # outside quotes. */
static int tokenize(struct parser *p, const char *line, size_t len)
{
	size_t i = 0;
	char *out;

	if (len + 1 > p->cap_text) {
		char *t = realloc(p->text, len + 1);

		if (!t)
			return oom(p);
		p->text = t;
		p->cap_text = len + 1;
	}
	out = p->text;
	p->n_tok = 0;
	while (i < len) {
		char *start = out;
		unsigned col = (unsigned)i + 1;

		if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
			i++;
			continue;
		}
		if (line[i] == '#')
			break;
		if (line[i] == '"') {
			if (quoted(p, line, len, &i, &out))
				return -1;
		} else {
			while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
			       line[i] != '#' && line[i] != '"')
				*out++ = line[i++];
			if (i < len && line[i] == '"')
				return fail_at(p, (unsigned)i + 1, "quote inside a word");
		}
		*out++ = '\0';
		if (push_token(p, start, (size_t)(out - start - 1), col))
			return -1;
	}
	return 0;
}

/* ---- statements ---- */

static struct eg_provider *current(struct parser *p)
{
	return p->cat->n_providers ? &p->cat->providers[p->cat->n_providers - 1] : NULL;
}

static int valid_id(const char *id, size_t len)
{
	if (len == 0 || len >= EG_PROVIDER_ID_MAX || id[0] == '-' || id[len - 1] == '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
		      id[i] == '-'))
			return 0;
	return 1;
}

static int need_args(struct parser *p, size_t min, size_t max, const char *usage)
{
	size_t args = p->n_tok - 1;

	if (args < min || args > max)
		return fail_at(p, p->tok[0].col, "expected \"%s\"", usage);
	return 0;
}

static int stmt_provider(struct parser *p)
{
	struct eg_catalog *cat = p->cat;
	const struct token *id;
	struct eg_provider *prov;

	if (need_args(p, 1, 1, "provider ID"))
		return -1;
	id = &p->tok[1];
	if (!valid_id(id->text, id->len))
		return fail_at(
			p, id->col,
			"bad provider id \"%.80s\": use 1-%d of a-z, 0-9 and -, not starting "
			"or ending with -",
			id->text, EG_PROVIDER_ID_MAX - 1);
	if (eg_catalog_find(cat, id->text))
		return fail_at(p, id->col, "provider \"%s\" is defined twice (first at line %u)",
			       id->text, eg_catalog_find(cat, id->text)->line);
	if (cat->n_providers >= UINT16_MAX)
		return fail_at(p, id->col, "too many providers (at most %u)", UINT16_MAX);
	prov = realloc(cat->providers, (cat->n_providers + 1) * sizeof(*prov));
	if (!prov)
		return oom(p);
	cat->providers = prov;
	prov = &cat->providers[cat->n_providers++];
	memset(prov, 0, sizeof(*prov));
	prov->index = (uint16_t)cat->n_providers;
	memcpy(prov->id, id->text, id->len + 1);
	prov->line = p->line;
	return 0;
}

static int stmt_name(struct parser *p, struct eg_provider *prov)
{
	const struct token *t;

	if (need_args(p, 1, 1, "name \"Display Name\""))
		return -1;
	t = &p->tok[1];
	if (prov->name)
		return fail_at(p, p->tok[0].col, "provider %s has two names", prov->id);
	if (t->len == 0 || t->len > NAME_MAX_LEN)
		return fail_at(p, t->col, "a name is 1-%d bytes", NAME_MAX_LEN);
	for (size_t i = 0; i < t->len; i++)
		if ((unsigned char)t->text[i] < 0x20 || t->text[i] == 0x7f)
			return fail_at(p, t->col, "control character in the name");
	prov->name = strdup(t->text);
	return prov->name ? 0 : oom(p);
}

static int stmt_jurisdiction(struct parser *p, struct eg_provider *prov)
{
	const struct token *t;
	uint16_t cc;

	if (need_args(p, 1, 1, "jurisdiction CC"))
		return -1;
	t = &p->tok[1];
	if (prov->jurisdiction)
		return fail_at(p, p->tok[0].col, "provider %s has two jurisdictions", prov->id);
	if (eg_country_parse(t->text, t->len, &cc))
		return fail_at(p, t->col,
			       "bad jurisdiction \"%.80s\": expected a two-letter "
			       "ISO 3166-1 country code",
			       t->text);
	prov->jurisdiction = cc;
	return 0;
}

static int parse_asn(const char *s, uint32_t *asn)
{
	uint64_t v = 0;

	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	if (!*s || strlen(s) > 10)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v == 0 || v > UINT32_MAX)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

static int stmt_asn(struct parser *p, struct eg_provider *prov)
{
	uint32_t *asns;

	if (need_args(p, 1, SIZE_MAX, "asn N [N...]"))
		return -1;
	asns = realloc(prov->asns, (prov->n_asns + p->n_tok - 1) * sizeof(*asns));
	if (!asns)
		return oom(p);
	prov->asns = asns;
	for (size_t i = 1; i < p->n_tok; i++) {
		if (parse_asn(p->tok[i].text, &asns[prov->n_asns]))
			return fail_at(
				p, p->tok[i].col,
				"bad AS number \"%.80s\": expected 1-4294967295, \"AS\" optional",
				p->tok[i].text);
		prov->n_asns++;
	}
	return 0;
}

static int stmt_cidr(struct parser *p, struct eg_provider *prov)
{
	struct eg_cidr *cidrs;

	if (need_args(p, 1, SIZE_MAX, "cidr PREFIX [PREFIX...]"))
		return -1;
	cidrs = realloc(prov->cidrs, (prov->n_cidrs + p->n_tok - 1) * sizeof(*cidrs));
	if (!cidrs)
		return oom(p);
	prov->cidrs = cidrs;
	for (size_t i = 1; i < p->n_tok; i++) {
		const char *why = "";

		if (eg_cidr_parse(p->tok[i].text, &cidrs[prov->n_cidrs], &why))
			return fail_at(p, p->tok[i].col, "bad cidr \"%.80s\": %s", p->tok[i].text,
				       why);
		prov->n_cidrs++;
	}
	return 0;
}

static int statement(struct parser *p)
{
	static const char *const in_provider[] = {"name", "jurisdiction", "asn", "cidr"};
	const char *kw = p->tok[0].text;
	struct eg_provider *prov = current(p);

	if (strcmp(kw, "provider") == 0)
		return stmt_provider(p);
	for (size_t i = 0; i < sizeof(in_provider) / sizeof(in_provider[0]); i++) {
		if (strcmp(kw, in_provider[i]) != 0)
			continue;
		if (!prov)
			return fail_at(p, p->tok[0].col,
				       "\"%s\" outside a provider: start one with \"provider ID\"",
				       kw);
		if (i == 0)
			return stmt_name(p, prov);
		if (i == 1)
			return stmt_jurisdiction(p, prov);
		return i == 2 ? stmt_asn(p, prov) : stmt_cidr(p, prov);
	}
	return fail_at(
		p, p->tok[0].col,
		"unknown keyword \"%.80s\": expected provider, name, jurisdiction, asn or cidr",
		kw);
}

/* ---- checks over the whole catalog ---- */

static int check_complete(struct parser *p)
{
	for (size_t i = 0; i < p->cat->n_providers; i++) {
		const struct eg_provider *prov = &p->cat->providers[i];
		const char *missing = NULL;

		if (!prov->name)
			missing = "a name line";
		else if (!prov->jurisdiction)
			missing = "a jurisdiction line";
		else if (!prov->n_asns && !prov->n_cidrs)
			missing = "an asn or cidr line";
		if (missing) {
			p->line = prov->line;
			return fail_at(p, 0, "provider %s lacks %s", prov->id, missing);
		}
	}
	return 0;
}

static int use_cmp(const void *pa, const void *pb)
{
	const struct asn_use *a = pa, *b = pb;

	if (a->asn != b->asn)
		return a->asn < b->asn ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int asn_uses(struct parser *p, struct asn_use **out, size_t *n_out)
{
	const struct eg_catalog *cat = p->cat;
	struct asn_use *uses;
	size_t n = 0;

	for (size_t i = 0; i < cat->n_providers; i++)
		n += cat->providers[i].n_asns;
	uses = calloc(n ? n : 1, sizeof(*uses));
	if (!uses)
		return oom(p);
	n = 0;
	for (size_t i = 0; i < cat->n_providers; i++)
		for (size_t j = 0; j < cat->providers[i].n_asns; j++)
			uses[n++] =
				(struct asn_use){cat->providers[i].asns[j], cat->providers[i].index,
						 cat->providers[i].line};
	qsort(uses, n, sizeof(*uses), use_cmp);
	*out = uses;
	*n_out = n;
	return 0;
}

/* The sorted ASN index; an ASN listed twice is an error naming both providers. */
static int build_asn_index(struct parser *p)
{
	struct eg_catalog *cat = p->cat;
	struct asn_use *uses = NULL;
	size_t n = 0;

	if (asn_uses(p, &uses, &n))
		return -1;
	cat->by_asn = calloc(n ? n : 1, sizeof(*cat->by_asn));
	if (!cat->by_asn) {
		free(uses);
		return oom(p);
	}
	for (size_t i = 0; i < n; i++) {
		if (i && uses[i].asn == uses[i - 1].asn) {
			const struct eg_provider *a = &cat->providers[uses[i - 1].provider - 1];
			const struct eg_provider *b = &cat->providers[uses[i].provider - 1];
			uint32_t asn = uses[i].asn;

			p->line = b->line;
			free(uses);
			if (a == b)
				return fail_at(p, 0, "provider %s lists AS%u twice", a->id, asn);
			return fail_at(p, 0, "AS%u of provider %s is also listed by %s (line %u)",
				       asn, b->id, a->id, a->line);
		}
		cat->by_asn[i] = (struct eg_catalog_asn){uses[i].asn, uses[i].provider};
	}
	cat->n_by_asn = n;
	free(uses);
	return 0;
}

/* Two providers may not claim overlapping ranges: which one would the address belong to? */
static int check_cidr_overlaps(struct parser *p)
{
	const struct eg_catalog *cat = p->cat;

	for (size_t a = 0; a < cat->n_providers; a++)
		for (size_t b = a + 1; b < cat->n_providers; b++)
			for (size_t i = 0; i < cat->providers[a].n_cidrs; i++)
				for (size_t j = 0; j < cat->providers[b].n_cidrs; j++) {
					const struct eg_cidr *x = &cat->providers[a].cidrs[i];
					const struct eg_cidr *y = &cat->providers[b].cidrs[j];
					char tx[EG_ADDR_STRLEN], ty[EG_ADDR_STRLEN];

					if (!eg_cidr_contains(x, y->addr) &&
					    !eg_cidr_contains(y, x->addr))
						continue;
					eg_cidr_format(x, tx, sizeof(tx));
					eg_cidr_format(y, ty, sizeof(ty));
					p->line = cat->providers[b].line;
					return fail_at(
						p, 0,
						"%s of provider %s overlaps %s of %s (line %u)", ty,
						cat->providers[b].id, tx, cat->providers[a].id,
						cat->providers[a].line);
				}
	return 0;
}

/* ---- entry points ---- */

static int parse_lines(struct parser *p, const char *buf, size_t len)
{
	const char *pos = buf, *end = buf + len;

	while (pos < end) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t line_len = nl ? (size_t)(nl - pos) : (size_t)(end - pos);

		p->line++;
		if (memchr(pos, '\0', line_len))
			return fail_at(p, 0, "NUL byte: not a text file");
		if (tokenize(p, pos, line_len) || (p->n_tok && statement(p)))
			return -1;
		pos += line_len + 1;
	}
	return 0;
}

int eg_catalog_parse(const char *buf, size_t len, const char *name, struct eg_catalog *cat,
		     struct eg_error *err)
{
	struct parser p = {.name = name, .err = err, .cat = cat};
	int rc;

	memset(cat, 0, sizeof(*cat));
	rc = parse_lines(&p, buf, len);
	free(p.tok);
	free(p.text);
	if (rc == 0 && !cat->n_providers)
		rc = eg_fail(err, EINVAL, "%s: no providers defined", name);
	if (rc == 0)
		rc = check_complete(&p) || build_asn_index(&p) || check_cidr_overlaps(&p) ? -1 : 0;
	if (rc == 0) {
		cat->path = strdup(name);
		if (!cat->path)
			rc = eg_fail(err, ENOMEM, "%s: out of memory", name);
	}
	if (rc)
		eg_catalog_free(cat);
	return rc;
}

int eg_catalog_load(const char *path, struct eg_catalog *cat, struct eg_error *err)
{
	const struct eg_file_rules rules = {
		.max_bytes = CATALOG_MAX_BYTES, .what = "a catalog", .regular_only = 1};
	struct eg_file file;
	int rc;

	memset(cat, 0, sizeof(*cat));
	if (eg_file_read(path, &rules, &file, err))
		return -1;
	rc = eg_catalog_parse(file.data, file.len, path, cat, err);
	free(file.data);
	return rc;
}

void eg_catalog_free(struct eg_catalog *cat)
{
	for (size_t i = 0; i < cat->n_providers; i++) {
		free(cat->providers[i].name);
		free(cat->providers[i].asns);
		free(cat->providers[i].cidrs);
	}
	free(cat->providers);
	free(cat->by_asn);
	free(cat->path);
	memset(cat, 0, sizeof(*cat));
}

const struct eg_provider *eg_catalog_find(const struct eg_catalog *cat, const char *id)
{
	if (!cat || !id)
		return NULL;
	for (size_t i = 0; i < cat->n_providers; i++)
		if (strcmp(cat->providers[i].id, id) == 0)
			return &cat->providers[i];
	return NULL;
}

static int index_cmp(const void *pa, const void *pb)
{
	const struct eg_catalog_asn *a = pa, *b = pb;

	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

const struct eg_provider *eg_catalog_by_asn(const struct eg_catalog *cat, uint32_t asn)
{
	struct eg_catalog_asn key = {.asn = asn};
	const struct eg_catalog_asn *hit;

	if (!cat || !cat->n_by_asn)
		return NULL;
	hit = bsearch(&key, cat->by_asn, cat->n_by_asn, sizeof(key), index_cmp);
	return hit ? eg_catalog_get(cat, hit->provider) : NULL;
}

const struct eg_provider *eg_catalog_get(const struct eg_catalog *cat, uint16_t index)
{
	if (!cat || index == 0 || index > cat->n_providers)
		return NULL;
	return &cat->providers[index - 1];
}
