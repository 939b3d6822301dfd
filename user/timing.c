// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "timing.h"

static atomic_int enabled = -1; /* -1: not decided yet (the environment decides) */
static atomic_uint_fast64_t epoch_ns;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void eg_timing_enable(void)
{
	atomic_store(&enabled, 1);
}

int eg_timing_on(void)
{
	int on = atomic_load(&enabled);

	if (on < 0) {
		const char *env = getenv("EXFILGUARD_TIMING");

		on = env && *env && strcmp(env, "0") != 0;
		atomic_store(&enabled, on);
	}
	return on;
}

void eg_phase_begin(struct eg_phase *ph)
{
	uint_fast64_t unset = 0;

	memset(ph, 0, sizeof(*ph));
	if (!eg_timing_on())
		return;
	ph->wall_ns = clock_ns(CLOCK_MONOTONIC);
	ph->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	atomic_compare_exchange_strong(&epoch_ns, &unset, ph->wall_ns);
}

void eg_phase_end(const struct eg_phase *ph, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	uint64_t wall, cpu;

	if (!ph->wall_ns)
		return;
	wall = clock_ns(CLOCK_MONOTONIC) - ph->wall_ns;
	cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - ph->cpu_ns;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* One fprintf per line: lines from several threads never interleave. */
	fprintf(stderr, "exfilguard: timing: +%.3f s %8.1f ms (cpu %7.1f ms)  %s\n",
		(double)(ph->wall_ns - atomic_load(&epoch_ns)) / 1e9, (double)wall / 1e6,
		(double)cpu / 1e6, what);
}
