// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <openssl/evp.h>
#include "sha256.h"

static void to_hex(const unsigned char *digest, unsigned int n, char hex[EG_SHA256_HEXLEN])
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[2 * n] = '\0';
}

struct eg_sha256 {
	EVP_MD_CTX *ctx;
	int failed;
};

struct eg_sha256 *eg_sha256_begin(void)
{
	struct eg_sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(h->ctx);
		free(h);
		return NULL;
	}
	return h;
}

int eg_sha256_update(struct eg_sha256 *h, const void *data, size_t len)
{
	if (!h->failed && !EVP_DigestUpdate(h->ctx, data, len))
		h->failed = 1;
	return h->failed ? -1 : 0;
}

int eg_sha256_end(struct eg_sha256 *h, char hex[EG_SHA256_HEXLEN])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc = h->failed ? -1 : 0;

	if (hex) {
		hex[0] = '\0';
		if (rc || !EVP_DigestFinal_ex(h->ctx, digest, &n) || n * 2 + 1 != EG_SHA256_HEXLEN)
			rc = -1;
		else
			to_hex(digest, n, hex);
	}
	EVP_MD_CTX_free(h->ctx);
	free(h);
	return rc;
}

int eg_sha256_hex(const void *data, size_t len, char hex[EG_SHA256_HEXLEN])
{
	struct eg_sha256 *h = eg_sha256_begin();

	if (!h) {
		hex[0] = '\0';
		return -1;
	}
	eg_sha256_update(h, data, len); /* a failure is remembered: end reports it */
	return eg_sha256_end(h, hex);
}
