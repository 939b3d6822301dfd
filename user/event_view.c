// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "cgroup.h"
#include "embed.h"
#include "event_escape.h"
#include "event_view.h"

static const char *const field_names[EG_VIEW_FIELDS] = {
	"comm",	    "cgroup",  "scope", "rule.text",   "rule.name", "as_org",
	"provider", "dataset", "exe",	"parent_comm", "user",
};

const char *eg_view_field_name(enum eg_view_field f)
{
	return field_names[f];
}

/* The scope whose rules judged the event, or NULL for the node-wide policy. */
static const struct eg_policy_scope *event_scope(const struct eg_event_ctx *ctx,
						 const struct eg_event *ev)
{
	if (!EG_SLOT_IS_SCOPE(ev->policy) || EG_SLOT_SCOPE_INDEX(ev->policy) >= ctx->n_scopes)
		return NULL;
	return &ctx->scopes[EG_SLOT_SCOPE_INDEX(ev->policy)];
}

static const struct eg_policy_rule *event_rule(const struct eg_event_ctx *ctx,
					       const struct eg_event *ev)
{
	const struct eg_policy_scope *scope = event_scope(ctx, ev);
	const struct eg_policy *p = ctx->policy;

	if (ev->rule == EG_RULE_DEFAULT)
		return NULL;
	if (scope)
		return ev->rule < scope->body.n_rules ? &scope->body.rules[ev->rule] : NULL;
	if (p && ev->policy == EG_SLOT_NODE && ev->rule < p->n_rules)
		return &p->rules[ev->rule];
	return NULL;
}

/* Cgroup path by id, cached: ids are never reused while the system runs. */
static const char *cgroup_path(struct eg_event_ctx *ctx, uint64_t id)
{
	struct eg_cgroup_cache_entry *slot = &ctx->cgroups[id % EG_CGROUP_CACHE];

	if (slot->id == id && slot->path[0])
		return slot->path;
	if (eg_cgroup_path_of(ctx->cgroup_mount, id, slot->path, sizeof(slot->path)))
		return NULL; /* gone already: not cached, the id is reported alone */
	slot->id = id;
	return slot->path;
}

/* The event's class, if the classification it was judged with is still the one here. */
static const struct eg_class *event_class(const struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	if (!ctx->world || !ev->class_id)
		return NULL;
	return eg_world_class(ctx->world, ev->class_id);
}

/* s as it may go into the view: itself when well-formed UTF-8, else an escaped copy. */
static const char *clean(struct eg_event_view *v, enum eg_view_field f, const char *s)
{
	if (!s || eg_utf8_valid(s, strlen(s)))
		return s;
	v->escaped |= 1u << f;
	v->owned[f] = eg_utf8_escape(s, strlen(s));
	return v->owned[f] ? v->owned[f] : "\\x??"; /* out of memory: still valid, still marked */
}

static void resolve_rule(struct eg_event_ctx *ctx, struct eg_event_view *v)
{
	const struct eg_policy_rule *rule = event_rule(ctx, v->ev);

	v->rule.is_default = v->ev->rule == EG_RULE_DEFAULT;
	if (!rule)
		return;
	v->rule.action = eg_action_name(rule->action);
	v->rule.text = clean(v, EG_VIEW_RULE_TEXT, rule->text);
	v->rule.name = clean(v, EG_VIEW_RULE_NAME, rule->name);
	v->rule.line = rule->line;
}

static void resolve_sender(struct eg_event_ctx *ctx, struct eg_event_view *v)
{
	const char *cgroup = cgroup_path(ctx, v->ev->cgroup_id);
	const struct eg_policy_scope *scope = event_scope(ctx, v->ev);

	memcpy(v->comm_buf, v->ev->comm, EG_COMM_LEN);
	v->comm = v->comm_buf[0] ? clean(v, EG_VIEW_COMM, v->comm_buf) : NULL;
	eg_container_from_cgroup(cgroup, &v->container);
	v->cgroup = clean(v, EG_VIEW_CGROUP, cgroup);
	v->scope = scope ? clean(v, EG_VIEW_SCOPE, scope->name) : NULL;
	eg_user_name(v->ev->uid, v->user_buf);
	v->user = v->user_buf[0] ? clean(v, EG_VIEW_USER, v->user_buf) : NULL;
}

