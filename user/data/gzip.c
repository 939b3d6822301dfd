// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* gzip, a transparent layer under every dataset format. */
#include <errno.h>
#include <stdlib.h>
#include <zlib.h>
#include "gzip.h"

int eg_is_gzip(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* Room for more output; output beyond max is refused. */
static int grow_output(uint8_t **out, size_t *cap, size_t hint, uint64_t max, const char *name,
		       struct eg_error *err)
{
	size_t limit = max + 1; /* one byte more shows the overflow */
	size_t want = *cap ? *cap * 2 : hint;
	uint8_t *bigger;

	if (*cap >= limit)
		return eg_fail(err, EFBIG, "%s: decompresses to more than %llu bytes; refusing it",
			       name, (unsigned long long)max);
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
int eg_gunzip(const uint8_t *in, size_t len, uint64_t max, const char *name, uint8_t **out_buf,
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
		    grow_output(&out, &cap, len < (1 << 20) ? 1 << 16 : len * 4, max, name, err)) {
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
	if (used > max) {
		free(out);
		return eg_fail(err, EFBIG, "%s: decompresses to more than %llu bytes; refusing it",
			       name, (unsigned long long)max);
	}
	*out_buf = out;
	*out_len = used;
	return 0;
}
