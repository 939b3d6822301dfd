// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Data sources, the common part: reading a file, telling its format from its
 * content (gzip, MaxMind DB, else CSV/TSV), inflating gzip, the dataset's
 * version digest, and the range list every reader fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "addr.h"
#include "datasrc_impl.h"
#include "sha256.h"

uint64_t eg_dataset_max_bytes = EG_DATASET_MAX_BYTES;

/* ---- values ---- */

void eg_value_format(enum eg_data_kind kind, uint32_t value, char *buf, size_t len)
{
	if (kind == EG_DATA_COUNTRY)
		snprintf(buf, len, "%c%c", (char)(value >> 8), (char)value);
	else
		snprintf(buf, len, "AS%u", value);
}

int eg_country_parse(const char *text, size_t len, uint16_t *cc)
{
	char a, b;

	if (len != 2)
		return -1;
	a = text[0] & ~0x20; /* ASCII upper case; non-letters fail the test below */
	b = text[1] & ~0x20;
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return -1;
	*cc = EG_CC(a, b);
	return 0;
}

/*
 * Fault in a fresh big allocation in one go: on virtual machines each page
 * fault is an expensive exit, and the real datasets touch tens of MB. Only a
 * hint: kernels before 5.14 refuse it and the pages fault in as usual.
 */
static void prefault(void *p, size_t len)
{
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)p + len) & ~(uintptr_t)4095;

	if (len >= (1u << 20) && end > start)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

/* ---- range lists ---- */

