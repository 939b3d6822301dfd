// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reading, snapshotting and subtracting the kernel's byte counts (stats.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pins.h"
#include "stats.h"

#define SNAPSHOT_MAGIC "exfilguard-stats 2"

static int stats_push(struct eg_stats *s, const struct eg_stat_row *row, size_t *cap)
{
	if (s->n == *cap) {
		size_t grown = *cap ? *cap * 2 : 64;
		struct eg_stat_row *rows = realloc(s->rows, grown * sizeof(*rows));

		if (!rows)
			return -1;
		s->rows = rows;
		*cap = grown;
	}
	s->rows[s->n++] = *row;
	return 0;
}

/* One key's per-CPU values, summed. */
static int row_sum(int fd, struct eg_stat_row *row, struct eg_acct *vals, int ncpu)
{
	if (bpf_map_lookup_elem(fd, &row->key, vals))
		return -1; /* removed meanwhile */
	row->bytes = row->packets = row->attempts = 0;
	memset(row->last_daddr, 0, sizeof(row->last_daddr));
	for (int i = 0; i < ncpu; i++) {
		row->bytes += vals[i].bytes;
		row->packets += vals[i].packets;
		row->attempts += vals[i].attempts;
		if (vals[i].packets + vals[i].attempts)
			memcpy(row->last_daddr, vals[i].last_daddr, 16);
	}
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const struct eg_stat_row *x = a, *y = b;

	return memcmp(&x->key, &y->key, sizeof(x->key));
}

static int addr_known(const uint8_t addr[16])
{
	static const uint8_t zero[16];

	return memcmp(addr, zero, sizeof(zero)) != 0;
}

/*
 * The daemon's rows (EG_ACCT_BY_DAEMON: the denies it classified and
 * counted, user/attempts.h) added to the kernel's row of the same workload,
 * class and verdict: one row each, whoever counted.
 */
static void merge_sources(struct eg_stats *s)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n; i++)
		s->rows[i].key.source = EG_ACCT_BY_KERNEL;
	if (s->n)
		qsort(s->rows, s->n, sizeof(*s->rows), by_key);
	for (size_t i = 0; i < s->n; i++) {
		struct eg_stat_row *into = kept ? &s->rows[kept - 1] : NULL;
		const struct eg_stat_row *r = &s->rows[i];

		if (!into || memcmp(&into->key, &r->key, sizeof(r->key))) {
			s->rows[kept++] = *r;
			continue;
		}
		into->bytes += r->bytes;
		into->packets += r->packets;
		into->attempts += r->attempts;
		if (!addr_known(into->last_daddr))
			memcpy(into->last_daddr, r->last_daddr, sizeof(r->last_daddr));
	}
	s->n = kept;
}

int eg_stats_read_fd(int fd, struct eg_stats *out, struct eg_error *err)
{
	int ncpu = libbpf_num_possible_cpus();
	struct eg_acct *vals = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*vals)) : NULL;
	struct eg_acct_key key, next;
	struct eg_stat_row row = {0};
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (!vals)
		return eg_fail(err, ENOMEM, "cannot read the byte counts: out of memory");
	for (int first = 1; bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0; first = 0) {
		key = row.key = next;
		if (row_sum(fd, &row, vals, ncpu) == 0 && stats_push(out, &row, &cap)) {
			free(vals);
			eg_stats_free(out);
			return eg_fail(err, ENOMEM, "cannot read the byte counts: out of memory");
		}
	}
	free(vals);
	merge_sources(out);
	return 0;
}

int eg_stats_read_pinned(const char *pin_dir, struct eg_stats *out, struct eg_error *err)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_BYTES)), rc;

	if (fd < 0)
		return eg_fail(err, errno, "%s: no guard with byte counts is pinned here: %s",
			       pin_dir, strerror(errno));
	rc = eg_stats_read_fd(fd, out, err);
	close(fd);
	return rc;
}

void eg_stats_free(struct eg_stats *s)
{
	free(s->rows);
	s->rows = NULL;
	s->n = 0;
}

