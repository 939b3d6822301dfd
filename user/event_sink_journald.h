/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The journal fields of an event, apart from sending them (for tests). */
#ifndef EXFILGUARD_EVENT_SINK_JOURNALD_H
#define EXFILGUARD_EVENT_SINK_JOURNALD_H

#include <stddef.h>
#include "event_sink.h"

#define EG_JOURNALD_SOCKET     "/run/systemd/journal/socket"
#define EG_JOURNALD_MAX_FIELDS 64

/*
 * "MESSAGE=...", "PRIORITY=N", "SYSLOG_IDENTIFIER=exfilguard",
 * "EXFILGUARD_EVENT=...", then "EXFILGUARD_NAME=value" for each field, each
 * NUL-ended, in one allocated buffer of *len bytes (NULL: out of memory).
 */
char *eg_journald_fields(const struct eg_sink_record *rec, size_t *len);

#endif
