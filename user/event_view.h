/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One kernel event resolved once into everything a line says about it; the
 * JSON and text forms are rendered from this view alone.
 */
#ifndef EXFILGUARD_EVENT_VIEW_H
#define EXFILGUARD_EVENT_VIEW_H

#include "addr.h"
#include "container.h"
#include "events.h"

struct eg_event_view {
	const struct eg_event *ev; /* numbers are taken from it as they are */
	char time[48];		   /* wall time, RFC 3339 */
	const char *verdict, *mode, *hook, *proto, *family, *match;
	char proto_buf[16];
	char daddr[EG_ADDR_STRLEN]; /* IPv4-mapped shown as IPv4 */
	int daddr_v6;
	char comm_buf[EG_COMM_LEN + 1];
	const char *comm;   /* NULL when empty */
	const char *cgroup; /* path below the mount; NULL when the cgroup is gone */
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
};

void eg_event_view_resolve(struct eg_event_ctx *ctx, const struct eg_event *ev,
			   struct eg_event_view *v);

/* The line for a view, newline-ended, however long; allocated (NULL: out of memory). */
char *eg_event_view_json(const struct eg_event_view *v, size_t *len);
char *eg_event_view_text(const struct eg_event_view *v, size_t *len);

#endif
