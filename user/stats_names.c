// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Naming byte-count rows (stats_names.h). */
#include <stdio.h>
#include <string.h>
#include "cgroup.h"
#include "pins.h"
#include "policy.h"
#include "stats_names.h"

void eg_stats_namer_open(struct eg_stats_namer *n, const char *pin_dir)
{
	struct eg_error err = {0};
	struct eg_policy policy;
	struct eg_info info;
	const char *providers = NULL;
	int have_policy = 0;

	memset(n, 0, sizeof(*n));
	if (eg_cgroup2_mount(n->mount, &err))
		n->mount[0] = '\0';
	/* Provider numbers index the catalog of the policy in force, which may extend the built-in
	 * one. */
	if (eg_pinned_info(pin_dir, &info) == 0 && info.policy_path[0] &&
	    eg_policy_load(info.policy_path, &policy, &err) == 0) {
		have_policy = 1;
		providers = policy.data.providers;
	}
	n->have_cat = eg_catalog_load_for_policy(providers, &n->cat, &err) == 0;
	if (have_policy)
		eg_policy_free(&policy);
}

void eg_stats_namer_close(struct eg_stats_namer *n)
{
	if (n->have_cat)
		eg_catalog_free(&n->cat);
	n->have_cat = 0;
}

void eg_stats_name(const struct eg_stats_namer *n, uint64_t cgroup_id, const struct eg_class *cls,
		   unsigned verdict, struct eg_stat_names *out)
{
	if (!n->mount[0] ||
	    eg_cgroup_path_of(n->mount, cgroup_id, out->workload, sizeof(out->workload)))
		snprintf(out->workload, sizeof(out->workload), "cgroup:%llu",
			 (unsigned long long)cgroup_id);
	eg_class_describe(cls, n->have_cat ? &n->cat : NULL, NULL, &out->cls);
	out->verdict = eg_verdict_name(verdict);
}
