/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The guard's events file: one JSON object per line. Tests wait for events
 * that match a predicate and then look at their fields:
 *
 *   struct evmatch m = {.hook = "connect4", .pid = r.pid};
 *   struct evlog got;
 *   ASSERT_EQ(evlog_expect(path, evmatch_pred, &m, 1, &got), 1, "events");
 *   ASSERT_STREQ(ev_str(got.ev[0], "verdict"), "deny", "verdict");
 *   evlog_free(&got);
 *
 * Only complete lines are read; a line that is not a JSON object is printed
 * and makes the read fail, so a malformed stream fails the test.
 */
#ifndef EXFILGUARD_TESTS_EVLOG_H
#define EXFILGUARD_TESTS_EVLOG_H

#include <stddef.h>
#include <sys/types.h>
#include <json-c/json.h>

#define EVLOG_TIMEOUT_MS 3000 /* how long to wait for expected events */
#define EVLOG_SETTLE_MS	 300  /* then how long to wait for unexpected extra ones */

/* Returned by ev_int for a field that is missing or not an integer. */
#define EV_NO_INT (-0x7fffffffffffffffLL)

struct evlog {
	json_object **ev;
	size_t n, cap;
};

typedef int (*evlog_pred)(json_object *ev, const void *arg);

/* Fields an event must have; NULL / 0 / -1 (dport) mean "any". */
struct evmatch {
	const char *hook;
	const char *verdict;
	const char *daddr;
	const char *proto;
	int dport; /* -1: any */
	pid_t pid; /* 0: any */
};

int evmatch_pred(json_object *ev, const void *arg);

/* Every event now in the file that pred accepts (pred NULL: all); -1 on a malformed line. */
int evlog_read(const char *path, evlog_pred pred, const void *arg, struct evlog *out);

/*
 * Wait up to EVLOG_TIMEOUT_MS until `want` events match, then EVLOG_SETTLE_MS
 * more so that extra ones show up too. Returns how many matched (the events
 * are in out, to be freed by the caller), or -1 on a malformed line.
 */
int evlog_expect(const char *path, evlog_pred pred, const void *arg, size_t want,
		 struct evlog *out);

void evlog_free(struct evlog *l);

/* Print the events file (for a failing test). */
void evlog_dump(const char *path);

/* A string field, or NULL when missing or not a string. */
const char *ev_str(json_object *ev, const char *key);
/* An integer field, or EV_NO_INT. */
long long ev_int(json_object *ev, const char *key);
/* A field of a nested object ("rule", "index"), or NULL. */
json_object *ev_field(json_object *ev, const char *key, const char *sub);
/* Is the field present and JSON null? */
int ev_is_null(json_object *ev, const char *key, const char *sub);

#endif
