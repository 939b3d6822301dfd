// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "suggest.h"

#define SUGGEST_MAX_LEN 64

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Optimal string alignment distance: Levenshtein plus a swap of two neighbours. */
size_t eg_edit_distance(const char *a, const char *b)
{
	size_t la = strnlen(a, SUGGEST_MAX_LEN), lb = strnlen(b, SUGGEST_MAX_LEN), i, j;
	size_t d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];

	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

/* A word that starts another ("alibaba" of "alibaba-cloud") is near it too. */
static size_t nearness(const char *word, const char *known)
{
	size_t lw = strlen(word);

	if (lw >= 3 && strncasecmp(word, known, lw) == 0)
		return 1;
	return eg_edit_distance(word, known);
}

const char *eg_suggest(const char *word, const void *words, size_t n, size_t stride)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i;

	for (i = 0; i < n; i++) {
		const char *known = *(const char *const *)((const char *)words + i * stride);
		size_t len, dist;

		if (!known)
			continue;
		len = strlen(known) > strlen(word) ? strlen(known) : strlen(word);
		dist = nearness(word, known);
		if (dist <= (len / 3 ? len / 3 : 1) && dist < best_d) {
			best = known;
			best_d = dist;
		}
	}
	return best;
}

const char *eg_suggest_hint(const char *suggestion, char *buf, size_t len)
{
	if (!suggestion)
		return "";
	snprintf(buf, len, " (did you mean '%s'?)", suggestion);
	return buf;
}
