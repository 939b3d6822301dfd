/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Everything a hook does around the decision: find the policy in force, look
 * the destination up, count, report, and remember allowed destinations per
 * socket so that the egress backstop stays cheap.
 */
#ifndef EXFILGUARD_JUDGE_BPF_H
#define EXFILGUARD_JUDGE_BPF_H

#include "maps.bpf.h"
#include "../maps/decide.h"
#include "fold.bpf.h"
#include "sockcg.bpf.h"
#include <bpf/bpf_endian.h>

/* The classification tables, for maps/classify.h (the context argument is unused in BPF). */
#define EG_TABLES_T const void *

/* An accessor of maps/classify.h that is one lookup in one array map. */
#define EG_TBL_LOOKUP(fn, type, map)                                                               \
	static __always_inline const type *fn(const void *t, __u32 i)                              \
	{                                                                                          \
		(void)t;                                                                           \
		return bpf_map_lookup_elem(&map, &i);                                              \
	}
EG_TBL_LOOKUP(eg_tbl_v4_span, struct eg_span, EG_MAP_V4_INDEX)
EG_TBL_LOOKUP(eg_tbl_v4_bound4, struct eg_v4_bound4, EG_MAP_V4_BOUNDS)
EG_TBL_LOOKUP(eg_tbl_v6_span, struct eg_span, EG_MAP_V6_INDEX)
EG_TBL_LOOKUP(eg_tbl_v6_bound, struct eg_v6_coarse_bound, EG_MAP_V6_BOUNDS)
EG_TBL_LOOKUP(eg_tbl_v6_fine_span, struct eg_span, EG_MAP_V6_FINE_INDEX)
EG_TBL_LOOKUP(eg_tbl_v6_fine_bound, struct eg_v6_fine_bound, EG_MAP_V6_FINE_BOUNDS)
EG_TBL_LOOKUP(eg_tbl_class, struct eg_class, EG_MAP_CLASSES)
EG_TBL_LOOKUP(eg_tbl_dt_v4_span, struct eg_span, EG_MAP_DT_V4_INDEX)
EG_TBL_LOOKUP(eg_tbl_dt_v4_line, struct eg_dt_line, EG_MAP_DT_V4_LINES)
EG_TBL_LOOKUP(eg_tbl_dt_v4_bound, struct eg_v4_bound, EG_MAP_DT_V4_BOUNDS)
EG_TBL_LOOKUP(eg_tbl_dt_v6_span, struct eg_span, EG_MAP_DT_V6_INDEX)
EG_TBL_LOOKUP(eg_tbl_dt_v6_bound, struct eg_v6_bound, EG_MAP_DT_V6_BOUNDS)

/*
 * The decision-table heads and decisions: t is the config, whose copies
 * serve the node-wide policy without touching two more map pages (see
 * struct eg_config); a scope's policy reads the maps. NULL t: the maps.
 */
static __always_inline const struct eg_dt_head *eg_tbl_dt_head(const void *t, __u32 table)
{
	const struct eg_config *cfg = t;

	if (cfg && table >> 1 == cfg->policy)
		return &cfg->node_heads[table & 1];
	return bpf_map_lookup_elem(&EG_MAP_DT_HEADS, &table);
}

static __always_inline const struct eg_dt_decision *eg_tbl_dt_decision(const void *t, __u32 id)
{
	const struct eg_config *cfg = t;

	if (cfg && id < cfg->n_decisions && id < EG_CFG_DECISIONS) {
		/* Masked where clang cannot drop it: it indexes with a copy of id the verifier
		 * saw no bound on, and would drop a plain mask as redundant. */
		asm volatile("%0 &= %1" : "+r"(id) : "i"(EG_CFG_DECISIONS - 1));
		return &cfg->decisions[id];
	}
	return bpf_map_lookup_elem(&EG_MAP_DT_DECISIONS, &id);
}