/* Executable and parent, while the sender runs; never for the backlog (long gone, pids reused). */
static void resolve_process(const struct eg_event_ctx *ctx, struct eg_event_view *v)
{
	if (ctx->backlog || eg_proc_describe(v->ev->pid, v->ev->tid, v->comm_buf, &v->proc))
		return;
	v->exe = v->proc.exe[0] ? clean(v, EG_VIEW_EXE, v->proc.exe) : NULL;
	v->ppid = v->proc.ppid;
	v->parent_comm =
		v->proc.parent_comm[0] ? clean(v, EG_VIEW_PARENT_COMM, v->proc.parent_comm) : NULL;
}

static void resolve_destination(struct eg_event_ctx *ctx, struct eg_event_view *v)
{
	const struct eg_event *ev = v->ev;

	uint8_t decided[16];

	eg_event_decided_addr(ev, decided);
	eg_addr_format(ev->daddr, v->daddr, sizeof(v->daddr));
	v->daddr_v6 = !eg_addr_is_v4mapped(ev->daddr);
	if (ev->embed)
		snprintf(v->via, sizeof(v->via), " %s=%u.%u.%u.%u", eg_embed_name(ev->embed),
			 ev->daddr_v4[0], ev->daddr_v4[1], ev->daddr_v4[2], ev->daddr_v4[3]);
	eg_class_describe(event_class(ctx, ev), ctx->catalog, ctx->asn_data, &v->names);
	v->names.as_org = clean(v, EG_VIEW_AS_ORG, v->names.as_org);
	v->names.provider = clean(v, EG_VIEW_PROVIDER, v->names.provider);
	/* The prefix that decided: the rule's CIDR, else the classification's prefix. */
	if (ev->match == EG_MATCH_CIDR)
		eg_matched_prefix(decided, ev->prefixlen, v->prefix_buf, sizeof(v->prefix_buf));
	else if (ctx->world)
		eg_world_prefix(ctx->world, decided, v->prefix_buf, sizeof(v->prefix_buf));
	v->prefix = v->prefix_buf[0] ? v->prefix_buf : NULL;
	v->dataset = clean(v, EG_VIEW_DATASET, ctx->world ? ctx->world->dataset : NULL);
}

void eg_event_view_resolve(struct eg_event_ctx *ctx, const struct eg_event *ev,
			   struct eg_event_view *v)
{
	memset(v, 0, sizeof(*v));
	v->ev = ev;
	eg_format_time((int64_t)ev->ts_boot_ns + ctx->boot_to_real_ns, v->time, sizeof(v->time));
	v->verdict = eg_verdict_name(ev->verdict);
	v->mode = eg_mode_name(ev->mode);
	v->hook = eg_hook_name(ev->hook);
	v->proto = eg_proto_name(ev->proto, v->proto_buf, sizeof(v->proto_buf));
	v->family = ev->family == AF_INET ? "ipv4" : "ipv6";
	v->match = eg_match_name(ev->match);
	v->backlog = ctx->backlog;
	v->context = ev->flags & EG_EVF_KERNEL	  ? "kernel"
		     : ev->flags & EG_EVF_FOREIGN ? "foreign"
						  : "task";
	if (ev->hook == EG_HOOK_FORWARD) {
		eg_addr_format(ev->saddr, v->saddr, sizeof(v->saddr));
		if (!if_indextoname(ev->in_ifindex, v->in_interface))
			v->in_interface[0] = '\0';
	}
	resolve_sender(ctx, v);
	resolve_process(ctx, v);
	resolve_rule(ctx, v);
	resolve_destination(ctx, v);
}

void eg_event_view_free(struct eg_event_view *v)
{
	int f;

	for (f = 0; f < EG_VIEW_FIELDS; f++)
		free(v->owned[f]);
	memset(v->owned, 0, sizeof(v->owned));
}
