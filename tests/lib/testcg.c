// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testcg.h"

int testcg_mount(char out[PATH_MAX])
{
	char dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen("/proc/mounts", "re");
	int found = 0;

	if (!f) {
		perror("  /proc/mounts");
		return -1;
	}
	while (!found && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		found = strcmp(type, "cgroup2") == 0;
	fclose(f);
	if (!found) {
		fprintf(stderr, "  no cgroup2 mount in /proc/mounts\n");
		return -1;
	}
	snprintf(out, PATH_MAX, "%s", dir);
	return 0;
}

int testcg_self(const char *mount, char out[PATH_MAX])
{
	char line[PATH_MAX + 16];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int found = 0;

	if (!f) {
		perror("  /proc/self/cgroup");
		return -1;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* "0::/" is the root: avoid a double slash. */
		found = snprintf(out, PATH_MAX, "%s%s", mount,
				 strcmp(line + 3, "/") ? line + 3 : "") < PATH_MAX;
	}
	fclose(f);
	if (!found)
		fprintf(stderr, "  /proc/self/cgroup has no cgroup v2 (0::) line\n");
	return found ? 0 : -1;
}

int testcg_create(const char *dir)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "  mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int testcg_id(const char *dir, uint64_t *id)
{
	union {
		struct file_handle fh;
		char space[sizeof(struct file_handle) + 64];
	} h;
	int mount_id;

	h.fh.handle_bytes = 64;
	if (name_to_handle_at(AT_FDCWD, dir, &h.fh, &mount_id, 0)) {
		fprintf(stderr, "  name_to_handle_at %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (h.fh.handle_bytes != sizeof(*id)) {
		fprintf(stderr, "  %s: file handle of %u bytes, not a cgroup id\n", dir,
			h.fh.handle_bytes);
		return -1;
	}
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return 0;
}

static int write_procs(const char *dir, pid_t pid)
{
	char path[PATH_MAX + 16], text[32];
	int fd, len, ok;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	len = snprintf(text, sizeof(text), "%d\n", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, text, (size_t)len) == len;
	close(fd);
	return ok ? 0 : -1;
}

int testcg_join(const char *dir, pid_t pid)
{
	if (write_procs(dir, pid ? pid : getpid())) {
		fprintf(stderr, "  joining %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int testcg_evacuate(const char *dir, const char *to)
{
	char path[PATH_MAX + 16];
	int moved = 0, pid;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fscanf(f, "%d", &pid) == 1)
		if (write_procs(to, pid) == 0)
			moved++;
	fclose(f);
	return moved;
}

int testcg_remove(const char *dir, const char *to)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		testcg_evacuate(dir, to);
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		usleep(10 * 1000); /* a task that is exiting still counts for a moment */
	}
	fprintf(stderr, "  rmdir %s: %s\n", dir, strerror(errno));
	return -1;
}
