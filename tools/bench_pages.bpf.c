// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The page probe for `make bench`: connect4 programs that allow at once
 * after reading one, or three, small array maps, or three cache lines of one
 * map's value. Where the TLB starts empty at every syscall (page-table
 * isolation without PCID), each further map page a hook reads costs a page
 * walk, which is why exfilguard's config carries copies of what the node
 * policy's lookups read (struct eg_config). Each read's index depends on the
 * one before, as the hooks' lookups do. Not part of exfilguard.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct line {
	__u64 v[8]; /* one cache line */
};

/* Mappable: each map's values start a page of their own, as the decision tables' do. */
#define SMALL_ARRAY(name)                                                                          \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_ARRAY);                                                  \
		__uint(map_flags, BPF_F_MMAPABLE);                                                 \
		__uint(max_entries, 1);                                                            \
		__type(key, __u32);                                                                \
		__type(value, struct line);                                                        \
	} name SEC(".maps")
SMALL_ARRAY(page_a);
SMALL_ARRAY(page_b);
SMALL_ARRAY(page_c);

/* Three (of four) lines of one value: one page. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct line[4]);
} one_page SEC(".maps");

/*
 * The first word of map[key], read; 0 when absent. Userspace never writes
 * the maps: every word is 0, so every next key is 0, but only once read.
 */
static __always_inline __u64 read_word(void *map, __u64 key)
{
	__u32 k = (__u32)(key >> 32);
	const struct line *l = bpf_map_lookup_elem(map, &k);

	return l ? l->v[0] : 0;
}

SEC("cgroup/connect4")
int pages_none(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	return 1;
}

SEC("cgroup/connect4")
int pages_one_map(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	return read_word(&page_a, 0) != 1;
}

SEC("cgroup/connect4")
int pages_three_maps(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	return read_word(&page_c, read_word(&page_b, read_word(&page_a, 0))) != 1;
}

SEC("cgroup/connect4")
int pages_three_lines(struct bpf_sock_addr *ctx __attribute__((unused)))
{
	__u32 zero = 0;
	const struct line(*v)[4] = bpf_map_lookup_elem(&one_page, &zero);
	__u64 x;

	if (!v)
		return 1;
	x = (*v)[0].v[0] >> 32;
	x = (*v)[1 + (x & 1)].v[0] >> 32;
	return (*v)[2 + (x & 1)].v[0] != 1;
}
