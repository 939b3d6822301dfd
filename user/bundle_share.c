// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A reload whose data did not change reuses the datasets and the world of
 * the bundle in force instead of reading and building them again: the data
 * is most of a reload's time and of its memory peak. Whether it changed is
 * told by each file's identity on disk (the key); when in doubt, it is read.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "bundle.h"
#include "manifest.h"

/* A change this recent may not show in the file's times (their clock is coarse). */
#define EG_KEY_SETTLE_NS 1000000000ll

static long long ns_of(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000ll + t.tv_nsec;
}

/* Changed so lately (or in the future) that a further change could keep the same times. */
static int unsettled(const struct stat *st)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return ns_of(st->st_mtim) > ns_of(now) - EG_KEY_SETTLE_NS ||
	       ns_of(st->st_ctim) > ns_of(now) - EG_KEY_SETTLE_NS;
}

/* path's line of the key; a missing file is a line too when absent_ok. -1: no key. */
static int key_file(FILE *key, const char *what, const char *path, int absent_ok)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (!absent_ok || errno != ENOENT)
			return -1;
		fprintf(key, "%s %s absent\n", what, path);
		return 0;
	}
	if (unsettled(&st))
		return -1;
	fprintf(key, "%s %s dev %llu ino %llu size %lld mtime %lld ctime %lld\n", what, path,
		(unsigned long long)st.st_dev, (unsigned long long)st.st_ino, (long long)st.st_size,
		ns_of(st.st_mtim), ns_of(st.st_ctim));
	return 0;
}

/* A dataset file, and the manifest beside it that can set its date or refuse it. */
static int key_dataset(FILE *key, const char *what, const char *path)
{
	char manifest[4096];

	eg_manifest_path_of(path, manifest, sizeof(manifest));
	return key_file(key, what, path, 0) || key_file(key, "manifest", manifest, 1);
}

static int key_kind(FILE *key, const char *what, char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (key_dataset(key, what, paths[i]))
			return -1;
	return 0;
}

char *eg_bundle_data_key(const struct eg_policy *p)
{
	const struct eg_policy_data *d = &p->data;
	char *text = NULL;
	size_t len = 0;
	FILE *key;
	int rc;

	if (!d->n_country && !d->n_asn && !d->n_provider_ranges)
		return NULL;
	key = open_memstream(&text, &len);
	if (!key)
		return NULL;
	rc = key_kind(key, "country", d->country, d->n_country) ||
	     key_kind(key, "asn", d->asn, d->n_asn) ||
	     key_kind(key, "provider_ranges", d->provider_ranges, d->n_provider_ranges) ||
	     (d->providers ? key_file(key, "providers", d->providers, 0)
			   : fprintf(key, "providers built-in\n") < 0);
	if (fclose(key) != 0 || rc) {
		free(text);
		return NULL;
	}
	return text;
}

int eg_bundle_borrow_data(struct eg_bundle *b, const struct eg_bundle *in_force)
{
	if (!b->data_key || !in_force->data_key || strcmp(b->data_key, in_force->data_key) != 0)
		return 0;
	b->country = in_force->country;
	b->asn = in_force->asn;
	b->ranges = in_force->ranges;
	b->have_country = in_force->have_country;
	b->have_asn = in_force->have_asn;
	b->have_ranges = in_force->have_ranges;
	b->world = in_force->world;
	b->have_world = in_force->have_world;
	b->data_borrowed = 1;
	return 1;
}

void eg_bundle_hand_over(struct eg_bundle *from, struct eg_bundle *to)
{
	if (!to->data_borrowed || from->data_borrowed)
		return;
	to->data_borrowed = 0;
	from->data_borrowed = 1;
}

void eg_bundle_shed(struct eg_bundle *b)
{
	free(b->data_key);
	b->data_key = NULL;
	if (b->have_world && !b->data_borrowed)
		eg_world_shed(&b->world);
	malloc_trim(0); /* before the new data is read, not after */
}
