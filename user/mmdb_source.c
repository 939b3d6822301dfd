// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * MaxMind DB reader: walks the whole search tree of a country or ASN
 * database (GeoLite2, DB-IP / ip-location-db schemas) and records every
 * network with its value.
 *
 * IPv6 databases keep IPv4 at ::/96 (::a.b.c.d); it is stored here as
 * ::ffff:a.b.c.d like every IPv4 address. Writers also make ::ffff:0:0/96,
 * 2002::/16 (6to4) and 2001::/32 (Teredo) point at that same subtree; those
 * aliases are skipped so IPv4 data appears once.
 */
#include <errno.h>
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "datasrc_impl.h"

#define NO_NODE	  UINT32_MAX
#define STACK_MAX 132 /* one pending sibling per level of 128, and the root */

/* Decoded value of one data record: many networks share one record. */
struct cached_value {
	uint32_t offset_plus1; /* 0: free slot */
	uint32_t value;	       /* 0: the record has no usable value */
};

struct value_cache {
	struct cached_value *slots;
	size_t cap, n;
};

/* A record still to be looked at: what it points to and the network it covers. */
struct walk_item {
	uint64_t record;
	uint32_t parent; /* node holding the record, for messages */
	uint8_t type;	 /* MMDB_RECORD_TYPE_* */
	uint8_t depth;	 /* prefix length of the network, in the 16-byte form */
	uint8_t addr[16];
};

struct walker {
	MMDB_s db;
	const char *name;
	struct eg_dataset *ds;
	struct eg_range_list v4; /* from ::/96, as ::ffff:a.b.c.d */
	uint32_t ipv4_node;	 /* node at ::/96 in an IPv6 tree, or NO_NODE */
	int has_v4;		 /* an IPv6 tree holds something at ::/96 */
	struct value_cache cache;
	struct eg_name_table names;
	uint64_t visits, max_visits;
};

static const uint8_t mapped_first[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
static const uint8_t mapped_last[16] = {0, 0, 0,    0,	  0,	0,    0,    0,
					0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static int oom(struct walker *w, struct eg_error *err)
{
	return eg_fail(err, ENOMEM, "%s: out of memory", w->name);
}

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
static int get_path(struct walker *w, uint32_t offset, const char *const *path,
		    MMDB_entry_data_s *data, struct eg_error *err)
{
	MMDB_entry_s entry = {.mmdb = &w->db, .offset = offset};
	int rc = MMDB_aget_value(&entry, data, path);

	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
		return 0;
	if (rc != MMDB_SUCCESS)
		return eg_fail(err, EINVAL, "%s: data record at offset %u: %s", w->name, offset,
			       MMDB_strerror(rc));
	return data->has_data ? 1 : 0;
}

static int country_value(struct walker *w, uint32_t offset, uint32_t *value, struct eg_error *err)
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

/* "AS123" or "123" (len bytes, not NUL-terminated). */
static int parse_asn_text(const char *s, size_t len, uint32_t *asn)
{
	uint64_t v = 0;

	if (len >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2, len -= 2;
	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*asn = (uint32_t)v;
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
		return parse_asn_text(data->utf8_string, data->data_size, asn);
	default:
		return -1;
	}
}

/* The organisation of the record's AS, when the database names it. */
static int asn_record_name(struct walker *w, uint32_t offset, uint32_t asn, struct eg_error *err)
{
	static const char *const keys[] = {"autonomous_system_organization", "as_name",
					   "as_organization", "organisation", "organization"};
	MMDB_entry_data_s data;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *path[] = {keys[i], NULL};
		int found = get_path(w, offset, path, &data, err);

		if (found < 0)
			return -1;
		if (found && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
			if (eg_names_put(&w->names, asn, data.utf8_string, data.data_size))
				return oom(w, err);
			return 0;
		}
	}
	return 0;
}

static int asn_value(struct walker *w, uint32_t offset, uint32_t *value, struct eg_error *err)
{
	static const char *const keys[] = {"autonomous_system_number", "asn"};
	MMDB_entry_data_s data;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *path[] = {keys[i], NULL};
		int found = get_path(w, offset, path, &data, err);

		if (found < 0)
			return -1;
		if (!found)
			continue;
		if (integer_asn(&data, value))
			return eg_fail(err, EINVAL,
				       "%s: data record at offset %u: %s is not an AS number",
				       w->name, offset, keys[i]);
		return *value ? asn_record_name(w, offset, *value, err) : 0;
	}
	*value = 0;
	return 0;
}

