// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The baseline for `make bench`: what the classification would cost as the
 * usual kernel LPM trie. One cgroup/connect4 program that looks the
 * destination up (16-byte form, as exfilguard keys it) in a trie holding the
 * same world as exfilguard's range tables, counts hits, and allows. Not part
 * of exfilguard; the bench attaches it beside the real programs' figures.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bench_lpm.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1); /* sized by the bench */
	__type(key, struct bench_lpm_key);
	__type(value, __u32); /* class id */
} bench_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bench_hits SEC(".maps");

SEC("cgroup/connect4")
int bench_lpm_connect4(struct bpf_sock_addr *ctx)
{
	struct bench_lpm_key key = {.prefixlen = 128};
	__u32 zero = 0, ip4 = ctx->user_ip4;
	__u64 *hits;

	key.addr[10] = key.addr[11] = 0xff;
	__builtin_memcpy(&key.addr[12], &ip4, 4);
	if (bpf_map_lookup_elem(&bench_lpm, &key)) {
		hits = bpf_map_lookup_elem(&bench_hits, &zero);
		if (hits)
			*hits += 1;
	}
	return 1;
}
