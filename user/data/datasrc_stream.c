// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A plain range file read, digested and parsed a piece at a time: the ASN
 * CSVs are 33 MB of text for 19 MB of ranges, and a snapshot of them whole
 * was a third of a load's memory peak. The digest still covers exactly the
 * bytes parsed (each piece is digested as it is parsed), so it names what
 * was loaded even when the file changes meanwhile. Anything that is not
 * plainly such a file (gzip, another format's marks, a NUL byte, a pipe,
 * more than the limit) is left to the snapshot reader, which says what it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "datasrc.h"
#include "format.h"
#include "gzip.h"
#include "sha256.h"
#include "timing.h"

#define PIECE	   (1u << 20)
#define MMDB_TAIL  (128u * 1024) /* where mmdb_probe looks for its marker */
#define NOT_STREAM 1

struct stream {
	int fd;
	char *buf;
	size_t cap, have; /* bytes in buf not parsed yet */
	uint64_t total;	  /* read so far */
	struct eg_sha256 *digest;
	struct eg_text_stream *text;
};

/* A file the text reader takes for sure: no gzip, no JSON, no MaxMind DB marker at its end. */
static int plain_text(struct stream *s, off_t size)
{
	uint8_t tail[MMDB_TAIL];
	size_t want = (size_t)size < sizeof(tail) ? (size_t)size : sizeof(tail), i = 0;
	ssize_t got = pread(s->fd, tail, want, size - (off_t)want);
	char why[128];

	if (got != (ssize_t)want || eg_format_mmdb.probe(tail, want, why, sizeof(why)))
		return 0;
	got = pread(s->fd, s->buf, 64, 0);
	if (got <= 0 || eg_is_gzip((const uint8_t *)s->buf, (size_t)got))
		return 0;
	while (i < (size_t)got && strchr(" \t\r\n", s->buf[i]))
		i++;
	return i < (size_t)got && s->buf[i] != '{'; /* the JSON formats' objects */
}

/* Read the next piece and parse the complete lines in hand: 0, -1 (err), or NOT_STREAM. */
static int step(struct stream *s, int *at_end, struct eg_error *err)
{
	ssize_t got;
	long used;

	if (s->have == s->cap) { /* a line longer than the buffer */
		char *bigger = realloc(s->buf, 2 * s->cap);

		if (!bigger)
			return eg_fail(err, ENOMEM, "out of memory");
		s->buf = bigger;
		s->cap *= 2;
	}
	do
		got = read(s->fd, s->buf + s->have, s->cap - s->have);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return NOT_STREAM; /* the snapshot reader says why */
	if (memchr(s->buf + s->have, 0, (size_t)got))
		return NOT_STREAM; /* binary: not text after all */
	s->total += (uint64_t)got;
	if (s->total > eg_dataset_max_bytes)
		return NOT_STREAM;
	if (eg_sha256_update(s->digest, s->buf + s->have, (size_t)got))
		return eg_fail(err, ENOMEM, "libcrypto cannot compute a SHA-256");
	s->have += (size_t)got;
	*at_end = got == 0;
	used = eg_text_stream_feed(s->text, s->buf, s->have, *at_end);
	if (used < 0)
		return -1;
	memmove(s->buf, s->buf + used, s->have - (size_t)used);
	s->have -= (size_t)used;
	return 0;
}

static int read_all(struct stream *s, const char *path, struct eg_dataset *ds, off_t size,
		    struct eg_error *err)
{
	const char *format = "csv";
	int rc = 0, at_end = 0;

	s->text = eg_text_stream_new(path, ds, (size_t)size, err);
	if (!s->text)
		return -1;
	while (!at_end && rc == 0)
		rc = step(s, &at_end, err);
	eg_text_stream_end(s->text, rc == 0, &format);
	if (rc)
		return rc;
	rc = eg_sha256_end(s->digest, ds->sha256);
	s->digest = NULL;
	if (rc)
		return eg_fail(err, ENOMEM, "%s: libcrypto cannot compute its SHA-256", path);
	return eg_dataset_finish(ds, 0, path, format, 0, err);
}

static int stream_open(struct stream *s, const char *path, off_t *size, uint64_t *mtime)
{
	struct stat st;

	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > eg_dataset_max_bytes)
		return NOT_STREAM;
	*size = st.st_size;
	*mtime = (uint64_t)st.st_mtim.tv_sec;
	s->cap = PIECE;
	s->buf = malloc(s->cap);
	s->digest = eg_sha256_begin();
	return s->buf && s->digest && plain_text(s, st.st_size) ? 0 : NOT_STREAM;
}

int eg_dataset_stream(const char *path, struct eg_dataset *ds, uint64_t *mtime,
		      struct eg_error *err)
{
	struct stream s = {.fd = -1};
	enum eg_data_kind kind = ds->kind;
	struct eg_phase ph;
	off_t size = 0;
	int rc = NOT_STREAM;

	eg_phase_begin(&ph);
	if ((eg_format_text.kinds & EG_KIND_BIT(kind)) && stream_open(&s, path, &size, mtime) == 0)
		rc = read_all(&s, path, ds, size, err);
	if (rc == NOT_STREAM) { /* nothing of it kept */
		eg_dataset_free(ds);
		ds->kind = kind;
	}
	if (s.digest)
		eg_sha256_end(s.digest, NULL);
	free(s.buf);
	if (s.fd >= 0)
		close(s.fd);
	if (rc != NOT_STREAM)
		eg_phase_end(
			&ph,
			"dataset read, digest and parse %s (in pieces): %llu bytes, %zu ranges",
			path, (unsigned long long)s.total, ds->ranges.n);
	return rc;
}
