// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * make bench: the ranges the CN policy denies, from the same reference
 * decision the decision tables are compiled from, so exfilguard's CIDR-only
 * variant and the nftables sets do exactly the CN policy's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "addr.h"
#include "bench.h"
#include "judge.h"
#include "range.h"

#define V4_BASE (((unsigned __int128)0xffff) << 32)
#define V4_TOP	(V4_BASE | 0xffffffffu)

static int grow(void **arr, size_t n, size_t *cap, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 1024;
	p = realloc(*arr, *cap * size);
	if (!p)
		return -1;
	*arr = p;
	return 0;
}

static int in_v4(unsigned __int128 x)
{
	return x >= V4_BASE && x <= V4_TOP;
}

/* Append [first, last] (16-byte form numbers) to the list of its family. */
static int add_range(struct bench_deny *d, unsigned __int128 first, unsigned __int128 last,
		     size_t *cap4, size_t *cap6)
{
	if (in_v4(first) && in_v4(last)) {
		if (grow((void **)&d->v4, d->n4, cap4, sizeof(*d->v4)))
			return -1;
		d->v4[d->n4++] = (struct bench_v4_range){(uint32_t)first, (uint32_t)last};
		return 0;
	}
	if (in_v4(first) || in_v4(last))
		return 0; /* straddles the IPv4 block's edge: not a CN range */
	if (grow((void **)&d->v6, d->n6, cap6, sizeof(*d->v6)))
		return -1;
	eg_u128_to_addr(first, d->v6[d->n6].first);
	eg_u128_to_addr(last, d->v6[d->n6].last);
	d->n6++;
	return 0;
}

int bench_deny_from(const struct eg_bundle *b, struct bench_deny *d)
{
	struct eg_tables t = {.world = &b->world, .rs = &b->rules};
	unsigned __int128 first = 0, last = 0;
	size_t i, cap4 = 0, cap6 = 0;
	int open = 0;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < b->world.segs.n; i++) {
		const struct eg_segment seg = eg_world_segment(&b->world, i), *s = &seg;
		struct eg_decision dec;
		uint8_t a[16];

		eg_u128_to_addr(s->first, a);
		eg_judge_user_one(&t, a, s->class_id, &dec);
		if (dec.verdict != EG_VERDICT_DENY)
			continue;
		/* Merge neighbours of one family; the IPv4 block's edges split. */
		if (open && last + 1 == s->first && in_v4(last) == in_v4(s->first)) {
			last = s->last;
			continue;
		}
		if (open && add_range(d, first, last, &cap4, &cap6))
			return -1;
		first = s->first;
		last = s->last;
		open = 1;
	}
	return open ? add_range(d, first, last, &cap4, &cap6) : 0;
}

