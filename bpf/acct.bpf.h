/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Exfiltration volume: the bytes and packets the egress program sees per
 * (workload cgroup, destination class, verdict) into EG_MAP_BYTES. A socket
 * hook that audits (or, with accounting: all, allows) a destination marks the
 * socket's eg_skstate with the class and verdict, so the cached egress path
 * counts without judging again; a packet judged at egress is counted as
 * judged. In audit mode this is the data that would have left; a denied
 * packet counts as attempted. A socket hook's denied connect or send is the
 * daemon's to count (eg_report_deny, user/attempts.h). Included by
 * judge.bpf.h after the helpers it uses.
 */
#ifndef EXFILGUARD_ACCT_BPF_H
#define EXFILGUARD_ACCT_BPF_H

/* Denied and audited destinations are counted; allowed ones only with accounting: all. */
static __always_inline int eg_acct_wanted(const struct eg_config *cfg, __u8 verdict)
{
	return verdict != EG_VERDICT_ALLOW || (cfg && (cfg->flags & EG_CFG_ACCT_ALL));
}

/* The class of the address that decided, classified now when the decision did not need it. */
static __always_inline __u32 eg_acct_class(const __u8 addr[16], const struct eg_decision *d,
					   __u32 class_id)
{
	__u8 decided[16];

	if (class_id != EG_CLASS_UNRESOLVED)
		return class_id;
	eg_decided_addr(addr, d, decided);
	return eg_classify_once((const struct eg_addr16 *)decided);
}

/* A packet of len bytes to daddr, or (len 0) an attempt the socket hooks judged. */
static __always_inline void eg_acct_add(__u64 cgroup_id, __u32 class_id, __u8 verdict, __u32 len,
					const __u8 daddr[16])
{
	struct eg_acct_key key = {.cgroup_id = cgroup_id, .verdict = verdict};
	const struct eg_class *cls = bpf_map_lookup_elem(&EG_MAP_CLASSES, &class_id);
	struct eg_acct first = {.bytes = len, .packets = len != 0, .attempts = len == 0}, *a;

	if (cls)
		__builtin_memcpy(&key.cls, cls, sizeof(key.cls));
	__builtin_memcpy(first.last_daddr, daddr, 16);
	a = bpf_map_lookup_elem(&EG_MAP_BYTES, &key);
	if (!a && bpf_map_update_elem(&EG_MAP_BYTES, &key, &first, BPF_NOEXIST) == 0)
		return;
	if (!a) /* another CPU inserted it meanwhile, or the map is full */
		a = bpf_map_lookup_elem(&EG_MAP_BYTES, &key);
	if (!a) {
		eg_count(EG_CTR_ACCT_OVERFLOW);
		return;
	}
	a->bytes += len; /* per-CPU value: no atomics needed */
	a->packets += len != 0;
	a->attempts += len == 0;
	__builtin_memcpy(a->last_daddr, daddr, 16);
}

/* A connect or send a socket hook judged (denied ones send nothing, but were attempted). */
static __always_inline void eg_acct_attempt(const struct eg_config *cfg, const struct eg_dest *dest,
					    const struct eg_decision *d, __u32 class_id,
					    __u64 cgroup_id)
{
	if (eg_acct_wanted(cfg, d->verdict))
		eg_acct_add(cgroup_id, eg_acct_class(dest->addr, d, class_id), d->verdict, 0,
			    dest->addr);
}

/* For eg_skstate_remember: what the socket's later packets count under (or that they do not). */
static __always_inline void eg_acct_mark(struct eg_skstate *st, const struct eg_config *cfg,
					 const struct eg_dest *dest, const struct eg_decision *d,
					 __u32 class_id)
{
	st->acct_verdict = eg_acct_wanted(cfg, d->verdict) ? d->verdict + 1 : 0;
	if (st->acct_verdict)
		st->acct_class = eg_acct_class(dest->addr, d, class_id);
}

/* A packet the socket cache passed. */
static __always_inline void eg_acct_cached(const struct eg_skstate *st, struct __sk_buff *skb)
{
	if (st->acct_verdict)
		eg_acct_add(bpf_skb_cgroup_id(skb), st->acct_class, st->acct_verdict - 1, skb->len,
			    st->daddr);
}

/* A packet judged by a full lookup at egress. */
static __always_inline void eg_acct_judged(const struct eg_config *cfg, struct __sk_buff *skb,
					   const struct eg_dest *dest, const struct eg_decision *d,
					   __u32 class_id)
{
	if (eg_acct_wanted(cfg, d->verdict))
		eg_acct_add(bpf_skb_cgroup_id(skb), eg_acct_class(dest->addr, d, class_id),
			    d->verdict, skb->len, dest->addr);
}

#endif /* EXFILGUARD_ACCT_BPF_H */