int eg_range_list_add(struct eg_range_list *l, const uint8_t first[16], const uint8_t last[16],
		      uint32_t value)
{
	struct eg_range *r;

	if (l->n && l->v[l->n - 1].value == value) {
		unsigned __int128 start = eg_addr_u128(first);

		r = &l->v[l->n - 1];
		if (start != 0 && eg_addr_u128(r->last) == start - 1) {
			memcpy(r->last, last, 16);
			return 0;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct eg_range *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		prefault(v + l->cap, (cap - l->cap) * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	r = &l->v[l->n++];
	memcpy(r->first, first, 16);
	memcpy(r->last, last, 16);
	r->value = value;
	return 0;
}

void eg_range_list_free(struct eg_range_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int range_cmp(const void *pa, const void *pb)
{
	const struct eg_range *a = pa, *b = pb;
	int c = memcmp(a->first, b->first, 16);

	return c ? c : memcmp(a->last, b->last, 16);
}

static int is_sorted(const struct eg_range_list *l)
{
	for (size_t i = 1; i < l->n; i++)
		if (range_cmp(&l->v[i - 1], &l->v[i]) > 0)
			return 0;
	return 1;
}

/* kind < 0: values print as plain numbers. */
static void format_range(const struct eg_range *r, int kind, char *buf, size_t len)
{
	char first[EG_ADDR_STRLEN], last[EG_ADDR_STRLEN], value[16];

	eg_addr_format(r->first, first, sizeof(first));
	eg_addr_format(r->last, last, sizeof(last));
	if (kind < 0)
		snprintf(value, sizeof(value), "%u", r->value);
	else
		eg_value_format((enum eg_data_kind)kind, r->value, value, sizeof(value));
	snprintf(buf, len, "%s-%s (%s)", first, last, value);
}

static int overlap_error(const struct eg_range *a, const struct eg_range *b, int kind,
			 const char *path, struct eg_error *err)
{
	char ta[3 * EG_ADDR_STRLEN], tb[3 * EG_ADDR_STRLEN];

	format_range(a, kind, ta, sizeof(ta));
	format_range(b, kind, tb, sizeof(tb));
	return eg_fail(err, EINVAL, "%s: overlapping ranges with different values: %s and %s", path,
		       ta, tb);
}

static int normalize(struct eg_range_list *l, int kind, const char *path, struct eg_error *err)
{
	size_t out = 0;

	if (l->n < 2)
		return 0;
	/* The readers mostly produce sorted lists: skip the sort then. */
	if (!is_sorted(l))
		qsort(l->v, l->n, sizeof(*l->v), range_cmp);
	for (size_t i = 1; i < l->n; i++) {
		struct eg_range *cur = &l->v[out], *next = &l->v[i];
		unsigned __int128 cur_last = eg_addr_u128(cur->last);
		unsigned __int128 next_first = eg_addr_u128(next->first);
		int overlaps = next_first <= cur_last;

		if (overlaps && next->value != cur->value)
			return overlap_error(cur, next, kind, path, err);
		if (overlaps || (next->value == cur->value && next_first == cur_last + 1)) {
			if (memcmp(next->last, cur->last, 16) > 0)
				memcpy(cur->last, next->last, 16);
			continue;
		}
		l->v[++out] = *next;
	}
	l->n = out + 1;
	return 0;
}

int eg_range_list_normalize(struct eg_range_list *l, const char *path, struct eg_error *err)
{
	return normalize(l, -1, path, err);
}

int eg_range_list_normalize_kind(struct eg_range_list *l, enum eg_data_kind kind, const char *path,
				 struct eg_error *err)
{
	return normalize(l, (int)kind, path, err);
}

/* ---- resolving overlaps ---- */

/* Ranges still open at the sweep's cursor; the top started last and wins. */
struct sweep {
	struct eg_range_list out;
	const struct eg_range **stack;
	size_t depth, cap;
	unsigned __int128 cursor; /* first address not yet emitted */
	int done;		  /* emitted up to the last address of the space */
};

/* Starts ascending; of equal starts the longer first, so the shorter lands on top. */
static int resolve_cmp(const void *pa, const void *pb)
{
	const struct eg_range *a = pa, *b = pb;
	int c = memcmp(a->first, b->first, 16);

	return c ? c : memcmp(b->last, a->last, 16);
}

/* Emit what the open ranges cover, from the cursor up to limit. */
static int sweep_until(struct sweep *s, unsigned __int128 limit)
{
	uint8_t first[16], last[16];

	while (s->depth && !s->done) {
		const struct eg_range *top = s->stack[s->depth - 1];
		unsigned __int128 top_last = eg_addr_u128(top->last), end;

		if (top_last < s->cursor) { /* hidden all along by a later range */
			s->depth--;
			continue;
		}
		if (limit < s->cursor)
			return 0;
		end = top_last < limit ? top_last : limit;
		eg_u128_addr(s->cursor, first);
		eg_u128_addr(end, last);
		if (eg_range_list_add(&s->out, first, last, top->value))
			return -1;
		if (end == ~(unsigned __int128)0)
			s->done = 1;
		s->cursor = end + 1;
		if (end != top_last)
			return 0;
		s->depth--;
	}
	return 0;
}

static int sweep_push(struct sweep *s, const struct eg_range *r)
{
	if (s->depth == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		const struct eg_range **stack = realloc(s->stack, cap * sizeof(*stack));

		if (!stack)
			return -1;
		s->stack = stack;
		s->cap = cap;
	}
	s->stack[s->depth++] = r;
	return 0;
}

static void note_conflict(struct sweep *s, const struct eg_range *r, enum eg_data_kind kind,
			  size_t *conflicts, char *first, size_t first_len)
{
	const struct eg_range *top = s->depth ? s->stack[s->depth - 1] : NULL;
	char ta[3 * EG_ADDR_STRLEN], tb[3 * EG_ADDR_STRLEN];

	if (!top || top->value == r->value || memcmp(top->last, r->first, 16) < 0)
		return;
	if ((*conflicts)++ == 0 && first && first_len) {
		format_range(top, (int)kind, ta, sizeof(ta));
		format_range(r, (int)kind, tb, sizeof(tb));
		snprintf(first, first_len, "%s and %s", ta, tb);
	}
}

static int has_overlap(const struct eg_range_list *l)
{
	for (size_t i = 1; i < l->n; i++)
		if (memcmp(l->v[i].first, l->v[i - 1].last, 16) <= 0)
			return 1;
	return 0;
}

/* End of the run of ranges from i on that overlap one another (directly or through others). */
static size_t cluster_end(const struct eg_range_list *l, size_t i)
{
	const uint8_t *reach = l->v[i].last;

	for (i++; i < l->n && memcmp(l->v[i].first, reach, 16) <= 0; i++)
		if (memcmp(l->v[i].last, reach, 16) > 0)
			reach = l->v[i].last;
	return i;
}

/* Resolve the overlapping ranges v[i..j) into s->out. */
static int sweep_cluster(struct sweep *s, const struct eg_range *v, size_t n,
			 enum eg_data_kind kind, size_t *conflicts, char *first, size_t first_len)
{
	s->depth = 0;
	s->cursor = eg_addr_u128(v[0].first);
	for (size_t i = 0; i < n; i++) {
		unsigned __int128 start = eg_addr_u128(v[i].first);

		if (start && sweep_until(s, start - 1))
			return -1;
		note_conflict(s, &v[i], kind, conflicts, first, first_len);
		if (sweep_push(s, &v[i]))
			return -1;
	}
	return sweep_until(s, ~(unsigned __int128)0);
}

/* Merge the sorted, disjoint lists l->v[0..l->n) and side into l, in place from the back. */
static int merge_side(struct eg_range_list *l, const struct eg_range_list *side)
{
	size_t i = l->n, j = side->n, out = l->n + side->n;

	if (out > l->cap) {
		struct eg_range *v = realloc(l->v, out * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = out;
	}
	l->n = out;
	while (j) {
		if (i && memcmp(l->v[i - 1].first, side->v[j - 1].first, 16) > 0)
			l->v[--out] = l->v[--i];
		else
			l->v[--out] = side->v[--j];
	}
	return 0;
}

int eg_range_list_resolve(struct eg_range_list *l, enum eg_data_kind kind, size_t *conflicts,
			  char *first, size_t first_len)
{
	struct sweep s = {0};
	size_t kept = 0, i = 0;
	int rc = 0;

	*conflicts = 0;
	if (first && first_len)
		first[0] = '\0';
	for (size_t k = 1; k < l->n; k++) {
		if (resolve_cmp(&l->v[k - 1], &l->v[k]) > 0) {
			qsort(l->v, l->n, sizeof(*l->v), resolve_cmp);
			break;
		}
	}
	if (!has_overlap(l)) /* the usual case: only touching neighbours to merge */
		return normalize(l, (int)kind, "", NULL);
	/* Ranges that overlap nothing stay in place; the rare overlapping runs are swept aside. */
	while (i < l->n && rc == 0) {
		size_t j = cluster_end(l, i);

		if (j == i + 1)
			l->v[kept++] = l->v[i];
		else
			rc = sweep_cluster(&s, &l->v[i], j - i, kind, conflicts, first, first_len);
		i = j;
	}
	free(s.stack);
	if (rc == 0) {
		l->n = kept;
		rc = merge_side(l, &s.out);
	}
	eg_range_list_free(&s.out);
	return rc ? -1 : normalize(l, (int)kind, "", NULL);
}

/* Index of the lowest set bit; 128 for zero. */
static unsigned trailing_zeros(unsigned __int128 v)
{
	uint64_t lo = (uint64_t)v, hi = (uint64_t)(v >> 64);

	if (lo)
		return (unsigned)__builtin_ctzll(lo);
	if (hi)
		return 64 + (unsigned)__builtin_ctzll(hi);
	return 128;
}

/* floor(log2(v)) for v > 0. */
static unsigned log2_floor(unsigned __int128 v)
{
	uint64_t hi = (uint64_t)(v >> 64);

	if (hi)
		return 127 - (unsigned)__builtin_clzll(hi);
	return 63 - (unsigned)__builtin_clzll((uint64_t)v);
}

void eg_range_to_cidrs(const uint8_t first[16], const uint8_t last[16],
		       void (*emit)(const uint8_t addr[16], unsigned plen16, void *ctx), void *ctx)
{
	unsigned __int128 lo = eg_addr_u128(first), hi = eg_addr_u128(last);
	uint8_t addr[16];

	if (lo > hi)
		return;
	for (;;) {
		/* The biggest block aligned at lo that ends at or before hi: 2^bits addresses. */
		unsigned __int128 span = hi - lo; /* addresses left, minus one */
		unsigned bits = trailing_zeros(lo), fit;

		fit = span == ~(unsigned __int128)0 ? 128 : log2_floor(span + 1);
		if (fit < bits)
			bits = fit;
		eg_u128_addr(lo, addr);
		emit(addr, 128 - bits, ctx);
		if (bits == 128)
			return;
		lo += (unsigned __int128)1 << bits;
		if (lo == 0 || lo > hi) /* wrapped past the top, or done */
			return;
	}
}

/* ---- AS names ---- */

static size_t name_slot(const struct eg_name_table *t, uint32_t asn)
{
	size_t i = (asn * 2654435761u) & (t->cap - 1);

	while (t->slots[i].asn && t->slots[i].asn != asn)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int names_grow(struct eg_name_table *t)
{
	struct eg_name_table bigger = {.cap = t->cap ? t->cap * 2 : 1024};

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].asn)
			bigger.slots[name_slot(&bigger, t->slots[i].asn)] = t->slots[i];
	bigger.n = t->n;
	free(t->slots);
	*t = bigger;
	return 0;
}

int eg_names_put(struct eg_name_table *t, uint32_t asn, const char *name, size_t len)
{
	size_t i;

	if (!asn || !len)
		return 0;
	if ((t->n + 1) * 2 > t->cap && names_grow(t))
		return -1;
	i = name_slot(t, asn);
	if (t->slots[i].asn)
		return 0; /* the first name seen stays */
	t->slots[i].name = strndup(name, len);
	if (!t->slots[i].name)
		return -1;
	t->slots[i].asn = asn;
	t->n++;
	return 0;
}

static int name_cmp(const void *pa, const void *pb)
{
	const struct eg_asn_name *a = pa, *b = pb;

	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

int eg_names_finish(struct eg_name_table *t, struct eg_dataset *ds)
{
	size_t n = 0;

	/* Compact the used slots to the front, then sort them. */
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].asn)
			t->slots[n++] = t->slots[i];
	if (n)
		qsort(t->slots, n, sizeof(*t->slots), name_cmp);
	ds->names = t->slots;
	ds->n_names = n;
	memset(t, 0, sizeof(*t));
	return 0;
}

void eg_names_free(struct eg_name_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].name);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

const char *eg_dataset_asn_name(const struct eg_dataset *ds, uint32_t asn)
{
	struct eg_asn_name key = {.asn = asn};
	const struct eg_asn_name *hit;

	if (!ds || !ds->n_names)
		return NULL;
	hit = bsearch(&key, ds->names, ds->n_names, sizeof(key), name_cmp);
	return hit ? hit->name : NULL;
}

/* ---- content ---- */

int eg_is_mmdb(const uint8_t *buf, size_t len)
{
	static const char marker[] = "\xab\xcd\xefMaxMind.com";
	size_t tail = len < 128 * 1024 ? len : 128 * 1024;

	return memmem(buf + len - tail, tail, marker, sizeof(marker) - 1) != NULL;
}

static int is_gzip(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* Room for more output; output beyond eg_dataset_max_bytes is refused. */
static int grow_output(uint8_t **out, size_t *cap, size_t hint, const char *name,
		       struct eg_error *err)
{
	size_t limit = eg_dataset_max_bytes + 1; /* one byte more shows the overflow */
	size_t want = *cap ? *cap * 2 : hint;
	uint8_t *bigger;

	if (*cap >= limit)
		return eg_fail(err, EFBIG, "%s: decompresses to more than %llu bytes; refusing it",
			       name, (unsigned long long)eg_dataset_max_bytes);
	if (want > limit)
		want = limit;
	bigger = realloc(*out, want);
	if (!bigger)
		return eg_fail(err, ENOMEM, "%s: out of memory inflating %zu bytes", name, want);
	*out = bigger;
	*cap = want;
	return 0;
}

/* One inflate() step's outcome: 1 go on, 0 all done, -1 error (err set). */
static int inflate_step(z_stream *zs, int rc, const uint8_t *in, size_t len, const char *name,
			struct eg_error *err)
{
	if (rc == Z_STREAM_END) {
		if (zs->avail_in == 0)
			return 0;
		if (zs->avail_in < 2 || zs->next_in[0] != 0x1f || zs->next_in[1] != 0x8b)
			return eg_fail(err, EINVAL,
				       "%s: unexpected data after the gzip stream at byte %zu",
				       name, (size_t)(zs->next_in - in));
		inflateReset(zs); /* another member: `cat a.gz b.gz` is valid gzip */
		return 1;
	}
	if (rc == Z_OK || (rc == Z_BUF_ERROR && zs->avail_out == 0))
		return 1;
	if (rc == Z_BUF_ERROR)
		return eg_fail(err, EINVAL, "%s: gzip data truncated: ends at byte %zu mid-stream",
			       name, len);
	if (rc == Z_MEM_ERROR)
		return eg_fail(err, ENOMEM, "%s: out of memory in zlib", name);
	return eg_fail(err, EINVAL, "%s: corrupt gzip data near byte %zu: %s", name,
		       (size_t)(zs->next_in - in), zs->msg ? zs->msg : "invalid data");
}

/* Inflate every gzip member of in. */
static int inflate_all(const uint8_t *in, size_t len, const char *name, uint8_t **out_buf,
		       size_t *out_len, struct eg_error *err)
{
	z_stream zs = {0};
	uint8_t *out = NULL;
	size_t cap = 0, used = 0;
	int step;

	if (len > UINT32_MAX)
		return eg_fail(err, EFBIG, "%s: compressed file too large", name);
	if (inflateInit2(&zs, 15 + 16) != Z_OK) /* 15 + 16: gzip framing only */
		return eg_fail(err, ENOMEM, "%s: cannot start zlib", name);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		if (used == cap &&
		    grow_output(&out, &cap, len < (1 << 20) ? 1 << 16 : len * 4, name, err)) {
			step = -1;
			break;
		}
		zs.next_out = out + used;
		zs.avail_out = (uInt)(cap - used < UINT32_MAX ? cap - used : UINT32_MAX);
		step = inflate_step(&zs, inflate(&zs, Z_NO_FLUSH), in, len, name, err);
		used = (size_t)(zs.next_out - out);
	} while (step > 0);
	inflateEnd(&zs);
	if (step < 0) {
		free(out);
		return -1;
	}
	if (used > eg_dataset_max_bytes) {
		free(out);
		return eg_fail(err, EFBIG, "%s: decompresses to more than %llu bytes; refusing it",
			       name, (unsigned long long)eg_dataset_max_bytes);
	}
	*out_buf = out;
	*out_len = used;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int set_strings(struct eg_dataset *ds, const char *name, const char *format, int gzipped)
{
	char fmt[16];

	snprintf(fmt, sizeof(fmt), "%s%s", format, gzipped ? ".gz" : "");
	ds->path = strdup(name);
	ds->format = strdup(fmt);
	if (!ds->description)
		ds->description = strdup(base_name(name));
	return ds->path && ds->format && ds->description ? 0 : -1;
}

static const char *kind_noun(enum eg_data_kind kind)
{
	return kind == EG_DATA_COUNTRY ? "country" : "ASN";
}

/* Content (already inflated) into ranges; *format is set to what it was. */
static int read_content(const uint8_t *buf, size_t len, const char *name, int gzipped,
			struct eg_dataset *ds, const char **format, struct eg_error *err)
{
	const uint8_t *nul;

	if (len == 0)
		return eg_fail(err, EINVAL, "%s: empty %s", name,
			       gzipped ? "after decompression" : "file");
	if (eg_is_mmdb(buf, len)) {
		*format = "mmdb";
		return eg_mmdb_read(buf, len, name, ds, err);
	}
	nul = memchr(buf, 0, len);
	if (nul)
		return eg_fail(err, EINVAL,
			       "%s: binary data at byte %zu, and no MaxMind DB metadata marker: "
			       "not a MaxMind DB (or a truncated one), CSV or TSV file",
			       name, (size_t)(nul - buf));
	return eg_text_read((const char *)buf, len, name, ds, format, err);
}

int eg_dataset_load_mem(const void *buf, size_t len, enum eg_data_kind kind, const char *name,
			struct eg_dataset *ds, struct eg_error *err)
{
	struct eg_dataset out = {.kind = kind};
	uint8_t *inflated = NULL;
	size_t inflated_len = 0;
	const char *format = "";
	int gzipped = is_gzip(buf, len), rc;

	memset(ds, 0, sizeof(*ds));
	ds->kind = kind;
	eg_sha256_hex(buf, len, out.sha256);
	if (gzipped && inflate_all(buf, len, name, &inflated, &inflated_len, err))
		return -1;
	rc = read_content(gzipped ? inflated : buf, gzipped ? inflated_len : len, name, gzipped,
			  &out, &format, err);
	free(inflated);
	if (rc == 0 && out.ranges.n == 0)
		rc = eg_fail(err, EINVAL,
			     "%s: no %s ranges in it (%zu records, %zu without a value)", name,
			     kind_noun(kind), out.n_records, out.n_skipped);
	if (rc == 0 && eg_range_list_resolve(&out.ranges, kind, &out.n_conflicts, out.conflict,
					     sizeof(out.conflict)))
		rc = eg_fail(err, ENOMEM, "%s: out of memory", name);
	if (rc == 0 && set_strings(&out, name, format, gzipped))
		rc = eg_fail(err, ENOMEM, "%s: out of memory", name);
	if (rc) {
		eg_dataset_free(&out);
		return -1;
	}
	*ds = out;
	return 0;
}

static int too_large(const char *path, struct eg_error *err)
{
	return eg_fail(err, EFBIG, "%s: larger than %llu bytes; refusing it", path,
		       (unsigned long long)eg_dataset_max_bytes);
}

/* Read fd to its end into a buffer of initial size cap (> 0). */
static int read_all(int fd, const char *path, size_t cap, uint8_t **buf, size_t *len,
		    struct eg_error *err)
{
	uint8_t *data = malloc(cap);
	size_t used = 0;
	ssize_t got;

	if (data)
		prefault(data, cap);
	while (data) {
		if (used == cap) {
			uint8_t *bigger;

			if (cap > eg_dataset_max_bytes) {
				free(data);
				return too_large(path, err);
			}
			cap = cap * 2 < eg_dataset_max_bytes + 1 ? cap * 2
								 : eg_dataset_max_bytes + 1;
			bigger = realloc(data, cap);
			if (!bigger)
				break;
			data = bigger;
		}
		got = read(fd, data + used, cap - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(data);
			return eg_fail(err, e, "%s: read error: %s", path, strerror(e));
		}
		if (got == 0) {
			*buf = data;
			*len = used;
			return 0;
		}
		used += (size_t)got;
	}
	free(data);
	return eg_fail(err, ENOMEM, "%s: out of memory reading it", path);
}

/* The whole file into memory (the digest needs every byte anyway). */
static int read_file(const char *path, uint8_t **buf, size_t *len, uint64_t *mtime,
		     struct eg_error *err)
{
	size_t cap = 1 << 16;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return eg_fail(err, errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0) {
		*mtime = (uint64_t)st.st_mtim.tv_sec;
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return eg_fail(err, EISDIR, "%s: is a directory", path);
		}
		if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > eg_dataset_max_bytes) {
			close(fd);
			return too_large(path, err);
		}
		if (S_ISREG(st.st_mode))
			cap = (size_t)st.st_size + 1; /* +1: the end shows without a regrow */
	}
	rc = read_all(fd, path, cap, buf, len, err);
	close(fd);
	return rc;
}

int eg_dataset_load(const char *path, enum eg_data_kind kind, struct eg_dataset *ds,
		    struct eg_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t mtime = 0;
	int rc;

	memset(ds, 0, sizeof(*ds));
	ds->kind = kind;
	if (read_file(path, &buf, &len, &mtime, err))
		return -1;
	rc = eg_dataset_load_mem(buf, len, kind, path, ds, err);
	free(buf);
	if (rc == 0 && !ds->build_epoch)
		ds->build_epoch = mtime;
	return rc;
}

void eg_dataset_free(struct eg_dataset *ds)
{
	free(ds->path);
	free(ds->format);
	free(ds->description);
	eg_range_list_free(&ds->ranges);
	for (size_t i = 0; i < ds->n_names; i++)
		free(ds->names[i].name);
	free(ds->names);
	memset(ds, 0, sizeof(*ds));
}

/* ---- several files as one dataset ---- */

/* Two normalized lists must agree wherever they overlap. */
static int check_agree(const struct eg_dataset *a, const struct eg_dataset *b, struct eg_error *err)
{
	size_t i = 0, j = 0;

	while (i < a->ranges.n && j < b->ranges.n) {
		const struct eg_range *ra = &a->ranges.v[i], *rb = &b->ranges.v[j];
		char ta[3 * EG_ADDR_STRLEN], tb[3 * EG_ADDR_STRLEN];

		if (memcmp(ra->last, rb->first, 16) < 0) {
			i++;
		} else if (memcmp(rb->last, ra->first, 16) < 0) {
			j++;
		} else if (ra->value != rb->value) {
			format_range(ra, (int)a->kind, ta, sizeof(ta));
			format_range(rb, (int)b->kind, tb, sizeof(tb));
			return eg_fail(err, EINVAL, "%s: %s conflicts with %s: %s", a->path, ta,
				       b->path, tb);
		} else if (memcmp(ra->last, rb->last, 16) < 0) {
			i++;
		} else {
			j++;
		}
	}
	return 0;
}

/* Append s to *dst, separated by ", ". */
static int join(char **dst, const char *s)
{
	char *joined;

	if (asprintf(&joined, "%s%s%s", *dst ? *dst : "", *dst ? ", " : "", s) < 0)
		return -1;
	free(*dst);
	*dst = joined;
	return 0;
}

static int append_ranges(struct eg_range_list *l, const struct eg_range_list *more)
{
	if (l->n + more->n > l->cap) {
		size_t cap = l->n + more->n;
		struct eg_range *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		prefault(v + l->n, more->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	if (more->n) /* memcpy from a NULL list is undefined even for 0 bytes */
		memcpy(l->v + l->n, more->v, more->n * sizeof(*l->v));
	l->n += more->n;
	return 0;
}

/* Merge part's sorted names into all's (taking them over); all's name of an AS stays. */
static int take_names(struct eg_dataset *all, struct eg_dataset *part)
{
	size_t i = 0, j = 0, n = 0;
	struct eg_asn_name *out = malloc((all->n_names + part->n_names + 1) * sizeof(*out));

	if (!out)
		return -1;
	while (i < all->n_names || j < part->n_names) {
		if (j == part->n_names ||
		    (i < all->n_names && all->names[i].asn <= part->names[j].asn)) {
			if (j < part->n_names && all->names[i].asn == part->names[j].asn)
				free(part->names[j++].name);
			out[n++] = all->names[i++];
		} else {
			out[n++] = part->names[j++];
		}
	}
	free(all->names);
	free(part->names);
	part->names = NULL;
	part->n_names = 0;
	all->names = out;
	all->n_names = n;
	return 0;
}

static int append_part(struct eg_dataset *all, struct eg_dataset *part, struct eg_sha256 *digest)
{
	if (append_ranges(&all->ranges, &part->ranges) || take_names(all, part) ||
	    join(&all->path, part->path) || join(&all->format, part->format) ||
	    join(&all->description, part->description))
		return -1;
	eg_sha256_update(digest, part->sha256, 64);
	eg_sha256_update(digest, "\n", 1);
	all->n_records += part->n_records;
	all->n_skipped += part->n_skipped;
	if (part->n_conflicts && !all->n_conflicts)
		snprintf(all->conflict, sizeof(all->conflict), "%s", part->conflict);
	all->n_conflicts += part->n_conflicts;
	if (part->build_epoch > all->build_epoch)
		all->build_epoch = part->build_epoch;
	return 0;
}

static int merge_parts(struct eg_dataset *parts, size_t n, struct eg_dataset *all,
		       struct eg_error *err)
{
	struct eg_sha256 digest;
	uint8_t raw[EG_SHA256_LEN];

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (check_agree(&parts[i], &parts[j], err))
				return -1;
	eg_sha256_init(&digest);
	for (size_t i = 0; i < n; i++)
		if (append_part(all, &parts[i], &digest))
			return eg_fail(err, ENOMEM, "%s: out of memory", parts[i].path);
	eg_sha256_final(&digest, raw);
	eg_sha256_to_hex(raw, all->sha256);
	/* The parts agree where they overlap: this only sorts and merges neighbours. */
	return eg_range_list_normalize_kind(&all->ranges, all->kind, all->path, err);
}

int eg_dataset_load_files(const char *const *paths, size_t n, enum eg_data_kind kind,
			  struct eg_dataset *ds, struct eg_error *err)
{
	struct eg_dataset *parts, all = {.kind = kind};
	size_t loaded = 0;
	int rc = -1;

	if (n == 1)
		return eg_dataset_load(paths[0], kind, ds, err);
	memset(ds, 0, sizeof(*ds));
	ds->kind = kind;
	if (n == 0)
		return eg_fail(err, EINVAL, "no %s dataset given", kind_noun(kind));
	parts = calloc(n, sizeof(*parts));
	if (!parts)
		return eg_fail(err, ENOMEM, "out of memory");
	for (; loaded < n; loaded++)
		if (eg_dataset_load(paths[loaded], kind, &parts[loaded], err))
			goto out;
	rc = merge_parts(parts, n, &all, err);
out:
	for (size_t i = 0; i < loaded; i++)
		eg_dataset_free(&parts[i]);
	free(parts);
	if (rc)
		eg_dataset_free(&all);
	else
		*ds = all;
	return rc;
}
