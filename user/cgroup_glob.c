// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Shell-style globs on whole cgroup paths, for policy scopes (the syntax is
 * at eg_cgroup_glob_match in container.h): tokens, then a matcher linear in
 * the path.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include "container.h"

enum glob_kind {
	G_LIT,	    /* one given character */
	G_ANY,	    /* '?' */
	G_CLASS,    /* "[...]" */
	G_STAR,	    /* '*': a run without '/' */
	G_GLOBSTAR, /* '**': any run */
	G_DIRS,	    /* '**' + '/' after a '/' or at the start: "" or any run ending in '/' */
	G_TAIL,	    /* '/' + '**' ending the pattern: "" or '/' and any run */
};

struct glob_tok {
	enum glob_kind kind;
	const char *at; /* G_LIT: the character; G_CLASS: its '[' */
	size_t len;	/* G_CLASS: length including the brackets */
};

/* Length of the bracket expression at p (p[0] == '['), or 0 if it never closes. */
static size_t class_len(const char *p)
{
	size_t i = 1;

	if (p[i] == '!' || p[i] == '^')
		i++;
	if (p[i] == ']') /* a ']' first is a member, not the end */
		i++;
	while (p[i] && p[i] != ']')
		i++;
	return p[i] == ']' ? i + 1 : 0;
}

static bool class_has(const char *p, size_t len, char ch)
{
	size_t i = 1, end = len - 1;
	bool negate = p[1] == '!' || p[1] == '^', found = false;

	if (ch == '/') /* like '?' and '*', a class stays within one component */
		return false;
	if (negate)
		i++;
	for (; i < end; i++) {
		if (i + 2 < end && p[i + 1] == '-') {
			found |= (unsigned char)ch >= (unsigned char)p[i] &&
				 (unsigned char)ch <= (unsigned char)p[i + 2];
			i += 2;
		} else {
			found |= p[i] == ch;
		}
	}
	return found != negate;
}

/* Read the token at p (pattern starts at pat); returns how many pattern chars it spans. */
static size_t glob_token(const char *pat, const char *p, struct glob_tok *t)
{
	size_t stars = 0;

	t->at = p;
	t->kind = G_LIT;
	if (p[0] == '/' && p[1] == '*' && p[2] == '*' && p[3] == '\0') {
		t->kind = G_TAIL;
		return 3;
	}
	while (p[stars] == '*')
		stars++;
	if (stars >= 2) {
		bool own_component = p == pat || p[-1] == '/';

		t->kind = own_component && p[stars] == '/' ? G_DIRS : G_GLOBSTAR;
		return t->kind == G_DIRS ? stars + 1 : stars;
	}
	if (stars == 1 || p[0] == '?') {
		t->kind = stars ? G_STAR : G_ANY;
		return 1;
	}
	if (p[0] == '[' && (t->len = class_len(p)) > 0) {
		t->kind = G_CLASS;
		return t->len;
	}
	if (p[0] == '\\' && p[1]) {
		t->at = p + 1;
		return 2;
	}
	return 1;
}

/*
 * One step of the matcher: reach[i] says the tokens so far can match the
 * first i characters of path; fill next[] for one more token. A table over
 * (token, position) keeps any pattern linear in the path, where
 * backtracking can go exponential on patterns like "*a*a*a*b".
 */
static bool glob_step(const struct glob_tok *t, const char *path, size_t n,
		      const unsigned char *reach, unsigned char *next)
{
	bool any = false, seen = false;

	for (size_t i = 0; i <= n; i++) {
		bool took = i > 0 && reach[i - 1]; /* could this token consume path[i - 1]? */
		char ch = i > 0 ? path[i - 1] : '\0';
		bool v = false;

		switch (t->kind) {
		case G_LIT:
			v = took && ch == *t->at;
			break;
		case G_ANY:
			v = took && ch != '/';
			break;
		case G_CLASS:
			v = took && class_has(t->at, t->len, ch);
			break;
		case G_STAR:
			v = reach[i] || (i > 0 && next[i - 1] && ch != '/');
			break;
		case G_GLOBSTAR:
			v = reach[i] || (i > 0 && next[i - 1]);
			break;
		case G_DIRS: /* seen: some reach[j], j < i */
			v = reach[i] || (ch == '/' && seen);
			seen = seen || reach[i];
			break;
		case G_TAIL: /* seen: some reach[j] followed by '/', j < i */
			seen = seen || (took && ch == '/');
			v = reach[i] || seen;
			break;
		}
		next[i] = v;
		any = any || v;
	}
	return any;
}

int eg_cgroup_glob_match(const char *pattern, const char *path)
{
	unsigned char a[PATH_MAX + 1], b[PATH_MAX + 1], *reach = a, *next = b, *swap;
	struct glob_tok t;
	size_t n, span;

	if (!pattern || !path)
		return 0;
	n = strlen(path);
	if (n > PATH_MAX)
		return 0;
	memset(reach, 0, n + 1);
	reach[0] = 1;
	for (const char *p = pattern; *p; p += span) {
		span = glob_token(pattern, p, &t);
		if (!glob_step(&t, path, n, reach, next))
			return 0;
		swap = reach;
		reach = next;
		next = swap;
	}
	return reach[n];
}
