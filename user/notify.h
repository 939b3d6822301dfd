/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The service manager's view of the daemon (sd_notify(3)): READY=1 once the
 * self-test passed, RELOADING=1 and READY=1 around a reload, STATUS= lines,
 * STOPPING=1, and WATCHDOG=1 at half the interval systemd asks for. Without
 * $NOTIFY_SOCKET every call does nothing.
 */
#ifndef EXFILGUARD_NOTIFY_H
#define EXFILGUARD_NOTIFY_H

#include <stdint.h>

struct eg_notify {
	uint64_t watchdog_every_us; /* 0: no watchdog asked for */
	uint64_t watchdog_last_us;  /* CLOCK_MONOTONIC of the last ping */
};

/* Read $WATCHDOG_USEC (and $WATCHDOG_PID) once, at start. */
void eg_notify_init(struct eg_notify *n);
/* Enforcing after a passed self-test, or again after a reload; status says what is in force. */
void eg_notify_ready(struct eg_notify *n, const char *status);
/* A reload begins (systemd's Type=notify-reload wants the monotonic time with it). */
void eg_notify_reloading(void);
void eg_notify_stopping(void);
/* From the event loop: ping the watchdog when half its interval has passed. */
void eg_notify_tick(struct eg_notify *n);

#endif
