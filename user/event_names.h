/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The words events (and status, lookup) use for hooks, verdicts, classes and times. */
#ifndef EXFILGUARD_EVENT_NAMES_H
#define EXFILGUARD_EVENT_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "hooks.h"
#include "catalog.h"
#include "datasrc.h"
#include "world.h"

/* A destination's classification in words. */
struct eg_class_names {
	char country[3];      /* "" when unknown */
	uint32_t asn;	      /* 0 when unknown */
	const char *as_org;   /* NULL when unknown */
	const char *provider; /* catalog id, NULL when none */
	const char *provider_name;
	/* Effective: the provider's, else the located country's; "" when neither is known. */
	char jurisdiction[3];
	const char *jurisdiction_source; /* "provider", "country"; NULL when none */
};

void eg_class_describe(const struct eg_class *cls, const struct eg_catalog *cat,
		       const struct eg_dataset *asn_data, struct eg_class_names *out);
/* Add country, asn, as_org, provider, jurisdiction, jurisdiction_source to a JSON object. */
void eg_class_names_to_json(const struct eg_class_names *n, json_object *obj);

const char *eg_verdict_name(unsigned verdict);
const char *eg_match_name(unsigned match);
/* "tcp", "udp", "icmp", "ipv6-icmp", else the number. */
const char *eg_proto_name(unsigned proto, char *buf, size_t len);
/* The CIDR text of the prefix of addr that matched (plen as written in the rule). */
void eg_matched_prefix(const uint8_t addr[16], uint8_t plen, char *buf, size_t len);
/* RFC 3339 UTC with nanoseconds. */
void eg_format_time(int64_t unix_ns, char *buf, size_t len);

#endif
