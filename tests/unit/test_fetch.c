// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `exfilguard data fetch` against fake packages: a fake `npm` on PATH "packs"
 * tarballs built here from generated data. A good fetch installs the files
 * and MANIFEST.json and leaves no staging directory; a download whose rows
 * drop, whose canaries fail or whose countries a second source contradicts is
 * refused and the data in force stays; missing npm, failing npm and an
 * unwritable DIR say why. (A real fetch runs in CI.)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>
#include "check.h"
#include "datasrc.h"
#include "manifest.h"

static char root[] = "/tmp/eg-test-fetch-XXXXXX";
static char out[8192]; /* the last run's stderr */

enum variant { GOOD, FEW_ROWS, BAD_CANARY, SWAPPED };

static void range_line(FILE *f, unsigned i, const char *value)
{
	unsigned a = (16u << 24) + i * 256;

	fprintf(f, "%u.%u.%u.0,%u.%u.%u.255,%s\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		a >> 24, (a >> 16) & 255, (a >> 8) & 255, value);
}

/* A country "mmdb" (a CSV: the format is told from the content) with the canaries. */
static void write_country(const char *path, int swapped)
{
	FILE *f = fopen(path, "w");

	for (unsigned i = 0; i < 100000; i++)
		range_line(f, i, (i + (unsigned)swapped) % 2 ? "FR" : "DE");
	fputs("8.8.8.0,8.8.8.255,US\n1.1.1.0,1.1.1.255,AU\n47.88.0.0,47.88.255.255,US\n"
	      "114.114.0.0,114.114.255.255,CN\n",
	      f);
	fclose(f);
}

static void write_asn(const char *dir, enum variant v)
{
	char path[512];
	unsigned n = v == FEW_ROWS ? 70000 : 100000;
	FILE *f;

	snprintf(path, sizeof(path), "%s/asn-ipv4.csv", dir);
	f = fopen(path, "w");
	for (unsigned i = 0; i < n; i++)
		range_line(f, i, i % 2 ? "64500" : "64501");
	fprintf(f, "8.8.8.0,8.8.8.255,%s\n1.1.1.0,1.1.1.255,13335\n47.88.0.0,47.88.255.255,45102\n",
		v == BAD_CANARY ? "15170" : "15169");
	fclose(f);
	snprintf(path, sizeof(path), "%s/asn-ipv6.csv", dir);
	f = fopen(path, "w");
	for (unsigned i = 0; i < 20000; i++)
		fprintf(f, "2001:db8:%x::,2001:db8:%x:ffff:ffff:ffff:ffff:ffff,%u\n", i, i,
			64500 + i % 2);
	fclose(f);
}

/* pkgs/NAME.tgz holding package/ with package.json and what fill() writes. */
static int make_package(const char *name, enum variant v,
			void (*fill)(const char *dir, enum variant v))
{
	char dir[512], cmd[1024];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/build/%s/package", root, name);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/build/%s && mkdir -p %s", root, name, dir);
	if (system(cmd))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/package.json", dir);
	f = fopen(cmd, "w");
	fprintf(f,
		"{\"name\": \"@ip-location-db/%s\", \"version\": \"2.3.2026061719\", "
		"\"license\": \"CC-BY-4.0\"}\n",
		name);
	fclose(f);
	fill(dir, v);
	snprintf(cmd, sizeof(cmd), "tar -czf %s/pkgs/%s.tgz -C %s/build/%s package", root, name,
		 root, name);
	return system(cmd);
}

static void fill_country(const char *dir, enum variant v)
{
	char path[512];

	(void)v;
	snprintf(path, sizeof(path), "%s/dbip-country.mmdb", dir);
	write_country(path, 0);
}

static void fill_cross(const char *dir, enum variant v)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/geo-whois-asn-country.mmdb", dir);
	write_country(path, v == SWAPPED);
}

static int make_packages(enum variant v)
{
	return make_package("dbip-country-mmdb", v, fill_country) ||
	       make_package("asn", v, write_asn) ||
	       make_package("geo-whois-asn-country-mmdb", v, fill_cross);
}

