/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Values the policy and the provider catalog both read from YAML: a word
 * from a closed set, one line of printable text, a list of strings, a list
 * of CIDRs. Errors are "file:line:column: what is wrong", as in yaml_doc.h.
 */
#ifndef EXFILGUARD_YAML_VALUES_H
#define EXFILGUARD_YAML_VALUES_H

#include <stddef.h>
#include "addr.h"
#include "yaml_doc.h"

/*
 * A word from a closed set: from_name gives its number (< 0: none of them);
 * expected lists the set for messages ("allow, deny or audit").
 */
int eg_yaml_choice(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, const char *expected,
		   int (*from_name)(const char *name), int *choice);

/* One line of printable text of at most max bytes, copied to *out; what: as for eg_yaml_word. */
int eg_yaml_line(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, const char *what,
		 size_t max, char **out);

/*
 * One string or a list of them (of item no of the file's units), copied to
 * *v; *n counts those copied, so that a half-read list is freed. valid, when
 * given, refuses an item as "bad <what> <item>".
 */
int eg_yaml_strings(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, size_t no,
		    int (*valid)(const char *text), const char *what, char ***v, size_t *n);

/* The CIDRs of a list from eg_yaml_list_get, into a new array *cidrs of list->n. */
int eg_yaml_cidrs(struct eg_yaml *y, const struct eg_yaml_list *list, struct eg_cidr **cidrs,
		  size_t *n);

#endif
