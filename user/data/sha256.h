/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* SHA-256 (OpenSSL's libcrypto), for the version digests of datasets. */
#ifndef EXFILGUARD_SHA256_H
#define EXFILGUARD_SHA256_H

#include <stddef.h>

#define EG_SHA256_HEXLEN 65 /* 64 hex digits and the NUL */

/* Lowercase hex digest of data[len]. 0, or -1 when libcrypto fails (hex is "" then). */
int eg_sha256_hex(const void *data, size_t len, char hex[EG_SHA256_HEXLEN]);

#endif
