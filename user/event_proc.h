/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What /proc says about the sender of an event, read when the event is
 * written: its executable, its parent, and the name of its user. The kernel's
 * pid, uid and comm in the event are authoritative; these are context, only
 * given while the process still runs and still carries the comm the kernel saw
 * (a pid reused since is not described).
 */
#ifndef EXFILGUARD_EVENT_PROC_H
#define EXFILGUARD_EVENT_PROC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include "../maps/exfilguard.h"

#define EG_USER_NAME_LEN 64

struct eg_proc_info {
	char exe[PATH_MAX];		   /* "" when unknown */
	uint32_t ppid;			   /* 0 when unknown */
	char parent_comm[EG_COMM_LEN + 1]; /* "" when unknown */
};

/* Describe thread tid of process pid, which the kernel saw as comm; 0, or -1 when it is gone. */
int eg_proc_describe(uint32_t pid, uint32_t tid, const char *comm, struct eg_proc_info *out);

/* The user name of uid from the password database; "" when it has none. */
void eg_user_name(uint32_t uid, char out[EG_USER_NAME_LEN]);

#endif
