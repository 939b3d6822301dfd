/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What every subcommand shares: global options, exit codes, error output. */
#ifndef EXFILGUARD_CLI_H
#define EXFILGUARD_CLI_H

#include <limits.h>
#include "error.h"

enum eg_exit {
	EG_EXIT_OK = 0,
	EG_EXIT_FAIL = 1,	 /* bad input, or the operation failed */
	EG_EXIT_USAGE = 2,	 /* bad command line */
	EG_EXIT_NOT_RUNNING = 3, /* status: nothing pinned */
};

struct eg_cli {
	char pin_dir[PATH_MAX];
	int json; /* --json: machine-readable output, errors included */
	const char *cmd;
};

/* "s" unless n is 1: "1 rule", "2 rules". */
static inline const char *eg_plural(unsigned long long n)
{
	return n == 1 ? "" : "s";
}

/* Report an operation error (text on stderr, or a JSON object on stdout); returns EG_EXIT_FAIL. */
int eg_cli_error(const struct eg_cli *cli, const struct eg_error *err);
/* Report a usage error with a hint to --help; returns EG_EXIT_USAGE. */
__attribute__((format(printf, 2, 3))) int eg_cli_usage(const struct eg_cli *cli, const char *fmt,
						       ...);
/* A command with no options but --help: <0 after printing help, >0 on a usage error, else 0. */
int eg_cli_no_options(const struct eg_cli *cli, int argc, char **argv, const char *help);
/* Print a JSON object on stdout (pretty when a terminal). Takes ownership. */
struct json_object;
void eg_cli_print_json(struct json_object *obj);

/*
 * The pins could not be read because of who we are (code EACCES or EPERM):
 * say so, rather than "no guard"; returns EG_EXIT_FAIL. Other codes: -1.
 */
int eg_cli_pins_denied(const struct eg_cli *cli, int code);

/* Does the process hold what loading and attaching need? Names what is missing. */
int eg_cli_require_privileges(struct eg_error *err);

int eg_cmd_run(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_check(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_lookup(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_status(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_detach(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_data(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_reload(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_report(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_stats(struct eg_cli *cli, int argc, char **argv);
int eg_cmd_top(struct eg_cli *cli, int argc, char **argv);

#endif
