/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * exfilguard kernel/user ABI: the one definition of every map name, key,
 * value and event that the BPF programs and the userspace loader share.
 *
 * Rules for this file:
 *  - fixed-width types only, explicit padding, sizes pinned by _Static_assert;
 *  - byte order is stated on every multi-byte field ("net" = big-endian,
 *    "host" = the CPU's order; BPF and userspace run on the same CPU);
 *  - addresses are always 16 bytes: IPv4 is stored as the IPv4-mapped IPv6
 *    address ::ffff:a.b.c.d, so one trie serves both families and an AF_INET6
 *    socket aimed at ::ffff:a.b.c.d is judged exactly as a.b.c.d.
 */
#ifndef EXFILGUARD_ABI_H
#define EXFILGUARD_ABI_H

#include <linux/types.h>

/* Map names as they appear in the object and under the pin directory. */
#define EG_MAP_RULES	 eg_rules   /* LPM trie: (policy, prefix) -> rule */
#define EG_MAP_POLICY	 eg_policy  /* array: policy id -> policy header */
#define EG_MAP_HOT	 eg_hot	    /* array[1], mappable: struct eg_hot (configs, counters) */
#define EG_MAP_SLOT	 eg_slot    /* array of 1 or 2: its size is the generation's cfg slot + 1 */
#define EG_MAP_EVENTS	 eg_events  /* ring buffer of struct eg_event */
#define EG_MAP_SKSTATE	 eg_skstate /* socket storage: per-socket verdict cache */
#define EG_MAP_INFO	 eg_info    /* array[1]: daemon metadata for status */
#define EG_MAP_SELECTORS eg_selectors /* hash: (policy, selector, value) -> rule */
#define EG_MAP_SCOPES	 eg_scopes    /* hash: cgroup id -> policy slot of its scope */
#define EG_MAP_CLASSES	 eg_classes   /* array: class id -> struct eg_class */
#define EG_MAP_V4_INDEX	 eg_v4_index  /* array[65536]: IPv4 /16 -> struct eg_span */
#define EG_MAP_V4_BOUNDS eg_v4_bounds /* array: struct eg_v4_bound4 */
#define EG_MAP_V6_INDEX	 eg_v6_index  /* array[65536]: IPv6 /16 -> struct eg_span */
#define EG_MAP_V6_BOUNDS eg_v6_bounds /* array: struct eg_v6_coarse_bound */
#define EG_MAP_WORKLOADS eg_workloads /* hash: source address -> struct eg_workload */
#define EG_MAP_NFCONF	 eg_nfconf    /* array[1]: struct eg_nfconf, for the netfilter hooks */
#define EG_MAP_FLOWS	 eg_flows     /* LRU hash: struct eg_flow -> struct eg_flow_seen */

#define EG_STR(x)  EG_STR_(x)
#define EG_STR_(x) #x

/*
 * The hooks, listed once: X(ENUM, name) makes EG_HOOK_<ENUM>, and the program
 * EG_PROG(name) = eg_<name>, which is also the pin name of its link under
 * links/ and the "hook" of events. Each program's ELF section (its program
 * and attach type) is written at its body in bpf/exfilguard.bpf.c. A new hook
 * is one line here and its body there.
 */
#define EG_HOOK_LIST(X)                                                                            \
	X(CONNECT4, connect4)                                                                      \
	X(CONNECT6, connect6)                                                                      \
	X(SENDMSG4, sendmsg4)                                                                      \
	X(SENDMSG6, sendmsg6)                                                                      \
	X(EGRESS, egress)                                                                          \
	X(SOCK_CREATE, sock_create)                                                                \
	X(SETSOCKOPT, setsockopt)                                                                  \
	X(INGRESS, ingress)                                                                        \
	X(FORWARD, forward)                                                                        \
	X(LOCAL_OUT, local_out)

/*
 * The cgroup hooks come first. The netfilter hooks after them are attached
 * in the daemon's network namespace, once per family, with links pinned as
 * links/<program>_ipv4 and links/<program>_ipv6.
 */
#define EG_HOOK_CGROUP_COUNT	   EG_HOOK_FORWARD
#define EG_HOOK_IS_NETFILTER(hook) ((hook) >= EG_HOOK_CGROUP_COUNT)

/* Program name of a hook: EG_PROG(connect4) is eg_connect4. */
#define EG_PROG(name) eg_##name

#define EG_DEFAULT_PIN_DIR "/sys/fs/bpf/exfilguard"

/* CIDR prefixes of one policy: compiled into the decision tables, not a trie. */
#define EG_MAX_RULE_PREFIXES (1 << 20)
#define EG_MAX_POLICIES	     256
/*
 * Policy slots (EG_MAP_POLICY index; the "policy" of rule and selector keys
 * and of events) in one generation's object: the node-wide policy, then one
 * per scope in the order the policy file lists them.
 */
#define EG_SLOT_NODE		  0u
#define EG_SLOT_SCOPE_BASE	  1u
#define EG_SLOT_SCOPE(i)	  (EG_SLOT_SCOPE_BASE + (__u32)(i))
#define EG_SLOT_IS_SCOPE(slot)	  ((slot) >= EG_SLOT_SCOPE_BASE)
#define EG_SLOT_SCOPE_INDEX(slot) ((slot)-EG_SLOT_SCOPE_BASE)
#define EG_MAX_SCOPES		  (EG_MAX_POLICIES - EG_SLOT_SCOPE_BASE)
#define EG_MAX_SELECTORS	  65536
/* Cgroups in scopes: a pod is a few, a node runs ~100 pods. Hash buckets cost 16 bytes each. */
#define EG_MAX_SCOPED_CGROUPS 16384
/* Ancestor levels a hook walks to find a cgroup's scope (the root is level 0). */
#define EG_MAX_CGROUP_DEPTH 16
#define EG_RINGBUF_BYTES    (1u << 20)

/* Rule actions, as written in a policy file. */
enum eg_action {
	EG_ACT_ALLOW = 0,
	EG_ACT_DENY = 1,
	EG_ACT_AUDIT = 2, /* allowed, and reported */
};

/* Policy modes. In audit mode every deny becomes a reported, allowed audit. */
enum eg_mode {
	EG_MODE_ENFORCE = 0,
	EG_MODE_AUDIT = 1,
};

/* What the kernel did. */
enum eg_verdict {
	EG_VERDICT_ALLOW = 0,
	EG_VERDICT_DENY = 1,
	EG_VERDICT_AUDIT = 2,
	EG_VERDICT_COUNT = 3,
};

/* Which selector decided. Ordered by precedence, strongest first. */
enum eg_match {
	EG_MATCH_CIDR = 0,
	EG_MATCH_ASN = 1,
	EG_MATCH_PROVIDER = 2,
	EG_MATCH_COUNTRY = 3,
	EG_MATCH_JURISDICTION = 4,
	EG_MATCH_DEFAULT = 5,
	EG_MATCH_NO_POLICY = 6,	 /* nothing loaded: on_failure decides */
	EG_MATCH_STALE = 7,	 /* data older than max_data_age: on_failure decides */
	EG_MATCH_RAW_SOCKET = 8, /* a header-including raw socket, refused by raw_sockets: deny */
};

#define EG_HOOK_ENUM_(e, name) EG_HOOK_##e,
enum eg_hook { EG_HOOK_LIST(EG_HOOK_ENUM_) EG_HOOK_COUNT };
#undef EG_HOOK_ENUM_

/* Counter slots of EG_MAP_HOT's rows: per hook allowed/denied/audited, then totals. */
#define EG_CTR_HOOK(hook, verdict) ((hook)*EG_VERDICT_COUNT + (verdict))
enum eg_counter {
	EG_CTR_EVENTS_DROPPED = EG_HOOK_COUNT * EG_VERDICT_COUNT, /* ring buffer full: event lost */
	EG_CTR_EGRESS_CACHED,  /* egress packets passed by the socket cache */
	EG_CTR_EGRESS_LOOKUPS, /* egress packets judged by a full lookup */
	EG_CTR_FOLDED,	       /* reports put into an EG_MAP_FOLDS entry (count or lost) */
	EG_CTR_ACCT_OVERFLOW,  /* packets not counted by volume: EG_MAP_BYTES was full */
	EG_CTR_SELFTEST,       /* the self-test's canary connects refused (not a workload's) */
	EG_CTR_COUNT,
};

/*
 * All the counters of one row of EG_MAP_HOT (struct eg_hot in hot.h); a
 * counter is the sum of its column over the rows. CPU n adds to row
 * n % EG_CTR_ROWS by atomic adds (rows are shared only past EG_CTR_ROWS
 * CPUs), so each CPU writes cache lines of its own. Rows of a plain array,
 * not a per-CPU map: on the project VM (a PVM guest, page-table isolation
 * on) the add to a per-CPU map's value cost every hook run ~70 ns by the
 * programs' own run time, more than the decision (an allowed UDP connect:
 * 353 -> 278 ns per run), where the atomic add to a row costs ~10 ns.
 */
#define EG_CTR_ROWS  32
#define EG_CTR_SLOTS 64 /* a power of two: the hooks index by slot & (EG_CTR_SLOTS - 1) */
struct eg_counter_row {
	__u64 v[EG_CTR_SLOTS]; /* host order: v[enum eg_counter, EG_CTR_HOOK()] */
};
_Static_assert(EG_CTR_COUNT <= EG_CTR_SLOTS, "eg_counter_row holds every counter");
_Static_assert(sizeof(struct eg_counter_row) == 512, "eg_counter_row ABI");

#define EG_RULE_DEFAULT 0xffffu /* eg_event.rule when the policy default decided */
/*
 * The self-test canary: every policy slot also denies EG_CANARY_V4/32 under
 * this rule index, in any mode, so `run` can prove the hooks refuse a connect
 * before it reports ready. 0.0.0.1 is in "this network" (RFC 1122), which
 * nothing connects to, and a UDP connect to it sends nothing.
 */
#define EG_RULE_CANARY 0xfffeu
#define EG_CANARY_V4   0x00000001u /* 0.0.0.1, host order */

/*
 * LPM key of EG_MAP_RULES. The trie is shared by every policy: the policy id
 * is the first 32 bits of the matched data, so a rule only ever matches
 * lookups for its own policy (and rules of a policy being built are invisible
 * until the config points at it).
 * prefixlen (host order) = 32 + prefix length of addr in its IPv6 form
 * (an IPv4 /n is 96 + n).
 */
struct eg_rule_key {
	__u32 prefixlen; /* host order */
	__u32 policy;	 /* net order */
	__u8 addr[16];	 /* net order, IPv4 as ::ffff:a.b.c.d */
};
_Static_assert(sizeof(struct eg_rule_key) == 24, "eg_rule_key ABI");

struct eg_rule {
	__u16 index; /* host order: rule position in the policy file, from 0 */
	__u8 action; /* enum eg_action */
	__u8 plen;   /* prefix length as written (IPv4 0-32, IPv6 0-128) */
};
_Static_assert(sizeof(struct eg_rule) == 4, "eg_rule ABI");

/* EG_MAP_POLICY value: per-policy settings. */
struct eg_policy_hdr {
	__u8 loaded;	     /* 0: slot unused */
	__u8 mode;	     /* enum eg_mode */
	__u8 default_action; /* enum eg_action */
	__u8 selector_kinds; /* bit (1 << enum eg_match) for each selector kind the rules use */
	__u32 rules;	     /* host order: number of rules, for status */
};
_Static_assert(sizeof(struct eg_policy_hdr) == 8, "eg_policy_hdr ABI");

/*
 * A network-specific NAT64 prefix (RFC 6052) from the policy's
 * nat64_prefixes: an IPv6 destination inside it carries an IPv4 address at
 * the place the prefix length gives (see maps/embed4.h). plen is 32, 40, 48,
 * 56, 64 or 96; 0 marks an unused entry. Only 12 bytes: no prefix is longer.
 */
struct eg_nat64_prefix {
	__u8 addr[12]; /* net order, host bits zero */
	__u8 plen;
	__u8 pad[3];
};
_Static_assert(sizeof(struct eg_nat64_prefix) == 16, "eg_nat64_prefix ABI");
#define EG_MAX_NAT64_PREFIXES 8

/*
 * EG_MAP_SKSTATE value: what the socket hooks last allowed for a socket, so
 * the egress backstop passes that socket's packets without a trie lookup.
 */
struct eg_skstate {
	__u8 daddr[16];	  /* net order: destination last allowed by a socket hook */
	__u32 generation; /* host order: eg_config.generation when judged */
	__u32 reported;	  /* unused (reports are folded in EG_MAP_FOLDS); kept for the layout */
	__u32 slot;	  /* host order: policy slot (node or scope) that allowed daddr */
	__u32 pad;
	/* Volume accounting (bpf/acct.bpf.h): what this socket's packets count under. */
	__u32 acct_class;  /* host order: class id of daddr */
	__u8 acct_verdict; /* enum eg_verdict + 1; 0: the socket's bytes are not counted */
	__u8 acct_pad[3];
};
_Static_assert(sizeof(struct eg_skstate) == 40, "eg_skstate ABI");

#define EG_COMM_LEN    16
#define EG_PATH_LEN    256
#define EG_DATASET_LEN 80

/*
 * A class id no lookup has computed yet: what a decision that did not
 * classify returns, and what a new fold entry's event starts with until its
 * first report fills it in (bpf/fold.bpf.h).
 */
#define EG_CLASS_UNRESOLVED 0xffffffffu

/* One deny or audit, from EG_MAP_EVENTS. */
struct eg_event {
	__u64 ts_boot_ns; /* host order: bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;  /* host order: cgroup v2 id of the sender */
	__u32 pid;	  /* host order: tgid (0 when not known, e.g. softirq) */
	__u32 tid;	  /* host order */
	__u32 uid;	  /* host order */
	__u32 policy;	  /* host order: policy id that decided */
	__u32 bytes;	  /* host order: packet length (egress hook), else 0 */
	__u32 class_id;	  /* host order: EG_MAP_CLASSES index of the destination, 0 = unknown */
	__u32 data_gen;	  /* host order: eg_config.data_gen of the classification used */
	__u16 dport;	  /* host order */
	__u16 rule;	  /* host order: rule index, EG_RULE_DEFAULT for the default */
	__u8 daddr[16];	  /* net order, IPv4 as ::ffff:a.b.c.d */
	__u8 family;	  /* AF_INET or AF_INET6: the socket's family */
	__u8 proto;	  /* IPPROTO_* */
	__u8 hook;	  /* enum eg_hook */
	__u8 verdict;	  /* enum eg_verdict */
	__u8 mode;	  /* enum eg_mode */
	__u8 match;	  /* enum eg_match */
	__u8 prefixlen;	  /* matched prefix length as written */
	__u8 pad;
	char comm[EG_COMM_LEN]; /* "" in kernel context (EG_EVF_KERNEL) */
	__u8 daddr_v4[4];	/* net order: the IPv4 that daddr carries (embed != 0) */
	__u8 embed;		/* enum eg_embed: how daddr carries an IPv4, EG_EMBED_NONE */
	__u8 flags;		/* EG_EVF_* */
	__u16 pad2;
	/* Hook "forward": the workload's packet as the node forwarded it. */
	__u8 saddr[16];	  /* net order, IPv4 mapped; zero for the other hooks */
	__u32 in_ifindex; /* host order: the interface it came in on, in the daemon's netns */
	__u32 pad3;
};
_Static_assert(sizeof(struct eg_event) == 120, "eg_event ABI");

/* eg_event.flags */
#define EG_EVF_BY_V4 1u /* the embedded IPv4 form decided (its verdict was the stronger) */
/* kernel context (kernel thread, softirq on idle): no pid, tid or comm */
#define EG_EVF_KERNEL 2u
/* egress: the current task is not in the socket's cgroup (a softirq on top of another task,
 * or a socket passed in): no pid, tid or comm */
#define EG_EVF_FOREIGN 4u
/*
 * A socket hook's deny, left to the daemon to classify and count: class_id
 * is 0, and neither this report nor those folded into its entry are in
 * EG_MAP_BYTES. The daemon classifies the address that decided (daddr, or
 * daddr_v4 with EG_EVF_BY_V4) and adds the attempts (user/attempts.c). Keeps
 * the classification's cold pages and a per-class count off a refused call.
 */
#define EG_EVF_TALLY 8u

/* EG_MAP_INFO value: who runs the guard, for `exfilguard status`. */
struct eg_info {
	__u64 started_unix_ns; /* host order */
	__u64 cgroup_id;       /* host order: where the programs are attached */
	__u32 pid;	       /* host order: daemon pid */
	__u32 pad;
	char cgroup_path[EG_PATH_LEN];
	char policy_path[EG_PATH_LEN];
	char dataset[EG_DATASET_LEN]; /* version of the classification data, "" when none */
	__u32 reload_seq;	      /* host order: bumped after every reload attempt */
	__s32 reload_status; /* host order: 0, or the errno-style code of the last failed reload */
	char reload_msg[EG_PATH_LEN]; /* what the last reload did, or why it failed */
};
_Static_assert(sizeof(struct eg_info) == 32 + 3 * EG_PATH_LEN + EG_DATASET_LEN, "eg_info ABI");

#include "tables.h"

#include "hot.h"

/*
 * EG_MAP_WORKLOADS: an address of a guarded workload's own network namespace
 * (a pod or container behind a veth), so that the packets the node forwards
 * for it are judged under its policy. Kept by the daemon. A few addresses per
 * pod; the map allocates an address when added, only its buckets (16 bytes
 * each, 0.25 MiB) at load.
 */
#define EG_MAX_WORKLOAD_ADDRS 16384
#define EG_WORKLOAD_NODE      0xffffffffu /* eg_workload.slot: the node-wide policy */
struct eg_workload {
	__u64 cgroup_id; /* host order: the cgroup of the workload's processes */
	__u32 slot;	 /* host order: its scope's policy slot, or EG_WORKLOAD_NODE */
	__u32 pad;
};
_Static_assert(sizeof(struct eg_workload) == 16, "eg_workload ABI");

/*
 * EG_MAP_NFCONF value: the guarded cgroup, for the local_out hook, which
 * judges packets a guarded task sends through a socket made outside it.
 */
struct eg_nfconf {
	__u64 cgroup_id; /* host order: the guarded cgroup; 0: the hook judges nothing */
	__u32 level;	 /* host order: its depth below the cgroup root (root = 0) */
	__u32 pad;
};
_Static_assert(sizeof(struct eg_nfconf) == 16, "eg_nfconf ABI");

/*
 * EG_MAP_FLOWS key: a flow the netfilter hooks reported. One event per flow
 * and policy generation, not one per packet; and a TCP flow of an outside
 * socket that local_out denied for a guarded task stays denied: its
 * retransmits come from timers and softirq, without the task.
 */
#define EG_MAX_FLOWS 16384
struct eg_flow {
	__u8 daddr[16]; /* net order, IPv4 mapped */
	__u8 saddr[16]; /* net order, IPv4 mapped */
	__u16 dport;	/* host order */
	__u16 sport;	/* host order */
	__u8 proto;
	__u8 hook; /* enum eg_hook */
	__u8 pad[2];
};
_Static_assert(sizeof(struct eg_flow) == 40, "eg_flow ABI");

struct eg_flow_seen {
	__u32 generation; /* host order: eg_config.generation + 1 when reported */
	__u8 verdict;	  /* enum eg_verdict reported */
	__u8 pad[3];
};
_Static_assert(sizeof(struct eg_flow_seen) == 8, "eg_flow_seen ABI");

/* How an IPv6 destination carries an IPv4 address (maps/embed4.h). */
enum eg_embed {
	EG_EMBED_NONE = 0,
	EG_EMBED_NAT64 = 1,	  /* 64:ff9b::/96, the well-known prefix (RFC 6052) */
	EG_EMBED_NAT64_LOCAL = 2, /* 64:ff9b:1::/48, local use (RFC 8215), /96 layout */
	EG_EMBED_NAT64_NSP = 3,	  /* a prefix of the policy's nat64_prefixes */
	EG_EMBED_6TO4 = 4,	  /* 2002:AABB:CCDD::/48 (RFC 3056) */
	EG_EMBED_COMPAT = 5,	  /* ::a.b.c.d, IPv4-compatible (RFC 4291, deprecated) */
	EG_EMBED_SIIT = 6,	  /* ::ffff:0:a.b.c.d, IPv4-translated (RFC 7915) */
};

/*
 * Floods folded (bpf/fold.bpf.h, user/fold.h): reports of one key in one aligned window share an
 * entry; each report is a ring event, a unit of count or lost (EG_CTR_FOLDED) or EVENTS_DROPPED.
 * EG_MAX_FOLDS (preallocated, 256 bytes an entry: 2 MiB): a window's entries stay until the
 * daemon's first walk after it ends (EG_RING_WAIT_MS + the grace), so two windows are alive:
 * room for two windows of two workloads each naming a whole budget of destinations, where a
 * flood to 1,000 must lose nothing. The loader adds the nodes the LRU may keep aside per CPU.
 * EG_MAX_BUDGETS: cgroups reporting in one window; one pushed out only starts afresh.
 */
#define EG_MAP_FOLDS	   eg_folds	/* LRU hash: struct eg_fold_key -> struct eg_fold */
#define EG_MAP_BUDGETS	   eg_budgets	/* LRU hash: cgroup id -> struct eg_budget */
#define EG_MAP_FOLD_ZERO   eg_fold_zero /* array[1]: what a new entry starts as (bpf/fold.bpf.h) */
#define EG_FOLD_WINDOW_NS  1000000000ull
#define EG_MAX_FOLDS	   (2 * 2 * EG_BUDGET_EVENTS)
#define EG_MAX_BUDGETS	   1024
#define EG_BUDGET_EVENTS   2048	       /* new (unfolded) ring events per cgroup per window */
#define EG_RING_WAKE_BYTES (64u << 10) /* wake the daemon once this much is pending */
#define EG_RING_WAIT_MS	   250	       /* else it reads the ring this often */

struct eg_fold_key {
	__u64 cgroup_id; /* host order */
	__u64 window;	 /* host order: boot time / EG_FOLD_WINDOW_NS */
	__u8 daddr[16];	 /* net order, IPv4 mapped */
	__u32 pid;	 /* host order: tgid, 0 in kernel context */
	__u32 policy;	 /* host order: policy slot that decided */
	__u16 dport;	 /* host order */
	__u16 rule;	 /* host order */
	__u8 verdict;
	__u8 hook;
	__u8 proto;
	__u8 pad;
};
_Static_assert(sizeof(struct eg_fold_key) == 48, "eg_fold_key ABI");
struct eg_fold {
	struct eg_event ev; /* the window's first report (ts_boot_ns: its time) */
	__u64 last_ns;	    /* host order, boot clock: the latest report folded in */
	__u64 count;	    /* host order: reports after the first, folded in here */
	__u64 lost; /* host order: first reports with no ring event (budget spent, ring full) */
};
_Static_assert(sizeof(struct eg_fold) == 144, "eg_fold ABI");
struct eg_budget {
	__u64 window; /* host order: the window events counts */
	__u32 events; /* host order: ring events of the cgroup in that window */
	__u32 pad;
};
_Static_assert(sizeof(struct eg_budget) == 16, "eg_budget ABI");
/* The observation maps (volume, DNS names): their layouts are in the ABI too. */
#include "exfilguard_observe.h"

#endif /* EXFILGUARD_ABI_H */
