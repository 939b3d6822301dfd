/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The on-disk contract of a guard, under its pin directory on bpffs:
 *
 *   PIN_DIR/maps/NAME    every map of the generation in force
 *   PIN_DIR/links/NAME   one cgroup link per hook, named after its program
 *                        (eg_hook_prog_name, hooks.h)
 *
 * and the daemon's lock: a running daemon holds an exclusive flock on
 * PIN_DIR itself for its whole life, so "the daemon is alive" means "the
 * lock is held". The kernel drops the lock when the daemon dies, however it
 * dies; a PID would outlive it and could be taken by anyone. status, reload,
 * detach and adoption read and change the pins only through this unit.
 */
#ifndef EXFILGUARD_PINS_H
#define EXFILGUARD_PINS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "../maps/exfilguard.h"

struct bpf_link;

/* Path of a pinned object: pin_dir/maps/NAME or pin_dir/links/NAME. */
void eg_pin_path(char *out, size_t len, const char *pin_dir, const char *kind, const char *name);

/*
 * Create pin_dir (0700, with maps/ and links/; it must not exist) and take
 * the daemon lock on it: the lock's fd, to hold (O_CLOEXEC) while the daemon
 * runs, or -1 with err.
 */
int eg_pins_create(const char *pin_dir, struct eg_error *err);
/* Take the daemon lock on an existing pin_dir: its fd, or -1 (errno EWOULDBLOCK: a daemon holds
 * it). */
int eg_pins_lock(const char *pin_dir);
/* Does a daemon hold pin_dir's lock? The one liveness check. */
int eg_pins_daemon_alive(const char *pin_dir);

/*
 * The map NAME (EG_STR(EG_MAP_...)) pinned under pin_dir: a new fd, or -1.
 * After a crash, the next run reads the old event ring (the backlog the
 * pinned programs recorded with nobody reading) and counts on in the old
 * counters.
 */
int eg_pinned_map_fd(const char *pin_dir, const char *name);
/* Entry 0 of the array map NAME pinned under pin_dir into value; -1 when it cannot. */
int eg_pinned_read0(const char *pin_dir, const char *name, void *value);
/* The info record and the config of the guard pinned under pin_dir; -1 when none is. */
int eg_pinned_info(const char *pin_dir, struct eg_info *info);
int eg_pinned_config(const char *pin_dir, struct eg_config *cfg);
/* The config slot of EG_MAP_HOT the pinned generation reads (EG_MAP_SLOT's size - 1); 0: none. */
uint32_t eg_pinned_cfg_slot(const char *pin_dir);
/*
 * The counters of an EG_MAP_HOT (hot_fd), each slot summed over the per-CPU
 * rows, read once; all 0 and -1 when it cannot be read or is not of this
 * binary's layout.
 */
struct eg_counters {
	uint64_t v[EG_CTR_COUNT];
};
int eg_counters_read(int hot_fd, struct eg_counters *out);
/* A verdict's total over every hook. */
uint64_t eg_counters_verdict(const struct eg_counters *c, unsigned verdict);
/* One slot (eg_counters_read for one); 0 when it cannot be read. */
uint64_t eg_counter_sum(int hot_fd, uint32_t slot);

/* A hook's pinned link: a new fd (to inspect), or an opened libbpf link (to update); -1/NULL. */
int eg_pinned_link_fd(const char *pin_dir, unsigned hook);
struct bpf_link *eg_pinned_link_open(const char *pin_dir, unsigned hook);

/* Remove every pin (links detached first, even while a daemon holds them) and pin_dir. */
int eg_pins_remove(const char *pin_dir, int *removed, struct eg_error *err);
/* `detach`: ask a live daemon to stop (SIGTERM, up to 3 s), then remove what is left. */
int eg_pins_detach(const char *pin_dir, int *removed, struct eg_error *err);

#endif
