// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exfilguard lookup: the verdict the kernel would give, from the hooks' own
 * decision code over the policy's tables, for the node or for one scope
 * (named, or the one a cgroup is in).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <json-c/json.h>
#include "addr.h"
#include "bundle.h"
#include "cgroup.h"
#include "cli.h"
#include "embed.h"
#include "events.h"
#include "dtable.h"
#include "judge.h"
#include "lookup_targets.h"
#include "scopes.h"
#include "suggest.h"

static const char lookup_help[] =
	"Usage: exfilguard lookup --policy FILE [--scope NAME | --cgroup PATH] ADDRESS|HOST...\n"
	"       exfilguard lookup --live ADDRESS|HOST...\n"
	"\n"
	"Shows, for each IPv4 or IPv6 address (a host name: each address it resolves to\n"
	"here, through getaddrinfo), its classification (country, AS number and\n"
	"organisation, provider, jurisdiction) from the policy's data, the rule that\n"
	"matches it (numbered from 1, as in events), the matched prefix and the verdict the\n"
	"kernel would give: the hooks' own decision code reading the same compiled decision\n"
	"tables the kernel is given, the self-test rule included (0.0.0.1 is always denied). An\n"
	"IPv4-mapped IPv6 address (::ffff:a.b.c.d) gets the IPv4 address's answer.\n"
	"Unknown values are 'unknown' in text and null in JSON.\n"
	"\n"
	"Options:\n"
	"  -p, --policy FILE   the policy to consult\n"
	"  -s, --scope NAME    judge under that scope's rules, not the node-wide ones\n"
	"  -c, --cgroup PATH   judge under the rules of the scope this cgroup is in, as the\n"
	"                      daemon would assign it (absolute, or below the cgroup v2 mount)\n"
	"      --live          ask the running guard instead (its pinned maps): the name the\n"
	"                      workloads last resolved for the address, when, and the guard's\n"
	"                      verdict counters; no policy file needed\n"
	"  -h, --help          this text\n";

struct lookup_opts {
	const char *policy, *scope, *cgroup;
	int live;
};

/* The rules an address is judged under: the node's, or a scope's. */
struct lookup_view {
	const struct eg_ruleset *rs;
	const struct eg_policy *rules; /* whose rules[] the rule indexes name */
	const char *scope;	       /* NULL: the node-wide policy */
	uint32_t slot;		       /* its policy slot: whose decision table is read */
};

static int parse_lookup_opts(struct eg_cli *cli, int argc, char **argv, struct lookup_opts *o)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'}, {"scope", required_argument, NULL, 's'},
		{"cgroup", required_argument, NULL, 'c'}, {"live", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},	  {0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:s:c:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(lookup_help, stdout);
			return -1;
		}
		if (c == 'L') {
			o->live = 1;
			continue;
		}
		if (c != 'p' && c != 's' && c != 'c')
			return eg_cli_usage(cli, "unknown option");
		*(c == 'p' ? &o->policy : c == 's' ? &o->scope : &o->cgroup) = optarg;
	}
	if (!o->policy && !o->live)
		return eg_cli_usage(cli, "--policy FILE (or --live) is required");
	if (o->scope && o->cgroup)
		return eg_cli_usage(cli, "give --scope or --cgroup, not both");
	if (optind >= argc)
		return eg_cli_usage(cli, "give at least one ADDRESS or HOST");
	return 0;
}

static void view_of_scope(const struct eg_bundle *b, size_t i, struct lookup_view *v)
{
	v->rs = &b->scope_rules[i];
	v->rules = &b->policy.scopes[i].body;
	v->scope = b->policy.scopes[i].name;
	v->slot = EG_SLOT_SCOPE(i);
}

static int view_by_name(const struct eg_bundle *b, const char *name, struct lookup_view *v,
			struct eg_error *err)
{
	const struct eg_policy *p = &b->policy;
	char hint[96];

	for (size_t i = 0; i < p->n_scopes; i++) {
		if (strcmp(p->scopes[i].name, name) == 0) {
			view_of_scope(b, i, v);
			return 0;
		}
	}
	return eg_fail(err, ENOENT, "%s: no scope named '%s'%s", b->policy.path, name,
		       eg_suggest_hint(eg_suggest(name, &p->scopes[0].name, p->n_scopes,
						  sizeof(p->scopes[0])),
				       hint, sizeof(hint)));
}

/*
 * The scope the hooks would find for a socket of the cgroup at dir: that of
 * its nearest ancestor (itself included) the daemon assigns one, looked for
 * on levels 1 to EG_MAX_CGROUP_DEPTH - 1 as bpf/judge.bpf.h does.
 */
static void view_by_cgroup(const struct eg_bundle *b, const char *mount, const char *rel,
			   struct lookup_view *v)
{
	char path[PATH_MAX], dir[2 * PATH_MAX];
	int level, delegated = 0;
	struct stat st;

