// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "evlog.h"

const char *ev_str(json_object *ev, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(ev, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long ev_int(json_object *ev, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(ev, key, &v) || !json_object_is_type(v, json_type_int))
		return EV_NO_INT;
	return (long long)json_object_get_int64(v);
}

json_object *ev_field(json_object *ev, const char *key, const char *sub)
{
	json_object *obj, *v;

	if (!json_object_object_get_ex(ev, key, &obj) ||
	    !json_object_is_type(obj, json_type_object))
		return NULL;
	return json_object_object_get_ex(obj, sub, &v) ? v : NULL;
}

int ev_is_null(json_object *ev, const char *key, const char *sub)
{
	json_object *obj, *v;

	if (!json_object_object_get_ex(ev, key, &obj))
		return 0;
	if (!sub)
		return obj == NULL; /* json-c represents null as a NULL object */
	if (!json_object_is_type(obj, json_type_object))
		return 0;
	return json_object_object_get_ex(obj, sub, &v) && v == NULL;
}

int evmatch_pred(json_object *ev, const void *arg)
{
	const struct evmatch *m = arg;
	const char *s;

	if (m->hook && (!(s = ev_str(ev, "hook")) || strcmp(s, m->hook)))
		return 0;
	if (m->verdict && (!(s = ev_str(ev, "verdict")) || strcmp(s, m->verdict)))
		return 0;
	if (m->daddr && (!(s = ev_str(ev, "daddr")) || strcmp(s, m->daddr)))
		return 0;
	if (m->proto && (!(s = ev_str(ev, "proto")) || strcmp(s, m->proto)))
		return 0;
	if (m->dport >= 0 && ev_int(ev, "dport") != m->dport)
		return 0;
	if (m->pid && ev_int(ev, "pid") != m->pid)
		return 0;
	return 1;
}

static int push(struct evlog *l, json_object *ev)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		json_object **p = realloc(l->ev, cap * sizeof(*p));

		if (!p)
			return -1;
		l->ev = p;
		l->cap = cap;
	}
	l->ev[l->n++] = ev;
	return 0;
}

void evlog_free(struct evlog *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		json_object_put(l->ev[i]);
	free(l->ev);
	memset(l, 0, sizeof(*l));
}

/* Parse one complete line; keep it when pred accepts it. */
static int take_line(const char *line, evlog_pred pred, const void *arg, struct evlog *out)
{
	json_object *ev = json_tokener_parse(line);

	if (!ev || !json_object_is_type(ev, json_type_object)) {
		fprintf(stderr, "  events: not a JSON object: %s\n", line);
		json_object_put(ev);
		return -1;
	}
	if (pred && !pred(ev, arg)) {
		json_object_put(ev);
		return 0;
	}
	return push(out, ev);
}

int evlog_read(const char *path, evlog_pred pred, const void *arg, struct evlog *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	FILE *f;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1; /* not created yet: no events */
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] != '\n')
			break; /* the writer is mid-line: read it next time */
		line[len - 1] = '\0';
		if (line[0])
			rc = take_line(line, pred, arg, out);
	}
	free(line);
	fclose(f);
	if (rc)
		evlog_free(out);
	return rc ? -1 : (int)out->n;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int evlog_expect(const char *path, evlog_pred pred, const void *arg, size_t want, struct evlog *out)
{
	long long deadline = now_ms() + EVLOG_TIMEOUT_MS;
	int n;

	for (;;) {
		n = evlog_read(path, pred, arg, out);
		if (n < 0 || (size_t)n >= want || now_ms() >= deadline)
			break;
		evlog_free(out);
		usleep(20 * 1000);
	}
	if (n < 0)
		return -1;
	evlog_free(out);
	usleep(EVLOG_SETTLE_MS * 1000);
	return evlog_read(path, pred, arg, out);
}

void evlog_dump(const char *path)
{
	char line[2048];
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "  (no events file %s)\n", path);
		return;
	}
	fprintf(stderr, "  --- events %s\n", path);
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "  | %s", line);
	fprintf(stderr, "  ---\n");
	fclose(f);
}
