/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Who owns a socket and who runs: the socket's cgroup (and its ancestors)
 * read through BTF, and the current task's kernel-thread flag. Only the
 * fields read here are declared; CO-RE finds them in the running kernel.
 */
#ifndef EXFILGUARD_SOCKCG_BPF_H
#define EXFILGUARD_SOCKCG_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* A socket's cgroup, read through BTF: the socket hooks may not call bpf_sk_cgroup_id(). */
struct kernfs_node {
	__u64 id;
} __attribute__((preserve_access_index));

struct cgroup {
	struct kernfs_node *kn;
	int level;
	struct cgroup *ancestors[];
} __attribute__((preserve_access_index));

struct sock_cgroup_data {
	struct cgroup *cgroup;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_cgroup_data sk_cgrp_data;
} __attribute__((preserve_access_index));

/* The kfunc that turns the socket pointer into a BTF one, whose fields may be read. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

static __always_inline struct cgroup *eg_sock_cgroup(struct bpf_sock *sk)
{
	struct sock *s = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct sock));
	struct cgroup *cg = NULL;

	/* Copied out, so that the cgroup's address is a plain number the CO-RE reads below take. */
	bpf_probe_read_kernel(&cg, sizeof(cg), &s->sk_cgrp_data.cgroup);
	return cg;
}

/* Id of cg's ancestor at level (cg itself at its own level); 0 past its level, as the helpers. */
static __always_inline __u64 eg_cgroup_ancestor_id(struct cgroup *cg, int level)
{
	struct cgroup *anc = NULL;

	if (!cg || level > BPF_CORE_READ(cg, level))
		return 0;
	bpf_probe_read_kernel(&anc, sizeof(anc), &cg->ancestors[level]);
	return anc ? BPF_CORE_READ(anc, kn, id) : 0;
}

/*
 * The socket's cgroup id by plain loads through the BTF pointer, which the
 * verifier turns into fault-safe loads: no helper call per field (three
 * bpf_probe_read_kernel calls cost a denied connect ~50 ns).
 */
static __always_inline __u64 eg_sock_cgroup_id(struct bpf_sock *sk)
{
	struct sock *s = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct sock));
	struct cgroup *cg = s->sk_cgrp_data.cgroup;

	return cg ? cg->kn->id : 0;
}

struct task_struct {
	unsigned int flags;
} __attribute__((preserve_access_index));

#define EG_PF_KTHREAD 0x00200000u /* include/linux/sched.h; the idle task has it too */

#endif /* EXFILGUARD_SOCKCG_BPF_H */
