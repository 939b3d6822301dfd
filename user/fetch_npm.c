// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The npm registry through npm itself: `npm pack`, then tar. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fetch.h"

extern char **environ;

/* Is name an executable on PATH? */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX], full[PATH_MAX + 64];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)n, path);
		snprintf(full, sizeof(full), "%s/%s", n ? dir : ".", name);
		if (access(full, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

int eg_fetch_need_tools(struct eg_error *err)
{
	if (!on_path("npm"))
		return eg_fail(err, ENOENT, "npm not found: install it (apt-get install npm)");
	if (!on_path("tar"))
		return eg_fail(err, ENOENT, "tar not found: install it (apt-get install tar)");
	return 0;
}

/* The last non-empty line of the file at path into buf ("" when none). */
static void last_line(const char *path, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	if (f)
		fclose(f);
}

/* Run argv (no shell) in dir, stdout to /dev/null, stderr to dir/.stderr; 0 when it exits 0. */
static int run_tool(const char *dir, char *const argv[], struct eg_error *err)
{
	char errfile[PATH_MAX], why[512];
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	snprintf(errfile, sizeof(errfile), "%s/.stderr", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, ".stderr",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return eg_fail(err, rc, "cannot run %s: %s", argv[0], strerror(rc));
	if (waitpid(pid, &status, 0) < 0)
		return eg_fail(err, errno, "waiting for %s: %s", argv[0], strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	last_line(errfile, why, sizeof(why));
	return eg_fail(err, EIO, "%s %s %s failed (exit %d)%s%s", argv[0], argv[1],
		       argv[argv[2][0] == '-' ? 3 : 2],
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1, why[0] ? ": " : "", why);
}

static int find_tarball(const char *dir, char *tgz, size_t len)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	tgz[0] = '\0';
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".tgz"))
			snprintf(tgz, len, "%s", de->d_name);
	if (d)
		closedir(d);
	return tgz[0] ? 0 : -1;
}

int eg_fetch_package(const char *stage, const char *package, char *unpacked, size_t len,
		     struct eg_error *err)
{
	char dir[PATH_MAX], tgz[NAME_MAX + 1], pkg[256];
	const char *slash = strrchr(package, '/');
	char *npm[] = {"npm", "pack", "--silent", pkg, NULL};
	char *tar[] = {"tar", "-xzf", tgz, "--no-same-owner", NULL};

	snprintf(pkg, sizeof(pkg), "%s", package);
	snprintf(dir, sizeof(dir), "%s/%s", stage, slash ? slash + 1 : package);
	if (mkdir(dir, 0755))
		return eg_fail(err, errno, "%s: %s", dir, strerror(errno));
	fprintf(stderr, "fetching %s\n", package);
	if (run_tool(dir, npm, err))
		return -1;
	if (find_tarball(dir, tgz, sizeof(tgz)))
		return eg_fail(err, ENOENT, "npm pack %s produced no tarball", package);
	if (run_tool(dir, tar, err))
		return -1;
	snprintf(unpacked, len, "%s/package", dir);
	return 0;
}
