// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The YAML machinery of the policy and the provider catalog: libyaml's
 * document API, with every error placed at a line and column.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "yaml_doc.h"

int eg_yaml_fail(const struct eg_yaml *y, yaml_mark_t mark, const char *fmt, ...)
{
	char what[sizeof(y->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return eg_fail(y->err, EINVAL, "%s:%zu:%zu: %s", y->name, mark.line + 1, mark.column + 1,
		       what);
}

int eg_yaml_oom(const struct eg_yaml *y)
{
	return eg_fail(y->err, ENOMEM, "%s: out of memory", y->name);
}

/* ---- messages ---- */

const char *eg_yaml_show(const char *text, size_t len, char out[EG_YAML_SHOWN])
{
	size_t o = 0;

	out[o++] = '"';
	for (size_t i = 0; i < len && o < EG_YAML_SHOW_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '"' || c == '\\')
			o += sprintf(out + o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			o += sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = (char)c;
		if (o >= EG_YAML_SHOW_MAX && i + 1 < len) {
			o += sprintf(out + o, "...");
			break;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

const char *eg_yaml_show_scalar(const yaml_node_t *node, char out[EG_YAML_SHOWN])
{
	return eg_yaml_show((const char *)node->data.scalar.value, node->data.scalar.length, out);
}

int eg_yaml_is_null(const yaml_node_t *node)
{
	const char *v = (const char *)node->data.scalar.value;

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

const char *eg_yaml_kind(const yaml_node_t *node)
{
	if (!node)
		return "nothing";
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return eg_yaml_is_null(node) ? "nothing" : "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

yaml_mark_t eg_yaml_value_mark(const yaml_node_t *key, const yaml_node_t *value)
{
	return value->type == YAML_SCALAR_NODE ? key->start_mark : value->start_mark;
}

yaml_node_t *eg_yaml_node(const struct eg_yaml *y, yaml_node_item_t item)
{
	return yaml_document_get_node(y->doc, item);
}

static const struct eg_yaml_key *row(const struct eg_yaml_key *table, size_t stride, size_t i)
{
	return (const struct eg_yaml_key *)(const void *)((const char *)table + i * stride);
}

const char *eg_yaml_key_list(const struct eg_yaml_key *table, size_t n, size_t stride, int group,
			     char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (group && row(table, stride, i)->group != group)
			continue;
		o += snprintf(out + o, o < len ? len - o : 0, "%s%s", o ? ", " : "",
			      row(table, stride, i)->key);
	}
	return out;
}

/* ---- scalars ---- */

int eg_yaml_text(struct eg_yaml *y, yaml_node_t *node, const char *key, const char **text)
{
	const char *v = (const char *)node->data.scalar.value;

	if (strlen(v) != node->data.scalar.length)
		return eg_yaml_fail(y, node->start_mark, "%s%s%s contains a NUL character",
				    key ? "\"" : "a key", key ? key : "", key ? "\"" : "");
	*text = v;
	return 0;
}

int eg_yaml_word(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, const char *expected,
		 const char **text)
{
	const char *k = (const char *)key->data.scalar.value;

	if (value->type != YAML_SCALAR_NODE || eg_yaml_is_null(value))
		return eg_yaml_fail(y, eg_yaml_value_mark(key, value),
				    "\"%s\" must be a scalar (%s), got %s", k, expected,
				    eg_yaml_kind(value));
	return eg_yaml_text(y, value, k, text);
}

yaml_node_t *eg_yaml_list_at(const struct eg_yaml *y, const struct eg_yaml_list *list, size_t i)
{
	return list->single ? list->single : eg_yaml_node(y, list->items[i]);
}

int eg_yaml_list_get(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, size_t no,
		     struct eg_yaml_list *list)
{
	const char *k = (const char *)key->data.scalar.value, *text;

	memset(list, 0, sizeof(*list));
	if (value->type == YAML_SCALAR_NODE && !eg_yaml_is_null(value)) {
		list->single = value;
		list->n = 1;
	} else if (value->type == YAML_SEQUENCE_NODE) {
		list->items = value->data.sequence.items.start;
		list->n = value->data.sequence.items.top - value->data.sequence.items.start;
	}
	if (!list->n)
		return eg_yaml_fail(y, eg_yaml_value_mark(key, value),
				    "\"%s\" of %s %zu is empty (expected one value or a list)", k,
				    y->unit, no);
	for (size_t i = 0; i < list->n; i++) {
		yaml_node_t *item = eg_yaml_list_at(y, list, i);

		if (item->type != YAML_SCALAR_NODE || eg_yaml_is_null(item))
			return eg_yaml_fail(y, item->start_mark,
					    "item %zu of \"%s\" in %s %zu must be a scalar, got %s",
					    i + 1, k, y->unit, no, eg_yaml_kind(item));
		if (eg_yaml_text(y, item, k, &text))
			return -1;
	}
	return 0;
}

int eg_yaml_sequence(struct eg_yaml *y, yaml_node_t *key, yaml_node_t *value, size_t max,
		     yaml_node_item_t **items, size_t *n)
{
	const char *k = (const char *)key->data.scalar.value;

	*items = NULL;
	*n = 0;
	if (eg_yaml_is_null(value)) /* "key:" with nothing after it */
		return 0;
	if (value->type != YAML_SEQUENCE_NODE)
		return eg_yaml_fail(y, eg_yaml_value_mark(key, value),
				    "\"%s\" must be a sequence, got %s", k, eg_yaml_kind(value));
	*items = value->data.sequence.items.start;
	*n = value->data.sequence.items.top - *items;
	if (*n > max)
		return eg_yaml_fail(y, value->start_mark, "\"%s\" has %zu items; at most %zu", k,
				    *n, max);
	return 0;
}

/* ---- mappings ---- */

int eg_yaml_walk(struct eg_yaml *y, yaml_node_t *map, const struct eg_yaml_key *table, size_t n,
		 size_t stride, const char *where, void *target, size_t no,
		 yaml_node_t *seen[EG_YAML_MAX_KEYS])
{
	char shown[EG_YAML_SHOWN], expected[160];

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = eg_yaml_node(y, p->key);
		const char *text = NULL;
		size_t i;

		if (key->type != YAML_SCALAR_NODE || eg_yaml_is_null(key))
			return eg_yaml_fail(y, key->start_mark, "keys %s must be words, got %s",
					    where, eg_yaml_kind(key));
		if (eg_yaml_text(y, key, NULL, &text))
			return -1;
		for (i = 0; i < n && strcmp(row(table, stride, i)->key, text) != 0; i++)
			;
		if (i == n)
			return eg_yaml_fail(
				y, key->start_mark, "unknown key %s %s (expected %s)",
				eg_yaml_show_scalar(key, shown), where,
				eg_yaml_key_list(table, n, stride, 0, expected, sizeof(expected)));
		if (seen[i])
			return eg_yaml_fail(
				y, key->start_mark,
				"duplicate key \"%s\" %s (first at line %zu, column %zu)", text,
				where, seen[i]->start_mark.line + 1,
				seen[i]->start_mark.column + 1);
		seen[i] = key;
		if (row(table, stride, i)->parse(y, key, eg_yaml_node(y, p->value), target, no))
			return -1;
	}
	return 0;
}

/* ---- documents ---- */

/* libyaml's reader errors carry a byte offset only: turn it into a line and column. */
static yaml_mark_t mark_of_offset(const struct eg_yaml *y, size_t offset)
{
	yaml_mark_t mark = {0};

	for (size_t i = 0; i < offset && i < y->len; i++) {
		if (y->buf[i] == '\n') {
			mark.line++;
			mark.column = 0;
		} else if (((unsigned char)y->buf[i] & 0xc0) != 0x80) {
			mark.column++; /* count characters, not UTF-8 continuation bytes */
		}
	}
	return mark;
}

/* libyaml says "cannot start any token" for a tab; say why tabs are wrong. */
static const char *tab_hint(const struct eg_yaml *y, yaml_mark_t mark)
{
	size_t i = 0, line = 0;

	while (i < y->len && line < mark.line)
		line += y->buf[i++] == '\n';
	/* Tabs are found in indentation, which is ASCII, so columns are bytes here. */
	i += mark.column;
	return i < y->len && y->buf[i] == '\t' ? "; YAML indents with spaces, never tabs" : "";
}

static int yaml_failure(const struct eg_yaml *y, const yaml_parser_t *parser)
{
	yaml_mark_t mark = parser->problem_mark;
	const char *problem = parser->problem ? parser->problem : "unknown error";

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		return eg_yaml_oom(y);
	case YAML_READER_ERROR:
		return eg_yaml_fail(y, mark_of_offset(y, parser->problem_offset),
				    "invalid YAML: %s", problem);
	default:
		break;
	}
	if (parser->context)
		return eg_yaml_fail(y, mark, "invalid YAML: %s (%s at line %zu, column %zu)%s",
				    problem, parser->context, parser->context_mark.line + 1,
				    parser->context_mark.column + 1, tab_hint(y, mark));
	return eg_yaml_fail(y, mark, "invalid YAML: %s%s", problem, tab_hint(y, mark));
}

/* A file is one document: anything after it is a mistake, not ignored. */
static int expect_no_more_documents(const struct eg_yaml *y, yaml_parser_t *parser)
{
	yaml_document_t next;
	int rc = 0;

	if (!yaml_parser_load(parser, &next))
		return yaml_failure(y, parser);
	if (yaml_document_get_root_node(&next))
		rc = eg_yaml_fail(y, next.start_mark,
				  "a second YAML document; a %s file holds exactly one",
				  y->file_kind);
	yaml_document_delete(&next);
	return rc;
}

/*
 * Collections nested deeper than this are refused before the document is
 * built: libyaml's cost per token grows with the nesting, so a file of
 * brackets alone would take seconds per kilobyte. A policy needs six.
 */
#define MAX_NESTING 32

/* Read the events of the input once, refusing nesting past MAX_NESTING. */
static int check_nesting(const struct eg_yaml *y)
{
	yaml_parser_t parser;
	yaml_event_t event;
	int depth = 0, rc = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return eg_yaml_oom(y);
	yaml_parser_set_input_string(&parser, (const unsigned char *)(y->buf ? y->buf : ""),
				     y->len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&parser, &event))
			break; /* the document load reports syntax errors with their context */
		done = event.type == YAML_STREAM_END_EVENT;
		if (event.type == YAML_SEQUENCE_START_EVENT ||
		    event.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (event.type == YAML_SEQUENCE_END_EVENT ||
			 event.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > MAX_NESTING)
			rc = eg_yaml_fail(
				y, event.start_mark,
				"collections nested more than %d deep; a %s needs far fewer",
				MAX_NESTING, y->file_kind);
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int eg_yaml_parse(struct eg_yaml *y, int (*top)(struct eg_yaml *y, yaml_node_t *root, void *arg),
		  void *arg)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc;

	if (check_nesting(y))
		return -1;
	if (!yaml_parser_initialize(&parser))
		return eg_yaml_oom(y);
	/* libyaml wants a non-NULL pointer even for empty input. */
	yaml_parser_set_input_string(&parser, (const unsigned char *)(y->buf ? y->buf : ""),
				     y->len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_failure(y, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	y->doc = &doc;
	rc = top(y, yaml_document_get_root_node(&doc), arg);
	y->doc = NULL;
	if (!rc)
		rc = expect_no_more_documents(y, &parser);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}
