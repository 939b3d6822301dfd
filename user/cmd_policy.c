// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard check: a policy validated without touching the kernel. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "addr.h"
#include "bundle.h"
#include "cli.h"
#include "events.h"
#include "scopes.h"
#include "shadow.h"
#include "timing.h"

static const char check_help[] =
	"Usage: exfilguard check [--policy] FILE\n"
	"\n"
	"Validates a policy file as 'run' would load it, without privileges and without\n"
	"touching the kernel: YAML syntax, keys, actions, CIDRs, country codes (a\n"
	"jurisdiction may be CN+: CN, HK and MO), ASNs, providers (against the catalog),\n"
	"values selected by two rules, and the datasets of its data: section, which are\n"
	"read and turned into the classification the kernel would hold. Errors name\n"
	"FILE:LINE:COLUMN (or the dataset and its line or offset). Warns when an allow\n"
	"rule can shadow a deny jurisdiction rule for a provider's addresses (an allow\n"
	"asn/provider rule written before it, an allow CIDR over the provider's ranges).\n"
	"Exit 0 when valid, 1 when not.\n"
	"\n"
	"Options:\n"
	"  -p, --policy FILE   the policy to check\n"
	"      --timing        print on standard error how long each phase of the load\n"
	"                      takes: policy parse, each dataset's read, digest and parse\n"
	"                      (datasets are read in parallel), world build, rules compile;\n"
	"                      one line each: its start after the first phase began, wall\n"
	"                      time and CPU time ('run --timing' adds the kernel's phases;\n"
	"                      EXFILGUARD_TIMING=1 does the same)\n"
	"  -h, --help          this text\n";

/* check's options: --policy, --timing and --help. Returns <0 after help. */
static int parse_check_opts(struct eg_cli *cli, int argc, char **argv, const char **policy)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"timing", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			*policy = optarg;
			break;
		case 't':
			eg_timing_enable();
			break;
		case 'h':
			fputs(check_help, stdout);
			return -1;
		default:
			return eg_cli_usage(cli, "unknown option");
		}
	}
	return 0;
}

static size_t count_prefixes(const struct eg_policy *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_rules; i++)
		n += p->rules[i].n_cidrs;
	return n;
}

/* Where check's notes and warnings go: a JSON array, or stdout after a word. */
struct note_sink {
	json_object *arr; /* NULL: print */
	const char *word; /* "note", "warning" */
};

static void emit_note(void *ctx, const char *text)
{
	const struct note_sink *sink = ctx;

	if (sink->arr)
		json_object_array_add(sink->arr, json_object_new_string(text));
	else
		printf("%s: %s\n", sink->word, text);
}

/* Globs that could select cgroups too deep for the hooks to find their scope: say so. */
static void depth_notes(const struct eg_policy *p, json_object *arr)
{
	struct note_sink sink = {arr, "note"};

	char note[512];

	for (size_t i = 0; i < p->n_scopes; i++) {
		const struct eg_policy_words *globs = &p->scopes[i].cgroups;

		for (size_t j = 0; j < globs->n; j++) {
			if (!eg_glob_may_be_too_deep(globs->v[j]))
				continue;
			snprintf(
				note, sizeof(note),
				"scope %s: cgroup glob %s can select cgroups %d or more levels "
				"deep, where a scope is not enforced (the hooks find scopes on the "
				"first %d levels); run warns about each such cgroup",
				p->scopes[i].name, globs->v[j], EG_MAX_CGROUP_DEPTH,
				EG_MAX_CGROUP_DEPTH - 1);
			emit_note(&sink, note);
		}
	}
}

static void print_age(const struct eg_bundle *b)
{
	char age[1024];

	eg_bundle_describe_age(b, (uint64_t)time(NULL), age, sizeof(age));
	printf("%s\n", age);
}

static void check_json(const char *path, const struct eg_bundle *b)
{
	json_object *obj = json_object_new_object();
	const struct eg_policy *p = &b->policy;

	json_object_object_add(obj, "policy", json_object_new_string(path));
	json_object_object_add(obj, "valid", json_object_new_boolean(1));
	json_object_object_add(obj, "mode", json_object_new_string(eg_mode_name(p->mode)));
	json_object_object_add(obj, "default",
			       json_object_new_string(eg_action_name(p->default_action)));
	json_object_object_add(obj, "rules", json_object_new_int64((int64_t)p->n_rules));
	json_object_object_add(obj, "prefixes", json_object_new_int64((int64_t)count_prefixes(p)));
	json_object_object_add(obj, "providers",
			       json_object_new_int64((int64_t)b->catalog.n_providers));
	if (b->have_world) {
		json_object_object_add(obj, "classes",
				       json_object_new_int64((int64_t)b->world.n_classes));
		json_object_object_add(obj, "ipv4_ranges",
				       json_object_new_int64((int64_t)b->world.n_v4_bounds));
		json_object_object_add(obj, "ipv6_ranges",
				       json_object_new_int64((int64_t)b->world.n_v6_bounds));
		json_object_object_add(
			obj, "kernel_bytes",
			json_object_new_int64((int64_t)eg_world_kernel_bytes(&b->world)));
		json_object_object_add(obj, "dataset", json_object_new_string(b->world.dataset));
	}
	json_object_object_add(obj, "data_age", eg_bundle_age_json(b, (uint64_t)time(NULL)));
	json_object_object_add(obj, "notes", json_object_new_array());
	depth_notes(p, json_object_object_get(obj, "notes"));
	json_object_object_add(obj, "warnings", json_object_new_array());
	eg_shadow_check(b, emit_note,
			&(struct note_sink){json_object_object_get(obj, "warnings"), "warning"});
	eg_cli_print_json(obj);
}

int eg_cmd_check(struct eg_cli *cli, int argc, char **argv)
{
	struct eg_error err = {0};
	const char *path = NULL;
	struct eg_bundle b;
	int rc = parse_check_opts(cli, argc, argv, &path);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (!path && optind < argc)
		path = argv[optind++];
	if (!path)
		return eg_cli_usage(cli, "a policy FILE is required");
	if (optind < argc)
		return eg_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (eg_bundle_load(path, -1, &b, &err))
		return eg_cli_error(cli, &err);
	if (cli->json) {
		check_json(path, &b);
	} else {
		printf("%s: valid: %s mode, default %s, %zu rule%s, %zu prefix%s\n", path,
		       eg_mode_name(b.policy.mode), eg_action_name(b.policy.default_action),
		       b.policy.n_rules, eg_plural(b.policy.n_rules), count_prefixes(&b.policy),
		       count_prefixes(&b.policy) == 1 ? "" : "es");
		if (b.have_world)
			printf("classification: %zu IPv4 + %zu IPv6 ranges, %zu classes, %llu KiB "
			       "of kernel memory (dataset %s)\n",
			       b.world.n_v4_bounds, b.world.n_v6_bounds, b.world.n_classes,
			       (unsigned long long)eg_world_kernel_bytes(&b.world) >> 10,
			       b.world.dataset);
		print_age(&b);
		depth_notes(&b.policy, NULL);
		eg_shadow_check(&b, emit_note, &(struct note_sink){NULL, "warning"});
	}
	eg_bundle_free(&b);
	return EG_EXIT_OK;
}
