// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "cgroup.h"
#include "exfilguard.skel.h"
#include "guard.h"
#include "workloads.h"
#include "../maps/decide.h"

struct wl_entry {
	uint8_t addr[16];
	struct eg_workload wl;
};

/* What one walk of the guarded tree found. */
struct wl_scan {
	struct wl_entry *entries;
	size_t n, cap;
	ino_t *netns; /* namespaces already read */
	size_t n_netns, cap_netns;
	ino_t own_netns;
	int own_netns_fd;
	int scopes_fd;
};

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, (*cap ? *cap * 2 : 16) * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

/* An address worth mapping: not loopback (every namespace has the same ones), not unspecified. */
static int addr_of(const struct sockaddr *sa, uint8_t out[16])
{
	static const uint8_t loop6[16] = {[15] = 1};

	if (sa && sa->sa_family == AF_INET) {
		uint32_t a = ((const struct sockaddr_in *)sa)->sin_addr.s_addr;

		eg_addr_from_v4(out, a);
		return (ntohl(a) >> 24) != 127 && a != 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return memcmp(out, loop6, 16) != 0;
	}
	return 0;
}

/* The addresses of the network namespace at nsfd (entered for the moment) into scan. */
static int read_netns_addrs(struct wl_scan *scan, int nsfd, const struct eg_workload *wl)
{
	struct ifaddrs *ifs = NULL, *i;
	int rc;

	if (setns(nsfd, CLONE_NEWNET))
		return -1;
	rc = getifaddrs(&ifs);
	if (setns(scan->own_netns_fd, CLONE_NEWNET)) {
		fprintf(stderr, "exfilguard: cannot return to the daemon's network namespace: %s\n",
			strerror(errno));
		abort(); /* the hooks would be attached in a workload's namespace */
	}
	for (i = ifs; rc == 0 && i; i = i->ifa_next) {
		struct wl_entry e = {.wl = *wl};

		if (!addr_of(i->ifa_addr, e.addr))
			continue;
		if (grow((void **)&scan->entries, &scan->cap, scan->n, sizeof(e))) {
			rc = -1;
			break;
		}
		scan->entries[scan->n++] = e;
	}
	freeifaddrs(ifs);
	return rc;
}

/* A process of the tree: its network namespace, when it has its own and is not read yet. */
static void scan_process(struct wl_scan *scan, const char *pid, const struct eg_workload *wl)
{
	char path[64];
	struct stat st;
	size_t k;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* exited */
	if (fstat(fd, &st) == 0 && st.st_ino != scan->own_netns) {
		for (k = 0; k < scan->n_netns && scan->netns[k] != st.st_ino; k++)
			;
		if (k == scan->n_netns &&
		    !grow((void **)&scan->netns, &scan->cap_netns, scan->n_netns, sizeof(ino_t))) {
			scan->netns[scan->n_netns++] = st.st_ino;
			read_netns_addrs(scan, fd, wl);
		}
	}
	close(fd);
}

static void scan_procs(struct wl_scan *scan, const char *dir, const struct eg_workload *wl)
{
	char path[PATH_MAX], pid[32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(pid, sizeof(pid), f)) {
		pid[strcspn(pid, "\n")] = '\0';
		scan_process(scan, pid, wl);
	}
	fclose(f);
}

/* dir and the cgroups below it; slot: the scope slot dir inherits. */
static void scan_cgroup(struct wl_scan *scan, const char *dir, uint32_t slot, int depth)
{
	struct eg_workload wl = {.slot = slot};
	char sub[PATH_MAX];
	struct dirent *de;
	uint64_t id;
	DIR *d;

	if (depth > EG_MAX_CGROUP_DEPTH || eg_cgroup_id_of(dir, &id, NULL))
		return;
	wl.cgroup_id = id;
	if (bpf_map_lookup_elem(scan->scopes_fd, &wl.cgroup_id, &wl.slot))
		wl.slot = slot;
	scan_procs(scan, dir, &wl);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
			scan_cgroup(scan, sub, wl.slot, depth + 1);
		}
	closedir(d);
}

static int entry_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Write what the scan found, then remove the addresses it no longer found. */
static void apply_scan(int map_fd, struct wl_scan *scan)
{
	uint8_t key[16], next[16], *prev = NULL;
	size_t i;

	for (i = 0; i < scan->n; i++)
		bpf_map_update_elem(map_fd, scan->entries[i].addr, &scan->entries[i].wl, BPF_ANY);
	if (scan->n) /* (qsort and bsearch take no NULL array, even empty) */
		qsort(scan->entries, scan->n, sizeof(*scan->entries), entry_cmp);
	while (bpf_map_get_next_key(map_fd, prev, next) == 0) {
		memcpy(key, next, 16);
		prev = key;
		if ((!scan->n ||
		     !bsearch(key, scan->entries, scan->n, sizeof(*scan->entries), entry_cmp)) &&
		    bpf_map_delete_elem(map_fd, key) == 0)
			prev = NULL; /* deleted the cursor: start over */
	}
}

int eg_workloads_sync(int map_fd, int scopes_fd, const char *root, size_t *n_addrs)
{
	struct wl_scan scan = {.scopes_fd = scopes_fd};
	struct stat st;

	scan.own_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (scan.own_netns_fd < 0 || fstat(scan.own_netns_fd, &st)) {
		if (scan.own_netns_fd >= 0)
			close(scan.own_netns_fd);
		return -1;
	}
	scan.own_netns = st.st_ino;
	scan_cgroup(&scan, root, EG_WORKLOAD_NODE, 0);
	apply_scan(map_fd, &scan);
	if (n_addrs)
		*n_addrs = scan.n;
	close(scan.own_netns_fd);
	free(scan.entries);
	free(scan.netns);
	return 0;
}

/* Depth of a cgroup below the root: "/" is 0, "/a/b" is 2. */
static uint32_t cgroup_level(const char *rel)
{
	uint32_t level = 0;
	const char *p;

	for (p = rel; *p; p++)
		if (*p != '/' && (p == rel || p[-1] == '/'))
			level++;
	return level;
}

int eg_workloads_prepare(struct eg_guard *g, const char *cg_dir, const char *cg_rel, uint64_t cg_id,
			 struct eg_error *err)
{
	struct eg_nfconf nf = {.cgroup_id = cg_id, .level = cgroup_level(cg_rel)};
	uint32_t zero = 0;

	if (bpf_map_update_elem(bpf_map__fd(g->skel->maps.EG_MAP_NFCONF), &zero, &nf, BPF_ANY))
		return eg_fail(err, errno, "cannot configure the local_out hook: %s",
			       strerror(errno));
	if (eg_workloads_sync(bpf_map__fd(g->skel->maps.EG_MAP_WORKLOADS), eg_guard_scopes_fd(g),
			      cg_dir, NULL))
		return eg_fail(err, errno, "%s: cannot list the guarded workloads: %s", cg_dir,
			       strerror(errno));
	return 0;
}

void eg_workloads_refresh(struct eg_guard *g, const char *cg_dir)
{
	static time_t last;
	time_t now = time(NULL);

	if (now == last)
		return;
	last = now;
	if (eg_workloads_sync(bpf_map__fd(g->skel->maps.EG_MAP_WORKLOADS), eg_guard_scopes_fd(g),
			      cg_dir, NULL))
		fprintf(stderr, "exfilguard run: listing the guarded workloads: %s\n",
			strerror(errno));
}
