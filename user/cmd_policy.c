// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard check and lookup: policy questions answered without touching the kernel. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "../bpf/decide.bpf.h"
#include "addr.h"
#include "cli.h"
#include "events.h"
#include "policy.h"
#include "ruleset.h"

static const char check_help[] =
	"Usage: exfilguard check [--policy] FILE\n"
	"\n"
	"Validates a policy file as 'run' would load it, without privileges and without\n"
	"touching the kernel: YAML syntax, keys, actions, CIDRs, and prefixes listed by two\n"
	"rules. Errors name FILE:LINE:COLUMN. Exit 0 when valid, 1 when not.\n"
	"\n"
	"Options:\n"
	"  -p, --policy FILE   the policy to check\n"
	"  -h, --help          this text\n";

static const char lookup_help[] =
	"Usage: exfilguard lookup --policy FILE ADDRESS...\n"
	"\n"
	"Shows, for each IPv4 or IPv6 address, the rule that matches it, the matched prefix\n"
	"and the verdict the kernel would give (the hooks' own decision code, compiled in).\n"
	"An IPv4-mapped IPv6 address (::ffff:a.b.c.d) gets the IPv4 address's answer.\n"
	"\n"
	"Options:\n"
	"  -p, --policy FILE   the policy to consult\n"
	"  -h, --help          this text\n";

/* Options shared by check and lookup: --policy and --help. Returns <0 after help. */
static int parse_policy_opts(struct eg_cli *cli, int argc, char **argv, const char *help,
			     const char **policy)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			*policy = optarg;
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

int eg_cmd_check(struct eg_cli *cli, int argc, char **argv)
{
	struct eg_policy policy = {0};
	struct eg_ruleset rs = {0};
	struct eg_error err = {0};
	const char *path = NULL;
	int rc = parse_policy_opts(cli, argc, argv, check_help, &path);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (!path && optind < argc)
		path = argv[optind++];
	if (!path)
		return eg_cli_usage(cli, "a policy FILE is required");
	if (optind < argc)
		return eg_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (eg_policy_load(path, &policy, &err) || eg_ruleset_build(&policy, 0, &rs, &err)) {
		eg_policy_free(&policy);
		return eg_cli_error(cli, &err);
	}
	if (cli->json) {
		json_object *obj = json_object_new_object();

		json_object_object_add(obj, "policy", json_object_new_string(path));
		json_object_object_add(obj, "valid", json_object_new_boolean(1));
		json_object_object_add(obj, "mode", json_object_new_string(eg_mode_name(policy.mode)));
		json_object_object_add(obj, "default", json_object_new_string(
								eg_action_name(policy.default_action)));
		json_object_object_add(obj, "rules", json_object_new_int64((int64_t)policy.n_rules));
		json_object_object_add(obj, "prefixes",
				       json_object_new_int64((int64_t)count_prefixes(&policy)));
		eg_cli_print_json(obj);
	} else {
		printf("%s: valid: %s mode, default %s, %zu rules, %zu prefixes\n", path,
		       eg_mode_name(policy.mode), eg_action_name(policy.default_action),
		       policy.n_rules, count_prefixes(&policy));
	}
	eg_ruleset_free(&rs);
	eg_policy_free(&policy);
	return EG_EXIT_OK;
}

static json_object *decision_json(const char *text, const struct eg_policy *p,
				  const struct eg_decision *d, const uint8_t addr[16])
{
	json_object *obj = json_object_new_object();
	char buf[EG_ADDR_STRLEN];

	json_object_object_add(obj, "address", json_object_new_string(text));
	eg_addr_format(addr, buf, sizeof(buf));
	json_object_object_add(obj, "judged_as", json_object_new_string(buf));
	json_object_object_add(obj, "verdict", json_object_new_string(eg_verdict_name(d->verdict)));
	json_object_object_add(obj, "action", json_object_new_string(eg_action_name(d->action)));
	json_object_object_add(obj, "mode", json_object_new_string(eg_mode_name(d->mode)));
	json_object_object_add(obj, "match", json_object_new_string(eg_match_name(d->match)));
	if (d->rule == EG_RULE_DEFAULT) {
		json_object_object_add(obj, "rule", NULL);
		json_object_object_add(obj, "prefix", NULL);
	} else {
		const struct eg_policy_rule *r = &p->rules[d->rule];
		json_object *rule = json_object_new_object();

		json_object_object_add(rule, "index", json_object_new_int(d->rule));
		json_object_object_add(rule, "line", json_object_new_int((int)r->line));
		json_object_object_add(rule, "text", json_object_new_string(r->text));
		json_object_object_add(obj, "rule", rule);
		eg_matched_prefix(addr, d->prefixlen, buf, sizeof(buf));
		json_object_object_add(obj, "prefix", json_object_new_string(buf));
	}
	return obj;
}

static void print_decision_text(json_object *d)
{
	json_object *rule = json_object_object_get(d, "rule");
	json_object *prefix = json_object_object_get(d, "prefix");

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
}

static int lookup_addresses(struct eg_cli *cli, const struct eg_policy *p,
			    const struct eg_ruleset *rs, int argc, char **argv)
{
	json_object *all = json_object_new_array();
	int i;

	for (i = 0; i < argc; i++) {
		struct eg_decision d;
		uint8_t addr[16], family;

		if (eg_addr_parse(argv[i], addr, &family)) {
			json_object_put(all);
			return eg_cli_usage(cli, "'%s' is not an IPv4 or IPv6 address", argv[i]);
		}
		eg_decide(&rs->hdr, eg_ruleset_lookup(rs, addr), &d);
		json_object_array_add(all, decision_json(argv[i], p, &d, addr));
	}
	if (cli->json) {
		eg_cli_print_json(all);
		return EG_EXIT_OK;
	}
	for (i = 0; i < argc; i++)
		print_decision_text(json_object_array_get_idx(all, (size_t)i));
	json_object_put(all);
	return EG_EXIT_OK;
}

int eg_cmd_lookup(struct eg_cli *cli, int argc, char **argv)
{
	struct eg_policy policy = {0};
	struct eg_ruleset rs = {0};
	struct eg_error err = {0};
	const char *path = NULL;
	int rc = parse_policy_opts(cli, argc, argv, lookup_help, &path);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (!path)
		return eg_cli_usage(cli, "--policy FILE is required");
	if (optind >= argc)
		return eg_cli_usage(cli, "give at least one ADDRESS");
	if (eg_policy_load(path, &policy, &err) || eg_ruleset_build(&policy, 0, &rs, &err)) {
		eg_policy_free(&policy);
		return eg_cli_error(cli, &err);
	}
	rc = lookup_addresses(cli, &policy, &rs, argc - optind, argv + optind);
	eg_ruleset_free(&rs);
	eg_policy_free(&policy);
	return rc;
}
