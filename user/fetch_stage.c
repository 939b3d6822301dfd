// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Where data fetch writes: the destination checked up front, the staging directory and its removal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fetch.h"

int eg_fetch_dest_ready(const char *dest, struct eg_error *err)
{
	struct stat st;

	if (mkdir(dest, 0755) && errno != EEXIST)
		return eg_fail(err, errno, "%s: cannot create: %s%s", dest, strerror(errno),
			       errno == EACCES ? " (run as root, or choose a directory you own)"
					       : "");
	if (stat(dest, &st))
		return eg_fail(err, errno, "%s: %s", dest, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return eg_fail(err, ENOTDIR, "%s: not a directory", dest);
	if (access(dest, W_OK | X_OK))
		return eg_fail(err, EACCES,
			       "%s: not writable by uid %u (owned by uid %u, mode %03o): run as "
			       "root, or choose a directory you own",
			       dest, (unsigned)geteuid(), (unsigned)st.st_uid, st.st_mode & 0777);
	return 0;
}

int eg_fetch_stage_create(const char *dest, char *stage, size_t len, struct eg_error *err)
{
	snprintf(stage, len, "%s/.fetch-XXXXXX", dest);
	if (!mkdtemp(stage))
		return eg_fail(err, errno, "%s: cannot create a staging directory: %s", dest,
			       strerror(errno));
	return 0;
}

/* Empty the directory open at fd (consumed), depth first. */
static int empty_dir(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		int sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			rc = -1;
			continue;
		}
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || empty_dir(sub) || unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR))
			rc = -1;
	}
	closedir(d);
	return rc;
}

int eg_remove_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || empty_dir(fd))
		return -1;
	return rmdir(path);
}