/* Value of the data record at offset (0: none), decoding each record once. */
static int record_value(struct walker *w, uint32_t offset, uint32_t *value, struct eg_error *err)
{
	struct cached_value *slot;
	int rc;

	if ((w->cache.n + 1) * 2 > w->cache.cap && cache_grow(&w->cache))
		return oom(w, err);
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

/* ---- the walk ---- */

static void prefix_last(const uint8_t addr[16], unsigned depth, uint8_t last[16])
{
	unsigned byte = depth / 8;

	memcpy(last, addr, 16);
	if (depth >= 128)
		return;
	if (depth % 8)
		last[byte++] |= (uint8_t)(0xffu >> (depth % 8));
	memset(last + byte, 0xff, 16 - byte);
}

static int is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A native IPv6 range; the mapped IPv4 space is left to the ::/96 subtree when there is one. */
static int add_v6(struct walker *w, const uint8_t first[16], const uint8_t last[16], uint32_t value)
{
	struct eg_range_list *l = &w->ds->ranges;
	unsigned __int128 lo = eg_addr_u128(first), hi = eg_addr_u128(last);
	unsigned __int128 mlo = eg_addr_u128(mapped_first), mhi = eg_addr_u128(mapped_last);
	uint8_t cut[16];

	if (!w->has_v4 || hi < mlo || lo > mhi)
		return eg_range_list_add(l, first, last, value);
	if (lo < mlo) {
		eg_u128_addr(mlo - 1, cut);
		if (eg_range_list_add(l, first, cut, value))
			return -1;
	}
	if (hi > mhi) {
		eg_u128_addr(mhi + 1, cut);
		if (eg_range_list_add(l, cut, last, value))
			return -1;
	}
	return 0;
}

static int emit_data(struct walker *w, const struct walk_item *it, struct eg_error *err)
{
	uint32_t node_count = w->db.metadata.node_count, value = 0, offset;
	uint8_t first[16], last[16];
	int rc = 0;

	/* The data section starts 16 bytes (a separator) after the tree. */
	if (it->record < (uint64_t)node_count + 16)
		return eg_fail(err, EINVAL,
			       "%s: corrupt search tree: node %u points into the "
			       "separator before the data section (record %llu)",
			       w->name, it->parent, (unsigned long long)it->record);
	offset = (uint32_t)(it->record - node_count - 16);
	if (record_value(w, offset, &value, err))
		return -1;
	if (!value)
		return 0;
	memcpy(first, it->addr, 16);
	prefix_last(it->addr, it->depth, last);
	if (w->db.metadata.ip_version == 4)
		rc = eg_range_list_add(&w->ds->ranges, first, last, value);
	else if (it->depth >= 96 && is_zero(first, 12)) { /* inside ::/96: IPv4 */
		first[10] = first[11] = last[10] = last[11] = 0xff;
		rc = eg_range_list_add(&w->v4, first, last, value);
	} else if (is_zero(first, 16) && it->depth < 96) /* covers ::/96: all of IPv4 too */
		rc = eg_range_list_add(&w->v4, mapped_first, mapped_last, value) ||
		     add_v6(w, first, last, value);
	else
		rc = add_v6(w, first, last, value);
	return rc ? oom(w, err) : 0;
}

/* Records to skip: aliases of the IPv4 subtree, and ::ffff:0:0/96 when ::/96 holds IPv4. */
static int skipped(const struct walker *w, const struct walk_item *it)
{
	int at_v4_root = it->depth == 96 && is_zero(it->addr, 16);
	int at_mapped = it->depth == 96 && memcmp(it->addr, mapped_first, 16) == 0;

	if (w->db.metadata.ip_version != 6)
		return 0;
	if (it->type == MMDB_RECORD_TYPE_SEARCH_NODE && it->record == w->ipv4_node && !at_v4_root)
		return 1;
	return at_mapped && w->has_v4;
}

static void child(const struct walk_item *parent_item, uint32_t node, int right, uint64_t record,
		  uint8_t type, struct walk_item *out)
{
	unsigned depth = parent_item->depth;

	*out = *parent_item;
	out->record = record;
	out->type = type;
	out->parent = node;
	out->depth = (uint8_t)(depth + 1);
	if (right)
		out->addr[depth / 8] |= (uint8_t)(0x80u >> (depth % 8));
}

static int expand_node(struct walker *w, const struct walk_item *it, struct walk_item *stack,
		       size_t *top, struct eg_error *err)
{
	uint32_t node = (uint32_t)it->record;
	MMDB_search_node_s sn;
	int rc;

	if (it->depth >= 128)
		return eg_fail(err, EINVAL,
			       "%s: corrupt search tree: node %u is deeper than %d bits", w->name,
			       node, w->db.metadata.ip_version == 4 ? 32 : 128);
	if (++w->visits > w->max_visits)
		return eg_fail(err, EINVAL,
			       "%s: corrupt search tree: more than %llu node visits at node %u "
			       "(nodes shared or in a cycle)",
			       w->name, (unsigned long long)w->max_visits, node);
	rc = MMDB_read_node(&w->db, node, &sn);
	if (rc != MMDB_SUCCESS)
		return eg_fail(err, EINVAL, "%s: search tree node %u (from node %u): %s", w->name,
			       node, it->parent, MMDB_strerror(rc));
	if (*top + 2 > STACK_MAX) /* cannot happen: the depth check bounds the stack */
		return eg_fail(err, EINVAL, "%s: search tree walk overflow at node %u", w->name,
			       node);
	/* Right first so the left (lower) half is walked first: ranges come out in order. */
	child(it, node, 1, sn.right_record, sn.right_record_type, &stack[(*top)++]);
	child(it, node, 0, sn.left_record, sn.left_record_type, &stack[(*top)++]);
	return 0;
}

static int walk(struct walker *w, struct eg_error *err)
{
	struct walk_item stack[STACK_MAX];
	size_t top = 0;

	memset(&stack[0], 0, sizeof(stack[0]));
	stack[0].type = MMDB_RECORD_TYPE_SEARCH_NODE;
	if (w->db.metadata.ip_version == 4) { /* an IPv4 tree: its addresses are ::ffff:a.b.c.d */
		stack[0].depth = 96;
		memcpy(stack[0].addr, mapped_first, 16);
	}
	top = 1;
	while (top) {
		struct walk_item it = stack[--top];

		if (skipped(w, &it))
			continue;
		if (it.type == MMDB_RECORD_TYPE_SEARCH_NODE) {
			if (expand_node(w, &it, stack, &top, err))
				return -1;
		} else if (it.type == MMDB_RECORD_TYPE_DATA) {
			if (emit_data(w, &it, err))
				return -1;
		} else if (it.type != MMDB_RECORD_TYPE_EMPTY) {
			return eg_fail(
				err, EINVAL,
				"%s: corrupt search tree: node %u has an invalid record %llu "
				"(back to the root, or past the data section)",
				w->name, it.parent, (unsigned long long)it.record);
		}
	}
	return 0;
}

/* In an IPv6 tree, follow ::/96 to find the IPv4 subtree (what IPv4 lookups use). */
static int find_ipv4_subtree(struct walker *w, struct eg_error *err)
{
	uint64_t record = 0;
	uint32_t parent = 0, path[96];
	MMDB_search_node_s sn;

	w->ipv4_node = NO_NODE;
	w->has_v4 = 0;
	if (w->db.metadata.ip_version != 6)
		return 0;
	for (int depth = 0; depth < 96; depth++) {
		int rc = MMDB_read_node(&w->db, (uint32_t)record, &sn);

		if (rc != MMDB_SUCCESS)
			return eg_fail(err, EINVAL, "%s: search tree node %llu (from node %u): %s",
				       w->name, (unsigned long long)record, parent,
				       MMDB_strerror(rc));
		/* A node twice on one path is a cycle; the walk would take it for the alias target.
		 */
		path[depth] = (uint32_t)record;
		for (int i = 0; i < depth; i++)
			if (path[i] == path[depth])
				return eg_fail(
					err, EINVAL,
					"%s: corrupt search tree: node %u is its own descendant",
					w->name, path[depth]);
		parent = (uint32_t)record;
		record = sn.left_record;
		if (sn.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE) {
			w->has_v4 = sn.left_record_type == MMDB_RECORD_TYPE_DATA;
			return 0;
		}
	}
	w->ipv4_node = (uint32_t)record;
	w->has_v4 = 1;
	return 0;
}

/* ds->ranges (native) and w->v4 (all inside ::ffff:0:0/96) are each sorted: merge them. */
static int merge_v4(struct walker *w, struct eg_error *err)
{
	struct eg_range_list *a = &w->ds->ranges, *b = &w->v4, out = {0};
	size_t i = 0, j = 0;

	if (!b->n)
		return 0;
	out.cap = a->n + b->n;
	out.v = malloc(out.cap * sizeof(*out.v));
	if (!out.v)
		return oom(w, err);
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && memcmp(a->v[i].first, b->v[j].first, 16) <= 0))
			out.v[out.n++] = a->v[i++];
		else
			out.v[out.n++] = b->v[j++];
	}
	eg_range_list_free(a);
	*a = out;
	return 0;
}

