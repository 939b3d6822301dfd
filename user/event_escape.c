// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "event_escape.h"

size_t eg_utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0; /* a continuation byte, an overlong 2-byte lead (c0, c1), or f5-ff */
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int eg_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	while (i < n) {
		len = eg_utf8_seq_len(p + i, n - i);
		if (!len)
			return 0;
		i += len;
	}
	return 1;
}

char *eg_utf8_escape(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc(n * 4 + 1), *o = out; /* "\xHH" is the longest form of a byte */
	size_t i = 0, len;

	if (!out)
		return NULL;
	while (i < n) {
		len = eg_utf8_seq_len(p + i, n - i);
		if (!len) {
			o += sprintf(o, "\\x%02x", p[i++]);
		} else if (p[i] == '\\') {
			*o++ = '\\';
			*o++ = p[i++];
		} else {
			memcpy(o, p + i, len);
			o += len;
			i += len;
		}
	}
	*o = '\0';
	return out;
}

void eg_text_put(FILE *f, const char *s, int space_too)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (*p == ' ' && space_too))
			fprintf(f, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(f, "\\u%04x", *++p);
		else
			fputc(*p, f);
	}
}