/* The node policy's summary is the config's; a scope's policy has none in the kernel. */
static __always_inline const struct eg_dt_summary *eg_tbl_dt_summary(const void *t, __u32 table)
{
	const struct eg_config *cfg = t;

	return cfg && table >> 1 == cfg->policy ? &cfg->node_summary : NULL;
}

/*
 * The classification and the decision-table lookup as global functions (see
 * EG_CLASSIFY and EG_DT_FIND in maps/classify.h): the verifier checks each
 * once instead of at each of the places it runs. The kernel judges from the
 * compiled tables only (EG_DT_ONLY): it holds no rule trie.
 */
struct eg_addr16 {
	__u8 b[16];
};
__u32 eg_classify_once(const struct eg_addr16 *addr);
__u32 eg_dt_find_once(const struct eg_addr16 *addr, const struct eg_config *cfg, __u32 table);
#define EG_CLASSIFY(t, addr) eg_classify_once((const struct eg_addr16 *)(addr))
#define EG_DT_FIND(t, table, addr)                                                                 \
	eg_dt_find_once((const struct eg_addr16 *)(addr), (const struct eg_config *)(t), (table))
#define EG_DT_ONLY
#define EG_JUDGE_ONE eg_dt_judge_one
/* Its NAT64 prefix loops split the verifier's state at every byte: checked once, not per path. */
struct eg_nat64_table {
	struct eg_nat64_prefix p[EG_MAX_NAT64_PREFIXES];
};
struct eg_addr4 {
	__u8 b[4];
};
__u32 eg_embedded_v4_once(const struct eg_addr16 *addr, const struct eg_nat64_table *nat64,
			  struct eg_addr4 *v4);
#define EG_EMBEDDED_V4(addr, nat64, v4)                                                            \
	eg_embedded_v4_once((const struct eg_addr16 *)(addr),                                      \
			    (const struct eg_nat64_table *)(nat64), (struct eg_addr4 *)(v4))

#include "../maps/classify.h"

__attribute__((noinline)) __u32 eg_classify_once(const struct eg_addr16 *addr)
{
	return addr ? eg_classify(NULL, addr->b) : 0;
}

__attribute__((noinline)) __u32 eg_embedded_v4_once(const struct eg_addr16 *addr,
						    const struct eg_nat64_table *nat64,
						    struct eg_addr4 *v4)
{
	return addr && v4 ? eg_embedded_v4(addr->b, nat64 ? nat64->p : NULL, v4->b) : EG_EMBED_NONE;
}

__attribute__((noinline)) __u32 eg_dt_find_once(const struct eg_addr16 *addr,
						const struct eg_config *cfg, __u32 table)
{
	return addr ? eg_dt_find(cfg, table, addr->b) : EG_DT_NONE;
}

/* Socket types (linux/net.h), which the BPF programs compare against. */
#define EG_SOCK_DGRAM 2
#define EG_SOCK_RAW   3

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/* A destination being judged, as the hooks see it. */
struct eg_dest {
	__u8 addr[16]; /* net order, IPv4 mapped */
	__u16 port;    /* host order */
	__u8 family;   /* the socket's family */
	__u8 proto;
	__u8 hook;
	__u8 pad[3];
	__u32 bytes;
	__u8 saddr[16];	  /* net order, IPv4 mapped: set by the netfilter hooks only */
	__u32 in_ifindex; /* a forwarded packet's input interface, else 0 */
};

#include "packet.bpf.h"

/*
 * This generation's config: its slot of EG_MAP_HOT is 1 when EG_MAP_SLOT has
 * a second entry. The verifier inlines that lookup with the map's size as an
 * immediate, so the slot costs no memory access.
 */
static __always_inline struct eg_config *eg_config_get(void)
{
	__u32 zero = 0, one = 1;
	struct eg_hot *hot = bpf_map_lookup_elem(&EG_MAP_HOT, &zero);

	if (!hot)
		return NULL;
	return &hot->cfg[bpf_map_lookup_elem(&EG_MAP_SLOT, &one) ? 1 : 0];
}

