// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard check and lookup: policy questions answered without touching the kernel. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "addr.h"
#include "bundle.h"
#include "cli.h"
#include "embed.h"
#include "events.h"
#include "dtable.h"
#include "judge.h"
#include "lookup_targets.h"
#include "scopes.h"
#include "shadow.h"

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
	"  -h, --help          this text\n";

static const char lookup_help[] =
	"Usage: exfilguard lookup --policy FILE ADDRESS|HOST...\n"
	"       exfilguard lookup --live ADDRESS|HOST...\n"
	"\n"
	"Shows, for each IPv4 or IPv6 address (a host name: each address it resolves to\n"
	"here, through getaddrinfo), its classification (country, AS number and\n"
	"organisation, provider, jurisdiction) from the policy's data, the rule that\n"
	"matches it, the matched prefix and the verdict the kernel would give: the hooks'\n"
	"own decision code and lookup tables, compiled into this binary. An IPv4-mapped\n"
	"IPv6 address (::ffff:a.b.c.d) gets the IPv4 address's answer.\n"
	"\n"
	"Options:\n"
	"  -p, --policy FILE   the policy to consult\n"
	"      --live          ask the running guard instead (its pinned maps): the name the\n"
	"                      workloads last resolved for the address, when, and the guard's\n"
	"                      verdict counters; no policy file needed\n"
	"  -h, --help          this text\n";

/* Options shared by check and lookup: --policy and --help. Returns <0 after help. */
static int parse_policy_opts(struct eg_cli *cli, int argc, char **argv, const char *help,
			     const char **policy, int *live)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"live", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			*policy = optarg;
			break;
		case 'l':
			if (!live)
				return eg_cli_usage(cli, "unknown option");
			*live = 1;
			break;
		case 'h':
			fputs(help, stdout);
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
	int rc = parse_policy_opts(cli, argc, argv, check_help, &path, NULL);

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
		printf("%s: valid: %s mode, default %s, %zu rules, %zu prefixes\n", path,
		       eg_mode_name(b.policy.mode), eg_action_name(b.policy.default_action),
		       b.policy.n_rules, count_prefixes(&b.policy));
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

static json_object *decision_json(const char *text, const struct eg_bundle *b,
				  const struct eg_decision *d, const uint8_t addr[16])
{
	const struct eg_policy *p = &b->policy;
	json_object *obj = json_object_new_object();
	struct eg_class_names names;
	char buf[EG_ADDR_STRLEN];

	json_object_object_add(obj, "address", json_object_new_string(text));
	eg_addr_format(addr, buf, sizeof(buf));
	json_object_object_add(obj, "judged_as", json_object_new_string(buf));
	json_object_object_add(obj, "verdict", json_object_new_string(eg_verdict_name(d->verdict)));
	json_object_object_add(obj, "action", json_object_new_string(eg_action_name(d->action)));
	json_object_object_add(obj, "mode", json_object_new_string(eg_mode_name(d->mode)));
	json_object_object_add(obj, "match", json_object_new_string(eg_match_name(d->match)));
	if (b->have_world) {
		eg_class_describe(eg_world_class(&b->world, eg_world_classify(&b->world, addr)),
				  &b->catalog, b->have_asn ? &b->asn : NULL, &names);
		eg_class_names_to_json(&names, obj);
		json_object_object_add(
			obj, "provider_name",
			names.provider_name ? json_object_new_string(names.provider_name) : NULL);
		eg_world_prefix(&b->world, addr, buf, sizeof(buf));
		json_object_object_add(obj, "class_prefix", json_object_new_string(buf));
		json_object_object_add(obj, "dataset", json_object_new_string(b->world.dataset));
		json_object_object_add(obj, "data_age",
				       eg_bundle_age_json(b, (uint64_t)time(NULL)));
	}
	if (d->rule == EG_RULE_DEFAULT) {
		json_object_object_add(obj, "rule", NULL);
		json_object_object_add(obj, "prefix", NULL);
	} else {
		/* The kernel's tables also hold the self-test canary, which no policy line wrote.
		 */
		const struct eg_policy_rule *r = d->rule < p->n_rules ? &p->rules[d->rule] : NULL;
		json_object *rule = json_object_new_object();

		json_object_object_add(rule, "index", json_object_new_int(d->rule));
		json_object_object_add(rule, "line", json_object_new_int(r ? (int)r->line : 0));
		json_object_object_add(rule, "text",
				       json_object_new_string(r ? r->text : "self-test canary"));
		json_object_object_add(obj, "rule", rule);
		if (d->match == EG_MATCH_CIDR)
			eg_matched_prefix(addr, d->prefixlen, buf, sizeof(buf));
		else
			eg_world_prefix(&b->world, addr, buf, sizeof(buf));
		json_object_object_add(obj, "prefix", json_object_new_string(buf));
	}
	return obj;
}

