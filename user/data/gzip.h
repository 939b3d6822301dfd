/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* gzip, a transparent layer under every dataset format. */
#ifndef EXFILGUARD_GZIP_H
#define EXFILGUARD_GZIP_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* Does buf start with the gzip magic? */
int eg_is_gzip(const uint8_t *buf, size_t len);
/*
 * Inflate every gzip member of in (`cat a.gz b.gz` is valid gzip) into
 * *out[*out_len] (free it). Content inflating to more than max bytes is
 * refused (a decompression bomb guard) while streaming, before any buffer of
 * that size is allocated. Errors start with name.
 */
int eg_gunzip(const uint8_t *in, size_t len, uint64_t max, const char *name, uint8_t **out,
	      size_t *out_len, struct eg_error *err);

#endif
