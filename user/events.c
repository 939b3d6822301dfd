// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "addr.h"
#include "cgroup.h"
#include "container.h"
#include "embed.h"
#include "events.h"
#include "hooks.h"

static const char *const verdict_names[] = {"allow", "deny", "audit"};
static const char *const match_names[] = {"cidr",      "asn",	       "provider",
					  "country",   "jurisdiction", "default",
					  "no-policy", "stale-data",   "raw-socket"};

const char *eg_verdict_name(unsigned verdict)
{
	return verdict < EG_VERDICT_COUNT ? verdict_names[verdict] : "unknown";
}

const char *eg_match_name(unsigned match)
{
	return match < sizeof(match_names) / sizeof(match_names[0]) ? match_names[match]
								    : "unknown";
}

const char *eg_proto_name(unsigned proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		snprintf(buf, len, "%u", proto);
		return buf;
	}
}

void eg_format_time(int64_t unix_ns, char *buf, size_t len)
{
	time_t secs = (time_t)(unix_ns / 1000000000);
	struct tm tm;
	char date[32];

	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lldZ", date, (long long)(unix_ns % 1000000000));
}

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void eg_event_ctx_init(struct eg_event_ctx *ctx, enum eg_format format, int out_fd,
		       const char *cgroup_mount)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->format = format;
	ctx->out_fd = out_fd;
	snprintf(ctx->cgroup_mount, sizeof(ctx->cgroup_mount), "%s", cgroup_mount);
	ctx->boot_to_real_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	ctx->slots[0].id = ctx->slots[1].id = UINT32_MAX;
}

void eg_event_ctx_set_policy(struct eg_event_ctx *ctx, uint32_t id, const struct eg_policy *policy)
{
	ctx->slots[1] = ctx->slots[0];
	ctx->slots[0].id = id;
	ctx->slots[0].policy = policy;
}

/* The scope whose rules judged the event, or NULL for the node-wide policy. */
static const struct eg_policy_scope *event_scope(const struct eg_event_ctx *ctx,
						 const struct eg_event *ev)
{
	/* Slot 2 + i is scope i (bundle.h); slots 0 and 1 are the node's. */
	if (!EG_SLOT_IS_SCOPE(ev->policy) || EG_SLOT_SCOPE_INDEX(ev->policy) >= ctx->n_scopes)
		return NULL;
	return &ctx->scopes[EG_SLOT_SCOPE_INDEX(ev->policy)];
}

