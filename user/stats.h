/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Exfiltration volume as the kernel counted it (EG_MAP_BYTES, bpf/acct.bpf.h),
 * with the denied attempts the daemon counted for it (user/attempts.h):
 * read from a running guard's pinned map, summed over CPUs, and saved to or
 * subtracted from a snapshot file (for `stats --since`).
 */
#ifndef EXFILGUARD_STATS_H
#define EXFILGUARD_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "../maps/exfilguard.h"

struct eg_stat_row {
	struct eg_acct_key key;
	uint64_t bytes, packets, attempts;
	uint8_t last_daddr[16]; /* a destination counted in the row (zero: none known) */
};

struct eg_stats {
	struct eg_stat_row *rows;
	size_t n;
};

/*
 * Every entry of a byte map (fd), summed over CPUs, the daemon's rows added
 * to the kernel's (key.source is EG_ACCT_BY_KERNEL in every row read).
 */
int eg_stats_read_fd(int bytes_fd, struct eg_stats *out, struct eg_error *err);
/* The same from the guard pinned under pin_dir. */
int eg_stats_read_pinned(const char *pin_dir, struct eg_stats *out, struct eg_error *err);
void eg_stats_free(struct eg_stats *s);

/* Sort rows by bytes, most first. */
void eg_stats_sort(struct eg_stats *s);
/* Take base's counts off s's (rows that did not move are dropped). */
void eg_stats_subtract(struct eg_stats *s, const struct eg_stats *base);

/* A snapshot: the rows and when they were read (unix seconds), as one text file. */
int eg_stats_save(const struct eg_stats *s, uint64_t unix_s, const char *path,
		  struct eg_error *err);
int eg_stats_load(const char *path, struct eg_stats *s, uint64_t *unix_s, struct eg_error *err);

/* "90s", "15m", "2h", "7d": seconds; -1 when it is not a duration. */
int64_t eg_duration_parse(const char *text);

#endif
