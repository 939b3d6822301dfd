/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What `lookup` was asked about: addresses as given, and host names resolved here (getaddrinfo). */
#ifndef EXFILGUARD_LOOKUP_TARGETS_H
#define EXFILGUARD_LOOKUP_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "error.h"

struct eg_lookup_target {
	char text[EG_ADDR_STRLEN]; /* the address, as given or as resolved */
	uint8_t addr[16];	   /* its 16-byte form */
	const char *name;	   /* the host name it was resolved from; NULL for an address */
};

/*
 * Each argument: an address, or a host name whose every address (IPv4 and
 * IPv6, each once) becomes a target. A name that does not resolve is an
 * error naming it (-1); text that looks like an address but is none, -2.
 * *out is allocated.
 */
int eg_lookup_targets(int argc, char **argv, struct eg_lookup_target **out, size_t *n,
		      struct eg_error *err);

/* lookup --live (cmd_lookup_live.c): what the running guard's pinned maps say about each target. */
struct eg_cli;
int eg_lookup_live(struct eg_cli *cli, const struct eg_lookup_target *targets, size_t n);

#endif
