/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Part of the kernel/user ABI of maps/exfilguard.h (included at its end, with
 * the same rules): the maps that observe rather than decide, exfiltration
 * volume and the DNS names the workloads resolved.
 */
#ifndef EXFILGUARD_ABI_OBSERVE_H
#define EXFILGUARD_ABI_OBSERVE_H

#ifndef EXFILGUARD_ABI_H
#error "include maps/exfilguard.h"
#endif

/*
 * EG_MAP_BYTES: exfiltration volume, bytes and packets the egress program saw
 * per (workload cgroup, destination class, verdict). Keyed by the class's
 * content, not its id: ids are per dataset load and a reload may renumber
 * them, while the counts carry over reloads. A socket hook's denied attempts
 * are the daemon's to count (EG_EVF_TALLY): it writes them under keys of
 * their own (source EG_ACCT_BY_DAEMON, counts in CPU 0's value), which the
 * programs never write, and readers add them to the kernel's row
 * (user/stats.c).
 */
#define EG_MAP_BYTES eg_bytes /* per-CPU hash: struct eg_acct_key -> struct eg_acct */
#define EG_MAX_ACCT  16384
struct eg_acct_key {
	__u64 cgroup_id;     /* host order: the sending socket's cgroup */
	struct eg_class cls; /* the destination's classification (zero: unknown) */
	__u8 verdict;	     /* enum eg_verdict */
	__u8 source;	     /* EG_ACCT_BY_KERNEL or EG_ACCT_BY_DAEMON */
	__u8 pad[2];
};
_Static_assert(sizeof(struct eg_acct_key) == 24, "eg_acct_key ABI");
#define EG_ACCT_BY_KERNEL 0
#define EG_ACCT_BY_DAEMON 1

struct eg_acct {
	__u64 bytes;	     /* host order: IP packet lengths, headers included */
	__u64 packets;	     /* host order */
	__u64 attempts;	     /* host order: connects and sends the socket hooks judged */
	__u8 last_daddr[16]; /* net order: the last destination counted (for its DNS name) */
};
_Static_assert(sizeof(struct eg_acct) == 40, "eg_acct ABI");

/*
 * EG_MAP_DNS: names the guarded workloads resolved, learned by the ingress
 * program (bpf/dns.bpf.h) from the DNS answers they receive: each A or AAAA
 * address of an answer -> the question's name, the last one resolved.
 * EG_MAX_DNS addresses (preallocated, ~220 bytes each: 1.7 MiB): the least
 * recently resolved go first, and events name only the last 10 minutes'.
 */
#define EG_MAP_DNS	   eg_dns /* LRU hash: __u8[16] address -> struct eg_dns_name */
#define EG_MAX_DNS	   8192
#define EG_DNS_NAME_LEN	   128 /* longer names are not learned */
#define EG_DNS_MAX_ANSWERS 8   /* answer records read per reply */
#define EG_DNS_MAX_LABELS  32  /* labels skipped per answer name (a pointer ends it) */
#define EG_DNS_FRESH_NS	   (600ull * 1000000000ull) /* events name what was resolved 10 min ago */
struct eg_dns_name {
	__u64 ts_boot_ns; /* host order: when the answer came in (bpf_ktime_get_boot_ns) */
	char name[EG_DNS_NAME_LEN]; /* dotted, lower case, NUL-terminated */
};
_Static_assert(sizeof(struct eg_dns_name) == 8 + EG_DNS_NAME_LEN, "eg_dns_name ABI");

#endif /* EXFILGUARD_ABI_OBSERVE_H */
