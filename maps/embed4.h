/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv4 carried in IPv6: the forms that a translator or tunnel turns back
 * into IPv4 on the way, so that a destination written in one of them must be
 * judged as that IPv4 address too. Compiled into the BPF object and the
 * userspace binary (maps/classify.h), like the decision itself.
 *
 *   configured NAT64 prefixes   RFC 6052 layouts for /32 /40 /48 /56 /64 /96
 *   64:ff9b::/96                NAT64 well-known prefix (RFC 6052)
 *   64:ff9b:1::/48              NAT64 local use (RFC 8215): the /96 layout
 *   2002::/16                   6to4 (RFC 3056): bits 16-47
 *   ::a.b.c.d                   IPv4-compatible (RFC 4291), not :: and ::1
 *   ::ffff:0:a.b.c.d            SIIT IPv4-translated (RFC 7915)
 *
 * ::ffff:a.b.c.d (IPv4-mapped) is not here: it is the ABI's IPv4 form itself.
 */
#ifndef EXFILGUARD_EMBED4_H
#define EXFILGUARD_EMBED4_H

#include "exfilguard.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/*
 * The IPv4 of a NAT64 address under a prefix of length plen (RFC 6052,
 * section 2.2): its 32 bits start right after the prefix and skip bits
 * 64-71, the "u" octet, which the layouts of /40 to /64 step over. The u
 * octet is not required to be zero: a translator that ignores it still
 * reaches the IPv4, so it is not a way out.
 */
static __always_inline void eg_nat64_extract(const __u8 a[16], __u32 plen, __u8 v4[4])
{
	__u32 at = plen / 8, k;

	for (k = 0; k < 4; k++) {
		if (at == 8)
			at++; /* the u octet */
		v4[k] = at < 16 ? a[at] : 0;
		at++;
	}
}

/* Does a start with the first plen bits (a multiple of 8, at most 96) of prefix? */
static __always_inline int eg_prefix_bytes_match(const __u8 a[16], const __u8 *prefix, __u32 plen)
{
	__u32 i;

	for (i = 0; i < 12; i++)
		if (i < plen / 8 && a[i] != prefix[i])
			return 0;
	return 1;
}

/* The first configured prefix (nsp may be NULL: none) that a falls in; 0 for none. */
static __always_inline __u32 eg_nat64_nsp_plen(const __u8 a[16], const struct eg_nat64_prefix *nsp)
{
	__u32 i;

	if (!nsp)
		return 0;
	for (i = 0; i < EG_MAX_NAT64_PREFIXES; i++) {
		__u32 plen = nsp[i].plen;

		if (plen && plen <= 96 && eg_prefix_bytes_match(a, nsp[i].addr, plen))
			return plen;
	}
	return 0;
}

static __always_inline int eg_bytes_zero(const __u8 *a, __u32 n)
{
	__u32 i;
	__u8 any = 0;

	for (i = 0; i < 12; i++)
		if (i < n)
			any |= a[i];
	return !any;
}

/*
 * Which form (enum eg_embed) carries an IPv4 in a, and that IPv4 into v4
 * (net order); EG_EMBED_NONE when a carries none. Configured prefixes come
 * first: an operator's prefix inside 64:ff9b:1::/48 keeps its own layout.
 */
static __always_inline __u8 eg_embedded_v4(const __u8 a[16], const struct eg_nat64_prefix *nsp,
					   __u8 v4[4])
{
	__u32 plen = eg_nat64_nsp_plen(a, nsp);
	int in_64_ff9b = a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b;

	if (plen) {
		eg_nat64_extract(a, plen, v4);
		return EG_EMBED_NAT64_NSP;
	}
	if (in_64_ff9b && eg_bytes_zero(a + 4, 8)) {
		eg_nat64_extract(a, 96, v4);
		return EG_EMBED_NAT64;
	}
	if (in_64_ff9b && a[4] == 0 && a[5] == 1) {
		eg_nat64_extract(a, 96, v4);
		return EG_EMBED_NAT64_LOCAL;
	}
	if (a[0] == 0x20 && a[1] == 0x02) {
		v4[0] = a[2], v4[1] = a[3], v4[2] = a[4], v4[3] = a[5];
		return EG_EMBED_6TO4;
	}
	if (!eg_bytes_zero(a, 8))
		return EG_EMBED_NONE;
	eg_nat64_extract(a, 96, v4);
	if (eg_bytes_zero(a + 8, 4))
		/* ::a.b.c.d, but not :: (unspecified) and ::1 (loopback). */
		return !v4[0] && !v4[1] && !v4[2] && v4[3] <= 1 ? EG_EMBED_NONE : EG_EMBED_COMPAT;
	if (a[8] == 0xff && a[9] == 0xff && a[10] == 0 && a[11] == 0)
		return EG_EMBED_SIIT;
	return EG_EMBED_NONE;
}

#endif /* EXFILGUARD_EMBED4_H */