static const struct eg_policy_rule *event_rule(const struct eg_event_ctx *ctx,
					       const struct eg_event *ev)
{
	const struct eg_policy_scope *scope = event_scope(ctx, ev);
	int i;

	if (ev->rule == EG_RULE_DEFAULT)
		return NULL;
	if (scope)
		return ev->rule < scope->body.n_rules ? &scope->body.rules[ev->rule] : NULL;
	for (i = 0; i < EG_POLICY_SLOTS; i++) {
		const struct eg_policy *p = ctx->slots[i].policy;

		if (p && ctx->slots[i].id == ev->policy && ev->rule < p->n_rules)
			return &p->rules[ev->rule];
	}
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

void eg_matched_prefix(const uint8_t addr[16], uint8_t plen, char *buf, size_t len)
{
	struct eg_cidr cidr = {.plen = plen};
	int v4 = eg_addr_is_v4mapped(addr);
	unsigned i;

	cidr.family = v4 ? AF_INET : AF_INET6;
	memcpy(cidr.addr, addr, 16);
	for (i = v4 ? 96u + plen : plen; i < 128; i++)
		cidr.addr[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	eg_cidr_format(&cidr, buf, len);
}

static json_object *rule_json(struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	const struct eg_policy_rule *rule = event_rule(ctx, ev);
	json_object *obj = json_object_new_object();

	if (ev->rule == EG_RULE_DEFAULT) {
		json_object_object_add(obj, "index", NULL);
		json_object_object_add(obj, "text", json_object_new_string("default"));
	} else {
		json_object_object_add(obj, "index", json_object_new_int(ev->rule));
		if (rule) {
			json_object_object_add(
				obj, "action",
				json_object_new_string(eg_action_name(rule->action)));
			json_object_object_add(obj, "text", json_object_new_string(rule->text));
			json_object_object_add(obj, "line", json_object_new_int((int)rule->line));
			if (rule->name)
				json_object_object_add(obj, "name",
						       json_object_new_string(rule->name));
		}
	}
	return obj;
}

static void add_str(json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, val ? json_object_new_string(val) : NULL);
}

/* The sender's cgroup, and the container and pod its path names (null when none). */
static void add_cgroup(json_object *obj, const char *path)
{
	struct eg_container_info ci;

	eg_container_from_cgroup(path, &ci);
	add_str(obj, "cgroup", path);
	add_str(obj, "container_id", ci.container_id[0] ? ci.container_id : NULL);
	add_str(obj, "pod_uid", ci.pod_uid[0] ? ci.pod_uid : NULL);
	add_str(obj, "runtime", ci.runtime[0] ? ci.runtime : NULL);
}

static void cc_text(uint16_t cc, char out[3])
{
	out[0] = cc ? (char)(cc >> 8) : '\0';
	out[1] = cc ? (char)(cc & 0xff) : '\0';
	out[2] = '\0';
}

void eg_class_describe(const struct eg_class *cls, const struct eg_catalog *cat,
		       const struct eg_dataset *asn_data, struct eg_class_names *out)
{
	memset(out, 0, sizeof(*out));
	if (!cls)
		return;
	cc_text(cls->country, out->country);
	cc_text(cls->jurisdiction, out->jurisdiction);
	out->asn = cls->asn;
	if (cls->asn && asn_data)
		out->as_org = eg_dataset_asn_name(asn_data, cls->asn);
	if (cls->provider && cat && cls->provider <= cat->n_providers) {
		out->provider = cat->providers[cls->provider - 1].id;
		out->provider_name = cat->providers[cls->provider - 1].name;
	}
}

void eg_class_names_to_json(const struct eg_class_names *n, json_object *obj)
{
	add_str(obj, "country", n->country[0] ? n->country : NULL);
	json_object_object_add(obj, "asn", n->asn ? json_object_new_int64(n->asn) : NULL);
	add_str(obj, "as_org", n->as_org);
	add_str(obj, "provider", n->provider);
	add_str(obj, "jurisdiction", n->jurisdiction[0] ? n->jurisdiction : NULL);
}

/* The event's class, if the classification it was judged with is still the one here. */
static const struct eg_class *event_class(const struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	if (!ctx->world || !ev->class_id)
		return NULL;
	return eg_world_class(ctx->world, ev->class_id);
}

/* Hook "forward": the workload's address and the interface its packet came in on. */
static void add_forward_source(json_object *obj, const struct eg_event *ev)
{
	char addr[EG_ADDR_STRLEN], ifname[IF_NAMESIZE];

	if (ev->hook != EG_HOOK_FORWARD)
		return;
	eg_addr_format(ev->saddr, addr, sizeof(addr));
	add_str(obj, "saddr", addr);
	json_object_object_add(obj, "in_ifindex", json_object_new_int64(ev->in_ifindex));
	add_str(obj, "in_interface", if_indextoname(ev->in_ifindex, ifname));
}

json_object *eg_event_to_json(struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	json_object *obj = json_object_new_object();
	char buf[EG_ADDR_STRLEN], proto[16];
	struct eg_class_names names;
	uint8_t decided[16];

	eg_event_decided_addr(ev, decided);
	eg_format_time((int64_t)ev->ts_boot_ns + ctx->boot_to_real_ns, buf, sizeof(buf));
	add_str(obj, "time", buf);
	add_str(obj, "event", "verdict");
	add_str(obj, "verdict", eg_verdict_name(ev->verdict));
	add_str(obj, "mode", eg_mode_name(ev->mode));
	add_str(obj, "hook", eg_hook_name(ev->hook));
	add_str(obj, "proto", eg_proto_name(ev->proto, proto, sizeof(proto)));
	add_str(obj, "family", ev->family == AF_INET ? "ipv4" : "ipv6");
	eg_addr_format(ev->daddr, buf, sizeof(buf));
	add_str(obj, "daddr", buf);
	eg_embed_to_json(obj, ev->embed, ev->daddr_v4, ev->flags & EG_EVF_BY_V4);
	json_object_object_add(obj, "dport", json_object_new_int(ev->dport));
	add_str(obj, "context",
		ev->flags & EG_EVF_KERNEL    ? "kernel"
		: ev->flags & EG_EVF_FOREIGN ? "foreign"
					     : "task");
	json_object_object_add(obj, "pid", json_object_new_int64(ev->pid));
	json_object_object_add(obj, "tid", json_object_new_int64(ev->tid));
	json_object_object_add(obj, "uid", json_object_new_int64(ev->uid));
	add_str(obj, "comm", ev->comm[0] ? ev->comm : NULL);
	json_object_object_add(obj, "cgroup_id", json_object_new_uint64(ev->cgroup_id));
	add_cgroup(obj, cgroup_path(ctx, ev->cgroup_id));
	add_str(obj, "scope", event_scope(ctx, ev) ? event_scope(ctx, ev)->name : NULL);
	add_str(obj, "match", eg_match_name(ev->match));
	json_object_object_add(obj, "rule", rule_json(ctx, ev));
	eg_class_describe(event_class(ctx, ev), ctx->catalog, ctx->asn_data, &names);
	eg_class_names_to_json(&names, obj);
	/* The prefix that decided: the rule's CIDR, else the classification's prefix. */
	if (ev->match == EG_MATCH_CIDR) {
		eg_matched_prefix(decided, ev->prefixlen, buf, sizeof(buf));
		add_str(obj, "prefix", buf);
	} else if (ctx->world) {
		eg_world_prefix(ctx->world, decided, buf, sizeof(buf));
		add_str(obj, "prefix", buf);
	} else {
		add_str(obj, "prefix", NULL);
	}
	add_str(obj, "dataset", ctx->world ? ctx->world->dataset : NULL);
	if (ev->hook == EG_HOOK_EGRESS)
		json_object_object_add(obj, "bytes", json_object_new_int64(ev->bytes));
	add_forward_source(obj, ev);
	if (ctx->backlog)
		json_object_object_add(obj, "backlog", json_object_new_boolean(1));
	return obj;
}

void eg_event_to_text(struct eg_event_ctx *ctx, const struct eg_event *ev, char *buf, size_t len)
{
	const struct eg_policy_rule *rule = event_rule(ctx, ev);
	char when[48], addr[EG_ADDR_STRLEN], proto[16], prefix[EG_ADDR_STRLEN] = "-", desc[512];
	char via[EG_ADDR_STRLEN + 24] = "";
	const char *cg = cgroup_path(ctx, ev->cgroup_id);
	struct eg_class_names names;
	int v6 = !eg_addr_is_v4mapped(ev->daddr);
	uint8_t decided[16];

	eg_event_decided_addr(ev, decided);
	eg_format_time((int64_t)ev->ts_boot_ns + ctx->boot_to_real_ns, when, sizeof(when));
	eg_addr_format(ev->daddr, addr, sizeof(addr));
	if (ev->embed)
		snprintf(via, sizeof(via), " %s=%u.%u.%u.%u", eg_embed_name(ev->embed),
			 ev->daddr_v4[0], ev->daddr_v4[1], ev->daddr_v4[2], ev->daddr_v4[3]);
	if (ev->match == EG_MATCH_CIDR)
		eg_matched_prefix(decided, ev->prefixlen, prefix, sizeof(prefix));
	else if (ctx->world)
		eg_world_prefix(ctx->world, decided, prefix, sizeof(prefix));
	if (ev->rule == EG_RULE_DEFAULT)
		snprintf(desc, sizeof(desc), "default");
	else
		snprintf(desc, sizeof(desc), "#%u%s%s", ev->rule, rule ? " " : "",
			 rule ? rule->text : "");
	eg_class_describe(event_class(ctx, ev), ctx->catalog, ctx->asn_data, &names);
	snprintf(buf, len,
		 "%s %s %s %s %s%s%s:%u%s pid=%u%s comm=%s uid=%u cgroup=%s prefix=%s rule=%s "
		 "country=%s asn=%u provider=%s jurisdiction=%s%s\n",
		 when, eg_verdict_name(ev->verdict), eg_hook_name(ev->hook),
		 eg_proto_name(ev->proto, proto, sizeof(proto)), v6 ? "[" : "", addr, v6 ? "]" : "",
		 ev->dport, via, ev->pid,
		 ev->flags & EG_EVF_KERNEL    ? " context=kernel"
		 : ev->flags & EG_EVF_FOREIGN ? " context=foreign"
					      : "",
		 ev->comm[0] ? ev->comm : "-", ev->uid, cg ? cg : "?", prefix, desc,
		 names.country[0] ? names.country : "-", names.asn,
		 names.provider ? names.provider : "-",
		 names.jurisdiction[0] ? names.jurisdiction : "-", ctx->backlog ? " backlog" : "");
}

/* Once the daemon stops, is the sink one that has taken nothing for a second? */
static int sink_given_up(struct eg_event_ctx *ctx)
{
	struct pollfd p = {.fd = ctx->out_fd, .events = POLLOUT};

	if (!ctx->sink_stalled && ctx->stopping && *ctx->stopping && poll(&p, 1, 1000) == 0)
		ctx->sink_stalled = 1;
	return ctx->sink_stalled;
}

/* One whole line (a line up to PIPE_BUF goes in one write, never interleaved), or -1. */
static int write_line(struct eg_event_ctx *ctx, const char *line, size_t len)
{
	while (len) {
		ssize_t n;

		if (sink_given_up(ctx))
			break;
		n = write(ctx->out_fd, line, len);
		if (n < 0 && errno == EINTR)
			continue; /* a stop signal: sink_given_up() decides */
		if (n <= 0)
			break;
		line += n;
		len -= (size_t)n;
	}
	if (!len)
		return 0;
	ctx->unwritten++;
	return -1;
}

static int emit_json(struct eg_event_ctx *ctx, json_object *obj)
{
	size_t len;
	const char *s = json_object_to_json_string_length(
		obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	char *line = malloc(len + 1);
	int rc = -1;

	/* However long (a rule naming many CIDRs), the line stays whole JSON. */
	if (line) {
		memcpy(line, s, len);
		line[len] = '\n';
		rc = write_line(ctx, line, len + 1);
		free(line);
	} else {
		ctx->unwritten++;
	}
	json_object_put(obj);
	return rc;
}

int eg_event_emit(struct eg_event_ctx *ctx, const struct eg_event *ev)
{
	char line[4096];
	size_t len;

	if (ctx->format == EG_FORMAT_JSON)
		return emit_json(ctx, eg_event_to_json(ctx, ev));
	eg_event_to_text(ctx, ev, line, sizeof(line));
	len = strlen(line);
	if (len && line[len - 1] != '\n')
		line[len - 1] = '\n'; /* cut short: still one line */
	return write_line(ctx, line, len);
}

int eg_event_emit_lost(struct eg_event_ctx *ctx, uint64_t count, uint64_t total)
{
	char when[48], line[256];
	json_object *obj;

	eg_format_time(clock_ns(CLOCK_REALTIME), when, sizeof(when));
	if (ctx->format == EG_FORMAT_TEXT) {
		snprintf(line, sizeof(line),
			 "%s lost %llu events (ring buffer full; %llu lost since start)\n", when,
			 (unsigned long long)count, (unsigned long long)total);
		return write_line(ctx, line, strlen(line));
	}
	obj = json_object_new_object();
	add_str(obj, "time", when);
	add_str(obj, "event", "lost");
	json_object_object_add(obj, "count", json_object_new_uint64(count));
	json_object_object_add(obj, "total", json_object_new_uint64(total));
	return emit_json(ctx, obj);
}
