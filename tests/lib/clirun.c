// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include "clirun.h"
#include "guard.h"
#include "testenv.h"

int clirun_capture(const char *args, char *out, size_t len)
{
	char cmd[2 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "%s --pin-dir %s %s", guard_binary(), testenv.pin_dir, args);
	return clirun_shell(cmd, out, len);
}

int clirun_shell(const char *cmd, char *out, size_t len)
{
	size_t n;
	FILE *f;
	int st;

	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct json_object *clirun_json(const char *args)
{
	static char out[1 << 18];
	json_object *obj;
	int rc = clirun_capture(args, out, sizeof(out));

	obj = rc == 0 ? json_tokener_parse(out) : NULL;
	if (!obj)
		fprintf(stderr, "  exfilguard %s: exit %d, output: %.2000s\n", args, rc, out);
	return obj;
}
