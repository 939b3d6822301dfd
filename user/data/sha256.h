/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* SHA-256 (FIPS 180-4), for the version digests of datasets. */
#ifndef EXFILGUARD_SHA256_H
#define EXFILGUARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define EG_SHA256_LEN	 32
#define EG_SHA256_HEXLEN 65 /* 64 hex digits and the NUL */

struct eg_sha256 {
	uint32_t state[8];
	uint64_t bytes;	   /* total fed so far */
	uint8_t block[64]; /* partial block */
	size_t used;	   /* bytes in block */
};

void eg_sha256_init(struct eg_sha256 *ctx);
void eg_sha256_update(struct eg_sha256 *ctx, const void *data, size_t len);
void eg_sha256_final(struct eg_sha256 *ctx, uint8_t digest[EG_SHA256_LEN]);

/* One call: lowercase hex digest of data. */
void eg_sha256_hex(const void *data, size_t len, char hex[EG_SHA256_HEXLEN]);
void eg_sha256_to_hex(const uint8_t digest[EG_SHA256_LEN], char hex[EG_SHA256_HEXLEN]);

#endif
