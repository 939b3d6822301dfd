// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the hooks read to decide, besides the tables: the policy headers
 * (the node-wide one and the scopes'), and the generation's config in its
 * slot of EG_MAP_HOT (struct eg_hot).
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

/*
 * The config in force, written in place through the mapping (the hooks are
 * adding to the counters beside it): scoped first, then a new generation
 * number, so that sockets judged under the old assignment are judged again.
 */
int eg_guard_set_scope_cgroups(struct eg_guard *g, struct eg_error *err)
{
	struct eg_config *cfg = g->hot ? &g->hot->cfg[g->cfg_slot] : NULL;

	if (!cfg)
		return eg_fail(err, EINVAL, "internal: the config is not mapped");
	__atomic_store_n(&cfg->scoped, g->scoped, __ATOMIC_RELEASE);
	__atomic_store_n(&cfg->generation, ++g->generation, __ATOMIC_RELEASE);
	return 0;
}

int eg_guard_scopes_fd(const struct eg_guard *g)
{
	return bpf_map__fd(g->skel->maps.EG_MAP_SCOPES);
}

/*
 * The config's copies for the node-wide policy (see struct eg_config): read
 * back from the maps eg_guard_set_decisions filled, so that the copy and the
 * maps cannot disagree; and the summary it kept of the cells it filled them with.
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
	cfg->node_summary = g->node_summary;
	return 0;
}

void eg_guard_set_kernel_counts(struct eg_guard *g, int on)
{
	struct eg_config *cfg = g->hot ? &g->hot->cfg[g->cfg_slot] : NULL;

	if (!cfg)
		return;
	/* One word the programs read at each call; the rest of the config stays as it is. */
	if (on)
		__atomic_or_fetch(&cfg->flags, EG_CFG_KERNEL_COUNTS, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(&cfg->flags, ~EG_CFG_KERNEL_COUNTS, __ATOMIC_SEQ_CST);
}

int eg_guard_apply(struct eg_guard *g, const struct eg_ruleset *rs, struct eg_error *err)
{
	int policy_fd = map_fd(g, g->skel->maps.EG_MAP_POLICY);
	uint32_t id = EG_SLOT_NODE;
	struct eg_config cfg;

	if (rs->n_entries && ntohl(rs->entries[0].key.policy) != id)
		return eg_fail(err, EINVAL, "internal: ruleset built for slot %u, expected %u",
			       ntohl(rs->entries[0].key.policy), id);

	if (bpf_map_update_elem(policy_fd, &id, &rs->hdr, BPF_ANY))
		return eg_fail(err, errno, "cannot store the policy header: %s", strerror(errno));

	/* This generation's config, in its slot: no program reads that slot until the takeover. */
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
	if (!g->hot)
		return eg_fail(err, EINVAL, "internal: the config is not mapped");
	memcpy(&g->hot->cfg[g->cfg_slot], &cfg, sizeof(cfg));
	g->generation = cfg.generation;
	return 0;
}
