/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* SHA-256 (OpenSSL's libcrypto), for the version digests of datasets. */
#ifndef EXFILGUARD_SHA256_H
#define EXFILGUARD_SHA256_H

#include <stddef.h>

#define EG_SHA256_HEXLEN 65 /* 64 hex digits and the NUL */

/* Lowercase hex digest of data[len]. 0, or -1 when libcrypto fails (hex is "" then). */
int eg_sha256_hex(const void *data, size_t len, char hex[EG_SHA256_HEXLEN]);

/* The same over bytes that come in pieces: begin (NULL: no memory), update, end (frees). */
struct eg_sha256;
struct eg_sha256 *eg_sha256_begin(void);
int eg_sha256_update(struct eg_sha256 *h, const void *data, size_t len);
/* hex NULL: only free. 0, or -1 when libcrypto failed at any step. */
int eg_sha256_end(struct eg_sha256 *h, char hex[EG_SHA256_HEXLEN]);

#endif
