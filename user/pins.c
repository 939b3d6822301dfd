// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The pin directory: paths, reading pinned maps, the daemon lock, detach. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hooks.h"
#include "pins.h"

void eg_pin_path(char *out, size_t len, const char *pin_dir, const char *kind, const char *name)
{
	snprintf(out, len, "%s/%s/%s", pin_dir, kind, name);
}

/* ---- the daemon lock ---- */

static int open_pin_dir(const char *pin_dir)
{
	return open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Is the lock on this open pin directory held (by anyone, this process included)? */
static int lock_held(int dir_fd)
{
	if (flock(dir_fd, LOCK_SH | LOCK_NB) == 0) {
		flock(dir_fd, LOCK_UN);
		return 0;
	}
	return errno == EWOULDBLOCK;
}

int eg_pins_lock(const char *pin_dir)
{
	int fd = open_pin_dir(pin_dir);

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int eg_pins_daemon_alive(const char *pin_dir)
{
	int fd = open_pin_dir(pin_dir), alive;

	if (fd < 0)
		return 0;
	alive = lock_held(fd);
	close(fd);
	return alive;
}

static int mkdir_private(const char *path, struct eg_error *err)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return eg_fail(err, errno, "%s: cannot create: %s", path, strerror(errno));
	return 0;
}

static int make_subdirs(const char *pin_dir, struct eg_error *err)
{
	char sub[PATH_MAX];

	snprintf(sub, sizeof(sub), "%s/maps", pin_dir);
	if (mkdir_private(sub, err))
		return -1;
	snprintf(sub, sizeof(sub), "%s/links", pin_dir);
	return mkdir_private(sub, err);
}

int eg_pins_create(const char *pin_dir, struct eg_error *err)
{
	int fd;

	if (mkdir(pin_dir, 0700)) {
		if (errno == EEXIST)
			return eg_fail(
				err, EEXIST,
				"%s already exists: a guard is running or was left pinned "
				"(see 'exfilguard status'; remove it with 'exfilguard detach')",
				pin_dir);
		return eg_fail(err, errno, "%s: cannot create: %s", pin_dir, strerror(errno));
	}
	/* Locked before anything is pinned: nobody sees these pins without a live daemon. */
	fd = eg_pins_lock(pin_dir);
	if (fd < 0)
		eg_fail(err, errno, "%s: cannot lock: %s", pin_dir, strerror(errno));
	if (fd < 0 || make_subdirs(pin_dir, err)) {
		if (fd >= 0)
			close(fd);
		eg_pins_remove(pin_dir, NULL, NULL);
		return -1;
	}
	return fd;
}

/* ---- reading pins ---- */

int eg_pinned_map_fd(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];

	eg_pin_path(path, sizeof(path), pin_dir, "maps", name);
	return bpf_obj_get(path);
}

int eg_pinned_read0(const char *pin_dir, const char *name, void *value)
{
	int fd = eg_pinned_map_fd(pin_dir, name), rc;
	uint32_t zero = 0;

	if (fd < 0)
		return -1;
	rc = bpf_map_lookup_elem(fd, &zero, value);
	close(fd);
	return rc;
}

int eg_pinned_info(const char *pin_dir, struct eg_info *info)
{
	return eg_pinned_read0(pin_dir, EG_STR(EG_MAP_INFO), info);
}

uint32_t eg_pinned_cfg_slot(const char *pin_dir)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_SLOT));
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int ok;

	memset(&info, 0, sizeof(info));
	ok = fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0;
	if (fd >= 0)
		close(fd);
	return ok && info.max_entries == 2 ? 1 : 0;
}

/* Is fd an EG_MAP_HOT of this binary's layout (a pin of an older one reads as 0)? */
static int hot_layout_ok(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == BPF_MAP_TYPE_ARRAY &&
	       info.value_size == sizeof(struct eg_hot) && info.max_entries == 1;
}

/* EG_MAP_HOT's value, into a new allocation; NULL when fd is not one of this layout. */
static struct eg_hot *hot_read(int fd)
{
	struct eg_hot *hot = malloc(sizeof(*hot));
	uint32_t zero = 0;

	if (hot && hot_layout_ok(fd) && bpf_map_lookup_elem(fd, &zero, hot) == 0)
		return hot;
	free(hot);
	return NULL;
}

