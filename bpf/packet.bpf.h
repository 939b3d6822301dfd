/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The egress program's view of a packet: its IP destination, protocol and
 * destination port. Read straight from the packet where the bytes are in its
 * linear part (the headers of every packet this host builds), through
 * bpf_skb_load_bytes otherwise: a helper call per read costs more than the
 * rest of a cached packet's judgement. Nothing past the packet's end is read
 * either way. Included by judge.bpf.h after struct eg_dest.
 */
#ifndef EXFILGUARD_PACKET_BPF_H
#define EXFILGUARD_PACKET_BPF_H

#define EG_ETH_P_IP    0x0800
#define EG_ETH_P_IPV6  0x86DD
#define EG_IPPROTO_TCP 6
#define EG_IPPROTO_UDP 17

/* n bytes (a constant) at off (at most 60) into buf: 0, or -1 when the packet is shorter. */
static __always_inline int eg_packet_read(struct __sk_buff *skb, __u32 off, void *buf, __u32 n)
{
	__u8 *data = (__u8 *)(long)skb->data, *end = (__u8 *)(long)skb->data_end;

	if (off <= 60 && data + off + n <= end) {
		__builtin_memcpy(buf, data + off, n);
		return 0;
	}
	return bpf_skb_load_bytes(skb, off, buf, n) ? -1 : 0;
}

/* Fill dest from the IP header at the start of skb; 0 when it is not IP. */
static __always_inline int eg_parse_skb(struct __sk_buff *skb, struct eg_dest *dest)
{
	__u8 ip[40];
	__u32 l4_off;
	__u16 ports[2];

	if (skb->protocol == bpf_htons(EG_ETH_P_IP)) {
		__u32 daddr;

		if (eg_packet_read(skb, 0, ip, 20))
			return 0;
		__builtin_memcpy(&daddr, ip + 16, 4);
		eg_addr_from_v4(dest->addr, daddr);
		dest->family = AF_INET;
		dest->proto = ip[9];
		l4_off = (ip[0] & 0xf) * 4;
	} else if (skb->protocol == bpf_htons(EG_ETH_P_IPV6)) {
		if (eg_packet_read(skb, 0, ip, 40))
			return 0;
		__builtin_memcpy(dest->addr, ip + 24, 16);
		dest->family = AF_INET6;
		dest->proto = ip[6]; /* extension headers are not walked */
		l4_off = 40;
	} else {
		return 0;
	}
	if ((dest->proto == EG_IPPROTO_TCP || dest->proto == EG_IPPROTO_UDP) &&
	    !eg_packet_read(skb, l4_off, ports, sizeof(ports)))
		dest->port = bpf_ntohs(ports[1]);
	dest->hook = EG_HOOK_EGRESS;
	dest->bytes = skb->len;
	return 1;
}

#endif /* EXFILGUARD_PACKET_BPF_H */
