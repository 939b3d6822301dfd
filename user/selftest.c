// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The startup canary: a connect that every policy slot denies, made from the guarded tree. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "../maps/exfilguard.h"
#include "selftest.h"

/* In the child: join the cgroup, and connect UDP (it sends nothing) to the canary, v4 and mapped.
 */
static int canary_child(const char *cgroup)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(EG_CANARY_V4)};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
	char procs[PATH_MAX];
	int fd, fd6, refused;
	FILE *f;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "0\n") < 0 || fclose(f))
		return 2;
	sin6.sin6_addr.s6_addr[10] = sin6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sin6.sin6_addr.s6_addr[12], &sin.sin_addr, 4);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
	refused = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) && errno == EPERM;
	refused = refused && connect(fd6, (struct sockaddr *)&sin6, sizeof(sin6)) && errno == EPERM;
	return refused ? 0 : 1;
}

/* The fresh cgroup is a leaf, so the cgroup v2 no-internal-process rule never objects. */
int eg_selftest(const char *cg_dir, const char *cg_rel, struct eg_error *err)
{
	char leaf[PATH_MAX];
	int status = -1;
	pid_t pid;

	snprintf(leaf, sizeof(leaf), "%s/exfilguard-selftest-%d", cg_dir, (int)getpid());
	if (mkdir(leaf, 0700) && errno != EEXIST)
		return eg_fail(err, errno, "self-test: cannot create %s: %s", leaf,
			       strerror(errno));
	pid = fork();
	if (pid == 0)
		_exit(canary_child(leaf));
	if (pid > 0)
		waitpid(pid, &status, 0);
	rmdir(leaf);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 2)
		return eg_fail(err, EIO, "self-test: could not run a canary connect in %s", leaf);
	if (WEXITSTATUS(status))
		return eg_fail(
			err, EIO,
			"self-test failed: a connect to the canary 0.0.0.1 from %s was not "
			"refused: the hooks do not enforce there (another BPF program on the "
			"path, or a kernel without cgroup socket hooks?)",
			cg_rel);
	return 0;
}
