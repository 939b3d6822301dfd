// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* SHA-256 (FIPS 180-4). None of the libraries already linked offers it. */
#include <string.h>
#include "sha256.h"

static const uint32_t round_constants[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void compress(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(block + 4 * i);
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = state[0], b = state[1], c = state[2], d = state[3];
	e = state[4], f = state[5], g = state[6], h = state[7];
	for (i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) +
			      round_constants[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	state[0] += a, state[1] += b, state[2] += c, state[3] += d;
	state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

static void compress_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks)
{
	for (; blocks; blocks--, data += 64)
		compress(state, data);
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/*
 * The x86 SHA extensions do four rounds per pair of instructions: ~8x the
 * portable code, which matters for the 24 MB ASN CSV. Intel's published
 * sequence, as a loop over the sixteen groups of four rounds.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_blocks_shani(uint32_t state[8], const uint8_t *data, size_t blocks)
{
	const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i state0, state1, tmp, msg, m[4], abef, cdgh;

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);    /* CDAB */
	state1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B); /* EFGH */
	state0 = _mm_alignr_epi8(tmp, state1, 8);				       /* ABEF */
	state1 = _mm_blend_epi16(state1, tmp, 0xF0);				       /* CDGH */
	for (; blocks; blocks--, data += 64) {
		abef = state0;
		cdgh = state1;
		for (int g = 0; g < 16; g++) {
			if (g < 4)
				m[g] = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(data + 16 * g)),
					byteswap);
			msg = _mm_add_epi32(
				m[g & 3],
				_mm_loadu_si128((const __m128i *)&round_constants[4 * g]));
			state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
			if (g >= 3 && g <= 14) {
				tmp = _mm_alignr_epi8(m[g & 3], m[(g - 1) & 3], 4);
				m[(g + 1) & 3] = _mm_sha256msg2_epu32(
					_mm_add_epi32(m[(g + 1) & 3], tmp), m[g & 3]);
			}
			state0 =
				_mm_sha256rnds2_epu32(state0, state1, _mm_shuffle_epi32(msg, 0x0E));
			if (g >= 1 && g <= 12)
				m[(g - 1) & 3] = _mm_sha256msg1_epu32(m[(g - 1) & 3], m[g & 3]);
		}
		state0 = _mm_add_epi32(state0, abef);
		state1 = _mm_add_epi32(state1, cdgh);
	}
	tmp = _mm_shuffle_epi32(state0, 0x1B);	     /* FEBA */
	state1 = _mm_shuffle_epi32(state1, 0xB1);    /* DCHG */
	state0 = _mm_blend_epi16(tmp, state1, 0xF0); /* DCBA */
	state1 = _mm_alignr_epi8(state1, tmp, 8);    /* HGFE */
	_mm_storeu_si128((__m128i *)&state[0], state0);
	_mm_storeu_si128((__m128i *)&state[4], state1);
}

static int have_shani(void)
{
	static int known = -1;
	unsigned a, b, c, d;

	if (known < 0) {
		known = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3) &&
			__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
	}
	return known;
}

static void compress_blocks(uint32_t state[8], const uint8_t *data, size_t blocks)
{
	if (have_shani())
		compress_blocks_shani(state, data, blocks);
	else
		compress_blocks_portable(state, data, blocks);
}
#else
#define compress_blocks compress_blocks_portable
#endif

void eg_sha256_init(struct eg_sha256 *ctx)
{
	static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(ctx->state, initial, sizeof(initial));
	ctx->bytes = 0;
	ctx->used = 0;
}

void eg_sha256_update(struct eg_sha256 *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	ctx->bytes += len;
	if (ctx->used) {
		size_t take = 64 - ctx->used < len ? 64 - ctx->used : len;

		memcpy(ctx->block + ctx->used, p, take);
		ctx->used += take, p += take, len -= take;
		if (ctx->used < 64)
			return;
		compress_blocks(ctx->state, ctx->block, 1);
		ctx->used = 0;
	}
	compress_blocks(ctx->state, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(ctx->block, p, len);
	ctx->used = len;
}

void eg_sha256_final(struct eg_sha256 *ctx, uint8_t digest[EG_SHA256_LEN])
{
	uint64_t bits = ctx->bytes * 8;
	int i;

	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > 56) {
		memset(ctx->block + ctx->used, 0, 64 - ctx->used);
		compress_blocks(ctx->state, ctx->block, 1);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, 56 - ctx->used);
	for (i = 0; i < 8; i++)
		ctx->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	compress_blocks(ctx->state, ctx->block, 1);
	for (i = 0; i < 32; i++)
		digest[i] = (uint8_t)(ctx->state[i / 4] >> (24 - 8 * (i % 4)));
}

void eg_sha256_to_hex(const uint8_t digest[EG_SHA256_LEN], char hex[EG_SHA256_HEXLEN])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < EG_SHA256_LEN; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
}

void eg_sha256_hex(const void *data, size_t len, char hex[EG_SHA256_HEXLEN])
{
	struct eg_sha256 ctx;
	uint8_t digest[EG_SHA256_LEN];

	eg_sha256_init(&ctx);
	eg_sha256_update(&ctx, data, len);
	eg_sha256_final(&ctx, digest);
	eg_sha256_to_hex(digest, hex);
}