static int by_bytes_desc(const void *a, const void *b)
{
	const struct eg_stat_row *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

void eg_stats_sort(struct eg_stats *s)
{
	if (s->n)
		qsort(s->rows, s->n, sizeof(*s->rows), by_bytes_desc);
}

static const struct eg_stat_row *find_row(const struct eg_stats *s, const struct eg_acct_key *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (memcmp(&s->rows[i].key, key, sizeof(*key)) == 0)
			return &s->rows[i];
	return NULL;
}

void eg_stats_subtract(struct eg_stats *s, const struct eg_stats *base)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct eg_stat_row row = s->rows[i];
		const struct eg_stat_row *old = find_row(base, &row.key);

		/* A count below the snapshot's: the counters restarted since; all of it is new. */
		if (old && old->bytes <= row.bytes && old->packets <= row.packets &&
		    old->attempts <= row.attempts) {
			row.bytes -= old->bytes;
			row.packets -= old->packets;
			row.attempts -= old->attempts;
		}
		if (row.packets || row.attempts)
			s->rows[kept++] = row;
	}
	s->n = kept;
}

int eg_stats_save(const struct eg_stats *s, uint64_t unix_s, const char *path, struct eg_error *err)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return eg_fail(err, errno, "%s: cannot write the snapshot: %s", tmp,
			       strerror(errno));
	fprintf(f, SNAPSHOT_MAGIC " %" PRIu64 "\n", unix_s);
	for (size_t i = 0; i < s->n; i++) {
		const struct eg_stat_row *r = &s->rows[i];

		fprintf(f, "%" PRIu64 " %u %u %u %u %u %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
			(uint64_t)r->key.cgroup_id, r->key.cls.asn, r->key.cls.country,
			r->key.cls.provider, r->key.cls.jurisdiction, r->key.verdict, r->bytes,
			r->packets, r->attempts);
	}
	if (fclose(f) || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return eg_fail(err, e, "%s: cannot write the snapshot: %s", path, strerror(e));
	}
	return 0;
}

/* One row of a snapshot; 0 when the line is well-formed. */
static int parse_row(const char *line, struct eg_stat_row *r)
{
	unsigned long long cg, bytes, packets, attempts;
	unsigned asn, country, provider, juris, verdict;
	char extra;

	if (sscanf(line, "%llu %u %u %u %u %u %llu %llu %llu %c", &cg, &asn, &country, &provider,
		   &juris, &verdict, &bytes, &packets, &attempts, &extra) != 9 ||
	    country > UINT16_MAX || provider > UINT16_MAX || juris > UINT16_MAX ||
	    verdict >= EG_VERDICT_COUNT)
		return -1;
	memset(r, 0, sizeof(*r));
	r->key.cgroup_id = cg;
	r->key.cls.asn = asn;
	r->key.cls.country = (uint16_t)country;
	r->key.cls.provider = (uint16_t)provider;
	r->key.cls.jurisdiction = (uint16_t)juris;
	r->key.verdict = (uint8_t)verdict;
	r->bytes = bytes;
	r->packets = packets;
	r->attempts = attempts;
	return 0;
}

int eg_stats_load(const char *path, struct eg_stats *s, uint64_t *unix_s, struct eg_error *err)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned long long t;
	size_t cap = 0, no = 1;
	struct eg_stat_row row;

	memset(s, 0, sizeof(*s));
	if (!f)
		return eg_fail(err, errno, "%s: cannot read the snapshot: %s", path,
			       strerror(errno));
	if (!fgets(line, sizeof(line), f) || sscanf(line, SNAPSHOT_MAGIC " %llu", &t) != 1) {
		fclose(f);
		return eg_fail(err, EINVAL, "%s:1: not an exfilguard stats snapshot", path);
	}
	*unix_s = t;
	while (fgets(line, sizeof(line), f)) {
		no++;
		if (parse_row(line, &row) || stats_push(s, &row, &cap)) {
			fclose(f);
			eg_stats_free(s);
			return eg_fail(err, EINVAL, "%s:%zu: bad snapshot row", path, no);
		}
	}
	fclose(f);
	return 0;
}

int64_t eg_duration_parse(const char *text)
{
	char *end;
	long long n;
	int64_t unit;

	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno || end == text || n <= 0 || n > INT32_MAX || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (end[0]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -1;
	}
	return n * unit;
}
