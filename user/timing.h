/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The load's phase timing readout (run --timing, check --timing, or
 * EXFILGUARD_TIMING=1 for any command, reloads included): one line on
 * standard error per phase, with when it started, how long it took and the
 * CPU its thread spent, so an operator sees where the load time goes.
 * Phases run on several threads overlap; their start offsets show how.
 */
#ifndef EXFILGUARD_TIMING_H
#define EXFILGUARD_TIMING_H

#include <stdint.h>

struct eg_phase {
	uint64_t wall_ns, cpu_ns; /* at eg_phase_begin; 0 when the readout is off */
};

/* Turn the readout on (the --timing options); EXFILGUARD_TIMING=1 turns it on too. */
void eg_timing_enable(void);
int eg_timing_on(void);
void eg_phase_begin(struct eg_phase *ph);
/*
 * "exfilguard: timing: +0.412 s   38.1 ms (cpu 37.9 ms)  dataset parse a.csv":
 * the phase's start after the first phase began, its wall and thread CPU time
 * and what it was (printf format). Nothing when the readout is off.
 */
__attribute__((format(printf, 2, 3))) void eg_phase_end(const struct eg_phase *ph, const char *fmt,
							...);

#endif
