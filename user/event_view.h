/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One kernel event resolved once into everything a line says about it, every
 * string in it well-formed UTF-8 (event_escape.h); the JSON and text forms
 * are rendered from this view alone.
 */
#ifndef EXFILGUARD_EVENT_VIEW_H
#define EXFILGUARD_EVENT_VIEW_H

#include "addr.h"
#include "container.h"
#include "event_proc.h"
#include "event_ctx.h"

/* Fields whose value had ill-formed UTF-8 and was escaped (JSON "escaped" names them). */
enum eg_view_field {
	EG_VIEW_COMM,
	EG_VIEW_CGROUP,
	EG_VIEW_SCOPE,
	EG_VIEW_RULE_TEXT,
	EG_VIEW_RULE_NAME,
	EG_VIEW_AS_ORG,
	EG_VIEW_PROVIDER,
	EG_VIEW_DATASET,
	EG_VIEW_EXE,
	EG_VIEW_PARENT_COMM,
	EG_VIEW_USER,
	EG_VIEW_FIELDS,
};

struct eg_event_view {
	const struct eg_event *ev; /* numbers are taken from it as they are */
	char time[48];		   /* wall time, RFC 3339 */
	const char *verdict, *mode, *hook, *proto, *family, *match;
	char proto_buf[16];
	char daddr[EG_ADDR_STRLEN]; /* IPv4-mapped shown as IPv4 */
	int daddr_v6;
	char via[EG_ADDR_STRLEN + 24]; /* " nat64=a.b.c.d": the IPv4 daddr carries; "" */
	const char *context;	       /* "task", "kernel" (kernel thread) or "foreign" */
	char saddr[EG_ADDR_STRLEN];    /* hook "forward": the workload's address */
	char in_interface[16];	       /* hook "forward": the interface it came in on */
	char comm_buf[EG_COMM_LEN + 1];
	const char *comm;   /* NULL when empty */
	const char *cgroup; /* path below the mount; NULL when the cgroup is gone */
	/* From /proc while the sender still runs (event_proc.h); NULL / 0 when unknown. */
	struct eg_proc_info proc;
	const char *exe, *parent_comm;
	uint32_t ppid;
	char user_buf[EG_USER_NAME_LEN];
	const char *user; /* the uid's name; NULL when it has none */
	struct eg_container_info container;
	const char *scope; /* NULL: the top-level policy */
	struct {
		int is_default;
		const char *action, *text, *name; /* NULL when the policy is not known here */
		unsigned line;
	} rule;
	struct eg_class_names names;
	char prefix_buf[EG_ADDR_STRLEN];
	const char *prefix; /* NULL when none */
	const char *dataset;
	int backlog;
	unsigned escaped;	     /* 1 << enum eg_view_field */
	char *owned[EG_VIEW_FIELDS]; /* escaped copies, freed with the view */
};

void eg_event_view_resolve(struct eg_event_ctx *ctx, const struct eg_event *ev,
			   struct eg_event_view *v);
void eg_event_view_free(struct eg_event_view *v);
const char *eg_view_field_name(enum eg_view_field f);

/* The event's fields for structured sinks (journald, syslog); numbers as text in num. */
#define EG_VIEW_MAX_FIELDS 40
#define EG_VIEW_MAX_NUMS   12
struct eg_view_fields {
	struct eg_sink_field f[EG_VIEW_MAX_FIELDS];
	size_t n;
	char num[EG_VIEW_MAX_NUMS][24];
	size_t n_num;
};
void eg_event_view_fields(const struct eg_event_view *v, struct eg_view_fields *out);

/* The line for a view, newline-ended, however long; allocated (NULL: out of memory). */
char *eg_event_view_json(const struct eg_event_view *v, size_t *len);
char *eg_event_view_text(const struct eg_event_view *v, size_t *len);

#endif
