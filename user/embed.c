// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>
#include <arpa/inet.h>
#include "embed.h"
#include "../maps/decide.h"

const char *eg_embed_name(unsigned embed)
{
	static const char *const names[] = {
		[EG_EMBED_NAT64] = "nat64",
		[EG_EMBED_NAT64_LOCAL] = "nat64-local",
		[EG_EMBED_NAT64_NSP] = "nat64-prefix",
		[EG_EMBED_6TO4] = "6to4",
		[EG_EMBED_COMPAT] = "ipv4-compatible",
		[EG_EMBED_SIIT] = "siit",
	};

	return embed < sizeof(names) / sizeof(names[0]) ? names[embed] : NULL;
}

int eg_nat64_plen_ok(unsigned plen)
{
	return plen == 32 || plen == 40 || plen == 48 || plen == 56 || plen == 64 || plen == 96;
}

void eg_nat64_table(const struct eg_cidr *prefixes, size_t n,
		    struct eg_nat64_prefix out[EG_MAX_NAT64_PREFIXES])
{
	memset(out, 0, sizeof(*out) * EG_MAX_NAT64_PREFIXES);
	for (size_t i = 0; i < n && i < EG_MAX_NAT64_PREFIXES; i++) {
		memcpy(out[i].addr, prefixes[i].addr, sizeof(out[i].addr));
		out[i].plen = prefixes[i].plen;
	}
}

void eg_embed_to_json(json_object *obj, uint8_t embed, const uint8_t v4[4], int by_v4)
{
	char text[INET_ADDRSTRLEN];
	const char *name = eg_embed_name(embed);

	inet_ntop(AF_INET, v4, text, sizeof(text));
	json_object_object_add(obj, "embedded_v4", name ? json_object_new_string(text) : NULL);
	json_object_object_add(obj, "embedding", name ? json_object_new_string(name) : NULL);
	json_object_object_add(obj, "decided_by",
			       name ? json_object_new_string(by_v4 ? "embedded_v4" : "ipv6")
				    : NULL);
}

void eg_event_decided_addr(const struct eg_event *ev, uint8_t out[16])
{
	uint32_t v4_net;

	memcpy(out, ev->daddr, 16);
	if (ev->embed && (ev->flags & EG_EVF_BY_V4)) {
		memcpy(&v4_net, ev->daddr_v4, 4);
		eg_addr_from_v4(out, v4_net);
	}
}
