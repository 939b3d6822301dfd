// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "addr.h"
#include "cloud_json.h"

/* The markers are top-level keys every published file writes before its big list. */
#define PROBE_WINDOW 4096

int eg_cloud_probe(const uint8_t *buf, size_t len, const char *const *markers, const char *what,
		   char *why, size_t why_len)
{
	size_t i = 0, window = len < PROBE_WINDOW ? len : PROBE_WINDOW;

	while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
		i++;
	if (i == len || buf[i] != '{') {
		snprintf(why, why_len, "not a JSON object");
		return 0;
	}
	for (; *markers; markers++) {
		if (!memmem(buf, window, *markers, strlen(*markers))) {
			snprintf(why, why_len, "no %s key, not %s", *markers, what);
			return 0;
		}
	}
	return 1;
}

const char *eg_json_string(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

const char *eg_json_either(json_object *o, const char *key, const char *other)
{
	const char *v = eg_json_string(o, key);

	return v ? v : eg_json_string(o, other);
}

uint64_t eg_cloud_date(const char *text)
{
	struct tm tm = {0};

	if (!text || sscanf(text, "%4d-%2d-%2d%*c%2d%*c%2d%*c%2d", &tm.tm_year, &tm.tm_mon,
			    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (uint64_t)timegm(&tm);
}

int eg_cloud_add(struct eg_dataset *ds, const char *name, size_t index, const char *text,
		 uint32_t value, struct eg_error *err)
{
	struct eg_cidr cidr;
	const char *why;
	uint8_t last[16];
	unsigned plen;

	ds->n_records++;
	if (!text) {
		ds->n_skipped++;
		return 0;
	}
	if (eg_cidr_parse(text, &cidr, &why))
		return eg_fail(err, EINVAL, "%s: entry %zu: bad prefix \"%.64s\": %s", name, index,
			       text, why);
	memcpy(last, cidr.addr, 16);
	for (plen = eg_cidr_plen16(&cidr); plen < 128; plen++)
		last[plen / 8] |= (uint8_t)(0x80u >> (plen % 8));
	if (eg_range_list_add(&ds->ranges, cidr.addr, last, value))
		return eg_fail(err, ENOMEM, "%s: out of memory", name);
	return 0;
}

int eg_cloud_add_all(struct eg_dataset *ds, const char *name, size_t index, json_object *arr,
		     const char *key, uint32_t value, struct eg_error *err)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array))
		return eg_fail(err, EINVAL, "%s: entry %zu: its prefixes are not a list", name,
			       index);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(arr, i);
		const char *text = key ? eg_json_string(item, key)
				   : json_object_is_type(item, json_type_string)
					   ? json_object_get_string(item)
					   : NULL;

		if (eg_cloud_add(ds, name, index, text, value, err))
			return -1;
	}
	return 0;
}

static int parse(const uint8_t *buf, size_t len, const char *name, json_object **root,
		 struct eg_error *err)
{
	json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;

	if (!tok)
		return eg_fail(err, ENOMEM, "%s: out of memory", name);
	*root = json_tokener_parse_ex(tok, (const char *)buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!*root || jerr != json_tokener_success) {
		size_t at = json_tokener_get_parse_end(tok);

		json_tokener_free(tok);
		json_object_put(*root);
		return eg_fail(err, EINVAL, "%s: byte %zu: not valid JSON: %s", name, at,
			       jerr == json_tokener_continue ? "it ends too early"
							     : json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	return 0;
}

static int walk(const struct eg_cloud_reader *r, json_object *root, const char *key, int required,
		const char *name, struct eg_dataset *ds, struct eg_error *err)
{
	json_object *list;
	size_t i, n;

	if (!json_object_object_get_ex(root, key, &list))
		return required ? eg_fail(err, EINVAL, "%s: no \"%s\" list in it", name, key) : 0;
	if (!json_object_is_type(list, json_type_array))
		return eg_fail(err, EINVAL, "%s: \"%s\" is not a list", name, key);
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(list, i);

		if (!json_object_is_type(item, json_type_object))
			return eg_fail(err, EINVAL, "%s: \"%s\" entry %zu is not an object", name,
				       key, i);
		if (r->visit(item, i, root, ds, name, err))
			return -1;
	}
	return 0;
}

int eg_cloud_read(const struct eg_cloud_reader *r, const uint8_t *buf, size_t len, const char *name,
		  struct eg_dataset *ds, struct eg_error *err)
{
	json_object *root = NULL;
	int rc;

	if (parse(buf, len, name, &root, err))
		return -1;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return eg_fail(err, EINVAL, "%s: not a JSON object", name);
	}
	rc = walk(r, root, r->list_key, 1, name, ds, err);
	if (rc == 0 && r->list6_key)
		rc = walk(r, root, r->list6_key, 0, name, ds, err);
	if (r->date_key)
		ds->build_epoch = eg_cloud_date(eg_json_string(root, r->date_key));
	ds->description = strdup(r->description);
	json_object_put(root);
	if (rc == 0 && !ds->description)
		return eg_fail(err, ENOMEM, "%s: out of memory", name);
	return rc;
}
