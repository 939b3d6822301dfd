// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "hooks.h"
#include <bpf/libbpf.h>
#include "pins.h"
#include "nflinks.h"

/* From the kernel's uapi (6.4), for build hosts whose headers are older. */
#define NF_PROG_TYPE   32 /* BPF_PROG_TYPE_NETFILTER */
#define NF_ATTACH_TYPE 45 /* BPF_NETFILTER */

/* BPF_LINK_CREATE's attributes for a netfilter link (union bpf_attr's link_create). */
struct nf_link_create {
	__u32 prog_fd;
	__u32 target_fd;
	__u32 attach_type;
	__u32 flags;
	__u32 pf;
	__u32 hooknum;
	__s32 priority;
	__u32 nf_flags;
};

/*
 * Where each link goes. forward: at POST_ROUTING, after the DNAT of
 * PRE_ROUTING (a Service address is already the endpoint) and just before
 * SNAT (priority 100: the source is still the workload's). local_out: after
 * the node's OUTPUT DNAT (priority -100).
 */
static const struct nf_point {
	unsigned hook;
	const char *family;
	__u32 pf, hooknum;
	__s32 priority;
} nf_points[EG_NF_LINKS] = {
	{EG_HOOK_FORWARD, "ipv4", NFPROTO_IPV4, NF_INET_POST_ROUTING, 99},
	{EG_HOOK_FORWARD, "ipv6", NFPROTO_IPV6, NF_INET_POST_ROUTING, 99},
	{EG_HOOK_LOCAL_OUT, "ipv4", NFPROTO_IPV4, NF_INET_LOCAL_OUT, -99},
	{EG_HOOK_LOCAL_OUT, "ipv6", NFPROTO_IPV6, NF_INET_LOCAL_OUT, -99},
};

static struct bpf_program *nf_prog(struct bpf_object *obj, unsigned hook)
{
	return bpf_object__find_program_by_name(obj, eg_hook_prog_name(hook));
}

void eg_nf_prepare(struct bpf_object *obj)
{
	unsigned hook;

	for (hook = EG_HOOK_CGROUP_COUNT; hook < EG_HOOK_COUNT; hook++) {
		bpf_program__set_type(nf_prog(obj, hook), NF_PROG_TYPE);
		bpf_program__set_expected_attach_type(nf_prog(obj, hook), NF_ATTACH_TYPE);
	}
}

/* links/eg_forward_ipv4 and so on (bpffs refuses dots in names). */
static void nf_pin_path(char *out, size_t len, const char *pin_dir, int i, const char *suffix)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_%s%s", eg_hook_prog_name(nf_points[i].hook),
		 nf_points[i].family, suffix);
	eg_pin_path(out, len, pin_dir, "links", name);
}

/*
 * A new link's fd, kept above the standard streams (0 means "no link" in
 * struct eg_nf_links). The kernel takes one BPF program per hook and priority:
 * while the link being replaced holds the priority, the new one takes the
 * one next to it (still between DNAT and SNAT).
 */
static int nf_link_create(struct bpf_object *obj, int i)
{
	struct nf_link_create attr = {
		.prog_fd = (__u32)bpf_program__fd(nf_prog(obj, nf_points[i].hook)),
		.attach_type = NF_ATTACH_TYPE,
		.pf = nf_points[i].pf,
		.hooknum = nf_points[i].hooknum,
		.priority = nf_points[i].priority,
	};
	int fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr)), high;

	if (fd < 0 && errno == EBUSY) {
		attr.priority += attr.priority > 0 ? -1 : 1;
		fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	}
	if (fd < 0 || fd > 2)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return high;
}

int eg_nf_attach(struct eg_nf_links *l, struct bpf_object *obj, struct eg_error *err)
{
	int i;

	for (i = 0; i < EG_NF_LINKS; i++) {
		int fd = nf_link_create(obj, i);

		if (fd < 0) {
			int e = errno;

			eg_nf_close(l);
			return eg_fail(err, e,
				       "cannot attach %s at netfilter (%s): %s; the forward and "
				       "local_out hooks need Linux 6.4 or later with "
				       "CONFIG_NETFILTER_BPF_LINK",
				       eg_hook_prog_name(nf_points[i].hook), nf_points[i].family,
				       strerror(e));
		}
		l->fd[i] = fd;
	}
	return 0;
}

static int nf_pin_one(const struct eg_nf_links *l, int i, const char *path, struct eg_error *err)
{
	if (bpf_obj_pin(l->fd[i], path))
		return eg_fail(err, errno, "%s: cannot pin: %s", path, strerror(errno));
	return 0;
}

int eg_nf_pin(const struct eg_nf_links *l, const char *pin_dir, struct eg_error *err)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < EG_NF_LINKS; i++) {
		nf_pin_path(path, sizeof(path), pin_dir, i, "");
		if (nf_pin_one(l, i, path, err))
			return -1;
	}
	return 0;
}

/* Detach and close an old link (fd <= 0: there was none). */
static void nf_detach_fd(int fd)
{
	if (fd <= 0)
		return;
	bpf_link_detach(fd); /* even while a dying daemon still holds it */
	close(fd);
}

/* Put fresh's link i where the old one was pinned, then detach the old one. */
static int nf_replace(struct eg_nf_links *fresh, struct eg_nf_links *old, const char *pin_dir,
		      int i, struct eg_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int old_fd;

	nf_pin_path(path, sizeof(path), pin_dir, i, "");
	nf_pin_path(tmp, sizeof(tmp), pin_dir, i, "_new");
	old_fd = old ? old->fd[i] : bpf_obj_get(path);
	if (old)
		old->fd[i] = 0;
	unlink(tmp);
	if (nf_pin_one(fresh, i, tmp, err))
		return -1;
	if (rename(tmp, path)) {
		unlink(tmp);
		return eg_fail(err, errno, "%s: cannot replace: %s", path, strerror(errno));
	}
	nf_detach_fd(old_fd);
	return 0;
}

int eg_nf_takeover(struct eg_nf_links *fresh, struct bpf_object *obj, struct eg_nf_links *old,
		   const char *pin_dir, struct eg_error *err)
{
	int i;

	if (eg_nf_attach(fresh, obj, err))
		return -1;
	for (i = 0; i < EG_NF_LINKS; i++)
		if (nf_replace(fresh, old, pin_dir, i, err))
			return -1;
	return 0;
}

void eg_nf_close(struct eg_nf_links *l)
{
	int i;

	for (i = 0; i < EG_NF_LINKS; i++) {
		if (l->fd[i] > 0)
			close(l->fd[i]);
		l->fd[i] = 0;
	}
}