static void print_decision_text(json_object *d)
{
	json_object *rule = json_object_object_get(d, "rule");
	json_object *prefix = json_object_object_get(d, "prefix");

	const char *name = json_object_get_string(json_object_object_get(d, "name"));

	if (name)
		printf("%s:\n", name);
	printf("%-28s %-6s %s", json_object_get_string(json_object_object_get(d, "address")),
	       json_object_get_string(json_object_object_get(d, "verdict")),
	       rule ? "" : "default (no rule matches)");
	if (rule)
		printf("rule %d (line %d) %s, prefix %s",
		       json_object_get_int(json_object_object_get(rule, "index")) + 1,
		       json_object_get_int(json_object_object_get(rule, "line")),
		       json_object_get_string(json_object_object_get(rule, "text")),
		       json_object_get_string(prefix));
	printf("\n");
	if (json_object_object_get_ex(d, "dataset", NULL)) {
		json_object *asn = json_object_object_get(d, "asn");

		const char *source =
			json_object_get_string(json_object_object_get(d, "jurisdiction_source"));
		char jur[48];

		/* "CN (provider's)": whose jurisdiction it is, as the event says it. */
		snprintf(jur, sizeof(jur), "%s%s%s%s",
			 json_object_get_string(json_object_object_get(d, "jurisdiction"))
				 ?: "none",
			 source ? " (" : "", source ? source : "", source ? "'s)" : "");
		printf("%-28s        country %s, AS%s %s, provider %s, jurisdiction %s, prefix "
		       "%s\n",
		       "", json_object_get_string(json_object_object_get(d, "country")) ?: "?",
		       asn ? json_object_get_string(asn) : "?",
		       json_object_get_string(json_object_object_get(d, "as_org")) ?: "",
		       json_object_get_string(json_object_object_get(d, "provider")) ?: "none", jur,
		       json_object_get_string(json_object_object_get(d, "class_prefix")));
	}
}

/* The answers come from the decision tables the kernel would hold for this policy. */
static int lookup_addresses(struct eg_cli *cli, const struct eg_bundle *b,
			    const struct eg_lookup_target *targets, size_t n)
{
	json_object *all;
	struct eg_dtset dt;
	struct eg_error err = {0};
	size_t i;

	if (eg_dtset_build(&dt, b, EG_SLOT_NODE, &err))
		return eg_cli_error(cli, &err);
	all = json_object_new_array();
	for (i = 0; i < n; i++) {
		uint64_t stale_after = eg_bundle_stale_after(b);
		struct eg_nat64_prefix nat64[EG_MAX_NAT64_PREFIXES];
		struct eg_tables t = {.world = b->have_world ? &b->world : NULL,
				      .rs = &b->rules,
				      .fail_closed = b->policy.fail_closed,
				      .stale = stale_after && stale_after <= (uint64_t)time(NULL),
				      .nat64 = nat64,
				      .dt = &dt};
		struct eg_decision d;
		uint8_t decided[16];
		uint32_t class_id;
		json_object *obj;

		eg_nat64_table(b->policy.nat64, b->policy.n_nat64, nat64);
		eg_judge_user(&t, targets[i].addr, &d, &class_id);
		eg_decided_addr(targets[i].addr, &d, decided);
		obj = decision_json(targets[i].text, b, &d, decided);
		json_object_object_add(obj, "name",
				       targets[i].name ? json_object_new_string(targets[i].name)
						       : NULL);
		eg_embed_to_json(obj, d.embed, d.v4, d.by_v4);
		json_object_array_add(all, obj);
	}
	eg_dtset_free(&dt);
	if (cli->json) {
		eg_cli_print_json(all);
		return EG_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		print_decision_text(json_object_array_get_idx(all, i));
	if (b->have_world)
		print_age(b);
	json_object_put(all);
	return EG_EXIT_OK;
}

int eg_cmd_lookup(struct eg_cli *cli, int argc, char **argv)
{
	struct eg_error err = {0};
	const char *path = NULL;
	struct eg_lookup_target *targets;
	struct eg_bundle b;
	size_t n;
	int live = 0, rc = parse_policy_opts(cli, argc, argv, lookup_help, &path, &live);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (!path && !live)
		return eg_cli_usage(cli, "--policy FILE (or --live) is required");
	if (optind >= argc)
		return eg_cli_usage(cli, "give at least one ADDRESS or HOST");
	rc = eg_lookup_targets(argc - optind, argv + optind, &targets, &n, &err);
	if (rc)
		return rc == -2 ? eg_cli_usage(cli, "%s", err.msg) : eg_cli_error(cli, &err);
	if (live)
		rc = eg_lookup_live(cli, targets, n);
	else if (eg_bundle_load(path, -1, &b, &err))
		rc = eg_cli_error(cli, &err);
	else {
		rc = lookup_addresses(cli, &b, targets, n);
		eg_bundle_free(&b);
	}
	free(targets);
	return rc;
}
