// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The maps a new generation counts on in (verdict counters, byte volume), and the name map. */
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "guard.h"
#include "pins.h"

void eg_guard_carry(const struct eg_guard *g, struct eg_carry *out)
{
	out->counters_fd = bpf_map__fd(g->skel->maps.EG_MAP_COUNTERS);
	out->bytes_fd = bpf_map__fd(g->skel->maps.EG_MAP_BYTES);
	out->dns_fd = eg_guard_dns_fd(g);
}

int eg_guard_dns_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_DNS);
}

void eg_carry_pinned(const char *pin_dir, struct eg_carry *out)
{
	out->counters_fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_COUNTERS));
	out->bytes_fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_BYTES));
	out->dns_fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_DNS));
}

void eg_carry_close(struct eg_carry *c)
{
	if (c->counters_fd >= 0)
		close(c->counters_fd);
	if (c->bytes_fd >= 0)
		close(c->bytes_fd);
	if (c->dns_fd >= 0)
		close(c->dns_fd);
	c->counters_fd = c->bytes_fd = c->dns_fd = -1;
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

int eg_guard_carry_into(struct eg_guard *g, const struct eg_carry *carry)
{
	return carry && (carry_map(g->skel->maps.EG_MAP_COUNTERS, carry->counters_fd) ||
			 carry_map(g->skel->maps.EG_MAP_BYTES, carry->bytes_fd) ||
			 carry_map(g->skel->maps.EG_MAP_DNS, carry->dns_fd));
}
