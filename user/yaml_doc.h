/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * YAML files read with libyaml's document API, shared by the policy and the
 * provider catalog: one document loaded from memory, mappings walked with a
 * table of keys (one handler a key), scalars and lists of scalars checked,
 * and every error "file:line:column: what is wrong".
 */
#ifndef EXFILGUARD_YAML_DOC_H
#define EXFILGUARD_YAML_DOC_H

#include <stddef.h>
#include <yaml.h>
#include "error.h"

#define EG_YAML_SHOW_MAX 64			 /* longest user text quoted in a message */
#define EG_YAML_SHOWN	 (EG_YAML_SHOW_MAX + 16) /* size of a buffer for eg_yaml_show() */
#define EG_YAML_MAX_KEYS 12			 /* the most keys a mapping table may have */

/* One file being read. Callers may embed it in a larger context. */
struct eg_yaml {
	const char *name; /* file name for messages */
	const char *buf;  /* the input, to place reader errors */
	size_t len;
	const char *file_kind; /* "policy", "catalog": what one document is */
	const char *unit;      /* "rule", "provider": what numbered items are, in messages */
	yaml_document_t *doc;  /* while the document is walked */
	struct eg_error *err;
};

/* One key of a mapping and what to do with its value. Tables of larger rows
 * start each row with this struct and pass their row size as stride. */
struct eg_yaml_key {
	const char *key;
	int (*parse)(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, void *target,
		     size_t no);
	int group; /* rows a caller names apart, e.g. a rule's selectors */
};

/* A value that is one scalar or a non-empty sequence of scalars. */
struct eg_yaml_list {
	yaml_node_t *single;
	yaml_node_item_t *items;
	size_t n;
};

__attribute__((format(printf, 3, 4))) int eg_yaml_fail(const struct eg_yaml *y, yaml_mark_t mark,
						       const char *fmt, ...);
int eg_yaml_oom(const struct eg_yaml *y);

/* User text for a message: quoted, escaped, cut short when long. */
const char *eg_yaml_show(const char *text, size_t len, char out[EG_YAML_SHOWN]);
const char *eg_yaml_show_scalar(const yaml_node_t *node, char out[EG_YAML_SHOWN]);
int eg_yaml_is_null(const yaml_node_t *node);
/* "a sequence", "nothing", ... for "got %s". */
const char *eg_yaml_kind(const yaml_node_t *node);
/* Where to point for a bad value: an empty value's own position is past the line's end. */
yaml_mark_t eg_yaml_value_mark(const yaml_node_t *key, const yaml_node_t *value);
yaml_node_t *eg_yaml_node(const struct eg_yaml *y, yaml_node_item_t item);

/* A scalar's text, refused when it hides a NUL; key: whose value it is, NULL for a key. */
int eg_yaml_text(struct eg_yaml *y, yaml_node_t *node, const char *key, const char **text);
/* A one-word value such as a mode: a non-empty scalar. */
int eg_yaml_word(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, const char *expected,
		 const char **text);
/* One scalar or a non-empty sequence of scalars, for item no of the file's units. */
int eg_yaml_list_get(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, size_t no,
		     struct eg_yaml_list *list);
yaml_node_t *eg_yaml_list_at(const struct eg_yaml *y, const struct eg_yaml_list *list, size_t i);
/* A sequence (or nothing: n = 0), at most max items. */
int eg_yaml_sequence(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, size_t max,
		     yaml_node_item_t **items, size_t *n);

/* "a, b, c" of a table's keys (only rows of group if group is nonzero). */
const char *eg_yaml_key_list(const struct eg_yaml_key *table, size_t n, size_t stride, int group,
			     char *out, size_t len);
/*
 * Walk a mapping, handing each key to its row of table. seen[i] is the key
 * node of row i once met, so a duplicate names the first occurrence.
 */
int eg_yaml_walk(struct eg_yaml *y, yaml_node_t *map, const struct eg_yaml_key *table, size_t n,
		 size_t stride, const char *where, void *target, size_t no,
		 yaml_node_t *seen[EG_YAML_MAX_KEYS]);
#define EG_YAML_WALK(y, map, table, where, target, no, seen)                                       \
	eg_yaml_walk((y), (map), (const struct eg_yaml_key *)(const void *)(table),                \
		     sizeof(table) / sizeof((table)[0]), sizeof((table)[0]), (where), (target),    \
		     (no), (seen))

/*
 * Load the one document of y->buf and hand its root (NULL when empty) to
 * top. A second document is an error.
 */
int eg_yaml_parse(struct eg_yaml *y, int (*top)(struct eg_yaml *y, yaml_node_t *root, void *arg),
		  void *arg);

#endif
