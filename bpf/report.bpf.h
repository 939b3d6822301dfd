/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reporting a deny or audit: the event (who sent what where, under which
 * rule), folded per window (fold.bpf.h) and accounted by volume (acct.bpf.h)
 * under the class it carries, which only a window's first report computes
 * (a socket hook's deny: the daemon, eg_report_deny).
 * Included by judge.bpf.h after the helpers it uses (eg_dest, the classifier).
 */
#ifndef EXFILGUARD_REPORT_BPF_H
#define EXFILGUARD_REPORT_BPF_H

#include "acct.bpf.h"

/*
 * Who sent, into ev: the current task, unless it cannot be the sender. A
 * kernel thread (an MPTCP path manager's worker, the idle task a softirq
 * ran on) is reported as kernel context. On the egress path a packet may be
 * sent from a softirq (retransmits, ACK-clocked sends) on top of whatever
 * task was running; the kernel offers no way to see that here (preempt_count
 * is a per-CPU variable only reachable with CONFIG_KALLSYMS_ALL), so a
 * current task outside the socket's cgroup is reported as foreign.
 * Either way the pid, tid and comm are left empty, never borrowed.
 */
static __always_inline void eg_report_sender(struct eg_event *ev, int may_interrupt)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (task->flags & EG_PF_KTHREAD)
		ev->flags |= EG_EVF_KERNEL;
	else if (may_interrupt && bpf_get_current_cgroup_id() != ev->cgroup_id)
		ev->flags |= EG_EVF_FOREIGN;
	if (ev->flags & (EG_EVF_KERNEL | EG_EVF_FOREIGN)) {
		ev->pid = ev->tid = 0;
		__builtin_memset(ev->comm, 0, sizeof(ev->comm));
		return;
	}
	ev->pid = pid_tgid >> 32;
	ev->tid = (__u32)pid_tgid;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}

/* A forwarded packet was sent by no local task: whatever task ran is not its sender. */
static __always_inline void eg_event_no_task(struct eg_event *ev)
{
	ev->pid = ev->tid = ev->uid = 0;
	__builtin_memset(ev->comm, 0, sizeof(ev->comm));
}

/* The event of one report, into ev. */
static __always_inline void eg_event_fill(struct eg_event *ev, const struct eg_config *cfg,
					  const struct eg_dest *dest, const struct eg_decision *d,
					  __u32 class_id, __u64 cgroup_id, __u32 uid, __u64 now)
{
	__u8 decided[16];

	ev->ts_boot_ns = now;
	ev->cgroup_id = cgroup_id;
	ev->uid = uid;
	ev->policy = d->slot;
	ev->bytes = dest->bytes;
	eg_decided_addr(dest->addr, d, decided);
	ev->class_id = class_id == EG_CLASS_UNRESOLVED
			       ? eg_classify_once((const struct eg_addr16 *)decided)
			       : class_id;
	ev->data_gen = cfg ? cfg->data_gen : 0;
	ev->dport = dest->port;
	ev->rule = d->rule;
	ev->family = dest->family;
	ev->proto = dest->proto;
	ev->hook = dest->hook;
	__builtin_memcpy(ev->daddr, dest->addr, 16);
	ev->verdict = d->verdict;
	ev->mode = d->mode;
	ev->match = d->match;
	ev->prefixlen = d->prefixlen;
	ev->pad = 0;
	__builtin_memcpy(ev->daddr_v4, d->v4, 4);
	ev->embed = d->embed;
	ev->flags = d->by_v4 ? EG_EVF_BY_V4 : 0;
	ev->pad2 = 0;
	__builtin_memcpy(ev->saddr, dest->saddr, 16);
	ev->in_ifindex = dest->in_ifindex;
	ev->pad3 = 0;
	eg_report_sender(ev, dest->hook == EG_HOOK_EGRESS);
	if (dest->in_ifindex)
		eg_event_no_task(ev); /* forwarded: no local task sent it */
}

