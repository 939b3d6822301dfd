// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard lookup --live: ask the running guard's pinned maps, not a policy file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli.h"
#include "dns_names.h"
#include "event_names.h"
#include "lookup_targets.h"
#include "pins.h"

/* The guard's verdicts over every hook, from its counters. */
static json_object *verdict_totals(int hot_fd)
{
	json_object *obj = json_object_new_object();
	struct eg_counters c;

	eg_counters_read(hot_fd, &c);
	for (unsigned v = 0; v < EG_VERDICT_COUNT; v++)
		json_object_object_add(obj, eg_verdict_name(v),
				       json_object_new_uint64(eg_counters_verdict(&c, v)));
	return obj;
}

static json_object *target_json(const struct eg_lookup_target *t, int dns_fd, uint64_t now)
{
	json_object *obj = json_object_new_object();
	char name[EG_DNS_NAME_LEN];
	int64_t age = 0;
	int known = eg_dns_name_for(dns_fd, t->addr, now, name, &age) == 0;

	json_object_object_add(obj, "address", json_object_new_string(t->text));
	json_object_object_add(obj, "host", t->name ? json_object_new_string(t->name) : NULL);
	json_object_object_add(obj, "resolved_name", known ? json_object_new_string(name) : NULL);
	json_object_object_add(obj, "resolved_seconds_ago",
			       known ? json_object_new_double((double)age / 1e9) : NULL);
	return obj;
}

static void print_text(json_object *all, json_object *verdicts)
{
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *t = json_object_array_get_idx(all, i);
		const char *name =
			json_object_get_string(json_object_object_get(t, "resolved_name"));

		printf("%-28s ", json_object_get_string(json_object_object_get(t, "address")));
		if (name)
			printf("resolved as %s %.0f s ago\n", name,
			       json_object_get_double(
				       json_object_object_get(t, "resolved_seconds_ago")));
		else
			printf("no name resolved for it by the workloads in the last 10 minutes\n");
	}
	printf("guard verdicts so far: %s\n", json_object_to_json_string(verdicts));
}

int eg_lookup_live(struct eg_cli *cli, const struct eg_lookup_target *targets, size_t n)
{
	int dns_fd = eg_pinned_map_fd(cli->pin_dir, EG_STR(EG_MAP_DNS));
	int hot_fd = eg_pinned_map_fd(cli->pin_dir, EG_STR(EG_MAP_HOT));
	json_object *top = json_object_new_object(), *all = json_object_new_array(), *verdicts;
	uint64_t now = eg_dns_now_boot_ns();
	struct eg_error err = {0};

	if (dns_fd < 0 || hot_fd < 0) {
		eg_fail(&err, errno, "--live: no running guard pinned at %s: %s", cli->pin_dir,
			strerror(errno));
		json_object_put(top);
		json_object_put(all);
		if (dns_fd >= 0)
			close(dns_fd);
		eg_cli_error(cli, &err);
		return EG_EXIT_NOT_RUNNING;
	}
	for (size_t i = 0; i < n; i++)
		json_object_array_add(all, target_json(&targets[i], dns_fd, now));
	verdicts = verdict_totals(hot_fd);
	close(dns_fd);
	close(hot_fd);
	if (!cli->json)
		print_text(all, verdicts);
	json_object_object_add(top, "addresses", all);
	json_object_object_add(top, "verdicts", verdicts);
	if (cli->json)
		eg_cli_print_json(top);
	else
		json_object_put(top);
	return EG_EXIT_OK;
}