static int no_values_error(struct walker *w, struct eg_error *err)
{
	if (w->ds->kind == EG_DATA_COUNTRY)
		return eg_fail(err, EINVAL,
			       "%s: no record has country.iso_code, registered_country.iso_code or "
			       "country_code: not a country database? (%zu records)",
			       w->name, w->ds->n_records);
	return eg_fail(err, EINVAL,
		       "%s: no record has autonomous_system_number or asn: not an ASN database? "
		       "(%zu records)",
		       w->name, w->ds->n_records);
}

/* libmaxminddb opens paths only: hand it the bytes through a memfd. */
static int open_db(struct walker *w, const uint8_t *buf, size_t len, struct eg_error *err)
{
	char path[64];
	size_t done = 0;
	int fd = memfd_create("exfilguard-mmdb", MFD_CLOEXEC), rc;

	if (fd < 0)
		return eg_fail(err, errno, "%s: memfd_create: %s", w->name, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			close(fd);
			return eg_fail(err, e, "%s: writing to a memfd: %s", w->name, strerror(e));
		}
		done += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = MMDB_open(path, MMDB_MODE_MMAP, &w->db);
	close(fd); /* the mapping keeps the content */
	if (rc != MMDB_SUCCESS)
		return eg_fail(err, EINVAL, "%s: %s", w->name, MMDB_strerror(rc));
	return 0;
}