/*
 * The policy slot for a socket: the scope of its cgroup's nearest ancestor
 * (itself included) that has one, else the node-wide policy. Walking the
 * ancestors is what covers cgroups created below a scoped one at once,
 * before userspace has seen them. ancestor(level) is 0 past the cgroup's
 * depth. Always the socket's cgroup (skb's, or sk's for the socket hooks),
 * never the current task's: a kernel worker opens MPTCP subflows of a
 * workload's socket, which carry the workload's cgroup, not the worker's.
 * Neither: the current task's, for a socket it is creating (sock_create).
 */
static __always_inline __u32 eg_policy_slot(const struct eg_config *cfg, struct __sk_buff *skb,
					    struct bpf_sock *sk)
{
	__u32 slot = cfg ? cfg->policy : 0, level;
	struct cgroup *cg;

	if (!cfg || !cfg->scoped)
		return slot;
	cg = sk ? eg_sock_cgroup(sk) : NULL;
	for (level = 1; level < EG_MAX_CGROUP_DEPTH; level++) {
		__u64 id = skb	? bpf_skb_ancestor_cgroup_id(skb, level)
			   : sk ? eg_cgroup_ancestor_id(cg, (int)level)
				: bpf_get_current_ancestor_cgroup_id(level);
		__u32 *scope;

		if (!id)
			break;
		scope = bpf_map_lookup_elem(&EG_MAP_SCOPES, &id);
		if (scope)
			slot = *scope;
	}
	return slot;
}

static __always_inline int eg_data_stale(const struct eg_config *cfg)
{
	return cfg && cfg->stale_after_ns && bpf_ktime_get_boot_ns() > cfg->stale_after_ns;
}

/*
 * Decide for dest under the policy in slot (see eg_judge_tables for
 * class_id). The node-wide policy's header is the config's copy.
 */
static __always_inline void eg_judge(const struct eg_config *cfg, __u32 slot,
				     const struct eg_dest *dest, struct eg_decision *d,
				     __u32 *class_id)
{
	const struct eg_policy_hdr *pol = cfg && slot == cfg->policy
						  ? &cfg->node_hdr
						  : bpf_map_lookup_elem(&EG_MAP_POLICY, &slot);

	eg_judge_tables(cfg, pol, slot, dest->addr, cfg ? cfg->nat64 : NULL, cfg ? cfg->flags : 0,
			eg_data_stale(cfg), d, class_id);
}

#include "report.bpf.h"

static __always_inline int eg_addr_equal(const __u8 a[16], const __u8 b[16])
{
	__u64 a0, a1, b0, b1;

	__builtin_memcpy(&a0, a, 8);
	__builtin_memcpy(&a1, a + 8, 8);
	__builtin_memcpy(&b0, b, 8);
	__builtin_memcpy(&b1, b + 8, 8);
	return a0 == b0 && a1 == b1;
}

/*
 * The socket cache (eg_skstate) is kept where its storage pays: for every
 * socket whose packets accounting counts or that an audit would report
 * again, and for the others once they carry data. A TCP socket that has
 * sent no data yet (its handshake; the reset of a connect+close) is judged
 * from the decision tables for about what a cache hit costs, and a
 * connection that never sends data never allocates the storage. An
 * unconnected UDP socket keeps none either: sendmsg4/6 judge its every
 * send, and its packet is judged again at egress from the table cell the
 * send just read, which costs less than writing the storage at each send
 * (sendto() to random sinks: 365-375 -> 294-335 ns of programs per send).
 */
static __always_inline int eg_tcp_before_data(struct bpf_sock *sk)
{
	struct bpf_tcp_sock *tp = sk ? bpf_tcp_sock(sk) : NULL;

	return tp && !tp->data_segs_out;
}

#define EG_SK_ESTABLISHED 1 /* TCP_ESTABLISHED: a connected UDP socket's state too */

static __always_inline int eg_udp_unconnected(const struct bpf_sock *sk)
{
	return sk && sk->protocol == EG_IPPROTO_UDP && sk->state != EG_SK_ESTABLISHED;
}

