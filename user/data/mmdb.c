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
#include "format.h"
#include "mmdb_record.h"

#define NO_NODE	  UINT32_MAX
#define STACK_MAX 132 /* one pending sibling per level of 128, and the root */

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
	struct eg_range_list v4;      /* from ::/96, as ::ffff:a.b.c.d */
	uint32_t ipv4_node;	      /* node at ::/96 in an IPv6 tree, or NO_NODE */
	int has_v4;		      /* an IPv6 tree holds something at ::/96 */
	struct eg_mmdb_values values; /* the data records' values and AS names */
	uint64_t visits, max_visits;
	/* ds->runs_ok: the two lists' ranges go straight into runs instead (a third the size). */
	struct eg_run_sink native, mapped;
	int ip6; /* an IPv6 tree (kept past MMDB_close) */
};

static const uint8_t mapped_first[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
static const uint8_t mapped_last[16] = {0, 0, 0,    0,	  0,	0,    0,    0,
					0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static int oom(struct walker *w, struct eg_error *err)
{
	return eg_fail(err, ENOMEM, "%s: out of memory", w->name);
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

/* A range into list (ds->ranges or w->v4), or into the runs that stand for it. */
static int put(struct walker *w, struct eg_range_list *list, const uint8_t first[16],
	       const uint8_t last[16], uint32_t value)
{
	if (!w->ds->runs_ok)
		return eg_range_list_add(list, first, last, value);
	return eg_run_sink_add(list == &w->v4 ? &w->mapped : &w->native, first, last, value);
}

/* A native IPv6 range; the mapped IPv4 space is left to the ::/96 subtree when there is one. */
static int add_v6(struct walker *w, const uint8_t first[16], const uint8_t last[16], uint32_t value)
{
	struct eg_range_list *l = &w->ds->ranges;
	unsigned __int128 lo = eg_u128_from_addr(first), hi = eg_u128_from_addr(last);
	unsigned __int128 mlo = eg_u128_from_addr(mapped_first),
			  mhi = eg_u128_from_addr(mapped_last);
	uint8_t cut[16];

	if (!w->has_v4 || hi < mlo || lo > mhi)
		return put(w, l, first, last, value);
	if (lo < mlo) {
		eg_u128_to_addr(mlo - 1, cut);
		if (put(w, l, first, cut, value))
			return -1;
	}
	if (hi > mhi) {
		eg_u128_to_addr(mhi + 1, cut);
		if (put(w, l, cut, last, value))
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
	if (eg_mmdb_record_value(&w->values, offset, &value, err))
		return -1;
	if (!value)
		return 0;
	memcpy(first, it->addr, 16);
	prefix_last(it->addr, it->depth, last);
	if (w->db.metadata.ip_version == 4)
		rc = put(w, &w->ds->ranges, first, last, value);
	else if (it->depth >= 96 && is_zero(first, 12)) { /* inside ::/96: IPv4 */
		first[10] = first[11] = last[10] = last[11] = 0xff;
		rc = put(w, &w->v4, first, last, value);
	} else if (is_zero(first, 16) && it->depth < 96) /* covers ::/96: all of IPv4 too */
		rc = put(w, &w->v4, mapped_first, mapped_last, value) ||
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

/*
 * ds->ranges (native) and w->v4 (all inside ::ffff:0:0/96) are each sorted:
 * merge them, the shorter into the longer (both have room), so the copy
 * that lives until the other list is freed is the shorter one.
 */
static int merge_v4(struct walker *w, struct eg_error *err)
{
	struct eg_range_list *into = &w->ds->ranges, *from = &w->v4, swap;

	if (from->n > into->n && from->cap >= from->n + into->n) {
		swap = *into;
		*into = *from;
		*from = swap;
	}
	return eg_range_list_merge(into, from) ? oom(w, err) : 0;
}

/* The runs mode's merge: the mapped IPv4 runs spliced into the native ones. */
static int merge_runs(struct walker *w, struct eg_error *err)
{
	if (eg_run_sink_close(&w->native) || eg_run_sink_close(&w->mapped))
		return oom(w, err);
	if (!w->has_v4 || !w->ip6) { /* all in one list */
		w->ds->runs = w->native.r;
		w->native.r = (struct eg_runs){0};
		return 0;
	}
	return eg_runs_splice_v4(&w->ds->runs, &w->native.r, &w->mapped.r) ? oom(w, err) : 0;
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

/* libmaxminddb opens paths only: the sealed memfd's, through /proc. */
static int open_fd(struct walker *w, int fd, struct eg_error *err)
{
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = MMDB_open(path, MMDB_MODE_MMAP, &w->db);
	if (rc != MMDB_SUCCESS)
		return eg_fail(err, EINVAL, "%s: %s", w->name, MMDB_strerror(rc));
	/* Its mapping of the pages already there, in one call rather than a fault per page. */
	madvise((void *)w->db.file_content, (size_t)w->db.file_size, MADV_POPULATE_READ);
	return 0;
}

/* Bytes from memory: into a memfd of their own first. */
static int open_db(struct walker *w, const uint8_t *buf, size_t len, struct eg_error *err)
{
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
	rc = open_fd(w, fd, err);
	close(fd); /* the mapping keeps the content */
	return rc;
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
	/* A tree of node_count nodes has node_count + 1 records: at most that many ranges. */
	if (!w->ds->runs_ok)
		eg_range_list_reserve(&w->ds->ranges, (size_t)md->node_count + 1);
	if (find_ipv4_subtree(w, err))
		return -1;
	if (w->has_v4 && !w->ds->runs_ok)
		eg_range_list_reserve(&w->v4, (size_t)md->node_count + 1);
	if (walk(w, err))
		return -1;
	if (w->ds->n_records == w->ds->n_skipped)
		return no_values_error(w, err);
	eg_names_finish(&w->values.names, &w->ds->names, &w->ds->n_names);
	return 0;
}

/* The walk over an opened database; closes it. */
static int read_opened(struct walker *w, struct eg_error *err)
{
	int rc;

	w->values = (struct eg_mmdb_values){.db = &w->db, .name = w->name, .ds = w->ds};
	rc = read_db(w, err);
	w->ip6 = w->db.metadata.ip_version == 6;
	MMDB_close(&w->db); /* the database's memory goes before the halves are merged */
	eg_mmdb_values_free(&w->values);
	if (rc == 0)
		rc = w->ds->runs_ok ? merge_runs(w, err) : merge_v4(w, err);
	eg_range_list_free(&w->v4);
	eg_runs_free(&w->native.r);
	eg_runs_free(&w->mapped.r);
	return rc;
}

static int mmdb_read(const uint8_t *buf, size_t len, const char *name, struct eg_dataset *ds,
		     const char **format, struct eg_error *err)
{
	struct walker w = {.name = name, .ds = ds};

	(void)format;
	return open_db(&w, buf, len, err) ? -1 : read_opened(&w, err);
}

static int mmdb_read_sealed(size_t len, int fd, const char *name, struct eg_dataset *ds,
			    struct eg_error *err)
{
	struct walker w = {.name = name, .ds = ds};
	int rc = open_fd(&w, fd, err);

	(void)len;
	close(fd); /* the mapping keeps the content, and only the mapping */
	return rc ? -1 : read_opened(&w, err);
}

/* The MaxMind DB metadata marker, where the format puts it (the last 128 KiB). */
static int mmdb_probe(const uint8_t *buf, size_t len, char *why, size_t why_len)
{
	static const char marker[] = "\xab\xcd\xefMaxMind.com";
	size_t tail = len < 128 * 1024 ? len : 128 * 1024;

	if (memmem(buf + len - tail, tail, marker, sizeof(marker) - 1))
		return 1;
	snprintf(why, why_len, "no MaxMind DB metadata marker");
	return 0;
}

const struct eg_format eg_format_mmdb = {
	.name = "mmdb",
	.kinds = EG_KINDS_ADDRESS,
	.probe = mmdb_probe,
	.read = mmdb_read,
	.read_sealed = mmdb_read_sealed,
};
