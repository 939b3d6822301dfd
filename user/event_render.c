// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The JSON and text lines of an event view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "embed.h"
#include "event_escape.h"
#include "event_view.h"

static void add_str(json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, val ? json_object_new_string(val) : NULL);
}

static json_object *rule_json(const struct eg_event_view *v)
{
	json_object *obj = json_object_new_object();

	if (v->rule.is_default) {
		json_object_object_add(obj, "index", NULL);
		json_object_object_add(obj, "number", NULL);
		add_str(obj, "text", "default");
		return obj;
	}
	/* index from 0 as the kernel has it; number from 1 as check, lookup and text say it. */
	json_object_object_add(obj, "index", json_object_new_int(v->ev->rule));
	json_object_object_add(obj, "number", json_object_new_int(v->ev->rule + 1));
	if (v->rule.action) {
		add_str(obj, "action", v->rule.action);
		add_str(obj, "text", v->rule.text);
		json_object_object_add(obj, "line", json_object_new_int((int)v->rule.line));
		if (v->rule.name)
			add_str(obj, "name", v->rule.name);
	}
	return obj;
}

/* The fields whose value was escaped (absent when none was). */
static void add_escaped(json_object *obj, unsigned escaped)
{
	json_object *list;
	int f;

	if (!escaped)
		return;
	list = json_object_new_array();
	for (f = 0; f < EG_VIEW_FIELDS; f++)
		if (escaped & (1u << f))
			json_object_array_add(list, json_object_new_string(eg_view_field_name(f)));
	json_object_object_add(obj, "escaped", list);
}

static void add_sender(json_object *obj, const struct eg_event_view *v)
{
	const struct eg_container_info *ci = &v->container;

	json_object_object_add(obj, "pid", json_object_new_int64(v->ev->pid));
	json_object_object_add(obj, "tid", json_object_new_int64(v->ev->tid));
	json_object_object_add(obj, "uid", json_object_new_int64(v->ev->uid));
	add_str(obj, "user", v->user);
	add_str(obj, "comm", v->comm);
	add_str(obj, "exe", v->exe);
	json_object_object_add(obj, "ppid", v->ppid ? json_object_new_int64(v->ppid) : NULL);
	add_str(obj, "parent_comm", v->parent_comm);
	json_object_object_add(obj, "cgroup_id", json_object_new_uint64(v->ev->cgroup_id));
	add_str(obj, "cgroup", v->cgroup);
	add_str(obj, "container_id", ci->container_id[0] ? ci->container_id : NULL);
	add_str(obj, "pod_uid", ci->pod_uid[0] ? ci->pod_uid : NULL);
	add_str(obj, "runtime", ci->runtime[0] ? ci->runtime : NULL);
}