static int read_db(struct walker *w, struct eg_error *err)
{
	const MMDB_metadata_s *md = &w->db.metadata;

	if (md->ip_version != 4 && md->ip_version != 6)
		return eg_fail(err, EINVAL, "%s: metadata ip_version %u is neither 4 nor 6",
			       w->name, md->ip_version);
	/* A tree is walked once; aliases are skipped before they count. Some slack for writers
	 * that share subtrees. */
	w->max_visits = 2 * (uint64_t)md->node_count + 16;
	w->ds->build_epoch = md->build_epoch;
	w->ds->description = strdup(md->database_type ? md->database_type : "mmdb");
	if (!w->ds->description)
		return oom(w, err);
	if (find_ipv4_subtree(w, err) || walk(w, err) || merge_v4(w, err))
		return -1;
	if (w->ds->n_records == w->ds->n_skipped)
		return no_values_error(w, err);
	return eg_names_finish(&w->names, w->ds);
}

int eg_mmdb_read(const uint8_t *buf, size_t len, const char *name, struct eg_dataset *ds,
		 struct eg_error *err)
{
	struct walker w = {.name = name, .ds = ds};
	int rc;

	if (open_db(&w, buf, len, err))
		return -1;
	rc = read_db(&w, err);
	MMDB_close(&w.db);
	free(w.cache.slots);
	eg_range_list_free(&w.v4);
	eg_names_free(&w.names);
	return rc;
}
