// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A policy compiled into rule-trie entries, and a userspace mirror of the
 * kernel's LPM trie: a path-compressed binary trie over 128-bit addresses.
 * Each node holds a prefix; a node either carries an entry (a rule's CIDR)
 * or is a glue node where two prefixes part ways. Like the kernel trie, an
 * exact prefix holds one value, which is why duplicates are refused.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catalog.h"
#include "ruleset.h"
#include "suggest.h"

struct eg_lpm_node {
	uint8_t prefix[16];		      /* bits after plen are zero */
	unsigned plen;			      /* 0-128, in the 16-byte form */
	const struct eg_ruleset_entry *entry; /* NULL for a glue node */
	struct eg_lpm_node *child[2];	      /* by the bit right after plen */
};

/*
 * All nodes come from one array: node 0 is the permanent /0 root, and each
 * insert takes at most two more (its own node and one glue node). So the
 * tree is freed with a single free(rs->root) and building never half-fails.
 */
struct node_pool {
	struct eg_lpm_node *nodes;
	size_t used, cap;
};

static unsigned addr_bit(const uint8_t addr[16], unsigned i)
{
	return (addr[i / 8] >> (7 - i % 8)) & 1;
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

/*
 * Number of leading bits a and b share, at most limit: two 64-bit XORs
 * and a count of leading zeros (building and walking a 1M-prefix trie
 * calls this at every level).
 */
static unsigned common_bits(const uint8_t a[16], const uint8_t b[16], unsigned limit)
{
	uint64_t hi = be64_at(a) ^ be64_at(b), lo;
	unsigned n;

	if (hi)
		n = (unsigned)__builtin_clzll(hi);
	else if ((lo = be64_at(a + 8) ^ be64_at(b + 8)))
		n = 64 + (unsigned)__builtin_clzll(lo);
	else
		n = 128;
	return n < limit ? n : limit;
}

static struct eg_lpm_node *pool_node(struct node_pool *pool, const uint8_t prefix[16],
				     unsigned plen)
{
	struct eg_lpm_node *node = &pool->nodes[pool->used++];
	unsigned byte = plen / 8;

	memset(node, 0, sizeof(*node));
	memcpy(node->prefix, prefix, 16);
	/* Keep only the first plen bits, so glue nodes hold clean prefixes. */
	if (byte < 16) {
		if (plen % 8)
			node->prefix[byte++] &= (uint8_t)(0xff00u >> (plen % 8));
		memset(node->prefix + byte, 0, 16 - byte);
	}
	node->plen = plen;
	return node;
}

/* Insert entry (prefix addr/plen); returns the entry already at that exact prefix, if any. */
static const struct eg_ruleset_entry *trie_insert(struct node_pool *pool, struct eg_lpm_node *root,
						  const struct eg_ruleset_entry *entry,
						  unsigned plen)
{
	const uint8_t *addr = entry->key.addr;
	struct eg_lpm_node **slot, *node = root, *fresh, *glue;
	unsigned common;

	/* Walk down while the node's prefix covers the new one. */
	for (;;) {
		if (node->plen == plen) {
			if (node->entry)
				return node->entry;
			node->entry = entry; /* a glue node becomes a real one */
			return NULL;
		}
		slot = &node->child[addr_bit(addr, node->plen)];
		if (!*slot || common_bits((*slot)->prefix, addr, (*slot)->plen) < (*slot)->plen ||
		    (*slot)->plen > plen)
			break;
		node = *slot;
	}

	fresh = pool_node(pool, addr, plen);
	fresh->entry = entry;
	if (!*slot) {
		*slot = fresh;
		return NULL;
	}
	common = common_bits((*slot)->prefix, addr, plen < (*slot)->plen ? plen : (*slot)->plen);
	if (common == plen) {
		/* The new prefix covers the child: it slides in above it. */
		fresh->child[addr_bit((*slot)->prefix, plen)] = *slot;
		*slot = fresh;
		return NULL;
	}
	/* They part ways at bit `common`: a glue node holds both. */
	glue = pool_node(pool, addr, common);
	glue->child[addr_bit((*slot)->prefix, common)] = *slot;
	glue->child[addr_bit(addr, common)] = fresh;
	*slot = glue;
	return NULL;
}

const struct eg_rule *eg_ruleset_lookup(const struct eg_ruleset *rs, const uint8_t addr[16])
{
	const struct eg_ruleset_entry *best = NULL;
	const struct eg_lpm_node *node = rs->root;

	while (node && common_bits(node->prefix, addr, node->plen) == node->plen) {
		if (node->entry)
			best = node->entry;
		if (node->plen == 128)
			break;
		node = node->child[addr_bit(addr, node->plen)];
	}
	return best ? &best->value : NULL;
}

void eg_ruleset_free(struct eg_ruleset *rs)
{
	if (!rs)
		return;
	free(rs->entries);
	free(rs->selectors);
	free(rs->root); /* the node pool; see struct node_pool */
	memset(rs, 0, sizeof(*rs));
}

/* The CIDR of rule e->value.index that entry e was made from (to name it in an error). */
static const struct eg_cidr *rule_cidr_of(const struct eg_policy *policy,
					  const struct eg_ruleset_entry *e)
{
	const struct eg_policy_rule *rule = &policy->rules[e->value.index];

	for (size_t c = 0; c < rule->n_cidrs; c++)
		if (!memcmp(rule->cidrs[c].addr, e->key.addr, 16) &&
		    32 + eg_cidr_plen16(&rule->cidrs[c]) == e->key.prefixlen)
			return &rule->cidrs[c];
	return &rule->cidrs[0]; /* not reached: every entry comes from its rule */
}

static int duplicate_error(const struct eg_policy *policy, size_t rule_index,
			   const struct eg_cidr *cidr, const struct eg_ruleset_entry *first,
			   struct eg_error *err)
{
	const struct eg_policy_rule *rule = &policy->rules[rule_index];
	const struct eg_policy_rule *other = &policy->rules[first->value.index];
	char text[EG_ADDR_STRLEN];

	eg_cidr_format(cidr, text, sizeof(text));
	if (first->value.index == rule_index)
		return eg_fail(err, EINVAL, "%s:%u:%u: prefix %s is listed twice in rule %zu",
			       policy->path, rule->line, rule->column, text, rule_index + 1);
	return eg_fail(err, EINVAL,
		       "%s:%u:%u: prefix %s is already in rule %u (line %u); one prefix can belong "
		       "to one rule",
		       policy->path, rule->line, rule->column, text, first->value.index + 1u,
		       other->line);
}

static int check_limits(const struct eg_policy *policy, size_t n_prefixes, struct eg_error *err)
{
	if (policy->n_rules >= EG_RULE_CANARY)
		return eg_fail(err, E2BIG, "%s: %zu rules; a policy holds at most %u", policy->path,
			       policy->n_rules, EG_RULE_CANARY - 1);
	if (n_prefixes > EG_MAX_RULE_PREFIXES)
		return eg_fail(err, E2BIG, "%s: %zu prefixes; a policy holds at most %d",
			       policy->path, n_prefixes, EG_MAX_RULE_PREFIXES);
	return 0;
}

static void fill_entry(struct eg_ruleset_entry *entry, uint32_t policy_id, size_t rule_index,
		       const struct eg_policy_rule *rule, const struct eg_cidr *cidr)
{
	memset(entry, 0, sizeof(*entry));
	entry->key.prefixlen = 32 + eg_cidr_plen16(cidr);
	entry->key.policy = htonl(policy_id);
	memcpy(entry->key.addr, cidr->addr, 16);
	entry->value.index = (__u16)rule_index;
	entry->value.action = (__u8)rule->action;
	entry->value.plen = cidr->plen;
}

/* The entries in address order (then prefix length, then policy order): see add_entries. */
static int entry_addr_cmp(const void *a, const void *b)
{
	const struct eg_ruleset_entry *x = *(const struct eg_ruleset_entry *const *)a;
	const struct eg_ruleset_entry *y = *(const struct eg_ruleset_entry *const *)b;
	int c = memcmp(x->key.addr, y->key.addr, 16);

	if (c)
		return c;
	if (x->key.prefixlen != y->key.prefixlen)
		return x->key.prefixlen < y->key.prefixlen ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Every CIDR of the policy into rs->entries (policy order), then into the
 * trie in address order: each insert then walks nodes the previous one
 * just touched, where random order misses the cache at every level of a
 * 1M-prefix trie. Ties keep policy order, so a duplicate is reported
 * against the rule that listed it first.
 */
static int add_entries(const struct eg_policy *policy, uint32_t policy_id, struct eg_ruleset *rs,
		       struct node_pool *pool, struct eg_error *err)
{
	const struct eg_ruleset_entry *first = NULL, *dup;
	struct eg_ruleset_entry **order;
	size_t i;

	for (size_t r = 0; r < policy->n_rules; r++)
		for (size_t c = 0; c < policy->rules[r].n_cidrs; c++)
			fill_entry(&rs->entries[rs->n_entries++], policy_id, r, &policy->rules[r],
				   &policy->rules[r].cidrs[c]);
	order = malloc((rs->n_entries ? rs->n_entries : 1) * sizeof(*order));
	if (!order)
		return eg_fail(err, ENOMEM, "%s: out of memory", policy->path);
	for (i = 0; i < rs->n_entries; i++)
		order[i] = &rs->entries[i];
	qsort(order, rs->n_entries, sizeof(*order), entry_addr_cmp);
	for (i = 0; i < rs->n_entries; i++) {
		first = trie_insert(pool, rs->root, order[i], order[i]->key.prefixlen - 32u);
		if (first)
			break;
	}
	dup = i < rs->n_entries ? order[i] : NULL;
	free(order);
	return dup ? duplicate_error(policy, dup->value.index, rule_cidr_of(policy, dup), first,
				     err)
		   : 0;
}

static int selector_key_cmp(const void *a, const void *b)
{
	const struct eg_selector_key *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return 0;
}

/* "a, b, c": the catalog's provider ids, for an unknown-provider message. */
static void provider_ids(const struct eg_catalog *catalog, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < catalog->n_providers && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "",
					 catalog->providers[i].id);
}

/* The catalog id nearest a mistyped one ("alibaba" -> alibaba-cloud), or NULL. */
static const char *provider_suggest(const struct eg_catalog *catalog, const char *id)
{
	const char *ids[256];
	size_t i, n = catalog->n_providers < 256 ? catalog->n_providers : 256;

	for (i = 0; i < n; i++) {
		/* A prefix is a likelier meaning than a near spelling: "alibaba", "aws". */
		if (strncmp(catalog->providers[i].id, id, strlen(id)) == 0)
			return catalog->providers[i].id;
		ids[i] = catalog->providers[i].id;
	}
	return eg_suggest(id, ids, n, sizeof(ids[0]));
}

static int resolve_selector(const struct eg_policy *policy, const struct eg_policy_selector *sel,
			    const struct eg_catalog *catalog, uint32_t *value, struct eg_error *err)
{
	const struct eg_provider *prov;
	char known[400];

	if (sel->kind != EG_MATCH_PROVIDER) {
		*value = sel->value;
		return 0;
	}
	if (!catalog)
		return eg_fail(err, EINVAL,
			       "%s:%u:%u: provider \"%s\" named, but no provider "
			       "catalog is loaded",
			       policy->path, sel->line, sel->column, sel->provider);
	prov = eg_catalog_find(catalog, sel->provider);
	if (!prov) {
		char hint[96];

		provider_ids(catalog, known, sizeof(known));
		return eg_fail(err, EINVAL,
			       "%s:%u:%u: unknown provider \"%s\"%s; the catalog %s has: %s",
			       policy->path, sel->line, sel->column, sel->provider,
			       eg_suggest_hint(provider_suggest(catalog, sel->provider), hint,
					       sizeof(hint)),
			       catalog->path, known);
	}
	*value = prov->index;
	return 0;
}

static int add_selectors(const struct eg_policy *policy, const struct eg_catalog *catalog,
			 uint32_t policy_id, struct eg_ruleset *rs, struct eg_error *err)
{
	for (size_t r = 0; r < policy->n_rules; r++) {
		const struct eg_policy_rule *rule = &policy->rules[r];

		for (size_t i = 0; i < rule->n_selectors; i++) {
			const struct eg_policy_selector *sel = &rule->selectors[i];
			struct eg_selector_entry *e = &rs->selectors[rs->n_selectors];
			const struct eg_rule *first;

			e->key.policy = policy_id;
			e->key.kind = sel->kind;
			if (resolve_selector(policy, sel, catalog, &e->key.value, err))
				return -1;
			first = eg_ruleset_selector(rs, e->key.kind, e->key.value);
			if (first)
				return eg_fail(err, EINVAL,
					       "%s:%u:%u: rule %zu selects what rule %u already "
					       "selects; one value can belong to one rule",
					       policy->path, sel->line, sel->column, r + 1,
					       first->index + 1u);
			e->value =
				(struct eg_rule){.index = (__u16)r, .action = (__u8)rule->action};
			rs->n_selectors++;
			rs->hdr.selector_kinds |= (__u8)(1u << sel->kind);
			/* Kept sorted as it grows: policies hold few selectors. */
			qsort(rs->selectors, rs->n_selectors, sizeof(*rs->selectors),
			      selector_key_cmp);
		}
	}
	return 0;
}

const struct eg_rule *eg_ruleset_selector(const struct eg_ruleset *rs, uint32_t kind,
					  uint32_t value)
{
	struct eg_selector_key key = {.kind = kind, .value = value};
	const struct eg_selector_entry *e;

	if (!rs->n_selectors)
		return NULL;
	e = bsearch(&key, rs->selectors, rs->n_selectors, sizeof(*rs->selectors), selector_key_cmp);
	return e ? &e->value : NULL;
}

int eg_ruleset_build(const struct eg_policy *policy, uint32_t policy_id, struct eg_ruleset *rs,
		     struct eg_error *err)
{
	return eg_ruleset_build_with(policy, NULL, policy_id, rs, err);
}

int eg_ruleset_build_with(const struct eg_policy *policy, const struct eg_catalog *catalog,
			  uint32_t policy_id, struct eg_ruleset *rs, struct eg_error *err)
{
	struct node_pool pool = {0};
	size_t n_prefixes = 0, n_selectors = 0;
	uint8_t zero[16] = {0};

	memset(rs, 0, sizeof(*rs));
	for (size_t r = 0; r < policy->n_rules; r++) {
		n_prefixes += policy->rules[r].n_cidrs;
		n_selectors += policy->rules[r].n_selectors;
	}
	if (check_limits(policy, n_prefixes, err))
		return -1;

	pool.cap = 1 + 2 * n_prefixes;
	pool.nodes = calloc(pool.cap, sizeof(*pool.nodes));
	rs->entries = calloc(n_prefixes ? n_prefixes : 1, sizeof(*rs->entries));
	rs->selectors = calloc(n_selectors ? n_selectors : 1, sizeof(*rs->selectors));
	if (!pool.nodes || !rs->entries || !rs->selectors) {
		free(pool.nodes);
		eg_ruleset_free(rs);
		return eg_fail(err, ENOMEM, "%s: out of memory", policy->path);
	}
	rs->root = pool_node(&pool, zero, 0);
	/*
	 * selector_kinds lists the classification selectors (ASN, provider,
	 * country, jurisdiction) only: when it is non-zero the kernel
	 * classifies every destination no CIDR matched. CIDR-only: zero.
	 */
	rs->hdr.selector_kinds = 0;
	if (add_entries(policy, policy_id, rs, &pool, err) ||
	    add_selectors(policy, catalog, policy_id, rs, err)) {
		eg_ruleset_free(rs);
		return -1;
	}
	rs->hdr.loaded = 1;
	rs->hdr.mode = (__u8)policy->mode;
	rs->hdr.default_action = (__u8)policy->default_action;
	rs->hdr.rules = (__u32)policy->n_rules;
	return 0;
}
