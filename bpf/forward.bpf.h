/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The netfilter hooks (BPF_PROG_TYPE_NETFILTER, kernel >= 6.4), for the
 * packets no cgroup hook sees:
 *  - forward: packets the node forwards for a guarded workload in its own
 *    network namespace (a pod behind a veth), judged at POST_ROUTING, after
 *    the node's DNAT (a Service address is already the real destination)
 *    and before its SNAT (the source is still the workload's);
 *  - local_out: packets a guarded task sends through a socket made outside
 *    the guarded cgroup (received over SCM_RIGHTS, opened before the task
 *    moved in), which the cgroup hooks never run for.
 * Both decide with the code of judge.bpf.h and maps/decide.h.
 */
#ifndef EXFILGUARD_FORWARD_BPF_H
#define EXFILGUARD_FORWARD_BPF_H

#include "judge.bpf.h"
#include <bpf/bpf_core_read.h>

/*
 * Kernel types the hooks read, relocated by CO-RE against the running
 * kernel (the ___eg suffix is dropped when matching): the build host's uapi
 * headers may predate netfilter programs.
 */
struct net_device___eg {
	int ifindex;
} __attribute__((preserve_access_index));

struct nf_hook_state___eg {
	__u8 hook;
	__u8 pf;
	struct net_device___eg *in;
} __attribute__((preserve_access_index));

struct kernfs_node___eg {
	__u64 id;
} __attribute__((preserve_access_index));

struct cgroup___eg {
	struct kernfs_node___eg *kn;
	int level;
	struct cgroup___eg *ancestors[];
} __attribute__((preserve_access_index));

struct sock_cgroup_data___eg {
	struct cgroup___eg *cgroup;
} __attribute__((preserve_access_index));

struct sock_common___eg {
	unsigned char skc_state;
} __attribute__((preserve_access_index));

struct socket___eg {
	void *file;
} __attribute__((preserve_access_index));

struct sock___eg {
	struct sock_common___eg __sk_common;
	struct {
		int owned;
	} sk_lock;
	__u16 sk_type;
	struct socket___eg *sk_socket;
	struct sock_cgroup_data___eg sk_cgrp_data;
} __attribute__((preserve_access_index));

struct sk_buff___eg {
	unsigned int len;
	struct sock___eg *sk;
} __attribute__((preserve_access_index));

struct bpf_nf_ctx {
	const struct nf_hook_state___eg *state;
	struct sk_buff___eg *skb;
};

extern int bpf_dynptr_from_skb(struct sk_buff___eg *skb, __u64 flags,
			       struct bpf_dynptr *ptr) __ksym;

#define EG_NFPROTO_IPV4 2
#define EG_NF_DROP	0
#define EG_NF_ACCEPT	1

#define EG_TCP_TIME_WAIT 6
#define EG_TCP_SYN_RECV	 12 /* TCP_NEW_SYN_RECV: a request socket */

/* Fill dest (and flow's addresses and ports) from the IP header the skb starts with. */
static __always_inline int eg_nf_parse(struct bpf_nf_ctx *ctx, __u8 pf, struct eg_dest *dest,
				       struct eg_flow *flow)
{
	struct bpf_dynptr pkt;
	__u16 ports[2];
	__u8 hdr[40];
	__u32 l4_off = 40;

	if (bpf_dynptr_from_skb(ctx->skb, 0, &pkt))
		return 0;
	if (pf == EG_NFPROTO_IPV4) {
		if (bpf_dynptr_read(hdr, 20, &pkt, 0, 0))
			return 0;
		eg_addr_from_v4(dest->saddr, *(__u32 *)&hdr[12]);
		eg_addr_from_v4(dest->addr, *(__u32 *)&hdr[16]);
		dest->family = AF_INET;
		dest->proto = hdr[9];
		l4_off = (hdr[0] & 0xf) * 4;
	} else {
		if (bpf_dynptr_read(hdr, 40, &pkt, 0, 0))
			return 0;
		__builtin_memcpy(dest->saddr, &hdr[8], 16);
		__builtin_memcpy(dest->addr, &hdr[24], 16);
		dest->family = AF_INET6;
		dest->proto = hdr[6]; /* extension headers are not walked */
	}
	if ((dest->proto == EG_IPPROTO_TCP || dest->proto == EG_IPPROTO_UDP) &&
	    !bpf_dynptr_read(ports, sizeof(ports), &pkt, l4_off, 0)) {
		dest->port = bpf_ntohs(ports[1]);
		flow->sport = bpf_ntohs(ports[0]);
	}
	dest->bytes = ctx->skb->len;
	__builtin_memcpy(flow->daddr, dest->addr, 16);
	__builtin_memcpy(flow->saddr, dest->saddr, 16);
	flow->dport = dest->port;
	flow->proto = dest->proto;
	flow->hook = dest->hook;
	return 1;
}

/* Has this flow been reported under the generation in force, with this verdict? */
static __always_inline int eg_flow_seen(const struct eg_flow *flow, __u32 generation, __u8 verdict)
{
	struct eg_flow_seen *seen = bpf_map_lookup_elem(&EG_MAP_FLOWS, flow);

	return seen && seen->generation == generation + 1 && seen->verdict == verdict;
}

/*
 * Judge dest under slot; report a deny or audit once per flow and
 * generation. Returns the netfilter verdict.
 */
static __always_inline int eg_nf_judge(const struct eg_config *cfg, __u32 slot,
				       const struct eg_dest *dest, const struct eg_flow *flow,
				       __u64 cgroup_id, __u32 uid)
{
	__u32 generation = cfg ? cfg->generation : 0, class_id;
	struct eg_flow_seen seen = {.generation = generation + 1};
	struct eg_decision d;

	eg_judge(cfg, slot, dest, &d, &class_id);
	eg_count(EG_CTR_HOOK(dest->hook, d.verdict));
	if (d.verdict != EG_VERDICT_ALLOW && !eg_flow_seen(flow, generation, d.verdict)) {
		eg_report(cfg, dest, &d, class_id, cgroup_id, uid);
		seen.verdict = d.verdict;
		bpf_map_update_elem(&EG_MAP_FLOWS, flow, &seen, BPF_ANY);
	}
	return d.verdict == EG_VERDICT_DENY ? EG_NF_DROP : EG_NF_ACCEPT;
}

/*
 * forward: a packet with an input device, from an address of a guarded
 * workload's network namespace, judged under that workload's policy.
 * Packets from anywhere else (replies to workloads, other routed traffic)
 * are not the guard's business.
 */
static __always_inline int eg_nf_forward(struct bpf_nf_ctx *ctx)
{
	const struct nf_hook_state___eg *state = ctx->state;
	struct net_device___eg *in = state->in;
	struct eg_config *cfg = eg_config_get();
	struct eg_dest dest = {.hook = EG_HOOK_FORWARD};
	struct eg_flow flow = {};
	struct eg_workload *wl;
	__u32 slot;

	if (!in || !eg_nf_parse(ctx, state->pf, &dest, &flow))
		return EG_NF_ACCEPT;
	wl = bpf_map_lookup_elem(&EG_MAP_WORKLOADS, dest.saddr);
	if (!wl)
		return EG_NF_ACCEPT;
	dest.in_ifindex = in->ifindex;
	slot = wl->slot != EG_WORKLOAD_NODE ? wl->slot : cfg ? cfg->policy : 0;
	return eg_nf_judge(cfg, slot, &dest, &flow, wl->cgroup_id, 0);
}

/*
 * Is the packet sent by the current task? In task context yes; a timer or
 * softirq runs on whatever task it interrupted. A user's datagram or raw
 * socket sends only from its caller; a stream socket sends from softirq
 * unless a task holds its lock (then softirq defers to that task).
 * Kernel sockets (tunnels, MPTCP subflows) have no file and are left out.
 */
static __always_inline int eg_sent_by_current(struct sock___eg *sk)
{
	struct socket___eg *sock = sk->sk_socket;

	if (!sock || !sock->file)
		return 0;
	return sk->sk_type == EG_SOCK_DGRAM || sk->sk_type == EG_SOCK_RAW || sk->sk_lock.owned;
}

/* Is sk's cgroup the guarded one or below it (then the cgroup hooks judge its packets)? */
static __always_inline int eg_sock_guarded(const struct eg_nfconf *nf, struct sock___eg *sk)
{
	struct cgroup___eg *cg = sk->sk_cgrp_data.cgroup, *ancestor = NULL;

	if (!cg || cg->level < (int)nf->level)
		return 0;
	if (bpf_probe_read_kernel(&ancestor, sizeof(ancestor), &cg->ancestors[nf->level & 0xff]))
		return 0;
	return ancestor && BPF_CORE_READ(ancestor, kn, id) == nf->cgroup_id;
}

/*
 * local_out: a packet a task of the guarded cgroup sends through a socket
 * made outside it, judged under the task's policy; and the later packets of
 * a TCP flow so denied, whoever sends them.
 */
static __always_inline int eg_nf_local_out(struct bpf_nf_ctx *ctx)
{
	struct sock___eg *sk = ctx->skb->sk;
	struct eg_config *cfg = eg_config_get();
	struct eg_dest dest = {.hook = EG_HOOK_LOCAL_OUT};
	struct eg_flow flow = {};
	struct eg_nfconf *nf;
	__u32 zero = 0, generation = cfg ? cfg->generation : 0;
	__u8 state;
	int judge;

	nf = bpf_map_lookup_elem(&EG_MAP_NFCONF, &zero);
	/* Guarding the root cgroup (level 0), no socket is made outside it. */
	if (!nf || !nf->cgroup_id || !nf->level || !sk)
		return EG_NF_ACCEPT;
	state = sk->__sk_common.skc_state;
	if (state == EG_TCP_TIME_WAIT || state == EG_TCP_SYN_RECV)
		return EG_NF_ACCEPT;
	/* Before the packet is read: the verifier wants the probe reads off the dynptr's stack. */
	judge = eg_sent_by_current(sk) &&
		bpf_get_current_ancestor_cgroup_id(nf->level) == nf->cgroup_id &&
		!eg_sock_guarded(nf, sk);
	if (!eg_nf_parse(ctx, ctx->state->pf, &dest, &flow))
		return EG_NF_ACCEPT;
	if (dest.proto == EG_IPPROTO_TCP && eg_flow_seen(&flow, generation, EG_VERDICT_DENY)) {
		eg_count(EG_CTR_HOOK(EG_HOOK_LOCAL_OUT, EG_VERDICT_DENY));
		return EG_NF_DROP;
	}
	if (!judge)
		return EG_NF_ACCEPT;
	return eg_nf_judge(cfg, eg_policy_slot(cfg, NULL, NULL), &dest, &flow,
			   bpf_get_current_cgroup_id(), (__u32)bpf_get_current_uid_gid());
}

#endif /* EXFILGUARD_FORWARD_BPF_H */
