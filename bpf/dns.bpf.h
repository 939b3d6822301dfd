/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The names the guarded workloads resolve: the ingress program reads the DNS
 * answers (UDP from port 53) their sockets receive and remembers, for each A
 * and AAAA address, the question's name in EG_MAP_DNS, so that an event can
 * say which name the sender had asked for. Everything is bounded: the name
 * is read byte by byte up to EG_DNS_NAME_LEN, at most EG_DNS_MAX_ANSWERS
 * answers are read, and an answer's owner name is skipped label by label
 * without following compression pointers (a pointer ends it), so a crafted
 * reply cannot loop. The parsers are global functions, each verified once. The packet always
 * passes: this program only learns. Not seen: DNS over TCP, TLS or HTTPS, and answers cached before
 * the guard.
 */
#ifndef EXFILGUARD_DNS_BPF_H
#define EXFILGUARD_DNS_BPF_H

#define EG_DNS_PORT	 53
#define EG_DNS_HDR_LEN	 12
#define EG_DNS_TYPE_A	 1
#define EG_DNS_TYPE_AAAA 28

/* The UDP payload offset of a reply from port 53 at the start of skb; 0 when it is not one. */
static __always_inline __u32 eg_dns_payload_read(struct __sk_buff *skb)
{
	__u32 l4 = 0;
	__u16 sport;
	__u8 b;

	if (skb->protocol == bpf_htons(EG_ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, 9, &b, 1) || b != EG_IPPROTO_UDP ||
		    bpf_skb_load_bytes(skb, 0, &b, 1))
			return 0;
		l4 = (b & 0xf) * 4;
	} else if (skb->protocol == bpf_htons(EG_ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 6, &b, 1) || b != EG_IPPROTO_UDP)
			return 0; /* extension headers are not walked */
		l4 = 40;
	}
	if (!l4 || bpf_skb_load_bytes(skb, l4, &sport, 2) || sport != bpf_htons(EG_DNS_PORT))
		return 0;
	return l4 + 8;
}

/*
 * eg_dns_payload_read, after a look at the protocol in place where the IP
 * header is in the packet's linear data (as in every packet received here):
 * every packet the workloads receive pays for this, and most are not UDP.
 */
static __always_inline __u32 eg_dns_payload(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data, *end = (__u8 *)(long)skb->data_end;

	if (skb->protocol == bpf_htons(EG_ETH_P_IP) && data + 20 <= end &&
	    data[9] != EG_IPPROTO_UDP)
		return 0;
	if (skb->protocol == bpf_htons(EG_ETH_P_IPV6) && data + 40 <= end &&
	    data[6] != EG_IPPROTO_UDP)
		return 0;
	return eg_dns_payload_read(skb);
}

/*
 * The question's name at off, dotted and in lower case, into out; the offset
 * after it, or 0 when it is malformed, compressed or too long.
 */
__attribute__((noinline)) __u32 eg_dns_qname(struct __sk_buff *skb, __u32 off,
					     struct eg_dns_name *name)
{
	__u32 left = 0, i;
	char *out;

	if (!skb || !name)
		return 0;
	out = name->name;
	for (i = 0; i < EG_DNS_NAME_LEN; i++) {
		__u8 c;

		if (bpf_skb_load_bytes(skb, off + i, &c, 1))
			return 0;
		if (left) {
			left--;
			if (i > 0)
				out[i - 1] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
			continue;
		}
		if (c == 0) {
			if (i == 0)
				return 0; /* the root: nothing to learn */
			out[i - 1] = '\0';
			return off + i + 1;
		}
		if (c & 0xc0)
			return 0;
		left = c;
		if (i > 0)
			out[i - 1] = '.';
	}
	return 0;
}

/* The offset after an answer's owner name at off (a pointer ends it); 0 when malformed. */
__attribute__((noinline)) __u32 eg_dns_skip_name(struct __sk_buff *skb, __u32 off)
{
	if (!skb)
		return 0;
	for (int i = 0; i < EG_DNS_MAX_LABELS; i++) {
		__u8 c;

		if (bpf_skb_load_bytes(skb, off, &c, 1))
			return 0;
		if (c == 0)
			return off + 1;
		if ((c & 0xc0) == 0xc0)
			return off + 2;
		if (c & 0xc0)
			return 0;
		off += 1 + c;
	}
	return 0;
}

/* One answer record at off: its address learned when it is an A or AAAA; the next offset or 0. */
__attribute__((noinline)) __u32 eg_dns_answer(struct __sk_buff *skb, __u32 off,
					      struct eg_dns_name *name)
{
	__u16 rr[5]; /* type, class, ttl (2), rdlength; net order */
	__u8 addr[16];
	__u16 type, len;

	off = skb && name ? eg_dns_skip_name(skb, off) : 0;
	if (!off || bpf_skb_load_bytes(skb, off, rr, sizeof(rr)))
		return 0;
	type = bpf_ntohs(rr[0]);
	len = bpf_ntohs(rr[4]);
	off += sizeof(rr);
	if (type == EG_DNS_TYPE_A && len == 4) {
		__u32 ip4;

		if (bpf_skb_load_bytes(skb, off, &ip4, 4))
			return 0;
		eg_addr_from_v4(addr, ip4);
		bpf_map_update_elem(&EG_MAP_DNS, addr, name, BPF_ANY);
	} else if (type == EG_DNS_TYPE_AAAA && len == 16) {
		if (bpf_skb_load_bytes(skb, off, addr, 16))
			return 0;
		bpf_map_update_elem(&EG_MAP_DNS, addr, name, BPF_ANY);
	}
	return off + len;
}

static __always_inline int eg_dns_ingress(struct __sk_buff *skb)
{
	__u32 off = eg_dns_payload(skb), zero = 0;
	struct eg_dns_name *name = bpf_map_lookup_elem(&eg_dns_scratch, &zero);
	__u16 hdr[6]; /* id, flags, qdcount, ancount, nscount, arcount; net order */
	__u16 answers;

	if (!off || !name || bpf_skb_load_bytes(skb, off, hdr, sizeof(hdr)))
		return 1;
	/* A response (QR), with no error (RCODE 0), to one question. */
	if (!(bpf_ntohs(hdr[1]) & 0x8000) || (bpf_ntohs(hdr[1]) & 0xf) || bpf_ntohs(hdr[2]) != 1)
		return 1;
	answers = bpf_ntohs(hdr[3]);
	off = eg_dns_qname(skb, off + EG_DNS_HDR_LEN, name);
	if (!off)
		return 1;
	off += 4; /* QTYPE, QCLASS */
	name->ts_boot_ns = bpf_ktime_get_boot_ns();
	for (int i = 0; i < EG_DNS_MAX_ANSWERS && i < answers && off; i++)
		off = eg_dns_answer(skb, off, name);
	return 1;
}

#endif /* EXFILGUARD_DNS_BPF_H */
