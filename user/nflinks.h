/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The netfilter hooks' links (forward at POST_ROUTING, local_out at
 * LOCAL_OUT, each for IPv4 and IPv6). Unlike the cgroup hooks' links they
 * attach in the network namespace of the process that creates them (the
 * daemon's: the node's) and cannot be switched to another program in place
 * (no BPF_LINK_UPDATE), so a reload or an adoption attaches the new program
 * first and detaches the old one after: for a moment both judge, never
 * neither. They are pinned beside the others as links/<program>_ipv4 and
 * links/<program>_ipv6.
 */
#ifndef EXFILGUARD_NFLINKS_H
#define EXFILGUARD_NFLINKS_H

#include "error.h"

#define EG_NF_LINKS 4

/* The link fds; 0: none. */
struct eg_nf_links {
	int fd[EG_NF_LINKS];
};

struct bpf_object;

/* Give the netfilter programs their type before load (libbpf before 1.2 knows no SEC("netfilter")).
 */
void eg_nf_prepare(struct bpf_object *obj);
/* Attach every netfilter link, all or nothing. */
int eg_nf_attach(struct eg_nf_links *l, struct bpf_object *obj, struct eg_error *err);
/* Pin the links under pin_dir/links. */
int eg_nf_pin(const struct eg_nf_links *l, const char *pin_dir, struct eg_error *err);
/*
 * Attach fresh's links, put their pins in place of the old ones and detach
 * old's (old NULL: the links pinned under pin_dir, when adopting; a guard
 * pinned by an older exfilguard may have none).
 */
int eg_nf_takeover(struct eg_nf_links *fresh, struct bpf_object *obj, struct eg_nf_links *old,
		   const char *pin_dir, struct eg_error *err);
/* Close the link fds: links that are pinned stay attached, the others are detached. */
void eg_nf_close(struct eg_nf_links *l);

#endif
