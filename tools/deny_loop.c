// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A tight deny loop, for measuring what a refused connect costs its caller
 * with the guard's event path (folding, ring wake-ups) in the way:
 *
 *   deny_loop CGROUP_DIR ADDR COUNT [DESTS]
 *   deny_loop CGROUP_DIR @FILE COUNT
 *
 * joins CGROUP_DIR, leaves every network (a private network namespace with
 * no interface up: nothing can be sent, an allowed connect fails with
 * ENETUNREACH), and UDP-connects one socket COUNT times: to ADDR:7, or to
 * DESTS distinct destinations ADDR, ADDR+1, ... in turn, or to the IPv4
 * addresses of FILE (one per line) in turn. Prints how many were refused
 * (EPERM), refusals per second of wall and of CPU time (the process's: what
 * the hooks cost the caller), and CPU ns per connect. DENY_LOOP_REFUSED=PATH
 * writes the refused addresses there, one per line (to build a mix).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The destinations (host order): DESTS from ADDR on, or FILE's. */
static uint32_t *destinations(const char *spec, unsigned long dests, unsigned long *n)
{
	uint32_t *d = NULL;
	struct in_addr a;
	char line[64];
	FILE *f;

	if (spec[0] != '@') {
		if (inet_pton(AF_INET, spec, &a) != 1 || !(d = calloc(dests, sizeof(*d))))
			return NULL;
		for (*n = 0; *n < dests; (*n)++)
			d[*n] = ntohl(a.s_addr) + (uint32_t)*n;
		return d;
	}
	f = fopen(spec + 1, "r");
	for (*n = 0; f && fgets(line, sizeof(line), f);) {
		line[strcspn(line, "\r\n")] = 0;
		if (inet_pton(AF_INET, line, &a) != 1 || !(d = reallocarray(d, *n + 1, sizeof(*d))))
			break;
		d[(*n)++] = ntohl(a.s_addr);
	}
	if (f)
		fclose(f);
	return *n ? d : NULL;
}

static int enter(const char *cgroup)
{
	char procs[4096];
	FILE *f;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "0\n") < 0 || fclose(f) || unshare(CLONE_NEWNET)) {
		perror("deny_loop: joining the cgroup and a private network namespace");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7)};
	unsigned long n, i, nd, refused = 0;
	const char *out_path = getenv("DENY_LOOP_REFUSED");
	FILE *out = NULL;
	double t0, c0, t, c;
	uint32_t *dst;
	int fd;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: deny_loop CGROUP_DIR IPV4|@FILE COUNT [DESTS]\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 10);
	dst = destinations(argv[2], argc == 5 ? strtoul(argv[4], NULL, 10) : 1, &nd);
	if (!dst || !n) {
		fprintf(stderr, "deny_loop: no destinations in %s, or COUNT 0\n", argv[2]);
		return 2;
	}
	if (out_path && !(out = fopen(out_path, "w")))
		perror(out_path);
	if (enter(argv[1]))
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		int no;

		a.sin_addr.s_addr = htonl(dst[i % nd]);
		no = connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == EPERM;
		refused += no;
		if (no && out)
			fprintf(out, "%s\n", inet_ntoa(a.sin_addr));
	}
	c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	t = clock_s(CLOCK_MONOTONIC) - t0;
	printf("deny loop: %lu of %lu refused (%lu destinations), %.0f refusals/s, %.0f refusals "
	       "per CPU-second, %.0f CPU ns per connect\n",
	       refused, n, nd, refused / t, refused / c, c * 1e9 / n);
	if (out)
		fclose(out);
	free(dst);
	return 0;
}
