// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cloud_json.h"
#include "manifest.h"

static void copy_string(json_object *o, const char *key, char *dst, size_t len)
{
	snprintf(dst, len, "%s", eg_json_string(o, key) ?: "");
}

int eg_manifest_find_in(const char *manifest_path, const char *base, struct eg_manifest_file *out,
			struct eg_error *err)
{
	json_object *root, *files, *entry, *rows;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if (access(manifest_path, F_OK))
		return 0;
	root = json_object_from_file(manifest_path);
	if (!root || !json_object_object_get_ex(root, "files", &files) ||
	    !json_object_is_type(files, json_type_object)) {
		json_object_put(root);
		return eg_fail(err, EINVAL, "%s: not a manifest (JSON with a \"files\" object): %s",
			       manifest_path, json_util_get_last_err() ?: "no \"files\"");
	}
	if (json_object_object_get_ex(files, base, &entry)) {
		copy_string(entry, "package", out->package, sizeof(out->package));
		copy_string(entry, "version", out->version, sizeof(out->version));
		copy_string(entry, "sha256", out->sha256, sizeof(out->sha256));
		out->built = eg_cloud_date(eg_json_string(entry, "built"));
		if (json_object_object_get_ex(entry, "rows", &rows))
			out->rows = (uint64_t)json_object_get_int64(rows);
		found = 1;
	}
	json_object_put(root);
	return found;
}

void eg_manifest_path_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	snprintf(out, len, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, EG_MANIFEST_NAME);
}

int eg_manifest_find(const char *path, struct eg_manifest_file *out, struct eg_error *err)
{
	const char *slash = strrchr(path, '/');
	char manifest[4096];

	eg_manifest_path_of(path, manifest, sizeof(manifest));
	return eg_manifest_find_in(manifest, slash ? slash + 1 : path, out, err);
}

void eg_utc_format(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
}

json_object *eg_manifest_file_json(const struct eg_manifest_file *f)
{
	json_object *o = json_object_new_object();
	char built[32];

	eg_utc_format(f->built, built, sizeof(built));
	json_object_object_add(o, "package", json_object_new_string(f->package));
	json_object_object_add(o, "version", json_object_new_string(f->version));
	json_object_object_add(o, "built", f->built ? json_object_new_string(built) : NULL);
	json_object_object_add(o, "sha256", json_object_new_string(f->sha256));
	json_object_object_add(o, "rows", json_object_new_int64((int64_t)f->rows));
	return o;
}

uint64_t eg_package_version_date(const char *version)
{
	const char *last = version ? strrchr(version, '.') : NULL;
	struct tm tm = {0};

	if (!last || strlen(last + 1) != 10 ||
	    sscanf(last + 1, "%4d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour) !=
		    4)
		return 0;
	if (tm.tm_year < 2000 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (uint64_t)timegm(&tm);
}
