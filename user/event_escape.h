/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Keeping attacker-chosen bytes (a process name, a cgroup name) from
 * corrupting the event log: JSON lines must stay valid UTF-8, text lines
 * must stay one line that a terminal shows as written.
 */
#ifndef EXFILGUARD_EVENT_ESCAPE_H
#define EXFILGUARD_EVENT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/*
 * The length (1-4) of the well-formed UTF-8 sequence at s (n bytes left), or
 * 0 when none starts there: RFC 3629, so overlong forms, surrogates, code
 * points past U+10FFFF and stray continuation bytes are all ill-formed.
 */
size_t eg_utf8_seq_len(const unsigned char *s, size_t n);

/* Is s (n bytes) well-formed UTF-8 throughout? */
int eg_utf8_valid(const char *s, size_t n);

/*
 * A copy of s (n bytes, ill-formed UTF-8) in which every byte outside a
 * well-formed sequence is written "\xHH" and every backslash "\\", so the
 * original bytes can be read back without ambiguity. Allocated; NULL when
 * out of memory.
 */
char *eg_utf8_escape(const char *s, size_t n);

/*
 * Write s for a text line: C0 controls, DEL and C1 controls (U+0080-U+009F)
 * become "\xHH" (C1: "\u00HH"), and so does a space when space_too is set
 * (a field an attacker names, which must not look like two fields).
 */
void eg_text_put(FILE *f, const char *s, int space_too);

#endif
