/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The bench's LPM-trie baseline key, for bench_lpm.bpf.c and bench.c. */
#ifndef EXFILGUARD_BENCH_LPM_H
#define EXFILGUARD_BENCH_LPM_H

#include <linux/types.h>

struct bench_lpm_key {
	__u32 prefixlen; /* host order, of the 128-bit form */
	__u8 addr[16];	 /* net order, IPv4 as ::ffff:a.b.c.d */
};
_Static_assert(sizeof(struct bench_lpm_key) == 20, "bench_lpm_key ABI");

#endif
