/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Header-including raw sockets: the sock_create and setsockopt hooks (policy key raw_sockets). */
#ifndef EXFILGUARD_RAW_BPF_H
#define EXFILGUARD_RAW_BPF_H

#include "judge.bpf.h"

#define EG_IPPROTO_RAW	255
#define EG_SOL_IP	0
#define EG_IP_HDRINCL	3
#define EG_SOL_IPV6	41
#define EG_IPV6_HDRINCL 36
#define EG_PAGE_SIZE	4096

/*
 * A header-including raw socket for a guarded workload. Its packets are
 * routed by the address given to sendto() while the backstop can judge only
 * the header's, so unless the policy says raw_sockets: allow it is refused
 * (reported as a deny, or an audit in audit mode). sk: the socket, or NULL
 * while it is being created (then it is the current task's cgroup's).
 * Returns 1 to let the call through, 0 to fail it with EPERM.
 */
static __always_inline int eg_raw_socket(struct bpf_sock *sk, __u8 family, __u8 hook)
{
	struct eg_config *cfg = eg_config_get();
	struct eg_policy_hdr *pol;
	struct eg_decision d = {};
	struct eg_dest dest = {};

	if (cfg && (cfg->flags & EG_CFG_RAW_ALLOW))
		return 1;
	d.slot = eg_policy_slot(cfg, NULL, sk);
	pol = bpf_map_lookup_elem(&EG_MAP_POLICY, &d.slot);
	d.mode = pol ? pol->mode : EG_MODE_ENFORCE;
	d.verdict = d.mode == EG_MODE_AUDIT ? EG_VERDICT_AUDIT : EG_VERDICT_DENY;
	d.action = EG_ACT_DENY;
	d.match = EG_MATCH_RAW_SOCKET;
	d.rule = EG_RULE_DEFAULT;
	dest.family = family;
	dest.proto = EG_IPPROTO_RAW;
	dest.hook = hook;
	eg_count(EG_CTR_HOOK(hook, d.verdict));
	eg_report(cfg, &dest, &d, 0, sk ? eg_sock_cgroup_id(sk) : bpf_get_current_cgroup_id(),
		  (__u32)bpf_get_current_uid_gid());
	return d.verdict != EG_VERDICT_DENY;
}

/* socket(AF_INET/AF_INET6, SOCK_RAW, IPPROTO_RAW): the header comes from the sender. */
static __always_inline int eg_raw_on_create(struct bpf_sock *ctx)
{
	__u32 family = ctx->family;

	if ((family != AF_INET && family != AF_INET6) || ctx->type != EG_SOCK_RAW ||
	    ctx->protocol != EG_IPPROTO_RAW)
		return 1;
	return eg_raw_socket(NULL, family, EG_HOOK_SOCK_CREATE);
}

/*
 * setsockopt(IP_HDRINCL / IPV6_HDRINCL) to a non-zero value. The value is
 * read from the kernel's copy, which is what the kernel then uses; a value
 * longer than a page would be read again from the caller's memory after
 * this check, so it is refused outright.
 */
static __always_inline int eg_raw_on_setsockopt(struct bpf_sockopt *ctx)
{
	int hdrincl = (ctx->level == EG_SOL_IP && ctx->optname == EG_IP_HDRINCL) ||
		      (ctx->level == EG_SOL_IPV6 && ctx->optname == EG_IPV6_HDRINCL);
	__u8 *val = ctx->optval, *end = ctx->optval_end;
	struct bpf_sock *sk = ctx->sk;
	__s32 optlen = (__s32)EG_CTX_READ(ctx->optlen);
	__u32 on = 1;

	if (!hdrincl) {
		if (optlen > EG_PAGE_SIZE)
			ctx->optlen = 0; /* not ours: the kernel takes the caller's whole value */
		return 1;
	}
	if (optlen >= 4 && optlen <= EG_PAGE_SIZE && val + 4 <= end)
		on = val[0] | val[1] | val[2] | val[3];
	else if (optlen >= 1 && optlen < 4 && val + 1 <= end)
		on = val[0];
	if (!on || !sk)
		return 1;
	return eg_raw_socket(sk, sk->family, EG_HOOK_SETSOCKOPT);
}

#endif /* EXFILGUARD_RAW_BPF_H */
