// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "file.h"
#include "prefault.h"

/* "16 MiB", or "200 bytes" when not a whole number of MiB. */
static void format_limit(uint64_t bytes, char *buf, size_t len)
{
	if (bytes && bytes % (1u << 20) == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
}

/* size < 0: a stream found longer than the limit while reading it. */
static int too_large(const char *path, const struct eg_file_rules *rules, long long size,
		     struct eg_error *err)
{
	char limit[32], found[48];

	format_limit(rules->max_bytes, limit, sizeof(limit));
	if (size < 0)
		snprintf(found, sizeof(found), "more than %s", limit);
	else
		snprintf(found, sizeof(found), "%lld bytes", size);
	return eg_fail(err, EFBIG, "%s: %s; %s can be at most %s", path, found, rules->what, limit);
}

/* Grow *data from *cap, up to one byte past the limit (filling that shows a file too large). */
static int grow(char **data, size_t *cap, const char *path, const struct eg_file_rules *rules,
		struct eg_error *err)
{
	size_t most = rules->max_bytes + 1, want = *cap * 2 < most ? *cap * 2 : most;
	char *bigger;

	if (*cap >= most)
		return too_large(path, rules, -1, err);
	bigger = realloc(*data, want + 1); /* + 1: the NUL */
	if (!bigger)
		return eg_fail(err, ENOMEM, "%s: out of memory reading it", path);
	*data = bigger;
	*cap = want;
	return 0;
}

/* Read fd to its end into a buffer of initial size cap (> 0). */
static int read_all(int fd, const char *path, const struct eg_file_rules *rules, size_t cap,
		    struct eg_file *out, struct eg_error *err)
{
	char *data = malloc(cap + 1);
	size_t used = 0;

	if (!data)
		return eg_fail(err, ENOMEM, "%s: out of memory reading it", path);
	eg_prefault(data, cap);
	for (;;) {
		ssize_t got;

		if (used == cap && grow(&data, &cap, path, rules, err))
			break;
		got = read(fd, data + used, cap - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			eg_fail(err, e, "%s: cannot read: %s", path, strerror(e));
			break;
		}
		if (got == 0) {
			data[used] = '\0';
			out->data = data;
			out->len = used;
			return 0;
		}
		used += (size_t)got;
	}
	free(data);
	return -1;
}

int eg_file_read(const char *path, const struct eg_file_rules *rules, struct eg_file *out,
		 struct eg_error *err)
{
	size_t cap = 1 << 16;
	struct stat st;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		return eg_fail(err, e, "%s: cannot open: %s", path, strerror(e));
	}
	if (fstat(fd, &st) == 0) {
		out->mtime = (uint64_t)st.st_mtim.tv_sec;
		if (rules->regular_only && !S_ISREG(st.st_mode))
			rc = eg_fail(err, EINVAL, "%s: not a regular file", path);
		else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > rules->max_bytes)
			rc = too_large(path, rules, (long long)st.st_size, err);
		else
			rc = 0;
		if (rc) {
			close(fd);
			return rc;
		}
		if (S_ISREG(st.st_mode))
			cap = (size_t)st.st_size + 1; /* +1: the end shows without a regrow */
	}
	if (cap > rules->max_bytes + 1)
		cap = rules->max_bytes + 1;
	rc = read_all(fd, path, rules, cap, out, err);
	close(fd);
	return rc;
}

/* The whole of regular file fd into a new sealed memfd; -2 when sendfile cannot read it. */
static int copy_sealed(int fd, const char *path, const struct eg_file_rules *rules, size_t *len,
		       struct eg_error *err)
{
	int mfd = memfd_create("exfilguard-dataset", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	off_t at = 0;

	if (mfd < 0)
		return eg_fail(err, errno, "%s: memfd_create: %s", path, strerror(errno));
	for (;;) {
		ssize_t got = sendfile(mfd, fd, &at, 1 << 30);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && at == 0 && (errno == EINVAL || errno == ENOSYS)) {
			close(mfd); /* a filesystem sendfile cannot read: read() it instead */
			return -2;
		}
		if (got < 0) {
			int e = errno;

			close(mfd);
			return eg_fail(err, e, "%s: cannot read: %s", path, strerror(e));
		}
		if (got == 0)
			break;
		if ((uint64_t)at > rules->max_bytes) { /* it grew while we read it */
			close(mfd);
			return too_large(path, rules, -1, err);
		}
	}
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)) {
		int e = errno;

		close(mfd);
		return eg_fail(err, e, "%s: cannot seal its copy: %s", path, strerror(e));
	}
	*len = (size_t)at;
	return mfd;
}

/* Map the sealed copy; 1 when it is to be read the plain way (empty, or not sendfile's). */
static int map_sealed(int fd, const char *path, const struct eg_file_rules *rules,
		      struct eg_snapshot *out, struct eg_error *err)
{
	int mfd = copy_sealed(fd, path, rules, &out->len, err);
	void *map;

	if (mfd < 0)
		return mfd == -2 ? 1 : -1;
	if (out->len == 0) {
		close(mfd);
		return 1;
	}
	/* MAP_POPULATE: the pages are there already; map them all in one go. */
	map = mmap(NULL, out->len, PROT_READ, MAP_SHARED | MAP_POPULATE, mfd, 0);
	if (map == MAP_FAILED) {
		int e = errno;

		close(mfd);
		return eg_fail(err, e, "%s: cannot map its copy: %s", path, strerror(e));
	}
	out->data = map;
	out->fd = mfd;
	return 0;
}

int eg_file_snapshot(const char *path, const struct eg_file_rules *rules, struct eg_snapshot *out,
		     struct eg_error *err)
{
	struct eg_file file;
	struct stat st;
	int fd, rc = 1;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		out->mtime = (uint64_t)st.st_mtim.tv_sec;
		rc = (uint64_t)st.st_size > rules->max_bytes
			     ? too_large(path, rules, (long long)st.st_size, err)
			     : map_sealed(fd, path, rules, out, err);
	}
	if (fd >= 0)
		close(fd);
	if (rc <= 0)
		return rc;
	/* Not regular, empty, or not openable: the plain reader says what it is. */
	if (eg_file_read(path, rules, &file, err))
		return -1;
	*out = (struct eg_snapshot){.data = (const uint8_t *)file.data,
				    .len = file.len,
				    .fd = -1,
				    .mtime = file.mtime,
				    .heap = file.data};
	return 0;
}

void eg_snapshot_release(struct eg_snapshot *s)
{
	if (s->heap)
		free(s->heap);
	else if (s->data)
		munmap((void *)s->data, s->len);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