int eg_pinned_config(const char *pin_dir, struct eg_config *cfg)
{
	int fd = eg_pinned_map_fd(pin_dir, EG_STR(EG_MAP_HOT));
	struct eg_hot *hot = fd >= 0 ? hot_read(fd) : NULL;

	if (fd >= 0)
		close(fd);
	if (!hot)
		return -1;
	*cfg = hot->cfg[eg_pinned_cfg_slot(pin_dir)];
	free(hot);
	return 0;
}

int eg_counters_read(int hot_fd, struct eg_counters *out)
{
	struct eg_hot *hot = hot_read(hot_fd);
	uint32_t i, slot;

	memset(out, 0, sizeof(*out));
	if (!hot)
		return -1;
	for (i = 0; i < EG_CTR_ROWS; i++)
		for (slot = 0; slot < EG_CTR_COUNT; slot++)
			out->v[slot] += hot->rows[i].v[slot];
	free(hot);
	return 0;
}

uint64_t eg_counters_verdict(const struct eg_counters *c, unsigned verdict)
{
	uint64_t sum = 0;

	for (unsigned hook = 0; hook < EG_HOOK_COUNT; hook++)
		sum += c->v[EG_CTR_HOOK(hook, verdict)];
	return sum;
}

uint64_t eg_counter_sum(int hot_fd, uint32_t slot)
{
	struct eg_counters c;

	eg_counters_read(hot_fd, &c);
	return slot < EG_CTR_COUNT ? c.v[slot] : 0;
}

int eg_pinned_link_fd(const char *pin_dir, unsigned hook)
{
	char path[PATH_MAX];

	eg_pin_path(path, sizeof(path), pin_dir, "links", eg_hook_prog_name(hook));
	return bpf_obj_get(path);
}

struct bpf_link *eg_pinned_link_open(const char *pin_dir, unsigned hook)
{
	char path[PATH_MAX];

	eg_pin_path(path, sizeof(path), pin_dir, "links", eg_hook_prog_name(hook));
	return bpf_link__open(path);
}

/* ---- removing pins ---- */

/* Remove every file under pin_dir/kind, detaching links first. */
static int unpin_kind(const char *pin_dir, const char *kind, int *removed)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", pin_dir, kind);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		eg_pin_path(path, sizeof(path), pin_dir, kind, de->d_name);
		if (strcmp(kind, "links") == 0) {
			int fd = bpf_obj_get(path);

			/* Detach even while another process (a live daemon) holds the link. */
			if (fd >= 0) {
				bpf_link_detach(fd);
				close(fd);
			}
		}
		if (unlink(path) == 0 && removed)
			(*removed)++;
	}
	closedir(d);
	rmdir(dir);
	return 0;
}

int eg_pins_remove(const char *pin_dir, int *removed, struct eg_error *err)
{
	if (unpin_kind(pin_dir, "links", removed) || unpin_kind(pin_dir, "maps", removed))
		return eg_fail(err, errno, "%s: cannot remove: %s", pin_dir, strerror(errno));
	if (rmdir(pin_dir) && errno != ENOENT)
		return eg_fail(err, errno, "%s: cannot remove: %s", pin_dir, strerror(errno));
	return 0;
}

/*
 * Ask the daemon holding pin_dir's lock to stop (the pid it recorded), and
 * give it up to 3 s to detach, unpin and let go of the lock; 1 when one was
 * stopped. With nobody holding the lock, no pid is signalled at all.
 */
static int stop_daemon(const char *pin_dir)
{
	int fd = open_pin_dir(pin_dir), stopped = 0, i;
	struct eg_info info;

	if (fd < 0)
		return 0;
	if (lock_held(fd) && eg_pinned_info(pin_dir, &info) == 0 && info.pid &&
	    kill((pid_t)info.pid, SIGTERM) == 0) {
		stopped = 1;
		for (i = 0; i < 300 && lock_held(fd); i++)
			usleep(10000);
	}
	close(fd);
	return stopped;
}

int eg_pins_detach(const char *pin_dir, int *removed, struct eg_error *err)
{
	struct stat st;

	if (stat(pin_dir, &st)) {
		if (errno == ENOENT)
			return 0;
		return eg_fail(err, errno, "%s: %s", pin_dir, strerror(errno));
	}
	if (stop_daemon(pin_dir) && removed)
		(*removed)++; /* the daemon's own pins count as removed */
	return eg_pins_remove(pin_dir, removed, err);
}
