// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include "cli.h"

void eg_cli_print_json(struct json_object *obj)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (isatty(STDOUT_FILENO) ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN);

	printf("%s\n", json_object_to_json_string_ext(obj, flags));
	fflush(stdout);
	json_object_put(obj);
}

int eg_cli_error(const struct eg_cli *cli, const struct eg_error *err)
{
	if (cli->json) {
		json_object *obj = json_object_new_object();

		json_object_object_add(obj, "error", json_object_new_string(err->msg));
		json_object_object_add(obj, "errno", json_object_new_int(err->code));
		eg_cli_print_json(obj);
	} else {
		fprintf(stderr, "exfilguard%s%s: %s\n", cli->cmd ? " " : "",
			cli->cmd ? cli->cmd : "", err->msg);
	}
	return EG_EXIT_FAIL;
}

int eg_cli_usage(const struct eg_cli *cli, const char *fmt, ...)
{
	struct eg_error err = {.code = EINVAL};
	va_list ap;
	size_t used;

	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	used = strlen(err.msg);
	snprintf(err.msg + used, sizeof(err.msg) - used, " (see 'exfilguard%s%s --help')",
		 cli->cmd ? " " : "", cli->cmd ? cli->cmd : "");
	eg_cli_error(cli, &err);
	return EG_EXIT_USAGE;
}

int eg_cli_pins_denied(const struct eg_cli *cli, int code)
{
	struct eg_error err;

	if (code != EACCES && code != EPERM)
		return -1;
	eg_fail(&err, code,
		"%s is not readable without root: %s needs root (or CAP_SYS_ADMIN) (%s)",
		cli->pin_dir, cli->cmd, strerror(code));
	return eg_cli_error(cli, &err);
}

#define EG_CAP_PERFMON 38
#define EG_CAP_BPF     39

static int has_cap(const struct __user_cap_data_struct data[2], int cap)
{
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

int eg_cli_require_privileges(struct eg_error *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {0};
	static const struct {
		int cap;
		const char *name;
	} needed[] = {
		{EG_CAP_BPF, "CAP_BPF"},
		{CAP_NET_ADMIN, "CAP_NET_ADMIN"},
		{EG_CAP_PERFMON, "CAP_PERFMON"},
		{CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH"},
	};
	char missing[128] = "";
	size_t i;

	if (syscall(SYS_capget, &hdr, data))
		return eg_fail(err, errno, "cannot read capabilities: %s", strerror(errno));
	if (has_cap(data, CAP_SYS_ADMIN))
		return 0;
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!has_cap(data, needed[i].cap)) {
			strncat(missing, missing[0] ? ", " : "",
				sizeof(missing) - strlen(missing) - 1);
			strncat(missing, needed[i].name, sizeof(missing) - strlen(missing) - 1);
		}
	}
	if (missing[0])
		return eg_fail(err, EPERM,
			       "missing capabilities %s (run as root, or grant CAP_SYS_ADMIN or "
			       "CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON and CAP_DAC_READ_SEARCH)",
			       missing);
	return 0;
}

int eg_cli_no_options(const struct eg_cli *cli, int argc, char **argv, const char *help)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return -1;
		}
		return eg_cli_usage(cli, "unknown option");
	}
	if (optind < argc)
		return eg_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	return 0;
}
