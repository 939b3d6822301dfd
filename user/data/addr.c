// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Addresses and CIDRs in the 16-byte form of the ABI (IPv4 as ::ffff:a.b.c.d). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "addr.h"

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int eg_addr_is_v4mapped(const uint8_t addr[16])
{
	return memcmp(addr, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0;
}

int eg_addr_parse(const char *text, uint8_t addr[16], uint8_t *family)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (!text)
		return -1;
	if (inet_pton(AF_INET, text, &v4) == 1) {
		memcpy(addr, v4mapped_prefix, sizeof(v4mapped_prefix));
		memcpy(addr + 12, &v4, 4);
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &v6) == 1) {
		memcpy(addr, &v6, 16);
		/* ::ffff:a.b.c.d is the very same destination as a.b.c.d. */
		*family = eg_addr_is_v4mapped(addr) ? AF_INET : AF_INET6;
		return 0;
	}
	return -1;
}

unsigned eg_cidr_plen16(const struct eg_cidr *cidr)
{
	return cidr->family == AF_INET ? 96u + cidr->plen : cidr->plen;
}

/* Clear every bit of addr after the first plen16 bits. */
static void mask_host_bits(uint8_t addr[16], unsigned plen16)
{
	unsigned byte = plen16 / 8, bits = plen16 % 8;

	if (byte >= 16)
		return;
	if (bits)
		addr[byte++] &= (uint8_t)(0xff00u >> bits);
	memset(addr + byte, 0, 16 - byte);
}

/* Do a and b agree on their first plen16 bits? */
static int same_prefix(const uint8_t a[16], const uint8_t b[16], unsigned plen16)
{
	unsigned byte = plen16 / 8, bits = plen16 % 8;
	uint8_t mask;

	if (plen16 > 128)
		return 0;
	if (memcmp(a, b, byte) != 0)
		return 0;
	if (!bits)
		return 1;
	mask = (uint8_t)(0xff00u >> bits);
	return (a[byte] & mask) == (b[byte] & mask);
}

int eg_cidr_contains(const struct eg_cidr *cidr, const uint8_t addr[16])
{
	return same_prefix(cidr->addr, addr, eg_cidr_plen16(cidr));
}

void eg_addr_format(const uint8_t addr[16], char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN] = "?";

	if (!len)
		return;
	if (eg_addr_is_v4mapped(addr))
		inet_ntop(AF_INET, addr + 12, text, sizeof(text));
	else
		inet_ntop(AF_INET6, addr, text, sizeof(text));
	snprintf(buf, len, "%s", text);
}

void eg_cidr_format(const struct eg_cidr *cidr, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN] = "?";

	if (!len)
		return;
	/* The family decides, so an AF_INET6 ::ffff:0:0/96 keeps its IPv6 spelling. */
	if (cidr->family == AF_INET)
		inet_ntop(AF_INET, cidr->addr + 12, text, sizeof(text));
	else
		inet_ntop(AF_INET6, cidr->addr, text, sizeof(text));
	snprintf(buf, len, "%s/%u", text, cidr->plen);
}

/* A prefix length: digits only, no sign, no spaces. -1 when not a number. */
static int parse_plen(const char *text)
{
	int value = 0;

	if (!*text)
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9')
			return -1;
		if (value < 1000) /* anything this big is out of range anyway */
			value = value * 10 + (*text - '0');
	}
	return value;
}

/* The sentence for a CIDR whose host bits are set, suggesting the network. */
static const char *host_bits_why(const struct eg_cidr *cidr)
{
	static _Thread_local char why[40 + EG_ADDR_STRLEN];
	struct eg_cidr network = *cidr;
	char text[EG_ADDR_STRLEN];

	mask_host_bits(network.addr, eg_cidr_plen16(&network));
	eg_cidr_format(&network, text, sizeof(text));
	snprintf(why, sizeof(why), "host bits set; did you mean %s?", text);
	return why;
}

/* Split off and parse the address part of text; sets family, addr and the family's maximum. */
static int parse_cidr_addr(const char *text, size_t addr_len, struct eg_cidr *cidr, int *max,
			   const char **why)
{
	char addr_text[INET6_ADDRSTRLEN + 1];

	if (addr_len == 0) {
		*why = "no address before \"/\"";
		return -1;
	}
	if (addr_len >= sizeof(addr_text)) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	memcpy(addr_text, text, addr_len);
	addr_text[addr_len] = '\0';
	if (inet_pton(AF_INET, addr_text, cidr->addr + 12) == 1) {
		memcpy(cidr->addr, v4mapped_prefix, sizeof(v4mapped_prefix));
		cidr->family = AF_INET;
		*max = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, addr_text, cidr->addr) == 1) {
		cidr->family = AF_INET6;
		*max = 128;
		return 0;
	}
	*why = "not an IPv4 or IPv6 address";
	return -1;
}

/* The text after "/" (NULL: none, a host prefix). */
static int parse_cidr_plen(const char *plen_text, int max, int *plen, const char **why)
{
	if (!plen_text) {
		*plen = max;
		return 0;
	}
	*plen = parse_plen(plen_text);
	if (*plen < 0) {
		*why = *plen_text ? "prefix length is not a number"
				  : "missing prefix length after \"/\"";
		return -1;
	}
	if (*plen > max) {
		*why = max == 32 ? "prefix length must be 0-32 for IPv4"
				 : "prefix length must be 0-128 for IPv6";
		return -1;
	}
	return 0;
}

/*
 * An IPv4-mapped IPv6 prefix (::ffff:a.b.c.0/120) is stored as the IPv4
 * prefix it covers (a.b.c.0/24), so both spellings make one trie key.
 */
static int normalize_v4mapped(struct eg_cidr *cidr, int *plen, const char **why)
{
	if (cidr->family != AF_INET6 || !eg_addr_is_v4mapped(cidr->addr))
		return 0;
	if (*plen < 96) {
		*why = "an IPv4-mapped prefix (::ffff:a.b.c.d) must be /96 or longer";
		return -1;
	}
	cidr->family = AF_INET;
	*plen -= 96;
	return 0;
}

int eg_cidr_parse(const char *text, struct eg_cidr *out, const char **why)
{
	struct eg_cidr cidr = {0}, network;
	const char *slash, *unused;
	int plen, max;

	if (!why)
		why = &unused;
	if (!text || !*text) {
		*why = "empty; expected an address or address/length";
		return -1;
	}
	if (isspace((unsigned char)text[0]) || isspace((unsigned char)text[strlen(text) - 1])) {
		*why = "leading or trailing whitespace";
		return -1;
	}
	slash = strchr(text, '/');
	if (parse_cidr_addr(text, slash ? (size_t)(slash - text) : strlen(text), &cidr, &max,
			    why) ||
	    parse_cidr_plen(slash ? slash + 1 : NULL, max, &plen, why) ||
	    normalize_v4mapped(&cidr, &plen, why))
		return -1;
	cidr.plen = (uint8_t)plen;

	network = cidr;
	mask_host_bits(network.addr, eg_cidr_plen16(&network));
	if (memcmp(network.addr, cidr.addr, 16) != 0) {
		*why = host_bits_why(&cidr);
		return -1;
	}
	*out = cidr;
	return 0;
}
