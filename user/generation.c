// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Build a generation from a bundle: the one path for start, adoption and reload. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "embed.h"
#include "generation.h"
#include "workloads.h"

/* Load every scope's rules, and assign the guarded tree's cgroups to scopes. */
static int load_scopes(struct eg_target *t, struct eg_bundle *b, struct eg_guard *g,
		       struct eg_error *err)
{
	size_t i, assigned, changed;

	for (i = 0; i < b->n_scope_rules; i++)
		if (eg_guard_apply_scope(g, &b->scope_rules[i], EG_SLOT_SCOPE(i), err))
			return -1;
	if (!b->policy.n_scopes)
		return 0;
	if (t->watch.inotify_fd < 0 && eg_scope_watch_open(&t->watch, t->mount, t->cg_dir))
		return eg_fail(err, errno, "cannot watch %s for new cgroups: %s", t->cg_dir,
			       strerror(errno));
	if (eg_scopes_sync(&b->policy, t->mount, t->cg_dir, eg_guard_scopes_fd(g), &t->watch,
			   &assigned, &changed))
		return eg_fail(err, errno, "cannot assign cgroups to scopes: %s", strerror(errno));
	fprintf(stderr, "exfilguard run: %zu scopes, %zu cgroups in them\n", b->policy.n_scopes,
		assigned);
	return 0;
}

/* A wall-clock Unix time as the kernel's boot-time clock, in ns. */
static uint64_t unix_to_boot_ns(uint64_t unix_s)
{
	struct timespec real, boot;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	ns = (int64_t)unix_s * 1000000000 - ((int64_t)real.tv_sec * 1000000000 + real.tv_nsec) +
	     ((int64_t)boot.tv_sec * 1000000000 + boot.tv_nsec);
	return ns > 0 ? (uint64_t)ns : 1; /* already stale: any time after boot */
}

/* on_failure and max_data_age, as the kernel applies them. */
static void set_failure_policy(struct eg_bundle *b, struct eg_guard *g)
{
	uint64_t stale_after = eg_bundle_stale_after(b);
	char age[1024];

	eg_bundle_describe_age(b, (uint64_t)time(NULL), age, sizeof(age));
	fprintf(stderr, "exfilguard run: %s\n", age);
	g->flags = (b->policy.fail_closed ? EG_CFG_FAIL_CLOSED : 0) |
		   (b->policy.raw_allow ? EG_CFG_RAW_ALLOW : 0) |
		   (b->policy.acct_all ? EG_CFG_ACCT_ALL : 0);
	eg_nat64_table(b->policy.nat64, b->policy.n_nat64, g->nat64);
	g->stale_after_ns = stale_after ? unix_to_boot_ns(stale_after) : 0;
	if (stale_after && stale_after <= (uint64_t)time(NULL))
		fprintf(stderr,
			"exfilguard run: warning: the data is older than max_data_age: "
			"on_failure: %s applies\n",
			b->policy.fail_closed ? "closed" : "open");
}

int eg_generation_build(struct eg_generation *gen, struct eg_target *t,
			const struct eg_carry *carry, struct eg_error *err)
{
	struct eg_bundle *b = &gen->b;
	struct eg_guard *g = &gen->guard;
	const struct eg_world *world = b->have_world ? &b->world : NULL;

	if (eg_guard_load_bundle(g, b, carry, err))
		return -1;
	set_failure_policy(b, g);
	if (load_scopes(t, b, g, err) || eg_guard_apply(g, &b->rules, err) ||
	    eg_guard_set_info(g, t->cg_rel, t->cg_id, t->policy_path, world ? world->dataset : NULL,
			      err) ||
	    eg_workloads_prepare(g, t->cg_dir, t->cg_rel, t->cg_id, err)) {
		eg_guard_destroy(g);
		return -1;
	}
	/* The kernel holds the tables: keep only what events need. */
	if (eg_bundle_trim(b)) {
		eg_guard_destroy(g);
		return eg_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

void eg_generation_drop(struct eg_generation *gen)
{
	eg_guard_destroy(&gen->guard);
	eg_bundle_free(&gen->b);
	malloc_trim(0); /* after a reload, back to one generation's RSS */
}
