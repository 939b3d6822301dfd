// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the hooks read to decide, besides the tables: the policy headers
 * (the node-wide one and the scopes'), and the config entry whose one write
 * switches a new generation to its policy.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exfilguard.skel.h"
#include "guard.h"

static int map_fd(const struct eg_guard *g, const struct bpf_map *map)
{
	(void)g;
	return bpf_map__fd(map);
}

int eg_guard_apply_scope(struct eg_guard *g, const struct eg_ruleset *rs, uint32_t slot,
			 struct eg_error *err)
{
	/* Its rules are in the decision tables already (eg_guard_load_bundle). */
	if (bpf_map_update_elem(map_fd(g, g->skel->maps.EG_MAP_POLICY), &slot, &rs->hdr, BPF_ANY))
		return eg_fail(err, errno, "cannot store a scope's header: %s", strerror(errno));
	g->scoped = 1;
	return 0;
}

int eg_guard_set_scope_cgroups(struct eg_guard *g, struct eg_error *err)
{
	struct eg_config cfg;
	uint32_t zero = 0;
	int fd = map_fd(g, g->skel->maps.EG_MAP_CONFIG);

	/* A new generation number: sockets judged under the old assignment are judged again. */
	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		return eg_fail(err, errno, "cannot read the config: %s", strerror(errno));
	cfg.generation = ++g->generation;
	cfg.scoped = g->scoped;
	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
		return eg_fail(err, errno, "cannot update the config: %s", strerror(errno));
	return 0;
}

int eg_guard_scopes_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_SCOPES);
}

/*
 * The config's copies for the node-wide policy (see struct eg_config): read
 * back from the maps eg_guard_set_decisions filled, so that the copy and the
 * maps cannot disagree.
 */
static int copy_node_tables(struct eg_guard *g, const struct eg_ruleset *rs, struct eg_config *cfg,
			    struct eg_error *err)
{
	int heads_fd = map_fd(g, g->skel->maps.EG_MAP_DT_HEADS);
	int decisions_fd = map_fd(g, g->skel->maps.EG_MAP_DT_DECISIONS);
	uint32_t n = bpf_map__max_entries(g->skel->maps.EG_MAP_DT_DECISIONS), i;

	cfg->node_hdr = rs->hdr;
	for (i = 0; i < 2; i++) {
		uint32_t table = EG_DT_TABLE(cfg->policy, i);

		if (bpf_map_lookup_elem(heads_fd, &table, &cfg->node_heads[i]))
			return eg_fail(err, errno, "cannot read decision table %u's head: %s",
				       table, strerror(errno));
	}
	cfg->n_decisions = n < EG_CFG_DECISIONS ? n : EG_CFG_DECISIONS;
	for (i = 0; i < cfg->n_decisions; i++)
		if (bpf_map_lookup_elem(decisions_fd, &i, &cfg->decisions[i]))
			return eg_fail(err, errno, "cannot read decision %u: %s", i,
				       strerror(errno));
	return 0;
}

int eg_guard_apply(struct eg_guard *g, const struct eg_ruleset *rs, struct eg_error *err)
{
	int policy_fd = map_fd(g, g->skel->maps.EG_MAP_POLICY);
	int config_fd = map_fd(g, g->skel->maps.EG_MAP_CONFIG);
	uint32_t id = EG_SLOT_NODE, zero = 0;
	struct eg_config cfg;

	if (rs->n_entries && ntohl(rs->entries[0].key.policy) != id)
		return eg_fail(err, EINVAL, "internal: ruleset built for slot %u, expected %u",
			       ntohl(rs->entries[0].key.policy), id);

	if (bpf_map_update_elem(policy_fd, &id, &rs->hdr, BPF_ANY))
		return eg_fail(err, errno, "cannot store the policy header: %s", strerror(errno));

	/* The switch: one write of the config entry. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.policy = id;
	cfg.generation = g->generation + 1;
	cfg.data_gen = g->data_gen;
	cfg.scoped = g->scoped;
	cfg.flags = g->flags;
	cfg.stale_after_ns = g->stale_after_ns;
	memcpy(cfg.nat64, g->nat64, sizeof(cfg.nat64));
	if (copy_node_tables(g, rs, &cfg, err))
		return -1;
	if (bpf_map_update_elem(config_fd, &zero, &cfg, BPF_ANY))
		return eg_fail(err, errno, "cannot switch to the new policy: %s", strerror(errno));
	g->generation = cfg.generation;
	return 0;
}