/*
 * Remember that this socket was allowed to reach dest under this generation
 * and policy slot, and what its later packets count under (one storage
 * lookup for both). create 0: only in a socket that has the storage already.
 */
static __always_inline void eg_skstate_remember(struct bpf_sock *sk, const struct eg_config *cfg,
						const struct eg_dest *dest,
						const struct eg_decision *d, __u32 class_id,
						int create)
{
	struct eg_skstate *st;

	if (!sk || !cfg)
		return;
	st = bpf_sk_storage_get(&EG_MAP_SKSTATE, sk, 0, create ? BPF_SK_STORAGE_GET_F_CREATE : 0);
	if (!st)
		return;
	__builtin_memcpy(st->daddr, dest->addr, 16);
	st->generation = cfg->generation;
	st->slot = d->slot;
	eg_acct_mark(st, cfg, dest, d, class_id);
}

/*
 * What a socket hook does for a destination it does not simply allow:
 * count the attempt (denied, audited, or any with accounting: all) and
 * report a deny or audit. The socket's cgroup is read here only: allowed
 * traffic without accounting never pays for it. A deny is left to the
 * daemon to classify and count (eg_report_deny), unless it cannot
 * (EG_CFG_KERNEL_COUNTS). An audit, or such a deny, is reported
 * first: the class its report carries (a repeat's: its fold entry's, no
 * classification) is what is accounted, and *class_id keeps it for the
 * socket's mark.
 */
static __always_inline void eg_sock_addr_account(struct bpf_sock_addr *ctx,
						 const struct eg_config *cfg,
						 const struct eg_dest *dest,
						 const struct eg_decision *d, __u32 *class_id)
{
	__u64 cgroup_id = eg_sock_cgroup_id(ctx->sk);

	if (d->verdict == EG_VERDICT_ALLOW) {
		eg_acct_attempt(cfg, dest, d, *class_id, cgroup_id);
		return;
	}
	if (d->verdict == EG_VERDICT_DENY && !(cfg && (cfg->flags & EG_CFG_KERNEL_COUNTS))) {
		eg_report_deny(cfg, dest, d, *class_id, cgroup_id,
			       (__u32)bpf_get_current_uid_gid());
		return;
	}
	*class_id = eg_report_class(cfg, dest, d, *class_id, cgroup_id,
				    (__u32)bpf_get_current_uid_gid());
	eg_acct_add(cgroup_id, *class_id, d->verdict, 0, dest->addr);
}

/*
 * Read a context field where it is written. Without the empty asm, clang may
 * merge the loads of user_ip4 and user_ip6[3] of the two branches into one
 * load through a computed pointer, which the verifier refuses ("dereference
 * of modified ctx ptr").
 */
#define EG_CTX_READ(field)                                                                         \
	({                                                                                         \
		__u32 v_ = (field);                                                                \
		asm volatile("" : "+r"(v_));                                                       \
		v_;                                                                                \
	})