/*
 * The class a report folded into entry e accounts under: the one its first
 * report filled in, or its own while that is still to come (or e is gone).
 */
static __always_inline __u32 eg_fold_class(const struct eg_fold *e, const struct eg_dest *dest,
					   const struct eg_decision *d, __u32 class_id)
{
	__u32 filled = e ? *(const volatile __u32 *)&e->ev.class_id : EG_CLASS_UNRESOLVED;

	return filled != EG_CLASS_UNRESOLVED ? filled : eg_acct_class(dest->addr, d, class_id);
}

/*
 * File a report in its window's fold entry. A repeat only bumps the entry:
 * NULL, with the entry in *other. The window's first gets a new entry,
 * returned for the caller to fill in and send. NULL with *other NULL: the
 * map took no entry (counted lost by total).
 */
static __always_inline struct eg_fold *eg_report_entry(struct eg_fold_key *key,
						       const struct eg_dest *dest,
						       const struct eg_decision *d, __u64 cgroup_id,
						       __u64 now, struct eg_fold **other)
{
	struct eg_fold *e;

	eg_fold_key_for(key, dest->addr, dest->port, dest->proto, dest->hook, d, cgroup_id, now);
	e = bpf_map_lookup_elem(&EG_MAP_FOLDS, key);
	if (e) {
		eg_fold_add(e, now);
		*other = e;
		return NULL;
	}
	return eg_fold_first(key, now, other);
}

/*
 * Report a deny or audit: a repeat within the fold window only bumps its
 * entry (nothing else is computed for it); the window's first is an event,
 * classified once. Returns the destination's class, for the caller's
 * accounting: a repeat's is its entry's.
 */
static __always_inline __u32 eg_report_class(const struct eg_config *cfg,
					     const struct eg_dest *dest,
					     const struct eg_decision *d, __u32 class_id,
					     __u64 cgroup_id, __u32 uid)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct eg_fold_key key;
	struct eg_fold *e, *other;

	e = eg_report_entry(&key, dest, d, cgroup_id, now, &other);
	if (!e)
		return eg_fold_class(other, dest, d, class_id);
	eg_event_fill(&e->ev, cfg, dest, d, class_id, cgroup_id, uid, now);
	eg_fold_send(&key, e);
	return e->ev.class_id;
}

/*
 * Report a socket hook's deny and count the attempt, leaving both the
 * classification and the count to the daemon (EG_EVF_TALLY): it classifies
 * the event's address and adds the entry's reports to EG_MAP_BYTES. A
 * refused call so reads no classification page and writes no per-class
 * count: a new destination's refusal costs ~0.8 us less (BENCHMARKS.md).
 * Only a report the fold map took no entry for, which reaches the daemon
 * nowhere, is classified and counted here. (Audits are not left to the
 * daemon: their sockets' later packets count under the class at once.)
 */
static __always_inline void eg_report_deny(const struct eg_config *cfg, const struct eg_dest *dest,
					   const struct eg_decision *d, __u32 class_id,
					   __u64 cgroup_id, __u32 uid)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct eg_fold_key key;
	struct eg_fold *e, *other;

	e = eg_report_entry(&key, dest, d, cgroup_id, now, &other);
	if (!e) {
		if (!other)
			eg_acct_add(cgroup_id, eg_acct_class(dest->addr, d, class_id), d->verdict,
				    0, dest->addr);
		return;
	}
	eg_event_fill(&e->ev, cfg, dest, d, 0, cgroup_id, uid, now);
	e->ev.flags |= EG_EVF_TALLY;
	eg_fold_send(&key, e);
}

/* Report a deny or audit (see eg_report_class). */
static __always_inline void eg_report(const struct eg_config *cfg, const struct eg_dest *dest,
				      const struct eg_decision *d, __u32 class_id, __u64 cgroup_id,
				      __u32 uid)
{
	eg_report_class(cfg, dest, d, class_id, cgroup_id, uid);
}

#endif /* EXFILGUARD_REPORT_BPF_H */
