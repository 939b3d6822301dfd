// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "dns_names.h"

int eg_dns_name_for(int dns_fd, const uint8_t addr[16], uint64_t at_boot_ns,
		    char out[EG_DNS_NAME_LEN], int64_t *age_ns)
{
	struct eg_dns_name n;
	int64_t age;

	if (dns_fd < 0 || bpf_map_lookup_elem(dns_fd, addr, &n))
		return -1;
	/* Resolved again after the event: still the name of the address. */
	age = (int64_t)(at_boot_ns - n.ts_boot_ns);
	if (age > (int64_t)EG_DNS_FRESH_NS || age < -(int64_t)EG_DNS_FRESH_NS)
		return -1;
	n.name[EG_DNS_NAME_LEN - 1] = '\0';
	memcpy(out, n.name, EG_DNS_NAME_LEN);
	if (age_ns)
		*age_ns = age;
	return 0;
}

uint64_t eg_dns_now_boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
