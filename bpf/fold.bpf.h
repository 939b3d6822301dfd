/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Floods folded in the kernel, and ring-buffer wake-ups batched (see
 * EG_MAP_FOLDS in maps/exfilguard.h). A retry storm costs the caller one
 * hash lookup and an atomic add per refusal instead of a ring record and a
 * wake-up of the daemon; the daemon writes each window's repeats as one line.
 * Each report is exactly one of: a ring event, a unit of an entry's count or
 * lost (EG_CTR_FOLDED), or EG_CTR_EVENTS_DROPPED (lost by total).
 */
#ifndef EXFILGUARD_FOLD_BPF_H
#define EXFILGUARD_FOLD_BPF_H

#include "maps.bpf.h"
#include "../maps/decide.h"

/*
 * One more in counter slot (see struct eg_counter_row): this CPU's row, an
 * atomic add, in the page of the config the hook read (struct eg_hot).
 */
static __always_inline void eg_count(__u32 slot)
{
	__u32 zero = 0, row = bpf_get_smp_processor_id() % EG_CTR_ROWS;
	struct eg_hot *hot = bpf_map_lookup_elem(&EG_MAP_HOT, &zero);

	if (hot)
		__sync_fetch_and_add(&hot->rows[row].v[slot & (EG_CTR_SLOTS - 1)], 1);
}

/* The fold key of a report; pid is the current tgid (also in kernel context: only a key). */
static __always_inline void eg_fold_key_for(struct eg_fold_key *key, const __u8 daddr[16],
					    __u16 dport, __u8 proto, __u8 hook,
					    const struct eg_decision *d, __u64 cgroup_id, __u64 now)
{
	key->cgroup_id = cgroup_id;
	key->window = now / EG_FOLD_WINDOW_NS;
	__builtin_memcpy(key->daddr, daddr, 16);
	key->pid = bpf_get_current_pid_tgid() >> 32;
	key->policy = d->slot;
	key->dport = dport;
	key->rule = d->rule;
	key->verdict = d->verdict;
	key->hook = hook;
	key->proto = proto;
	key->pad = 0;
}

/* One more report of an entry's key: counted in it, the caller's time as its latest. */
static __always_inline void eg_fold_add(struct eg_fold *e, __u64 now)
{
	__sync_fetch_and_add(&e->count, 1);
	if (e->last_ns < now)
		e->last_ns = now; /* a race may keep an older time: only the count is exact */
	eg_count(EG_CTR_FOLDED);
}

/*
 * Has the cgroup used up its ring events for this window? A flood from one
 * workload then goes to the fold map, named by destination, and cannot
 * push another workload's events out of the ring. (The reset at a new
 * window races with other CPUs: the budget is approximate, the counts are not.)
 */
static __always_inline int eg_budget_spent(__u64 cgroup_id, __u64 window)
{
	struct eg_budget *b = bpf_map_lookup_elem(&EG_MAP_BUDGETS, &cgroup_id);
	struct eg_budget fresh = {.window = window, .events = 1};

	if (!b) {
		bpf_map_update_elem(&EG_MAP_BUDGETS, &cgroup_id, &fresh, BPF_ANY);
		return 0;
	}
	if (b->window != window) {
		b->window = window;
		b->events = 1;
		return 0;
	}
	__sync_fetch_and_add(&b->events, 1);
	return b->events > EG_BUDGET_EVENTS;
}

/* A ring record of an event: the event and the ring's 8-byte header. */
#define EG_RING_RECORD_BYTES (sizeof(struct eg_event) + 8)

/*
 * Into the ring, waking the daemon only when this event takes what is
 * pending past a multiple of EG_RING_WAKE_BYTES: otherwise it reads the ring
 * every EG_RING_WAIT_MS, which bounds how long an event waits. Not at every
 * event once that much is pending: each wake-up is an interrupt on this CPU
 * (and an IPI to the daemon's), and the daemon, once awake, reads all there
 * is. (Two CPUs may both miss a crossing; the next one, or the timer, wakes
 * it.) 0 when it was written.
 */
static __always_inline int eg_ring_send(const struct eg_event *ev)
{
	__u64 pending = bpf_ringbuf_query(&EG_MAP_EVENTS, BPF_RB_AVAIL_DATA);
	__u64 flags = pending / EG_RING_WAKE_BYTES !=
				      (pending + EG_RING_RECORD_BYTES) / EG_RING_WAKE_BYTES
			      ? BPF_RB_FORCE_WAKEUP
			      : BPF_RB_NO_WAKEUP;

	return bpf_ringbuf_output(&EG_MAP_EVENTS, (void *)ev, sizeof(*ev), flags);
}

/*
 * What a new entry starts as: EG_MAP_FOLD_ZERO's value, zero but for a class
 * that says "not yet classified", so that a repeat on another CPU which finds
 * the entry before its first report has filled it in classifies for itself
 * (eg_fold_class). Each CPU writes that class there before it copies the
 * template, so whatever it copies carries it; the writes are all the same.
 */
static __always_inline const struct eg_fold *eg_fold_template(void)
{
	__u32 zero = 0;
	struct eg_fold *t = bpf_map_lookup_elem(&EG_MAP_FOLD_ZERO, &zero);

	if (t && t->ev.class_id != EG_CLASS_UNRESOLVED)
		t->ev.class_id = EG_CLASS_UNRESOLVED;
	return t;
}

/*
 * The window's first report of key: its entry, made so that repeats fold
 * into it, for the caller to fill in; NULL when this is a repeat after all
 * (another CPU made the entry first: folded, into *other when it is still
 * there) or the map took no entry (counted lost by total).
 */
static __always_inline struct eg_fold *eg_fold_first(const struct eg_fold_key *key, __u64 now,
						     struct eg_fold **other)
{
	struct eg_fold *e;

	const struct eg_fold *t = eg_fold_template();

	*other = NULL;
	if (!t || bpf_map_update_elem(&EG_MAP_FOLDS, key, t, BPF_NOEXIST)) {
		*other = bpf_map_lookup_elem(&EG_MAP_FOLDS, key);
		if (*other)
			eg_fold_add(*other, now);
		else
			eg_count(EG_CTR_EVENTS_DROPPED);
		return NULL;
	}
	e = bpf_map_lookup_elem(&EG_MAP_FOLDS, key);
	if (!e)
		eg_count(EG_CTR_EVENTS_DROPPED); /* evicted at once by a flood of new keys */
	else
		e->last_ns = now;
	return e;
}

/*
 * Send the entry's event to the ring, unless the cgroup's budget is spent or
 * the ring is full: then it is counted as lost in the entry, which names the
 * workload and the destination.
 */
static __always_inline void eg_fold_send(const struct eg_fold_key *key, struct eg_fold *e)
{
	if (!eg_budget_spent(key->cgroup_id, key->window) && !eg_ring_send(&e->ev))
		return;
	__sync_fetch_and_add(&e->lost, 1);
	eg_count(EG_CTR_FOLDED);
}

#endif /* EXFILGUARD_FOLD_BPF_H */
