// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "addr.h"
#include "event_names.h"
#include "../maps/exfilguard.h"

static const char *const verdict_names[] = {"allow", "deny", "audit"};
static const char *const match_names[] = {"cidr",      "asn",	       "provider",
					  "country",   "jurisdiction", "default",
					  "no-policy", "stale-data",   "raw-socket"};

const char *eg_verdict_name(unsigned verdict)
{
	return verdict < EG_VERDICT_COUNT ? verdict_names[verdict] : "unknown";
}

const char *eg_match_name(unsigned match)
{
	return match < sizeof(match_names) / sizeof(match_names[0]) ? match_names[match]
								    : "unknown";
}

const char *eg_proto_name(unsigned proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		snprintf(buf, len, "%u", proto);
		return buf;
	}
}

void eg_format_time(int64_t unix_ns, char *buf, size_t len)
{
	time_t secs = (time_t)(unix_ns / 1000000000);
	struct tm tm;
	char date[32];

	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lldZ", date, (long long)(unix_ns % 1000000000));
}

void eg_matched_prefix(const uint8_t addr[16], uint8_t plen, char *buf, size_t len)
{
	struct eg_cidr cidr = {.plen = plen};
	int v4 = eg_addr_is_v4mapped(addr);
	unsigned i;

	cidr.family = v4 ? AF_INET : AF_INET6;
	memcpy(cidr.addr, addr, 16);
	for (i = v4 ? 96u + plen : plen; i < 128; i++)
		cidr.addr[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	eg_cidr_format(&cidr, buf, len);
}

static void add_str(json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, val ? json_object_new_string(val) : NULL);
}

static void cc_text(uint16_t cc, char out[3])
{
	out[0] = cc ? (char)(cc >> 8) : '\0';
	out[1] = cc ? (char)(cc & 0xff) : '\0';
	out[2] = '\0';
}

void eg_class_describe(const struct eg_class *cls, const struct eg_catalog *cat,
		       const struct eg_dataset *asn_data, struct eg_class_names *out)
{
	memset(out, 0, sizeof(*out));
	if (!cls)
		return;
	cc_text(cls->country, out->country);
	cc_text(cls->jurisdiction ? cls->jurisdiction : cls->country, out->jurisdiction);
	if (out->jurisdiction[0])
		out->jurisdiction_source = cls->jurisdiction ? "provider" : "country";
	out->asn = cls->asn;
	if (cls->asn && asn_data)
		out->as_org = eg_dataset_asn_name(asn_data, cls->asn);
	if (cls->provider && cat && cls->provider <= cat->n_providers) {
		out->provider = cat->providers[cls->provider - 1].id;
		out->provider_name = cat->providers[cls->provider - 1].name;
	}
}

void eg_class_names_to_json(const struct eg_class_names *n, json_object *obj)
{
	add_str(obj, "country", n->country[0] ? n->country : NULL);
	json_object_object_add(obj, "asn", n->asn ? json_object_new_int64(n->asn) : NULL);
	add_str(obj, "as_org", n->as_org);
	add_str(obj, "provider", n->provider);
	add_str(obj, "jurisdiction", n->jurisdiction[0] ? n->jurisdiction : NULL);
	add_str(obj, "jurisdiction_source", n->jurisdiction_source);
}
