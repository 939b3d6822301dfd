// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The maps a new generation counts on in (verdict counters, byte volume), and the name map. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "guard.h"
#include "pins.h"

void eg_guard_carry(const struct eg_guard *g, struct eg_carry *out)
{
	out->hot_fd = bpf_map__fd(g->skel->maps.EG_MAP_HOT);
	out->cfg_slot = g->cfg_slot;
	out->bytes_fd = bpf_map__fd(g->skel->maps.EG_MAP_BYTES);
	out->dns_fd = eg_guard_dns_fd(g);
}

int eg_guard_dns_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_DNS);
}

void eg_carry_pinned(const char *pin_dir, struct eg_carry *out)
{
	out->hot_fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_HOT));
	out->cfg_slot = eg_pinned_cfg_slot(pin_dir);
	out->bytes_fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_BYTES));
	out->dns_fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_DNS));
}

void eg_carry_close(struct eg_carry *c)
{
	if (c->hot_fd >= 0)
		close(c->hot_fd);
	if (c->bytes_fd >= 0)
		close(c->bytes_fd);
	if (c->dns_fd >= 0)
		close(c->dns_fd);
	c->hot_fd = c->bytes_fd = c->dns_fd = -1;
}

/* Same type and geometry: a newer binary whose map changed shape starts a new one instead. */
static int map_fits(const struct bpf_map *map, int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == bpf_map__type(map) &&
	       info.key_size == bpf_map__key_size(map) &&
	       info.value_size == bpf_map__value_size(map) &&
	       info.max_entries == bpf_map__max_entries(map);
}

/*
 * The counters are cumulative over the guard's life, like any metric: a new
 * generation (reload, adoption, upgrade) counts on in the map in force.
 */
static int carry_map(struct bpf_map *map, int fd)
{
	if (fd < 0 || !map_fits(map, fd))
		return 0;
	return bpf_map__reuse_fd(map, fd);
}

/*
 * The hot map carried, this generation takes the config slot the one in
 * force does not use (struct eg_hot): the slot two generations back, whose
 * programs were detached when that one took over. (After a daemon died in
 * the middle of a takeover, some hooks may still run the generation it was
 * switching to, whose slot this is; they read this config until this one
 * takes them over, milliseconds later. Built from the same files, its copies
 * are the same.) EG_MAP_SLOT's size tells the programs which slot is theirs.
 */
static int take_cfg_slot(struct eg_guard *g, const struct eg_carry *carry)
{
	g->cfg_slot = carry && bpf_map__fd(g->skel->maps.EG_MAP_HOT) >= 0 ? !carry->cfg_slot : 0;
	return bpf_map__set_max_entries(g->skel->maps.EG_MAP_SLOT, g->cfg_slot + 1);
}

int eg_guard_carry_into(struct eg_guard *g, const struct eg_carry *carry)
{
	return (carry && (carry_map(g->skel->maps.EG_MAP_HOT, carry->hot_fd) ||
			  carry_map(g->skel->maps.EG_MAP_BYTES, carry->bytes_fd) ||
			  carry_map(g->skel->maps.EG_MAP_DNS, carry->dns_fd))) ||
	       take_cfg_slot(g, carry);
}

/* EG_MAP_HOT mapped (after the load), for the configs' writes. */
int eg_guard_map_hot(struct eg_guard *g)
{
	void *p = mmap(NULL, sizeof(struct eg_hot), PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(g->skel->maps.EG_MAP_HOT), 0);

	if (p == MAP_FAILED)
		return -1;
	g->hot = p;
	return 0;
}

void eg_guard_unmap_hot(struct eg_guard *g)
{
	if (g->hot)
		munmap(g->hot, sizeof(struct eg_hot));
	g->hot = NULL;
}
