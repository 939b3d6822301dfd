// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * MaxMind DB data records: the value (country code or AS number) and AS name
 * of a record, as the GeoLite2 and DB-IP / ip-location-db schemas spell them.
 */
#include <errno.h>
#include <stdlib.h>
#include "mmdb_record.h"

/* ---- value cache, keyed by data section offset ---- */

static struct cached_value *cache_slot(struct value_cache *c, uint32_t offset)
{
	size_t i = ((offset + 1) * 2654435761u) & (c->cap - 1);

	while (c->slots[i].offset_plus1 && c->slots[i].offset_plus1 != offset + 1)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static int cache_grow(struct value_cache *c)
{
	struct value_cache bigger = {.cap = c->cap ? c->cap * 2 : 256, .n = c->n};

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].offset_plus1)
			*cache_slot(&bigger, c->slots[i].offset_plus1 - 1) = c->slots[i];
	free(c->slots);
	*c = bigger;
	return 0;
}

/* ---- decoding one data record ---- */

/*
 * Look up a path in a record. 1: found (data set), 0: not there (or the
 * record's shape does not fit the path), -1: corrupt data (err set).
 */
static int get_path(struct eg_mmdb_values *w, uint32_t offset, const char *const *path,
		    MMDB_entry_data_s *data, struct eg_error *err)
{
	MMDB_entry_s entry = {.mmdb = w->db, .offset = offset};
	int rc = MMDB_aget_value(&entry, data, path);

	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
		return 0;
	if (rc != MMDB_SUCCESS)
		return eg_fail(err, EINVAL, "%s: data record at offset %u: %s", w->name, offset,
			       MMDB_strerror(rc));
	return data->has_data ? 1 : 0;
}

static int country_value(struct eg_mmdb_values *w, uint32_t offset, uint32_t *value,
			 struct eg_error *err)
{
	static const char *const paths[][3] = {
		{"country", "iso_code", NULL},
		{"registered_country", "iso_code", NULL},
		{"country_code", NULL, NULL},
	};
	static const char *const names[] = {"country.iso_code", "registered_country.iso_code",
					    "country_code"};
	MMDB_entry_data_s data;
	uint16_t cc;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int found = get_path(w, offset, paths[i], &data, err);

		if (found < 0)
			return -1;
		if (!found)
			continue;
		if (data.type != MMDB_DATA_TYPE_UTF8_STRING)
			return eg_fail(err, EINVAL,
				       "%s: data record at offset %u: %s is not a string", w->name,
				       offset, names[i]);
		if (eg_country_parse(data.utf8_string, data.data_size, &cc))
			return eg_fail(
				err, EINVAL,
				"%s: data record at offset %u: %s \"%.*s\" is not a two-letter "
				"country code",
				w->name, offset, names[i],
				(int)(data.data_size > 32 ? 32 : data.data_size), data.utf8_string);
		*value = cc;
		return 0;
	}
	*value = 0;
	return 0;
}

static int integer_asn(const MMDB_entry_data_s *data, uint32_t *asn)
{
	switch (data->type) {
	case MMDB_DATA_TYPE_UINT16:
		*asn = data->uint16;
		return 0;
	case MMDB_DATA_TYPE_UINT32:
		*asn = data->uint32;
		return 0;
	case MMDB_DATA_TYPE_INT32:
		if (data->int32 < 0)
			return -1;
		*asn = (uint32_t)data->int32;
		return 0;
	case MMDB_DATA_TYPE_UINT64:
		if (data->uint64 > UINT32_MAX)
			return -1;
		*asn = (uint32_t)data->uint64;
		return 0;
	case MMDB_DATA_TYPE_UTF8_STRING:
		return eg_asn_parse(data->utf8_string, data->data_size, asn) ? -1 : 0;
	default:
		return -1;
	}
}

/*
 * The first of keys[n] the record has, of type want (any when want < 0):
 * 1 (data and *which set), 0 when none, -1 when the record is corrupt.
 */
static int first_key(struct eg_mmdb_values *w, uint32_t offset, const char *const *keys, size_t n,
		     int want, MMDB_entry_data_s *data, size_t *which, struct eg_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *path[] = {keys[i], NULL};
		int found = get_path(w, offset, path, data, err);

		if (found < 0)
			return -1;
		if (found && (want < 0 || data->type == (uint32_t)want)) {
			*which = i;
			return 1;
		}
	}
	return 0;
}

/* The organisation of the record's AS, when the database names it. */
static int asn_record_name(struct eg_mmdb_values *w, uint32_t offset, uint32_t asn,
			   struct eg_error *err)
{
	static const char *const keys[] = {"autonomous_system_organization", "as_name",
					   "as_organization", "organisation", "organization"};
	MMDB_entry_data_s data;
	size_t which;
	int found = first_key(w, offset, keys, sizeof(keys) / sizeof(keys[0]),
			      MMDB_DATA_TYPE_UTF8_STRING, &data, &which, err);

	if (found <= 0)
		return found;
	if (eg_names_put(&w->names, asn, data.utf8_string, data.data_size))
		return eg_fail(err, ENOMEM, "%s: out of memory", w->name);
	return 0;
}

static int asn_value(struct eg_mmdb_values *w, uint32_t offset, uint32_t *value,
		     struct eg_error *err)
{
	static const char *const keys[] = {"autonomous_system_number", "asn"};
	MMDB_entry_data_s data;
	size_t which;
	int found =
		first_key(w, offset, keys, sizeof(keys) / sizeof(keys[0]), -1, &data, &which, err);

	*value = 0;
	if (found <= 0)
		return found;
	if (integer_asn(&data, value))
		return eg_fail(err, EINVAL, "%s: data record at offset %u: %s is not an AS number",
			       w->name, offset, keys[which]);
	return *value ? asn_record_name(w, offset, *value, err) : 0;
}

/* Value of the data record at offset (0: none), decoding each record once. */
int eg_mmdb_record_value(struct eg_mmdb_values *w, uint32_t offset, uint32_t *value,
			 struct eg_error *err)
{
	struct cached_value *slot;
	int rc;

	if ((w->cache.n + 1) * 2 > w->cache.cap && cache_grow(&w->cache))
		return eg_fail(err, ENOMEM, "%s: out of memory", w->name);
	slot = cache_slot(&w->cache, offset);
	if (slot->offset_plus1) {
		*value = slot->value;
		return 0;
	}
	if (w->ds->kind == EG_DATA_COUNTRY)
		rc = country_value(w, offset, value, err);
	else
		rc = asn_value(w, offset, value, err);
	if (rc)
		return -1;
	slot->offset_plus1 = offset + 1;
	slot->value = *value;
	w->cache.n++;
	w->ds->n_records++;
	if (!*value)
		w->ds->n_skipped++;
	return 0;
}

void eg_mmdb_values_free(struct eg_mmdb_values *w)
{
	free(w->cache.slots);
	eg_names_free(&w->names);
	memset(w, 0, sizeof(*w));
}
