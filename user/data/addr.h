/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Addresses and CIDRs in the 16-byte form of the ABI (IPv4 as ::ffff:a.b.c.d). */
#ifndef EXFILGUARD_ADDR_H
#define EXFILGUARD_ADDR_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EG_ADDR_STRLEN 64 /* fits any IPv6 text form and "/128" */

struct eg_cidr {
	uint8_t addr[16]; /* net order, IPv4 mapped; host bits are zero */
	uint8_t plen;	  /* prefix length as written: 0-32 for IPv4, 0-128 for IPv6 */
	uint8_t family;	  /* AF_INET or AF_INET6 */
};

/* Parse "a.b.c.d", "x::y" (any inet_pton form). 0 on success, -1 if not an address. */
int eg_addr_parse(const char *text, uint8_t addr[16], uint8_t *family);

/*
 * Parse "addr/len" or a bare address (a /32 or /128). On failure returns -1
 * and points *why at a sentence saying what is wrong.
 */
int eg_cidr_parse(const char *text, struct eg_cidr *out, const char **why);

int eg_addr_is_v4mapped(const uint8_t addr[16]);

/* Prefix length of the cidr in its 16-byte form (IPv4 /n is 96 + n). */
unsigned eg_cidr_plen16(const struct eg_cidr *cidr);

/* Text form; IPv4-mapped addresses print as dotted IPv4. */
void eg_addr_format(const uint8_t addr[16], char *buf, size_t len);
void eg_cidr_format(const struct eg_cidr *cidr, char *buf, size_t len);

/* Does addr fall inside cidr? */
int eg_cidr_contains(const struct eg_cidr *cidr, const uint8_t addr[16]);

/* The 16-byte form as a number: its last value, and the IPv4-mapped block ::ffff:0:0/96. */
#define EG_U128_MAX	 (~(unsigned __int128)0)
#define EG_U128_V4_FIRST (((unsigned __int128)0xffff) << 32) /* ::ffff:0.0.0.0 */
#define EG_U128_V4_LAST	 (EG_U128_V4_FIRST | 0xffffffffu)    /* ::ffff:255.255.255.255 */

/* The 16-byte form (big-endian) as a number, for range arithmetic. */
static inline unsigned __int128 eg_u128_from_addr(const uint8_t a[16])
{
	uint64_t hi, lo;

	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return (unsigned __int128)be64toh(hi) << 64 | be64toh(lo);
}

static inline void eg_u128_to_addr(unsigned __int128 v, uint8_t a[16])
{
	uint64_t hi = htobe64((uint64_t)(v >> 64)), lo = htobe64((uint64_t)v);

	memcpy(a, &hi, 8);
	memcpy(a + 8, &lo, 8);
}

#endif