/* The object, one line, newline-ended; takes obj. */
static char *json_line(json_object *obj, size_t *len)
{
	const char *s = json_object_to_json_string_length(
		obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
	char *line = malloc(*len + 2);

	if (line) {
		memcpy(line, s, *len);
		line[(*len)++] = '\n';
		line[*len] = '\0';
	}
	json_object_put(obj);
	return line;
}

char *eg_event_view_json(const struct eg_event_view *v, size_t *len)
{
	json_object *obj = json_object_new_object();

	add_str(obj, "time", v->time);
	add_str(obj, "event", v->event);
	if (v->count) {
		json_object_object_add(obj, "count", json_object_new_uint64(v->count));
		add_str(obj, "first", v->time);
		add_str(obj, "last", v->last);
	}
	add_str(obj, "verdict", v->verdict);
	add_str(obj, "mode", v->mode);
	add_str(obj, "hook", v->hook);
	add_str(obj, "proto", v->proto);
	add_str(obj, "family", v->family);
	add_str(obj, "daddr", v->daddr);
	add_str(obj, "name", v->name);
	eg_embed_to_json(obj, v->ev->embed, v->ev->daddr_v4, v->ev->flags & EG_EVF_BY_V4);
	json_object_object_add(obj, "dport", json_object_new_int(v->ev->dport));
	add_str(obj, "context", v->context);
	add_sender(obj, v);
	add_str(obj, "scope", v->scope);
	add_str(obj, "match", v->match);
	json_object_object_add(obj, "rule", rule_json(v));
	eg_class_names_to_json(&v->names, obj);
	add_str(obj, "prefix", v->prefix);
	add_str(obj, "dataset", v->dataset);
	if (v->ev->hook == EG_HOOK_EGRESS)
		json_object_object_add(obj, "bytes", json_object_new_int64(v->ev->bytes));
	if (v->ev->hook == EG_HOOK_FORWARD) {
		add_str(obj, "saddr", v->saddr);
		json_object_object_add(obj, "in_ifindex", json_object_new_int64(v->ev->in_ifindex));
		add_str(obj, "in_interface", v->in_interface[0] ? v->in_interface : NULL);
	}
	if (v->backlog)
		json_object_object_add(obj, "backlog", json_object_new_boolean(1));
	add_escaped(obj, v->escaped);
	return json_line(obj, len);
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/*
 * "rule=default", "rule=#3", "rule=#3 \"deny cidr: [...]\"": numbered from 1 as
 * check and lookup number rules; the rule's words as written, quoted.
 */
static void text_rule(FILE *f, const struct eg_event_view *v)
{
	if (v->rule.is_default) {
		fputs(" rule=default", f);
		return;
	}
	fprintf(f, " rule=#%u", v->ev->rule + 1u);
	if (v->rule.action) {
		fputs(" \"", f);
		eg_text_put(f, v->rule.text, 0);
		fputc('"', f);
	}
}

char *eg_event_view_text(const struct eg_event_view *v, size_t *len)
{
	const struct eg_event *ev = v->ev;
	char *line = NULL;
	FILE *f = open_memstream(&line, len);

	if (!f)
		return NULL;
	fputs(v->time, f);
	if (v->count)
		fprintf(f, " %s count=%llu last=%s", v->event, (unsigned long long)v->count,
			v->last);
	fprintf(f, " %s %s %s %s%s%s:%u%s pid=%u%s%s comm=", v->verdict, v->hook, v->proto,
		v->daddr_v6 ? "[" : "", v->daddr, v->daddr_v6 ? "]" : "", ev->dport, v->via,
		ev->pid, strcmp(v->context, "task") ? " context=" : "",
		strcmp(v->context, "task") ? v->context : "");
	eg_text_put(f, or_dash(v->comm), 1);
	if (v->exe) {
		fputs(" exe=", f);
		eg_text_put(f, v->exe, 1);
	}
	fprintf(f, " uid=%u", ev->uid);
	if (v->user) {
		fputs(" user=", f);
		eg_text_put(f, v->user, 1);
	}
	fputs(" cgroup=", f);
	eg_text_put(f, or_dash(v->cgroup), 1);
	fprintf(f, " prefix=%s", or_dash(v->prefix));
	if (v->name) {
		fputs(" name=", f);
		eg_text_put(f, v->name, 1);
	}
	text_rule(f, v);
	fprintf(f, " country=%s asn=", or_dash(v->names.country));
	if (v->names.asn)
		fprintf(f, "%u", v->names.asn);
	else
		fputc('-', f);
	fputs(" provider=", f);
	eg_text_put(f, or_dash(v->names.provider), 1);
	fprintf(f, " jurisdiction=%s%s%s%s\n", or_dash(v->names.jurisdiction),
		v->names.jurisdiction_source ? " jurisdiction_source=" : "",
		v->names.jurisdiction_source ? v->names.jurisdiction_source : "",
		v->backlog ? " backlog" : "");
	if (fclose(f)) {
		free(line);
		return NULL;
	}
	return line;
}

static void field(struct eg_view_fields *out, const char *name, const char *value)
{
	if (value && out->n < EG_VIEW_MAX_FIELDS)
		out->f[out->n++] = (struct eg_sink_field){.name = name, .value = value};
}

static void number(struct eg_view_fields *out, const char *name, unsigned long long value)
{
	char *buf;

	if (out->n_num >= EG_VIEW_MAX_NUMS)
		return;
	buf = out->num[out->n_num++];
	snprintf(buf, sizeof(out->num[0]), "%llu", value);
	field(out, name, buf);
}

static const char *or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

static void sender_fields(const struct eg_event_view *v, struct eg_view_fields *out)
{
	number(out, "pid", v->ev->pid);
	number(out, "tid", v->ev->tid);
	number(out, "uid", v->ev->uid);
	field(out, "user", v->user);
	field(out, "comm", v->comm);
	field(out, "exe", v->exe);
	if (v->ppid)
		number(out, "ppid", v->ppid);
	field(out, "parent_comm", v->parent_comm);
	number(out, "cgroup_id", v->ev->cgroup_id);
	field(out, "cgroup", v->cgroup);
	field(out, "container_id", or_null(v->container.container_id));
	field(out, "pod_uid", or_null(v->container.pod_uid));
	field(out, "scope", v->scope);
}

/* Everything but the rule's text (in the message instead: it can be long). */
void eg_event_view_fields(const struct eg_event_view *v, struct eg_view_fields *out)
{
	memset(out, 0, sizeof(*out));
	if (v->count) {
		field(out, "event", v->event);
		number(out, "count", v->count);
		field(out, "last", v->last);
	}
	field(out, "verdict", v->verdict);
	field(out, "mode", v->mode);
	field(out, "hook", v->hook);
	field(out, "proto", v->proto);
	field(out, "daddr", v->daddr);
	number(out, "dport", v->ev->dport);
	sender_fields(v, out);
	field(out, "match", v->match);
	if (v->rule.is_default)
		field(out, "rule", "default");
	else
		number(out, "rule", v->ev->rule);
	field(out, "rule_name", v->rule.name);
	field(out, "country", or_null(v->names.country));
	if (v->names.asn)
		number(out, "asn", v->names.asn);
	field(out, "as_org", v->names.as_org);
	field(out, "provider", v->names.provider);
	field(out, "jurisdiction", or_null(v->names.jurisdiction));
	field(out, "prefix", v->prefix);
	field(out, "name", v->name);
	field(out, "dataset", v->dataset);
	if (v->ev->hook == EG_HOOK_EGRESS)
		number(out, "bytes", v->ev->bytes);
	if (v->backlog)
		field(out, "backlog", "true");
}
