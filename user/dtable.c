// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Compiling the decision tables. The address space is cut where anything the
 * decision reads can change: at every classification segment and at both
 * ends of every rule prefix (and of the canary). Inside one such piece the
 * class and the longest matching prefix are the same everywhere, so the
 * reference decision at its first address is the decision of the whole
 * piece. Equal neighbours merge; the pieces become one DXR table.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bundle.h"
#include "dtable.h"
#include "intern.h"

typedef unsigned __int128 u128;

/* Where rule prefixes start and where they end + 1, sorted and unique. */
struct cuts {
	u128 *v;
	size_t n;
};

static int cmp_u128(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;

	return x < y ? -1 : x > y;
}

static int rule_cuts(const struct eg_ruleset *rs, u128 canary, struct cuts *c)
{
	size_t i, n = 0;

	c->v = malloc((2 * rs->n_entries + 2) * sizeof(*c->v));
	if (!c->v)
		return -1;
	for (i = 0; i < rs->n_entries; i++) {
		unsigned plen = rs->entries[i].key.prefixlen - 32;
		u128 first = eg_u128_from_addr(rs->entries[i].key.addr);
		u128 last = plen == 128 ? first : first | (EG_U128_MAX >> plen);

		c->v[n++] = first;
		if (last != EG_U128_MAX)
			c->v[n++] = last + 1;
	}
	c->v[n++] = canary;
	c->v[n++] = canary + 1;
	qsort(c->v, n, sizeof(*c->v), cmp_u128);
	c->n = 0;
	for (i = 0; i < n; i++)
		if (!c->n || c->v[c->n - 1] != c->v[i])
			c->v[c->n++] = c->v[i];
	return 0;
}

/* Decision id of d, added when new; UINT32_MAX when out of memory. */
static uint32_t decision_id(struct eg_dtset *set, const struct eg_decision *d)
{
	uint64_t key = (uint64_t)d->rule | (uint64_t)d->action << 16 | (uint64_t)d->verdict << 24 |
		       (uint64_t)d->match << 32 | (uint64_t)d->prefixlen << 40 |
		       (uint64_t)d->mode << 48;
	int added;
	uint32_t id = eg_intern(set->intern, key, &added);

	if (id == UINT32_MAX || !added)
		return id;
	if (set->n_decisions == set->cap_decisions) {
		size_t cap = set->cap_decisions ? set->cap_decisions * 2 : 256;
		struct eg_dt_decision *grown = realloc(set->decisions, cap * sizeof(*grown));

		if (!grown)
			return UINT32_MAX;
		set->decisions = grown;
		set->cap_decisions = cap;
	}
	set->decisions[set->n_decisions++] = (struct eg_dt_decision){
		.rule = d->rule,
		.action = d->action,
		.verdict = d->verdict,
		.match = d->match,
		.prefixlen = d->prefixlen,
		.mode = d->mode,
	};
	return id;
}

/*
 * The reference decision at a; the canary 0.0.0.1/32 denies unless the
 * policy names that very prefix (the kernel trie kept the user's rule then).
 */
static void decide_at(const struct eg_tables *ref, u128 a, u128 canary, uint32_t class_id,
		      struct eg_decision *d)
{
	static const struct eg_rule canary_rule = {
		.index = EG_RULE_CANARY, .action = EG_ACT_DENY, .plen = 32};
	uint8_t addr[16];
	const struct eg_rule *own;

	eg_u128_to_addr(a, addr);
	if (a == canary) {
		own = eg_ruleset_lookup(ref->rs, addr);
		if (!own ||
		    ((const struct eg_ruleset_entry *)((const char *)own -
						       offsetof(struct eg_ruleset_entry, value)))
				    ->key.prefixlen != 32 + 128) {
			eg_decide(&ref->rs->hdr, &canary_rule, d);
			return;
		}
	}
	eg_judge_user_one(ref, addr, class_id, d);
}

/* The pieces of one table as merged segments of decision ids. */
static int compile_segments(struct eg_dtset *set, const struct eg_tables *ref,
			    struct eg_segment **segs, size_t *n)
{
	struct eg_world_walk ws; /* the world trimmed or not: a reload may reuse the one in force */
	size_t ci = 0, cap = 0;
	u128 canary = ((u128)0xffff << 32) | EG_CANARY_V4, p = 0, end;
	struct cuts c;
	struct eg_decision d;
	int rc = 0;

	if (rule_cuts(ref->rs, canary, &c))
		return -1;
	eg_world_walk_start(&ws, ref->world);
	for (;;) {
		uint32_t id;

		eg_world_walk_to(&ws, p);
		while (ci < c.n && c.v[ci] <= p)
			ci++;
		end = ws.last;
		if (ci < c.n && c.v[ci] - 1 < end)
			end = c.v[ci] - 1;
		decide_at(ref, p, canary, ref->world ? ws.class_id : EG_CLASS_UNRESOLVED, &d);
		id = decision_id(set, &d);
		if (id == UINT32_MAX || eg_segment_push(segs, n, &cap, p, end, id)) {
			rc = -1;
			break;
		}
		if (end == EG_U128_MAX)
			break;
		p = end + 1;
	}
	free(c.v);
	return rc;
}

