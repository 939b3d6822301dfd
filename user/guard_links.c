// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The guard's links: attach, pin, take over a running or pinned guard, release, destroy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "guard.h"
#include "hooks.h"
#include "pins.h"
#include "timing.h"

struct bpf_program *eg_guard_hook_prog(const struct eg_guard *g, unsigned hook)
{
	const char *name = eg_hook_prog_name(hook);
	struct bpf_program *prog = bpf_object__find_program_by_name(g->skel->obj, name);

	if (prog && bpf_program__fd(prog) < 0 && g->nf_skel)
		prog = bpf_object__find_program_by_name(g->nf_skel->obj, name);
	return prog;
}

/* The object holding the netfilter hooks' programs (guard_load.c). */
static struct bpf_object *nf_obj(const struct eg_guard *g)
{
	return g->nf_skel ? g->nf_skel->obj : g->skel->obj;
}

static struct bpf_link **hook_link(struct eg_guard *g, int hook)
{
#define HOOK_LINK_(e, name) [EG_HOOK_##e] = &g->skel->links.EG_PROG(name),
	struct bpf_link **links[EG_HOOK_COUNT] = {EG_HOOK_LIST(HOOK_LINK_)};
#undef HOOK_LINK_

	return links[hook];
}

int eg_guard_attach(struct eg_guard *g, const char *cgroup_dir, struct eg_error *err)
{
	int cg_fd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct eg_phase ph;
	int hook;

	eg_phase_begin(&ph);
	if (cg_fd < 0)
		return eg_fail(err, errno, "%s: cannot open cgroup: %s", cgroup_dir,
			       strerror(errno));
	for (hook = 0; hook < EG_HOOK_CGROUP_COUNT; hook++) {
		struct bpf_link *link =
			bpf_program__attach_cgroup(eg_guard_hook_prog(g, (unsigned)hook), cg_fd);

		if (!link) {
			eg_fail(err, errno, "%s: cannot attach %s: %s", cgroup_dir,
				eg_hook_prog_name(hook), strerror(errno));
			close(cg_fd);
			while (--hook >= 0) {
				bpf_link__destroy(*hook_link(g, hook));
				*hook_link(g, hook) = NULL;
			}
			return -1;
		}
		*hook_link(g, hook) = link;
	}
	close(cg_fd);
	if (eg_nf_attach(&g->nf, nf_obj(g), err)) {
		eg_guard_detach(g);
		return -1;
	}
	eg_phase_end(&ph, "attach: enforcing from here");
	return 0;
}

void eg_guard_detach(struct eg_guard *g)
{
	int hook;

	for (hook = 0; g->skel && hook < EG_HOOK_CGROUP_COUNT; hook++) {
		bpf_link__destroy(*hook_link(g, hook));
		*hook_link(g, hook) = NULL;
	}
	eg_nf_close(&g->nf);
}

static int pin_all(struct eg_guard *g, struct eg_error *err)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int hook;

	bpf_object__for_each_map(map, g->skel->obj)
	{
		eg_pin_path(path, sizeof(path), g->pin_dir, "maps", bpf_map__name(map));
		if (bpf_map__pin(map, path))
			return eg_fail(err, errno, "%s: cannot pin: %s", path, strerror(errno));
	}
	for (hook = 0; hook < EG_HOOK_CGROUP_COUNT; hook++) {
		eg_pin_path(path, sizeof(path), g->pin_dir, "links", eg_hook_prog_name(hook));
		if (bpf_link__pin(*hook_link(g, hook), path))
			return eg_fail(err, errno, "%s: cannot pin: %s", path, strerror(errno));
	}
	return eg_nf_pin(&g->nf, g->pin_dir, err);
}

int eg_guard_pin(struct eg_guard *g, const char *pin_dir, struct eg_error *err)
{
	snprintf(g->pin_dir, sizeof(g->pin_dir), "%s", pin_dir);
	return pin_all(g, err);
}

/* Replace the pins of fresh's maps (the links stay pinned: they are the same links). */
static int repin_maps(struct eg_guard *fresh, const char *pin_dir, struct eg_error *err)
{
	char path[PATH_MAX];
	struct bpf_map *map;

	bpf_object__for_each_map(map, fresh->skel->obj)
	{
		eg_pin_path(path, sizeof(path), pin_dir, "maps", bpf_map__name(map));
		unlink(path);
		if (bpf_map__pin(map, path))
			return eg_fail(err, errno, "%s: cannot pin: %s", path, strerror(errno));
	}
	return 0;
}

