// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* make bench: clocks, kernel and process memory probes, statistics, shell. */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The number after `key` on the first line of path that starts with it; -1 if none. */
static long long field_of(const char *path, const char *key)
{
	char line[512];
	long long v = -1;
	size_t k = strlen(key);
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, k) && sscanf(line + k, " %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

unsigned long long bench_memlock(int fd)
{
	char path[64];
	long long v;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	v = field_of(path, "memlock:");
	return v < 0 ? 0 : (unsigned long long)v;
}

long bench_status_kib(int pid, const char *field)
{
	char path[64], key[32];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	snprintf(key, sizeof(key), "%s:", field);
	return (long)field_of(path, key);
}

int bench_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) != 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct bench_stats bench_stats_of(double *v, size_t n)
{
	struct bench_stats s = {0};

	if (!n)
		return s;
	qsort(v, n, sizeof(*v), cmp_double);
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

/* xorshift64*: reproducible destinations from one seed. */
uint32_t bench_rand(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return (uint32_t)((*state * 2685821657736338717ull) >> 32);
}

/* This process's memory cgroup (v1 hierarchy) directory, or "" when there is none. */
static void own_memcg(char out[PATH_MAX])
{
	char line[PATH_MAX];
	FILE *f = fopen("/proc/self/cgroup", "r");

	out[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ":memory:");

		if (p) {
			p[strcspn(p, "\n")] = 0;
			snprintf(out, PATH_MAX, "/sys/fs/cgroup/memory%s", p + 8);
		}
	}
	if (f)
		fclose(f);
}

static int join(const char *dir)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f);
}

int bench_memcg_enter(struct bench_memcg *m, const char *name)
{
	own_memcg(m->home);
	snprintf(m->dir, sizeof(m->dir), "%s/%s-%d", m->home, name, (int)getpid());
	if (!m->home[0] || (mkdir(m->dir, 0700) && errno != EEXIST) || join(m->dir)) {
		m->dir[0] = 0;
		return -1;
	}
	return 0;
}

long long bench_memcg_leave(struct bench_memcg *m)
{
	char path[PATH_MAX + 32];
	long long kmem;

	if (!m->dir[0])
		return -1;
	join(m->home);
	snprintf(path, sizeof(path), "%s/memory.kmem.usage_in_bytes", m->dir);
	kmem = field_of(path, "");
	rmdir(m->dir);
	return kmem;
}

/*
 * What a run that did not reach its cleanup (killed, crashed) left: every
 * entry of dir named prefix + the PID of a process that no longer exists is
 * removed by the command remove (a format with one %s: the entry's path, or
 * its name for "ip netns del"). atexit covers the runs that end normally.
 */
void bench_sweep_stale(const char *dir, const char *prefix, const char *remove, int by_name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	while (d && (e = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		pid = strtol(e->d_name + strlen(prefix), &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		bench_sh(remove, by_name ? e->d_name : path);
	}
	if (d)
		closedir(d);
}