	for (level = 1; level < EG_MAX_CGROUP_DEPTH && level <= eg_cgroup_level(rel); level++) {
		const char *end = rel;
		int scope;

		for (int i = 0; i < level && end; i++)
			end = strchr(end + 1, '/');
		snprintf(path, sizeof(path), "%.*s", end ? (int)(end - rel) : (int)strlen(rel),
			 rel);
		/* A directory a user could write to makes everything below it delegated. */
		snprintf(dir, sizeof(dir), "%s%.*s", mount, (int)(strrchr(path, '/') - path), path);
		delegated |= stat(dir, &st) == 0 && level > 1 && eg_dir_untrusted(&st);
		scope = eg_scope_of(&b->policy, path, delegated || eg_cgroup_path_delegated(path));
		if (scope >= 0)
			view_of_scope(b, (size_t)scope, v);
	}
}

static int choose_view(const struct eg_bundle *b, const struct lookup_opts *o,
		       struct lookup_view *v, struct eg_error *err)
{
	char mount[PATH_MAX], dir[PATH_MAX], rel[PATH_MAX];

	*v = (struct lookup_view){.rs = &b->rules, .rules = &b->policy, .slot = EG_SLOT_NODE};
	if (o->scope)
		return view_by_name(b, o->scope, v, err);
	if (!o->cgroup)
		return 0;
	if (eg_cgroup2_mount(mount, err) || eg_cgroup_resolve(mount, o->cgroup, dir, rel, err))
		return -1;
	view_by_cgroup(b, mount, rel, v);
	return 0;
}

static json_object *rule_json(const struct lookup_view *v, const struct eg_decision *d)
{
	json_object *rule = json_object_new_object();

	if (d->rule == EG_RULE_CANARY) {
		json_object_object_add(rule, "index", NULL);
		json_object_object_add(rule, "number", NULL);
		json_object_object_add(rule, "line", NULL);
		json_object_object_add(rule, "text", json_object_new_string("deny 0.0.0.1/32"));
		json_object_object_add(rule, "self_test", json_object_new_boolean(1));
		return rule;
	}
	/* index from 0 as the kernel has it; number from 1 as people count (check, events). */
	json_object_object_add(rule, "index", json_object_new_int(d->rule));
	json_object_object_add(rule, "number", json_object_new_int(d->rule + 1));
	json_object_object_add(rule, "line",
			       json_object_new_int((int)v->rules->rules[d->rule].line));
	json_object_object_add(rule, "text", json_object_new_string(v->rules->rules[d->rule].text));
	json_object_object_add(rule, "self_test", json_object_new_boolean(0));
	return rule;
}

static void add_classification(json_object *obj, const struct eg_bundle *b, const uint8_t addr[16])
{
	struct eg_class_names names;
	char buf[EG_ADDR_STRLEN];

	eg_class_describe(eg_world_class(&b->world, eg_world_classify(&b->world, addr)),
			  &b->catalog, b->have_asn ? &b->asn : NULL, &names);
	eg_class_names_to_json(&names, obj);
	json_object_object_add(obj, "provider_name",
			       names.provider_name ? json_object_new_string(names.provider_name)
						   : NULL);
	eg_world_prefix(&b->world, addr, buf, sizeof(buf));
	json_object_object_add(obj, "class_prefix", json_object_new_string(buf));
	json_object_object_add(obj, "dataset", json_object_new_string(b->world.dataset));
	json_object_object_add(obj, "data_age", eg_bundle_age_json(b, (uint64_t)time(NULL)));
}

static json_object *decision_json(const char *text, const struct eg_bundle *b,
				  const struct lookup_view *v, const struct eg_decision *d,
				  const uint8_t addr[16])
{
	json_object *obj = json_object_new_object();
	char buf[EG_ADDR_STRLEN];

	json_object_object_add(obj, "address", json_object_new_string(text));
	eg_addr_format(addr, buf, sizeof(buf));
	json_object_object_add(obj, "judged_as", json_object_new_string(buf));
	json_object_object_add(obj, "scope", v->scope ? json_object_new_string(v->scope) : NULL);
	json_object_object_add(obj, "verdict", json_object_new_string(eg_verdict_name(d->verdict)));
	json_object_object_add(obj, "action", json_object_new_string(eg_action_name(d->action)));
	json_object_object_add(obj, "mode", json_object_new_string(eg_mode_name(d->mode)));
	json_object_object_add(obj, "match", json_object_new_string(eg_match_name(d->match)));
	if (b->have_world)
		add_classification(obj, b, addr);
	if (d->rule == EG_RULE_DEFAULT) {
		json_object_object_add(obj, "rule", NULL);
		json_object_object_add(obj, "prefix", NULL);
		return obj;
	}
	json_object_object_add(obj, "rule", rule_json(v, d));
	if (d->match == EG_MATCH_CIDR)
		eg_matched_prefix(addr, d->prefixlen, buf, sizeof(buf));
	else
		eg_world_prefix(&b->world, addr, buf, sizeof(buf));
	json_object_object_add(obj, "prefix", json_object_new_string(buf));
	return obj;
}

#define GET(obj, key) json_object_object_get(obj, key)

/* A JSON string member, or "unknown" for null: one spelling of the unknown in text. */
static const char *or_unknown(json_object *obj, const char *key)
{
	return json_object_get_string(GET(obj, key)) ?: "unknown";
}

