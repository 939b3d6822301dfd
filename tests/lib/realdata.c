// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "bundle.h"
#include "realdata.h"

int realdata_section(char *out, size_t len)
{
	char cwd[512];
	int n;

	if (!getcwd(cwd, sizeof(cwd)) || access("data/dbip-country.mmdb", R_OK) ||
	    access("data/asn-ipv4.csv", R_OK) || access("data/asn-ipv6.csv", R_OK))
		return -1;
	n = snprintf(out, len,
		     "data:\n  country: %s/data/dbip-country.mmdb\n"
		     "  asn: [%s/data/asn-ipv4.csv, %s/data/asn-ipv6.csv]\n",
		     cwd, cwd, cwd);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

int fixtures_generate(const char *dir)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && perl tests/fixtures/gen_fixtures.pl '%s'", dir,
		 dir);
	if (system(cmd) == 0)
		return 0;
	fprintf(stderr, "  fixture generator failed: %s\n", cmd);
	return -1;
}

int testfile_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int testbundle_load(const char *dir, const char *data_text, const char *body_text,
		    struct eg_bundle *b)
{
	char path[PATH_MAX];
	struct eg_error err = {0};
	FILE *f;

	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%s%s", data_text, body_text);
	if (fclose(f))
		return -1;
	if (eg_bundle_load(path, -1, b, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return -1;
	}
	return 0;
}
