// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The floor for `make bench`: the same cgroup hooks exfilguard attaches
 * (connect4/6, sendmsg4/6, egress, sock_create, setsockopt, ingress), each
 * allowing at once. What any guard on these hooks costs before it looks at
 * anything. Not part of exfilguard.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("cgroup/connect4")
int floor_connect4(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	return 1;
}

SEC("cgroup/connect6")
int floor_connect6(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	return 1;
}

SEC("cgroup/sendmsg4")
int floor_sendmsg4(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	return 1;
}

SEC("cgroup/sendmsg6")
int floor_sendmsg6(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	return 1;
}

SEC("cgroup_skb/egress")
int floor_egress(struct __sk_buff *skb __attribute__((unused)))
{
	return 1;
}

SEC("cgroup/sock_create")
int floor_sock_create(struct bpf_sock *ctx __attribute__((unused)))
{
	return 1;
}

SEC("cgroup/setsockopt")
int floor_setsockopt(struct bpf_sockopt *ctx __attribute__((unused)))
{
	return 1;
}

SEC("cgroup_skb/ingress")
int floor_ingress(struct __sk_buff *skb __attribute__((unused)))
{
	return 1;
}
