/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Map definitions of the exfilguard object; layouts live in maps/exfilguard.h. */
#ifndef EXFILGUARD_MAPS_BPF_H
#define EXFILGUARD_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../maps/exfilguard.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EG_MAX_POLICIES);
	__type(key, __u32);
	__type(value, struct eg_policy_hdr);
} EG_MAP_POLICY SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_hot);
} EG_MAP_HOT SEC(".maps");

/* Never read or written: userspace sizes it (1 or 2) to the generation's config slot + 1. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} EG_MAP_SLOT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EG_RINGBUF_BYTES);
} EG_MAP_EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct eg_skstate);
} EG_MAP_SKSTATE SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_info);
} EG_MAP_INFO SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EG_MAX_SCOPED_CGROUPS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u32);
} EG_MAP_SCOPES SEC(".maps");

/* The classification tables: userspace sizes them to the data before loading (no data: 1 entry). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_class);
} EG_MAP_CLASSES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct eg_span);
} EG_MAP_V4_INDEX SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_v4_bound4);
} EG_MAP_V4_BOUNDS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct eg_span);
} EG_MAP_V6_INDEX SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_v6_coarse_bound);
} EG_MAP_V6_BOUNDS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_span);
} EG_MAP_V6_FINE_INDEX SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_v6_fine_bound);
} EG_MAP_V6_FINE_BOUNDS SEC(".maps");

/* The decision tables: userspace sizes them to the compiled policies before loading. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EG_DT_MAX_TABLES);
	__type(key, __u32);
	__type(value, struct eg_dt_head);
} EG_MAP_DT_HEADS SEC(".maps");

#define EG_DT_ARRAY(name, value_type)                                                              \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_ARRAY);                                                  \
		__uint(max_entries, 1);                                                            \
		__type(key, __u32);                                                                \
		__type(value, value_type);                                                         \
	} name SEC(".maps")
EG_DT_ARRAY(EG_MAP_DT_V4_INDEX, struct eg_span);
EG_DT_ARRAY(EG_MAP_DT_V4_LINES, struct eg_dt_line);
EG_DT_ARRAY(EG_MAP_DT_V4_BOUNDS, struct eg_v4_bound);
EG_DT_ARRAY(EG_MAP_DT_V6_INDEX, struct eg_span);
EG_DT_ARRAY(EG_MAP_DT_V6_BOUNDS, struct eg_v6_bound);
EG_DT_ARRAY(EG_MAP_DT_DECISIONS, struct eg_dt_decision);

/* The netfilter hooks' maps (bpf/forward.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EG_MAX_WORKLOAD_ADDRS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u8[16]);
	__type(value, struct eg_workload);
} EG_MAP_WORKLOADS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_nfconf);
} EG_MAP_NFCONF SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EG_MAX_FLOWS);
	__type(key, struct eg_flow);
	__type(value, struct eg_flow_seen);
} EG_MAP_FLOWS SEC(".maps");

/* Floods folded (bpf/fold.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EG_MAX_FOLDS);
	__type(key, struct eg_fold_key);
	__type(value, struct eg_fold);
} EG_MAP_FOLDS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EG_MAX_BUDGETS);
	__type(key, __u64);
	__type(value, struct eg_budget);
} EG_MAP_BUDGETS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_fold);
} EG_MAP_FOLD_ZERO SEC(".maps");
/* Exfiltration volume (bpf/acct.bpf.h); bounded: a full map counts EG_CTR_ACCT_OVERFLOW. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, EG_MAX_ACCT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct eg_acct_key);
	__type(value, struct eg_acct);
} EG_MAP_BYTES SEC(".maps");

/* Names the workloads resolved (bpf/dns.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EG_MAX_DNS);
	__type(key, __u8[16]);
	__type(value, struct eg_dns_name);
} EG_MAP_DNS SEC(".maps");

/* Scratch for one name being parsed: too big for the BPF stack next to the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_dns_name);
} eg_dns_scratch SEC(".maps");

#endif /* EXFILGUARD_MAPS_BPF_H */
