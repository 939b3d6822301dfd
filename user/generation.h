/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One generation of the guard: a bundle (policy, datasets, compiled rules)
 * and the BPF object loaded and filled from it, ready to attach or to take
 * over the hooks. Start, adoption and reload all build one the same way.
 */
#ifndef EXFILGUARD_GENERATION_H
#define EXFILGUARD_GENERATION_H

#include <limits.h>
#include <stdint.h>
#include "bundle.h"
#include "guard.h"
#include "scopes.h"

/* What the daemon guards, the same for every generation. */
struct eg_target {
	const char *policy_path;
	int mode; /* -1: as the policy says */
	char mount[PATH_MAX], cg_dir[PATH_MAX], cg_rel[PATH_MAX];
	uint64_t cg_id;
	struct eg_scope_watch watch; /* opened by the first generation that has scopes */
};

struct eg_generation {
	struct eg_bundle b;
	struct eg_guard guard;
};

/*
 * Load the object for gen->b (loaded by the caller) and fill it: data,
 * scopes and the cgroups in them, rules, info; everything but attaching.
 * carry: the counters (and config slots) of the generation in force, to count on in
 * (NULL: none). On failure the guard is destroyed, the bundle left to the caller.
 */
int eg_generation_build(struct eg_generation *gen, struct eg_target *t,
			const struct eg_carry *carry, struct eg_error *err);

/* Destroy the guard (detaching and unpinning what it holds) and free the bundle. */
void eg_generation_drop(struct eg_generation *gen);

#endif
