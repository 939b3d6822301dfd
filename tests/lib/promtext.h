/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests:
 * every line must be a HELP, TYPE or comment line or a sample; names, label
 * names and escapes as the format defines them; a TYPE at most once per
 * metric and before its samples; no series twice; the text ends in a newline.
 */
#ifndef EXFILGUARD_TESTS_PROMTEXT_H
#define EXFILGUARD_TESTS_PROMTEXT_H

#include <stddef.h>

struct prom_sample {
	char *name;
	char *labels; /* canonical: k="v",k2="v2" as written (unescaped values), "" for none */
	double value;
};

struct prom_set {
	struct prom_sample *s;
	size_t n;
};

/* 0, or -1 with why (naming the line) in err. */
int promtext_parse(const char *text, struct prom_set *set, char *err, size_t err_len);
void promtext_free(struct prom_set *set);
/* The value of name{labels} (labels as canonical text, "" for none); -1 when absent. */
double promtext_get(const struct prom_set *set, const char *name, const char *labels);
/* The sum of every series of name whose labels contain `part` ("" for all). */
double promtext_sum(const struct prom_set *set, const char *name, const char *part);

#endif