/* Common body of connect4/6 and sendmsg4/6: 1 lets the call through, 0 fails it with EPERM. */
static __always_inline int eg_sock_addr(struct bpf_sock_addr *ctx, __u8 hook)
{
	struct eg_config *cfg = eg_config_get();
	struct eg_decision d;
	struct eg_dest dest = {};
	__u32 class_id;

	/* hook is a constant: each program keeps only its family's branch, as the verifier
	 * lets IPv4 programs read only user_ip4 and IPv6 programs only user_ip6. */
	if (hook == EG_HOOK_CONNECT4 || hook == EG_HOOK_SENDMSG4) {
		eg_addr_from_v4(dest.addr, EG_CTX_READ(ctx->user_ip4));
	} else {
		__u32 ip6[4] = {EG_CTX_READ(ctx->user_ip6[0]), EG_CTX_READ(ctx->user_ip6[1]),
				EG_CTX_READ(ctx->user_ip6[2]), EG_CTX_READ(ctx->user_ip6[3])};

		__builtin_memcpy(dest.addr, ip6, 16);
	}
	dest.port = bpf_ntohs((__u16)ctx->user_port);
	dest.family = ctx->family;
	dest.proto = ctx->protocol;
	dest.hook = hook;

	eg_judge(cfg, eg_policy_slot(cfg, NULL, ctx->sk), &dest, &d, &class_id);
	/* The self-test's canary is counted apart: status shows workloads' verdicts only. */
	eg_count(d.rule == EG_RULE_CANARY ? EG_CTR_SELFTEST : EG_CTR_HOOK(hook, d.verdict));
	if (eg_acct_wanted(cfg, d.verdict)) /* every deny and audit, so every report, too */
		eg_sock_addr_account(ctx, cfg, &dest, &d, &class_id);
	if (d.verdict == EG_VERDICT_DENY)
		return 0;
	/*
	 * A connect() sends no data: the socket is remembered at its first
	 * packet (a TCP one at its first data packet), and one that never sends
	 * (getaddrinfo's RFC 6724 sort connects UDP sockets to each candidate)
	 * never allocates the storage. A UDP socket that has it already (a
	 * reconnect, or a send to another address on a connected socket) keeps
	 * it up to date; an unconnected one has none (eg_tcp_before_data).
	 */
	if (eg_acct_wanted(cfg, d.verdict))
		eg_skstate_remember(ctx->sk, cfg, &dest, &d, class_id, 1);
	else if (dest.proto != EG_IPPROTO_TCP)
		eg_skstate_remember(ctx->sk, cfg, &dest, &d, class_id, 0);
	return 1;
}

/*
 * The backstop: packets the socket hooks never judged (raw and ping sockets,
 * sockets connected before the guard started, sockets created before the
 * policy changed). Packets of a socket whose destination a hook already
 * allowed under the current generation pass after one storage lookup (see
 * eg_tcp_before_data for the sockets that have none).
 * Returns 1 to pass the packet, 0 to drop it.
 */
static __always_inline int eg_skb_egress(struct __sk_buff *skb)
{
	struct eg_config *cfg = eg_config_get();
	struct eg_skstate *st = NULL;
	struct bpf_sock *sk = skb->sk;
	struct eg_dest dest = {};
	struct eg_decision d;
	__u32 generation = cfg ? cfg->generation : 0, class_id, slot;

	if (!eg_parse_skb(skb, &dest))
		return 1;
	slot = eg_policy_slot(cfg, skb, NULL);
	if (sk)
		sk = bpf_sk_fullsock(sk);
	if (sk)
		st = bpf_sk_storage_get(&EG_MAP_SKSTATE, sk, 0, 0);
	if (st && st->generation == generation && st->slot == slot &&
	    eg_addr_equal(st->daddr, dest.addr)) {
		eg_count(EG_CTR_EGRESS_CACHED);
		eg_acct_cached(st, skb);
		return 1;
	}

	eg_count(EG_CTR_EGRESS_LOOKUPS);
	eg_judge(cfg, slot, &dest, &d, &class_id);
	eg_count(EG_CTR_HOOK(EG_HOOK_EGRESS, d.verdict));
	/* Every judged packet is reported: retransmits fold into one line per destination.
	 * Reported first, so that the accounting takes the class the report found. */
	if (d.verdict != EG_VERDICT_ALLOW)
		class_id = eg_report_class(cfg, &dest, &d, class_id, bpf_skb_cgroup_id(skb),
					   bpf_get_socket_uid(skb));
	eg_acct_judged(cfg, skb, &dest, &d, class_id);
	if (d.verdict == EG_VERDICT_DENY)
		return 0;
	if (eg_acct_wanted(cfg, d.verdict) || (!eg_tcp_before_data(sk) && !eg_udp_unconnected(sk)))
		eg_skstate_remember(sk, cfg, &dest, &d, class_id, 1);
	return 1;
}

#endif /* EXFILGUARD_JUDGE_BPF_H */
