// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* gzip, a transparent layer under every dataset format. */
#include <errno.h>
#include <stdlib.h>
#include <zlib.h>
#include "gzip.h"
#include "prefault.h"

int eg_is_gzip(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
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

static int too_big(uint64_t max, const char *name, struct eg_error *err)
{
	return eg_fail(err, EFBIG, "%s: decompresses to more than %llu bytes; refusing it", name,
		       (unsigned long long)max);
}

/*
 * One pass over every gzip member of in: into out[out_cap] when out is
 * given, else only counted, through a small scratch buffer. Output past max
 * is refused as soon as it shows, so counting a bomb takes no more memory
 * than the scratch buffer.
 */
static int inflate_pass(const uint8_t *in, size_t len, uint64_t max, uint8_t *out, size_t out_cap,
			size_t *produced, const char *name, struct eg_error *err)
{
	uint8_t scratch[1 << 16];
	z_stream zs = {0};
	size_t total = 0;
	int step;

	if (inflateInit2(&zs, 15 + 16) != Z_OK) /* 15 + 16: gzip framing only */
		return eg_fail(err, ENOMEM, "%s: cannot start zlib", name);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		uint8_t *dst = out ? out + total : scratch;
		size_t room = out ? out_cap - total : sizeof(scratch);

		zs.next_out = dst;
		zs.avail_out = (uInt)(room < UINT32_MAX ? room : UINT32_MAX);
		step = inflate_step(&zs, inflate(&zs, Z_NO_FLUSH), in, len, name, err);
		total += (size_t)(zs.next_out - dst);
		if (step >= 0 && total > max)
			step = too_big(max, name, err);
	} while (step > 0);
	inflateEnd(&zs);
	*produced = total;
	return step < 0 ? -1 : 0;
}

/*
 * Count the output first, then inflate again into a buffer of exactly that
 * size: a bomb is refused before anything of its size is allocated, and the
 * real content is allocated once.
 */
int eg_gunzip(const uint8_t *in, size_t len, uint64_t max, const char *name, uint8_t **out_buf,
	      size_t *out_len, struct eg_error *err)
{
	size_t size, used;
	uint8_t *out;

	if (len > UINT32_MAX)
		return eg_fail(err, EFBIG, "%s: compressed file too large", name);
	if (inflate_pass(in, len, max, NULL, 0, &size, name, err))
		return -1;
	out = malloc(size + 1); /* + 1: room to show output beyond the count, were there any */
	if (!out)
		return eg_fail(err, ENOMEM, "%s: out of memory inflating %zu bytes", name, size);
	eg_prefault(out, size + 1);
	if (inflate_pass(in, len, size, out, size + 1, &used, name, err)) {
		free(out);
		return -1;
	}
	*out_buf = out;
	*out_len = used;
	return 0;
}
