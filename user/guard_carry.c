// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The maps a new generation counts on in (verdict counters, byte volume), and the name map. */
#include <unistd.h>
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
