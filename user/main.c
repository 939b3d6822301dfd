// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard: entry point, global options and subcommand dispatch. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../maps/exfilguard.h"

#ifndef EG_VERSION
#define EG_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"Usage: exfilguard [GLOBAL OPTIONS] COMMAND [OPTIONS]\n"
	"\n"
	"Guards egress in the kernel: eBPF programs on the cgroup socket hooks judge every\n"
	"outgoing destination (TCP connect, UDP send, raw and ping sockets) against a policy\n"
	"before a byte leaves, and report each denied or audited destination.\n"
	"\n"
	"Commands:\n"
	"  run      load a policy, attach the hooks and stream events until stopped\n"
	"  check    validate a policy file\n"
	"  lookup   show the rule and verdict a policy gives to addresses\n"
	"  status   show what is attached, the policy in force and counters\n"
	"  reload   make the running guard re-read its policy and datasets, atomically\n"
	"  detach   remove a pinned guard\n"
	"  report   sum up event files for an audit (HTML or Markdown)\n"
	"  stats    bytes sent to denied and audited destinations, per workload and class\n"
	"  top      a live terminal view of denied and audited traffic (a, b, n sort; q quits)\n"
	"  data     fetch the real GeoIP and ASN datasets (exfilguard data fetch [DIR])\n"
	"  help     show this text, or a command's (exfilguard help run)\n"
	"\n"
	"Global options:\n"
	"  --pin-dir DIR  where links and maps are pinned (default " EG_DEFAULT_PIN_DIR ")\n"
	"  -j, --json     machine-readable output; errors too are JSON objects\n"
	"  -h, --help     this text\n"
	"  -V, --version  print the version\n"
	"\n"
	"Exit status: 0 success, 1 failure (bad policy, no privileges, kernel refused),\n"
	"2 bad command line, 3 status found no guard.\n"
	"\n"
	"Run 'exfilguard COMMAND --help' for a command's options.\n";

struct command {
	const char *name;
	int (*fn)(struct eg_cli *cli, int argc, char **argv);
};

static const struct command commands[] = {
	{"run", eg_cmd_run},	   {"check", eg_cmd_check},   {"lookup", eg_cmd_lookup},
	{"status", eg_cmd_status}, {"detach", eg_cmd_detach}, {"data", eg_cmd_data},
	{"reload", eg_cmd_reload}, {"report", eg_cmd_report}, {"stats", eg_cmd_stats},
	{"top", eg_cmd_top},
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* "help CMD" is "CMD --help". */
static int help(struct eg_cli *cli, int argc, char **argv)
{
	const struct command *cmd = argc > 1 ? find_command(argv[1]) : NULL;
	char *args[] = {argv[1], "--help", NULL};

	if (argc <= 1) {
		fputs(usage_text, stdout);
		return EG_EXIT_OK;
	}
	if (!cmd)
		return eg_cli_usage(cli, "unknown command '%s'", argv[1]);
	cli->cmd = cmd->name;
	optind = 0;
	return cmd->fn(cli, 2, args);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"pin-dir", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	struct eg_cli cli = {.pin_dir = EG_DEFAULT_PIN_DIR};
	const struct command *cmd;
	int c;

	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (optarg[0] != '/' || strlen(optarg) >= sizeof(cli.pin_dir))
				return eg_cli_usage(&cli, "--pin-dir needs an absolute path");
			snprintf(cli.pin_dir, sizeof(cli.pin_dir), "%s", optarg);
			break;
		case 'j':
			cli.json = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EG_EXIT_OK;
		case 'V':
			printf("exfilguard %s\n", EG_VERSION);
			return EG_EXIT_OK;
		default:
			return eg_cli_usage(&cli, "unknown global option");
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return EG_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0)
		return help(&cli, argc - optind, argv + optind);
	cmd = find_command(argv[optind]);
	if (!cmd)
		return eg_cli_usage(&cli, "unknown command '%s'", argv[optind]);
	cli.cmd = cmd->name;
	argc -= optind;
	argv += optind;
	optind = 0; /* restart getopt for the command's own options */
	return cmd->fn(&cli, argc, argv);
}
