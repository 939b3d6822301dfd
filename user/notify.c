// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <time.h>
#include <systemd/sd-daemon.h>
#include "notify.h"

static uint64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void eg_notify_init(struct eg_notify *n)
{
	uint64_t usec = 0;

	n->watchdog_every_us = sd_watchdog_enabled(0, &usec) > 0 ? usec / 2 : 0;
	n->watchdog_last_us = monotonic_us();
}

void eg_notify_ready(struct eg_notify *n, const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
	n->watchdog_last_us = monotonic_us();
}

void eg_notify_reloading(void)
{
	uint64_t now = monotonic_us();

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading the policy",
		   (unsigned long long)now);
}

void eg_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void eg_notify_tick(struct eg_notify *n)
{
	uint64_t now;

	if (!n->watchdog_every_us)
		return;
	now = monotonic_us();
	if (now - n->watchdog_last_us < n->watchdog_every_us)
		return;
	sd_notify(0, "WATCHDOG=1");
	n->watchdog_last_us = now;
}