static int grow_tables(struct eg_dtset *set)
{
	size_t cells = (set->n_tables + 1) * EG_DT_CELLS;
	struct eg_span *v4 = realloc(set->v4_index, cells * sizeof(*v4));

	if (!v4)
		return -1;
	set->v4_index = v4;
	struct eg_span *v6 = realloc(set->v6_index, cells * sizeof(*v6));

	if (!v6)
		return -1;
	set->v6_index = v6;
	return 0;
}

static int set_init(struct eg_dtset *set)
{
	static const struct eg_decision none = {.rule = 0xffff, .action = 0xff};

	if (!set->narrow_ids)
		set->narrow_ids = 0x10000; /* a line's id fields: 16 bits */
	if (set->intern)
		return 0;
	set->intern = calloc(1, sizeof(*set->intern));
	/* Decision id 0 is EG_DT_NONE: taken by a decision no policy makes. */
	return !set->intern || decision_id(set, &none) != EG_DT_NONE ? -1 : 0;
}

/* The slot's summary, of the tables it has so far (its stale one comes after the fresh one). */
static int summarize_slot(struct eg_dtset *set, uint32_t slot)
{
	const struct eg_dt_head *fresh = &set->heads[EG_DT_TABLE(slot, 0)];
	const struct eg_dt_head *stale = &set->heads[EG_DT_TABLE(slot, 1)];

	if (!set->summaries)
		set->summaries = calloc(EG_MAX_POLICIES, sizeof(*set->summaries));
	if (!set->summaries)
		return -1;
	if (!fresh->loaded) /* a stale table alone: no summary (the lookup reads its cells) */
		return 0;
	return eg_dt_summarize(set->v4_index + fresh->cells,
			       stale->loaded ? set->v4_index + stale->cells : NULL,
			       set->n_decisions, &set->summaries[slot]);
}

int eg_dtset_add(struct eg_dtset *set, const struct eg_tables *ref, uint32_t slot,
		 struct eg_error *err)
{
	uint32_t table = EG_DT_TABLE(slot, ref->stale);
	struct eg_segment *segs = NULL;
	size_t n = 0, cells = set->n_tables * EG_DT_CELLS, bounds_from = set->bounds.n_v4;
	int rc;

	if (table >= EG_DT_MAX_TABLES || set->heads[table].loaded)
		return eg_fail(err, EINVAL, "internal: decision table %u compiled twice", table);
	if (set_init(set) || compile_segments(set, ref, &segs, &n) || grow_tables(set)) {
		free(segs);
		return eg_fail(err, ENOMEM, "out of memory compiling the decision tables");
	}
	rc = eg_dxr_build(segs, n, set->v4_index + cells, set->v6_index + cells, &set->bounds, 1) ||
	     eg_dt_v4_pack(set, set->v4_index + cells, bounds_from);
	free(segs);
	if (rc)
		return eg_fail(err, ENOMEM, "out of memory compiling the decision tables");
	set->heads[table] = (struct eg_dt_head){.loaded = 1, .cells = (uint32_t)cells};
	set->n_tables++;
	set->n_ranges += n;
	if (summarize_slot(set, slot))
		return eg_fail(err, ENOMEM, "out of memory compiling the decision tables");
	return 0;
}

/* A slot's fresh table, and its stale one when the data can go stale. */
static int add_slot(struct eg_dtset *set, const struct eg_bundle *b, const struct eg_ruleset *rs,
		    uint32_t slot, struct eg_error *err)
{
	struct eg_tables ref = {.world = b->have_world ? &b->world : NULL,
				.rs = rs,
				.fail_closed = b->policy.fail_closed};

	if (eg_dtset_add(set, &ref, slot, err))
		return -1;
	if (!eg_bundle_stale_after(b))
		return 0;
	ref.stale = 1;
	return eg_dtset_add(set, &ref, slot, err);
}

int eg_dtset_build(struct eg_dtset *set, const struct eg_bundle *b, uint32_t node_slot,
		   struct eg_error *err)
{
	size_t i;

	memset(set, 0, sizeof(*set));
	if (add_slot(set, b, &b->rules, node_slot, err))
		goto fail;
	for (i = 0; i < b->n_scope_rules; i++)
		if (add_slot(set, b, &b->scope_rules[i], EG_SLOT_SCOPE(i), err))
			goto fail;
	return 0;
fail:
	eg_dtset_free(set);
	return -1;
}

void eg_dtset_free(struct eg_dtset *set)
{
	free(set->v4_index);
	free(set->v6_index);
	free(set->v4_lines);
	free(set->bounds.v4);
	free(set->bounds.v6);
	free(set->decisions);
	free(set->summaries);
	if (set->intern)
		eg_intern_free(set->intern);
	free(set->intern);
	memset(set, 0, sizeof(*set));
}

uint64_t eg_dtset_kernel_bytes(const struct eg_dtset *set)
{
	return sizeof(set->heads) + 2ull * set->n_tables * EG_DT_CELLS * sizeof(struct eg_span) +
	       set->n_v4_lines * sizeof(struct eg_dt_line) +
	       set->bounds.n_v4 * sizeof(struct eg_v4_bound) +
	       set->bounds.n_v6 * sizeof(struct eg_v6_bound) +
	       set->n_decisions * sizeof(struct eg_dt_decision);
}
