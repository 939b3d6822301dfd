// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A tight deny loop, for measuring what a refused connect costs its caller
 * with the guard's event path (folding, ring wake-ups) in the way:
 *
 *   deny_loop CGROUP_DIR ADDR COUNT
 *
 * joins CGROUP_DIR, leaves every network (a private network namespace: nothing
 * can be sent), and UDP-connects one socket to ADDR:7 COUNT times; prints
 * refusals/s (connects that failed with EPERM) and how many were refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7)};
	unsigned long n, i, refused = 0;
	char procs[4096];
	double t0, t;
	FILE *f;
	int fd;

	if (argc != 4 || inet_pton(AF_INET, argv[2], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: deny_loop CGROUP_DIR IPV4 COUNT\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 10);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", argv[1]);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "0\n") < 0 || fclose(f) || unshare(CLONE_NEWNET)) {
		perror("deny_loop: joining the cgroup and a private network namespace");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	t0 = now_s();
	for (i = 0; i < n; i++)
		refused += connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == EPERM;
	t = now_s() - t0;
	printf("deny loop: %lu of %lu refused, %.0f refusals/s\n", refused, n, refused / t);
	return refused == n ? 0 : 1;
}
