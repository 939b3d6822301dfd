// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "event_proc.h"

/* Up to len - 1 bytes of a /proc file, NUL-ended, without a final newline; -1 when unreadable. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* The 4th field of /proc/PID/stat, after the comm in parentheses (which may hold anything). */
static uint32_t parent_pid(uint32_t pid)
{
	char path[64], stat[512];
	const char *end;
	unsigned long ppid;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if (read_small(path, stat, sizeof(stat)))
		return 0;
	end = strrchr(stat, ')');
	if (!end || sscanf(end + 1, " %*c %lu", &ppid) != 1)
		return 0;
	return (uint32_t)ppid;
}

int eg_proc_describe(uint32_t pid, uint32_t tid, const char *comm, struct eg_proc_info *out)
{
	char path[96], now[EG_COMM_LEN + 1];
	ssize_t n;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", pid, tid);
	/* Gone, or the pid is someone else's now: describe nothing rather than the wrong process.
	 */
	if (read_small(path, now, sizeof(now)) || strncmp(now, comm, EG_COMM_LEN))
		return -1;
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, out->exe, sizeof(out->exe) - 1);
	out->exe[n > 0 ? n : 0] = '\0';
	out->ppid = parent_pid(pid);
	snprintf(path, sizeof(path), "/proc/%u/comm", out->ppid);
	if (out->ppid && read_small(path, out->parent_comm, sizeof(out->parent_comm)))
		out->parent_comm[0] = '\0';
	return 0;
}

void eg_user_name(uint32_t uid, char out[EG_USER_NAME_LEN])
{
	struct passwd pw, *found = NULL;
	char buf[1024];

	out[0] = '\0';
	if (!getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &found) && found)
		snprintf(out, EG_USER_NAME_LEN, "%s", found->pw_name);
}
