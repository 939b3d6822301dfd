/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The names the kernel learned from the workloads' DNS answers (EG_MAP_DNS, bpf/dns.bpf.h). */
#ifndef EXFILGUARD_DNS_NAMES_H
#define EXFILGUARD_DNS_NAMES_H

#include <stdint.h>
#include "../maps/exfilguard.h"

/*
 * The name resolved for addr (16 bytes) within EG_DNS_FRESH_NS of at_boot_ns
 * (boot-time clock) into out; *age_ns how long before at_boot_ns it was
 * resolved (may be NULL). 0, or -1 when none is known or it is older.
 */
int eg_dns_name_for(int dns_fd, const uint8_t addr[16], uint64_t at_boot_ns,
		    char out[EG_DNS_NAME_LEN], int64_t *age_ns);
/* Now on the boot-time clock, as the kernel stamps names and events. */
uint64_t eg_dns_now_boot_ns(void);

#endif
