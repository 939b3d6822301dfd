/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv4 carried in IPv6 (maps/embed4.h) on the userspace side: the policy's
 * nat64_prefixes in their kernel form, and how events and lookups show the
 * two forms of one destination.
 */
#ifndef EXFILGUARD_EMBED_H
#define EXFILGUARD_EMBED_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "addr.h"
#include "../maps/exfilguard.h"

/* "nat64", "6to4", ... for an enum eg_embed; NULL for EG_EMBED_NONE. */
const char *eg_embed_name(unsigned embed);

/* The prefixes (at most EG_MAX_NAT64_PREFIXES, validated by the policy parser) as eg_config holds
 * them. */
void eg_nat64_table(const struct eg_cidr *prefixes, size_t n,
		    struct eg_nat64_prefix out[EG_MAX_NAT64_PREFIXES]);

/* Is plen one of RFC 6052's NAT64 prefix lengths (32, 40, 48, 56, 64, 96)? */
int eg_nat64_plen_ok(unsigned plen);

/*
 * "embedded_v4" (the carried IPv4 or null), "embedding" (its form or null)
 * and "decided_by" ("ipv6" or "embedded_v4", or null when none is carried).
 */
void eg_embed_to_json(json_object *obj, uint8_t embed, const uint8_t v4[4], int by_v4);

/* The 16-byte address whose rules decided an event: daddr or the IPv4 it carries. */
void eg_event_decided_addr(const struct eg_event *ev, uint8_t out[16]);

#endif