int bench_deny_has_v4(const struct bench_deny *d, uint32_t addr)
{
	size_t lo = 0, hi = d->n4;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (d->v4[mid].last < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n4 && d->v4[lo].first <= addr;
}

struct cidr_out {
	FILE *f;
	long n;
};

static void emit_cidr(const uint8_t addr[16], unsigned plen16, void *arg)
{
	struct cidr_out *o = arg;
	char text[INET6_ADDRSTRLEN];

	if (plen16 >= 96 && !memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		inet_ntop(AF_INET, addr + 12, text, sizeof(text));
		fprintf(o->f, "%s%s/%u", o->n ? ", " : "", text, plen16 - 96);
	} else {
		inet_ntop(AF_INET6, addr, text, sizeof(text));
		fprintf(o->f, "%s%s/%u", o->n ? ", " : "", text, plen16);
	}
	o->n++;
}

static void v4_form(uint32_t host, uint8_t a[16])
{
	uint32_t net = htonl(host);

	memset(a, 0, 10);
	a[10] = a[11] = 0xff;
	memcpy(a + 12, &net, 4);
}

long bench_deny_write_policy(const struct bench_deny *d, const char *path)
{
	struct cidr_out o = {.f = fopen(path, "w")};
	size_t i;

	if (!o.f)
		return -1;
	fprintf(o.f, "rules:\n  - action: deny\n    cidr: [");
	for (i = 0; i < d->n4; i++) {
		uint8_t first[16], last[16];

		v4_form(d->v4[i].first, first);
		v4_form(d->v4[i].last, last);
		eg_range_to_cidrs(first, last, emit_cidr, &o);
	}
	for (i = 0; i < d->n6; i++)
		eg_range_to_cidrs(d->v6[i].first, d->v6[i].last, emit_cidr, &o);
	fprintf(o.f, "]\n");
	return fclose(o.f) ? -1 : o.n;
}

/* Range i of the deny list (the IPv4 ones first, then the IPv6 ones) as text, first and last. */
static void range_text(const struct bench_deny *d, size_t i, char a[INET6_ADDRSTRLEN],
		       char b[INET6_ADDRSTRLEN])
{
	if (i < d->n4) {
		uint32_t x = htonl(d->v4[i].first), y = htonl(d->v4[i].last);

		inet_ntop(AF_INET, &x, a, INET6_ADDRSTRLEN);
		inet_ntop(AF_INET, &y, b, INET6_ADDRSTRLEN);
		return;
	}
	inet_ntop(AF_INET6, d->v6[i - d->n4].first, a, INET6_ADDRSTRLEN);
	inet_ntop(AF_INET6, d->v6[i - d->n4].last, b, INET6_ADDRSTRLEN);
}

int bench_deny_write_nft(const struct bench_deny *d, const char *path)
{
	FILE *f = fopen(path, "w");
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	size_t i;

	if (!f)
		return -1;
	fprintf(f, "table inet egbench {\n set cn4 { type ipv4_addr; flags interval; elements = {");
	for (i = 0; i < d->n4; i++) {
		range_text(d, i, a, b);
		fprintf(f, "%s\n  %s-%s", i ? "," : "", a, b);
	}
	fprintf(f, " } }\n set cn6 { type ipv6_addr; flags interval; elements = {");
	for (; i < d->n4 + d->n6; i++) {
		range_text(d, i, a, b);
		fprintf(f, "%s\n  %s-%s", i > d->n4 ? "," : "", a, b);
	}
	fprintf(f, " } }\n}\n");
	return fclose(f) ? -1 : 0;
}

/* The CN policy's rules (as in the Makefile's cn.yaml) on the world in dir's two CSVs. */
static int write_fixture_policy(const char *path, const char *dir)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f,
		"data:\n  country: %s/fixture-country.csv\n  asn: [%s/fixture-asn.csv]\n"
		"rules:\n  - action: deny\n    country: [CN]\n"
		"  - action: deny\n    provider: [alibaba-cloud]\n  - action: deny\n"
		"    jurisdiction: [CN]\n",
		dir, dir);
	return fclose(f);
}

/* The fixture world's file name in dir, opened for writing. */
static FILE *fixture_file(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "w");
}

/*
 * The country CSV: every denied range as CN; the ASN CSV: one row,
 * Alibaba's AS45102 on the first denied range, so the provider rules have data.
 */
int bench_deny_write_fixture(const struct bench_deny *d, const char *dir, const char *policy_path)
{
	FILE *country = fixture_file(dir, "fixture-country.csv");
	FILE *asn = fixture_file(dir, "fixture-asn.csv");
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int rc = country && asn ? 0 : -1;
	size_t i;

	for (i = 0; !rc && i < d->n4 + d->n6; i++) {
		range_text(d, i, a, b);
		fprintf(country, "%s,%s,CN\n", a, b);
		if (!i)
			fprintf(asn, "%s,%s,45102,Alibaba\n", a, b);
	}
	if (country && fclose(country))
		rc = -1;
	if (asn && fclose(asn))
		rc = -1;
	return rc ? rc : write_fixture_policy(policy_path, dir);
}
