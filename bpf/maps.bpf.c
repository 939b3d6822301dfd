// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The exfilguard object's maps and nothing else: user/guard_load.c creates
 * the maps from this object (no program: no kernel BTF to parse), then
 * loads exfilguard.bpf.c's programs against them on two threads.
 */
#include "maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
