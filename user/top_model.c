// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "addr.h"
#include "dns_names.h"
#include "pins.h"
#include "top_model.h"

static void read_verdicts(struct eg_top_model *m, const char *pin_dir)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_HOT));
	struct eg_counters c;

	eg_counters_read(fd, &c);
	for (unsigned v = 0; v < EG_VERDICT_COUNT; v++)
		m->verdicts[v] = eg_counters_verdict(&c, v);
	if (fd >= 0)
		close(fd);
}

static void fill_row(struct eg_top_row *row, const struct eg_stat_row *r,
		     const struct eg_stats_namer *namer, int dns_fd, uint64_t now)
{
	static const uint8_t zero[16];

	memset(row, 0, sizeof(*row));
	eg_stats_name(namer, r->key.cgroup_id, &r->key.cls, r->key.verdict, &row->nm);
	row->attempts = r->attempts;
	row->packets = r->packets;
	row->bytes = r->bytes;
	if (!memcmp(r->last_daddr, zero, 16))
		return;
	eg_addr_format(r->last_daddr, row->daddr, sizeof(row->daddr));
	if (eg_dns_name_for(dns_fd, r->last_daddr, now, row->name, NULL))
		row->name[0] = '\0';
}

int eg_top_refresh(struct eg_top_model *m, const char *pin_dir, const struct eg_stats_namer *namer,
		   struct eg_error *err)
{
	int dns_fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_DNS));
	uint64_t now = eg_dns_now_boot_ns();
	struct eg_stats s;

	if (eg_stats_read_pinned(pin_dir, &s, err)) {
		if (dns_fd >= 0)
			close(dns_fd);
		return -1;
	}
	eg_top_free(m);
	m->rows = calloc(s.n ? s.n : 1, sizeof(*m->rows));
	for (size_t i = 0; m->rows && i < s.n; i++)
		fill_row(&m->rows[m->n++], &s.rows[i], namer, dns_fd, now);
	eg_stats_free(&s);
	if (dns_fd >= 0)
		close(dns_fd);
	read_verdicts(m, pin_dir);
	return 0;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int by_attempts(const void *a, const void *b)
{
	const struct eg_top_row *x = a, *y = b;

	return cmp_u64_desc(x->attempts, y->attempts) ?: cmp_u64_desc(x->bytes, y->bytes);
}

static int by_bytes(const void *a, const void *b)
{
	const struct eg_top_row *x = a, *y = b;

	return cmp_u64_desc(x->bytes, y->bytes) ?: cmp_u64_desc(x->attempts, y->attempts);
}

/* Named rows first, in name order; then by attempts. */
static int by_name(const void *a, const void *b)
{
	const struct eg_top_row *x = a, *y = b;

	if (!x->name[0] != !y->name[0])
		return x->name[0] ? -1 : 1;
	return strcmp(x->name, y->name) ?: by_attempts(a, b);
}

void eg_top_sort(struct eg_top_model *m, enum eg_top_sort by)
{
	int (*cmp[])(const void *, const void *) = {by_attempts, by_bytes, by_name};

	if (m->n)
		qsort(m->rows, m->n, sizeof(*m->rows), cmp[by]);
}

void eg_top_free(struct eg_top_model *m)
{
	free(m->rows);
	m->rows = NULL;
	m->n = 0;
}