/* The link of a hook: the old guard's, or the one pinned under pin_dir. */
static struct bpf_link *takeover_link(struct eg_guard *old, const char *pin_dir, int hook,
				      struct eg_error *err)
{
	struct bpf_link *link;
	char path[PATH_MAX];

	if (old)
		return *hook_link(old, hook);
	link = eg_pinned_link_open(pin_dir, hook);
	if (!link) {
		int e = errno;

		eg_pin_path(path, sizeof(path), pin_dir, "links", eg_hook_prog_name(hook));
		eg_fail(err, e, "%s: cannot open the pinned link: %s", path, strerror(e));
	}
	return link;
}

/*
 * Undo a partial takeover: hooks already switched go back to old's programs
 * (or, when adopting, keep fresh's programs but are let go without
 * detaching: the pins hold them).
 */
static void takeover_rollback(struct eg_guard *fresh, struct eg_guard *old, int switched)
{
	int hook;

	for (hook = 0; hook < switched; hook++) {
		struct bpf_link *link = *hook_link(fresh, hook);

		if (old) {
			bpf_link__update_program(link, eg_guard_hook_prog(old, (unsigned)hook));
			*hook_link(old, hook) = link;
		} else {
			bpf_link__disconnect(link);
			bpf_link__destroy(link);
		}
		*hook_link(fresh, hook) = NULL;
	}
}

/*
 * Wait until every run of a program that a link update took off a hook has
 * finished, so that what it reported is in its ring: the cgroup hooks run
 * their programs under rcu_read_lock(), and membarrier(MEMBARRIER_CMD_GLOBAL)
 * is synchronize_rcu() (the kernel's BPF selftests wait the same way in
 * kern_sync_rcu()). Kernels booted with nohz_full refuse it: then a pause far
 * longer than any program run.
 */
static void wait_for_replaced_programs(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(50 * 1000);
}

int eg_guard_takeover(struct eg_guard *fresh, struct eg_guard *old, const char *pin_dir,
		      struct eg_error *err)
{
	int hook;

	for (hook = 0; hook < EG_HOOK_CGROUP_COUNT; hook++) {
		struct bpf_link *link = takeover_link(old, pin_dir, hook, err);

		if (!link) {
			takeover_rollback(fresh, old, hook);
			return -1;
		}
		if (bpf_link__update_program(link, eg_guard_hook_prog(fresh, (unsigned)hook))) {
			int e = errno;

			if (!old) {
				bpf_link__disconnect(link);
				bpf_link__destroy(
					link); /* only our fd: the pin keeps it attached */
			}
			takeover_rollback(fresh, old, hook);
			return eg_fail(err, e, "cannot switch %s to the new program: %s",
				       eg_hook_prog_name(hook), strerror(e));
		}
		*hook_link(fresh, hook) = link;
		if (old)
			*hook_link(old, hook) = NULL;
	}
	/* The netfilter links cannot be updated: new ones first, then the old ones go. */
	if (eg_nf_takeover(&fresh->nf, nf_obj(fresh), old ? &old->nf : NULL, pin_dir, err)) {
		takeover_rollback(fresh, old, EG_HOOK_CGROUP_COUNT);
		return -1;
	}
	wait_for_replaced_programs();
	if (repin_maps(fresh, pin_dir, err))
		return -1;
	snprintf(fresh->pin_dir, sizeof(fresh->pin_dir), "%s", pin_dir);
	if (old)
		old->pin_dir[0] =
			'\0'; /* its pins are fresh's now: destroying it detaches nothing */
	return 0;
}

void eg_guard_release(struct eg_guard *g)
{
	int hook;

	for (hook = 0; g->skel && hook < EG_HOOK_CGROUP_COUNT; hook++)
		if (*hook_link(g, hook))
			bpf_link__disconnect(*hook_link(g, hook)); /* closing no longer detaches */
	g->pin_dir[0] = '\0';
	eg_guard_destroy(g);
}

void eg_guard_destroy(struct eg_guard *g)
{
	if (g->pin_dir[0])
		eg_pins_remove(g->pin_dir, NULL, NULL);
	eg_guard_unmap_hot(g);
	if (g->skel)
		exfilguard_bpf__destroy(g->skel); /* closes links: detaches */
	eg_nf_close(&g->nf);
	exfilguard_bpf__destroy(g->nf_skel); /* its programs: the links above are gone */
	memset(g, 0, sizeof(*g));
}
