// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "cgroup.h"

int eg_cgroup2_mount(char out[PATH_MAX], struct eg_error *err)
{
	FILE *mounts = setmntent("/proc/mounts", "r");
	struct mntent *ent;
	int found = 0;

	if (!mounts)
		return eg_fail(err, errno, "/proc/mounts: cannot open: %s", strerror(errno));
	while (!found && (ent = getmntent(mounts))) {
		if (strcmp(ent->mnt_type, "cgroup2") == 0) {
			snprintf(out, PATH_MAX, "%s", ent->mnt_dir);
			found = 1;
		}
	}
	endmntent(mounts);
	if (!found)
		return eg_fail(
			err, ENOENT,
			"no cgroup v2 file system is mounted (/proc/mounts has no cgroup2 entry); "
			"mount one with: mount -t cgroup2 none /sys/fs/cgroup/unified");
	return 0;
}

/* Is path (or, when it does not exist, its nearest existing parent) on a cgroup v1 hierarchy? */
static int on_cgroup_v1(const char *path)
{
	char dir[PATH_MAX];
	struct statfs fs;
	char *slash;
	int rc;

	snprintf(dir, sizeof(dir), "%s", path);
	while ((rc = statfs(dir, &fs)) != 0 && (slash = strrchr(dir, '/')) && slash != dir)
		*slash = '\0';
	return rc == 0 && fs.f_type == CGROUP_SUPER_MAGIC;
}

int eg_cgroup_resolve(const char *mount, const char *arg, char dir[PATH_MAX], char rel[PATH_MAX],
		      struct eg_error *err)
{
	size_t mlen = strlen(mount);
	char real[PATH_MAX];

	if (arg && arg[0] == '/' && strncmp(arg, mount, mlen) != 0 && on_cgroup_v1(arg))
		return eg_fail(err, EINVAL,
			       "%s is a cgroup v1 hierarchy; exfilguard needs cgroup v2, which is "
			       "mounted at %s (give a directory below it)",
			       arg, mount);
	if (!arg)
		snprintf(dir, PATH_MAX, "%s", mount);
	else if (arg[0] == '/' && strncmp(arg, mount, mlen) == 0)
		snprintf(dir, PATH_MAX, "%s", arg);
	else
		snprintf(dir, PATH_MAX, "%s/%s", mount, arg[0] == '/' ? arg + 1 : arg);
	if (!realpath(dir, real))
		return eg_fail(err, errno, "%s: %s (cgroup v2 is mounted at %s)", dir,
			       strerror(errno), mount);
	if (strncmp(real, mount, mlen) != 0 || (real[mlen] != '/' && real[mlen] != '\0'))
		return eg_fail(err, EINVAL, "%s is not below the cgroup v2 mount %s", real, mount);
	snprintf(dir, PATH_MAX, "%s", real);
	snprintf(rel, PATH_MAX, "%s", real[mlen] ? real + mlen : "/");
	return 0;
}

int eg_cgroup_id_of(const char *dir, uint64_t *id, struct eg_error *err)
{
	struct statfs sfs;
	struct stat st;

	if (statfs(dir, &sfs) || stat(dir, &st))
		return eg_fail(err, errno, "%s: %s", dir, strerror(errno));
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return eg_fail(err, EINVAL, "%s: not a cgroup v2 directory", dir);
	*id = st.st_ino; /* on cgroup2 the inode number is the cgroup id */
	return 0;
}

#define EG_FILEID_KERNFS 0xfe

int eg_cgroup_path_of(const char *mount, uint64_t id, char *out, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} handle = {.fh = {.handle_bytes = sizeof(uint64_t), .handle_type = EG_FILEID_KERNFS}};
	char link[64], full[PATH_MAX];
	size_t mlen = strlen(mount);
	int mount_fd, fd;
	ssize_t n;

	memcpy(handle.fh.f_handle, &id, sizeof(id));
	mount_fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mount_fd < 0)
		return -1;
	fd = open_by_handle_at(mount_fd, &handle.fh, O_RDONLY | O_CLOEXEC);
	close(mount_fd);
	if (fd < 0)
		return -1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, full, sizeof(full) - 1);
	close(fd);
	if (n < 0)
		return -1;
	full[n] = '\0';
	if (strncmp(full, mount, mlen) != 0)
		return -1;
	snprintf(out, len, "%s", full[mlen] ? full + mlen : "/");
	return 0;
}

static int is_bpffs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == BPF_FS_MAGIC;
}

int eg_bpffs_ensure(const char *pin_dir, struct eg_error *err)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", pin_dir);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return eg_fail(err, EINVAL, "%s: the pin directory must be below a bpffs mount",
			       pin_dir);
	*slash = '\0';
	if (is_bpffs(parent))
		return 0;
	if (strcmp(parent, "/sys/fs/bpf") != 0)
		return eg_fail(err, EINVAL, "%s: not on a bpffs (mount -t bpf bpf %s)", parent,
			       parent);
	if (mount("bpf", parent, "bpf", 0, "mode=0700"))
		return eg_fail(err, errno, "cannot mount bpffs at %s: %s", parent, strerror(errno));
	return 0;
}