/* exfilguard data fetch DEST in root/work, PATH = path; its exit status, stderr in out. */
static int fetch(const char *path, const char *dest, uid_t uid)
{
	char errfile[512], pkgs[512];
	int status, fd;
	pid_t pid;
	FILE *f;

	snprintf(errfile, sizeof(errfile), "%s/stderr", root);
	snprintf(pkgs, sizeof(pkgs), "%s/pkgs", root);
	pid = fork();
	if (pid == 0) {
		fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		dup2(fd, 2);
		setenv("PATH", path, 1);
		setenv("FAKE_NPM_DIR", pkgs, 1);
		snprintf(errfile, sizeof(errfile), "%s/work", root);
		if (chdir(errfile) || (uid && (setgid(uid) || setuid(uid))))
			_exit(126);
		execl(getenv("EXFILGUARD"), "exfilguard", "data", "fetch", dest, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	f = fopen(errfile, "r");
	out[f ? fread(out, 1, sizeof(out) - 1, f) : 0] = '\0';
	if (f)
		fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int fake_path(char *buf, size_t len)
{
	return snprintf(buf, len, "%s/bin:/usr/bin:/bin", root) >= (int)len;
}

/* Entries of dir whose name starts with ".fetch-" or ".stderr". */
static int leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, ".fetch-", 7) || !strcmp(de->d_name, ".stderr");
	if (d)
		closedir(d);
	return n;
}

static void sha_of(const char *rel, char *hex)
{
	char path[512];
	struct eg_error err = {0};
	struct eg_dataset ds;

	snprintf(path, sizeof(path), "%s/work/data/%s", root, rel);
	hex[0] = '\0';
	if (eg_dataset_load(path, EG_DATA_ASN, &ds, &err) == 0)
		memcpy(hex, ds.sha256, 65);
	eg_dataset_free(&ds);
}

static void test_good_fetch(void)
{
	char path[512], manifest[512];
	struct eg_manifest_file mf;
	struct eg_error err = {0};
	struct eg_dataset ds;

	ASSERT_OK(make_packages(GOOD), "fake packages");
	ASSERT_OK(fake_path(path, sizeof(path)), "PATH");
	ASSERT_EQ(fetch(path, "data", 0), 0, out);
	ASSERT_CONTAINS(out, "verified asn-ipv4.csv: 100003 ranges", "rows reported");
	ASSERT_CONTAINS(out, "0.0 % of ", "cross-check figures reported");
	snprintf(manifest, sizeof(manifest), "%s/work/data/" EG_MANIFEST_NAME, root);
	ASSERT_EQ(eg_manifest_find_in(manifest, "asn-ipv4.csv", &mf, &err), 1, "manifest entry");
	ASSERT_EQ(mf.rows, 100003, "rows recorded");
	ASSERT_STREQ(mf.version, "2.3.2026061719", "version recorded");
	ASSERT_EQ(mf.built, 1781722800, "build date from the version");
	snprintf(path, sizeof(path), "%s/work/data/asn-ipv4.csv", root);
	ASSERT_OK(eg_dataset_load(path, EG_DATA_ASN, &ds, &err), err.msg);
	ASSERT_STREQ(ds.sha256, mf.sha256, "SHA-256 recorded");
	ASSERT_EQ(ds.age_source, EG_AGE_MANIFEST, "the loader dates it from the manifest");
	ASSERT_EQ(ds.build_epoch, 1781722800, "2026-06-17 19:00 UTC");
	eg_dataset_free(&ds);
	snprintf(path, sizeof(path), "%s/work/data", root);
	ASSERT_EQ(leftovers(path), 0, "no staging directory left in DIR");
	snprintf(path, sizeof(path), "%s/work", root);
	ASSERT_EQ(leftovers(path), 0, "nor in the working directory");
}

/* A refused fetch: exit 1, the message, the data in force untouched, nothing left behind. */
static void expect_refused(enum variant v, const char *msg)
{
	char path[512], before[65], after[65];

	sha_of("asn-ipv4.csv", before);
	ASSERT_TRUE(before[0], "data in force (from test_good_fetch)");
	ASSERT_OK(make_packages(v), "fake packages");
	ASSERT_OK(fake_path(path, sizeof(path)), "PATH");
	ASSERT_EQ(fetch(path, "data", 0), 1, "refused");
	ASSERT_CONTAINS(out, msg, "says why");
	sha_of("asn-ipv4.csv", after);
	ASSERT_STREQ(after, before, "the data in force stays (and still matches its manifest)");
	snprintf(path, sizeof(path), "%s/work/data", root);
	ASSERT_EQ(leftovers(path), 0, "no staging directory left");
}

static void test_row_drop_refused(void)
{
	expect_refused(FEW_ROWS, "asn-ipv4.csv: 70003 ranges, 30 % fewer than the 100003");
}

static void test_canary_refused(void)
{
	expect_refused(BAD_CANARY, "8.8.8.8 is announced by AS15170, not AS15169");
}

static void test_cross_source_refused(void)
{
	expect_refused(SWAPPED, "disagree on the country of 99.5 % of the 393 sampled addresses");
}

static void test_npm_missing(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/nonpm", root);
	ASSERT_EQ(fetch(path, "data", 0), 1, "refused");
	ASSERT_CONTAINS(out, "npm not found: install it (apt-get install npm)", "what to do");
}

static void test_npm_fails(void)
{
	char path[512];

	ASSERT_OK(make_packages(GOOD), "fake packages");
	snprintf(path, sizeof(path), "%s/pkgs/asn.tgz", root);
	ASSERT_OK(unlink(path), "asn package gone");
	ASSERT_OK(fake_path(path, sizeof(path)), "PATH");
	ASSERT_EQ(fetch(path, "data", 0), 1, "refused");
	ASSERT_CONTAINS(out,
			"npm pack @ip-location-db/asn failed (exit 1): npm ERR! 404 Not Found - "
			"GET https://registry.npmjs.org/@ip-location-db/asn",
			"npm's last stderr line");
}

/* As another user (root drops to nobody; others meet a read-only directory). */
static void test_unwritable_dir(void)
{
	char path[512], dest[512];

	snprintf(dest, sizeof(dest), "%s/work/rootdir", root);
	ASSERT_OK(mkdir(dest, getuid() == 0 ? 0755 : 0555), "directory");
	ASSERT_OK(fake_path(path, sizeof(path)), "PATH");
	ASSERT_EQ(fetch(path, "rootdir", getuid() == 0 ? 65534 : 0), 1, "refused");
	ASSERT_CONTAINS(out, "rootdir: not writable by uid ", "who cannot write");
	ASSERT_CONTAINS(out, "run as root, or choose a directory you own", "what to do");
}

static int setup(void)
{
	static const char npm[] =
		"#!/bin/sh\n"
		"# fake npm: 'npm pack --silent PKG' copies $FAKE_NPM_DIR/NAME.tgz here\n"
		"[ \"$1\" = pack ] || exit 1\n"
		"name=${3##*/}\n"
		"if [ ! -f \"$FAKE_NPM_DIR/$name.tgz\" ]; then\n"
		"  echo 'npm ERR! code E404' >&2\n"
		"  echo \"npm ERR! 404 Not Found - GET https://registry.npmjs.org/$3\" >&2\n"
		"  exit 1\n"
		"fi\n"
		"cp \"$FAKE_NPM_DIR/$name.tgz\" \"./$name-2.3.2026061719.tgz\"\n";
	char path[512];
	FILE *f;

	if (!mkdtemp(root) || chmod(root, 0755) || !getenv("EXFILGUARD"))
		return -1;
	snprintf(path, sizeof(path), "mkdir -p %s/bin %s/pkgs %s/work %s/nonpm", root, root, root,
		 root);
	if (system(path))
		return -1;
	snprintf(path, sizeof(path), "%s/bin/npm", root);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(npm, f);
	fclose(f);
	return chmod(path, 0755);
}

int main(void)
{
	char cmd[128];

	if (setup()) {
		fprintf(stderr, "test_fetch: set-up failed (EXFILGUARD must name the binary)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_good_fetch);
	RUN_TEST(test_row_drop_refused);
	RUN_TEST(test_canary_refused);
	RUN_TEST(test_cross_source_refused);
	RUN_TEST(test_npm_missing);
	RUN_TEST(test_npm_fails);
	RUN_TEST(test_unwritable_dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
	return check_summary();
}
