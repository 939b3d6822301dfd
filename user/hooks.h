/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Names of the hooks of maps/exfilguard.h's EG_HOOK_LIST, for userspace. */
#ifndef EXFILGUARD_HOOKS_H
#define EXFILGUARD_HOOKS_H

#include "../maps/exfilguard.h"

/* "connect4": the hook as events and status name it; "unknown" out of range. */
const char *eg_hook_name(unsigned hook);
/* "eg_connect4": the program's name in the object, and its link's pin name. */
const char *eg_hook_prog_name(unsigned hook);

#endif
