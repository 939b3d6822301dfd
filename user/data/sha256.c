// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <openssl/evp.h>
#include "sha256.h"

int eg_sha256_hex(const void *data, size_t len, char hex[EG_SHA256_HEXLEN])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (!EVP_Digest(data, len, digest, &n, EVP_sha256(), NULL) || n * 2 + 1 != EG_SHA256_HEXLEN)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[2 * n] = '\0';
	return 0;
}
