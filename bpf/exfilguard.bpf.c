// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exfilguard hooks. Each entry point only names its hook; the logic is in
 * judge.bpf.h (context handling) and maps/decide.h (the decision itself, shared with userspace).
 *
 * Return values follow the cgroup hook contract: 1 lets the call or packet
 * through, 0 refuses it (EPERM for the socket calls, a drop for packets);
 * the netfilter hooks' NF_ACCEPT and NF_DROP are the same numbers.
 */
#include "judge.bpf.h"
#include "forward.bpf.h"
#include "raw.bpf.h"
#include "dns.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("cgroup/connect4")
int EG_PROG(connect4)(struct bpf_sock_addr *ctx)
{
	return eg_sock_addr(ctx, EG_HOOK_CONNECT4);
}

/* Also judges ::ffff:a.b.c.d, whose 16-byte form is the IPv4 rule's key. */
SEC("cgroup/connect6")
int EG_PROG(connect6)(struct bpf_sock_addr *ctx)
{
	return eg_sock_addr(ctx, EG_HOOK_CONNECT6);
}

/* Unconnected UDP sendto/sendmsg/sendmmsg; AF_INET6 sends to mapped addresses land here too. */
SEC("cgroup/sendmsg4")
int EG_PROG(sendmsg4)(struct bpf_sock_addr *ctx)
{
	return eg_sock_addr(ctx, EG_HOOK_SENDMSG4);
}

SEC("cgroup/sendmsg6")
int EG_PROG(sendmsg6)(struct bpf_sock_addr *ctx)
{
	return eg_sock_addr(ctx, EG_HOOK_SENDMSG6);
}

SEC("cgroup_skb/egress")
int EG_PROG(egress)(struct __sk_buff *skb)
{
	return eg_skb_egress(skb);
}

/* Header-including raw sockets (IPPROTO_RAW), refused unless the policy allows raw sockets. */
SEC("cgroup/sock_create")
int EG_PROG(sock_create)(struct bpf_sock *ctx)
{
	return eg_raw_on_create(ctx);
}

/* IP_HDRINCL / IPV6_HDRINCL turned on, likewise. */
SEC("cgroup/setsockopt")
int EG_PROG(setsockopt)(struct bpf_sockopt *ctx)
{
	return eg_raw_on_setsockopt(ctx);
}

/* DNS answers the workloads receive: names learned for events (dns.bpf.h); never drops. */
SEC("cgroup_skb/ingress")
int EG_PROG(ingress)(struct __sk_buff *skb)
{
	return eg_dns_ingress(skb);
}

/* Attached at NF_INET_POST_ROUTING for IPv4 and IPv6 (user/nflinks.c). */
SEC("netfilter")
int EG_PROG(forward)(struct bpf_nf_ctx *ctx)
{
	return eg_nf_forward(ctx);
}

/* Attached at NF_INET_LOCAL_OUT for IPv4 and IPv6, after the node's OUTPUT DNAT. */
SEC("netfilter")
int EG_PROG(local_out)(struct bpf_nf_ctx *ctx)
{
	return eg_nf_local_out(ctx);
}
