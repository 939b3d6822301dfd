/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* "Did you mean": the closest of a list of known words to a word that is not one of them. */
#ifndef EXFILGUARD_SUGGEST_H
#define EXFILGUARD_SUGGEST_H

#include <stddef.h>

/* Edit distance (insert, delete, substitute, swap of neighbours), case-insensitive. */
size_t eg_edit_distance(const char *a, const char *b);

/*
 * The word of words[0..n) nearest to word, or NULL when none is near enough
 * to be a likely typo (a third of the longer word's letters, at least one).
 * `stride` is the distance in bytes between consecutive `const char *`
 * members, so a table of structs can be searched by its name field.
 */
const char *eg_suggest(const char *word, const void *words, size_t n, size_t stride);

/*
 * " (did you mean 'X'?)" into buf when a suggestion exists, else "": to
 * append to an error message.
 */
const char *eg_suggest_hint(const char *suggestion, char *buf, size_t len);

#endif