static void print_rule_text(json_object *d)
{
	json_object *rule = GET(d, "rule");

	if (!rule)
		printf("default (no rule matches)");
	else if (json_object_get_boolean(GET(rule, "self_test")))
		printf("self-test rule \"%s\" (denied in any mode), prefix: %s",
		       json_object_get_string(GET(rule, "text")), or_unknown(d, "prefix"));
	else
		printf("rule #%d (line %d) \"%s\", prefix: %s",
		       json_object_get_int(GET(rule, "number")),
		       json_object_get_int(GET(rule, "line")),
		       json_object_get_string(GET(rule, "text")), or_unknown(d, "prefix"));
	if (GET(d, "scope"))
		printf(", scope: %s", json_object_get_string(GET(d, "scope")));
	printf("\n");
}

static void print_decision_text(json_object *d)
{
	const char *source = json_object_get_string(GET(d, "jurisdiction_source"));
	json_object *asn = GET(d, "asn");
	const char *org = json_object_get_string(GET(d, "as_org"));

	printf("%-28s %-6s ", or_unknown(d, "address"), or_unknown(d, "verdict"));
	print_rule_text(d);
	if (!json_object_object_get_ex(d, "dataset", NULL))
		return;
	/* "CN (provider's)": whose jurisdiction it is, as the event says it. */
	printf("%-28s        country: %s, AS: %s%s%s%s, provider: %s, jurisdiction: %s%s%s%s, "
	       "range: %s\n",
	       "", or_unknown(d, "country"), asn ? "AS" : "unknown",
	       asn ? json_object_get_string(asn) : "", org ? " " : "", org ? org : "",
	       or_unknown(d, "provider"), or_unknown(d, "jurisdiction"), source ? " (" : "",
	       source ? source : "", source ? "'s)" : "", or_unknown(d, "class_prefix"));
}

static void print_age(const struct eg_bundle *b)
{
	char age[1024];

	eg_bundle_describe_age(b, (uint64_t)time(NULL), age, sizeof(age));
	printf("%s\n", age);
}

static json_object *judge_one(const struct eg_lookup_target *target, const struct eg_bundle *b,
			      const struct lookup_view *v, const struct eg_dtset *dt)
{
	uint64_t stale_after = eg_bundle_stale_after(b);
	struct eg_nat64_prefix nat64[EG_MAX_NAT64_PREFIXES];
	struct eg_tables t = {.world = b->have_world ? &b->world : NULL,
			      .rs = v->rs,
			      .fail_closed = b->policy.fail_closed,
			      .stale = stale_after && stale_after <= (uint64_t)time(NULL),
			      .nat64 = nat64,
			      .dt = dt,
			      .slot = v->slot};
	struct eg_decision d;
	uint8_t decided[16];
	uint32_t class_id;
	json_object *obj;

	eg_nat64_table(b->policy.nat64, b->policy.n_nat64, nat64);
	eg_judge_user(&t, target->addr, &d, &class_id);
	eg_decided_addr(target->addr, &d, decided);
	obj = decision_json(target->text, b, v, &d, decided);
	json_object_object_add(obj, "name",
			       target->name ? json_object_new_string(target->name) : NULL);
	eg_embed_to_json(obj, d.embed, d.v4, d.by_v4);
	return obj;
}

static int lookup_addresses(struct eg_cli *cli, const struct eg_bundle *b,
			    const struct lookup_view *v, const struct eg_lookup_target *targets,
			    size_t n)
{
	struct eg_error err = {0};
	struct eg_dtset dt;
	json_object *all;
	size_t i;

	/* The tables the kernel would be given for this policy: the answer is read from them. */
	if (eg_dtset_build(&dt, b, EG_SLOT_NODE, &err))
		return eg_cli_error(cli, &err);
	all = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(all, judge_one(&targets[i], b, v, &dt));
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

static int lookup_in_policy(struct eg_cli *cli, const struct lookup_opts *o,
			    const struct eg_lookup_target *targets, size_t n)
{
	struct eg_error err = {0};
	struct lookup_view v;
	struct eg_bundle b;
	int rc;

	if (eg_bundle_load(o->policy, -1, &b, &err))
		return eg_cli_error(cli, &err);
	if (choose_view(&b, o, &v, &err))
		rc = eg_cli_error(cli, &err);
	else
		rc = lookup_addresses(cli, &b, &v, targets, n);
	eg_bundle_free(&b);
	return rc;
}

int eg_cmd_lookup(struct eg_cli *cli, int argc, char **argv)
{
	struct lookup_opts o = {0};
	struct eg_error err = {0};
	struct eg_lookup_target *targets;
	size_t n;
	int rc = parse_lookup_opts(cli, argc, argv, &o);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	rc = eg_lookup_targets(argc - optind, argv + optind, &targets, &n, &err);
	if (rc)
		return rc == -2 ? eg_cli_usage(cli, "%s", err.msg) : eg_cli_error(cli, &err);
	rc = o.live ? eg_lookup_live(cli, targets, n) : lookup_in_policy(cli, &o, targets, n);
	free(targets);
	return rc;
}
