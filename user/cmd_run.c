// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard run: its options and help; the daemon itself is in daemon.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "daemon.h"
#include "timing.h"

static const char run_help[] =
	"Usage: exfilguard run --policy FILE [OPTIONS]\n"
	"\n"
	"Loads FILE and its datasets, attaches the hooks (connect4, connect6, sendmsg4,\n"
	"sendmsg6 and the cgroup_skb egress backstop) at a cgroup v2 directory, pins them\n"
	"under the pin directory and writes one line per denied or audited destination\n"
	"until SIGINT or SIGTERM, then detaches and removes the pins (unless --persist).\n"
	"The policy is fully loaded before any hook is attached. A denied connect or send\n"
	"fails with EPERM; a denied packet of a socket the hooks did not judge (raw, ping,\n"
	"or connected before start) is dropped.\n"
	"\n"
	"SIGHUP (or 'exfilguard reload') re-reads the policy and its datasets, builds the\n"
	"new generation beside the one in force and switches each hook to it in one atomic\n"
	"link update; a policy or dataset that fails to load is refused and the one in\n"
	"force stays. The pinned hooks keep enforcing if the daemon dies (kill -9); a new\n"
	"'run' then adopts them the same way, without a moment of no enforcement, and\n"
	"first reports the events they recorded meanwhile, marked \"backlog\". Counters\n"
	"are cumulative across reloads and adoptions.\n"
	"\n"
	"Options:\n"
	"  -p, --policy FILE       the policy (YAML); see README.md for the format\n"
	"  -m, --mode MODE         enforce or audit, overriding the policy's mode; in audit\n"
	"                          mode every deny is reported and allowed\n"
	"  -c, --cgroup DIR        cgroup v2 directory to guard, with everything below it\n"
	"                          (absolute, or relative to the cgroup v2 mount; default:\n"
	"                          the cgroup v2 root, so every process is guarded)\n"
	"  -e, --events FILE       append events to FILE instead of standard output\n"
	"  -o, --output OUTPUT     send events to OUTPUT too (repeatable): journald, syslog\n"
	"                          (/dev/log), syslog:udp://HOST:PORT, syslog:tcp://HOST:PORT,\n"
	"                          syslog:unix:PATH, file:PATH or stdout; replaces the\n"
	"                          policy's outputs: (default: standard output)\n"
	"  -f, --format FORMAT     json (one object per line, default) or text\n"
	"      --ready-fd N        write \"READY=1\\n\" to file descriptor N once enforcing,\n"
	"                          then close it (for supervisors and tests)\n"
	"      --persist           on SIGINT/SIGTERM leave the hooks pinned and enforcing\n"
	"                          (for restarts and upgrades; 'exfilguard detach' removes them)\n"
	"      --metrics [ADDR:]PORT  serve Prometheus /metrics and /healthz (ADDR default\n"
	"                          127.0.0.1; the policy's metrics: key does the same)\n"
	"      --metrics-token-file FILE  require 'Authorization: Bearer <its first line>'\n"
	"      --watch-policy      reload when the policy file changes (its directory is\n"
	"                          watched; on by default when the directory is a Kubernetes\n"
	"                          ConfigMap volume, one holding a '..data' symlink)\n"
	"      --timing            print on standard error how long each phase of a load\n"
	"                          takes, at the start and at every reload: policy parse,\n"
	"                          each dataset's read, digest and parse (datasets are read\n"
	"                          in parallel), world build, rules and decision-table\n"
	"                          compile, BPF object load (program verification), map\n"
	"                          upload, attach; one line each: its start after the first\n"
	"                          phase began, wall time and CPU time (EXFILGUARD_TIMING=1\n"
	"                          does the same)\n"
	"  -h, --help              this text\n"
	"\n"
	"Under systemd (Type=notify) the daemon reports READY=1 once its self-test passed,\n"
	"RELOADING=1 and READY=1 around each reload, STATUS= lines, STOPPING=1, and pings\n"
	"the watchdog (WATCHDOG=1) at half of WatchdogSec=.\n"
	"\n"
	"SIGUSR1 reopens the events files (after log rotation; a file renamed or removed\n"
	"is noticed and reopened anyway). Each output has its own queue: one that stalls\n"
	"loses events (counted, reported at exit) but never holds up the others.\n"
	"Events that the kernel could not queue (ring buffer full) are counted, reported\n"
	"in the stream as {\"event\":\"lost\"} lines, by 'exfilguard status', and at exit.\n"
	"Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_DAC_READ_SEARCH).\n";

static int parse_run_opts(struct eg_cli *cli, int argc, char **argv, struct eg_run_opts *o)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"mode", required_argument, NULL, 'm'},
		{"cgroup", required_argument, NULL, 'c'},
		{"events", required_argument, NULL, 'e'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"ready-fd", required_argument, NULL, 'r'},
		{"persist", no_argument, NULL, 'P'},
		{"metrics", required_argument, NULL, 'M'},
		{"metrics-token-file", required_argument, NULL, 'T'},
		{"watch-policy", no_argument, NULL, 'W'},
		{"timing", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	char *end;
	int c;

	*o = (struct eg_run_opts){.mode = -1, .format = EG_FORMAT_JSON, .ready_fd = -1};
	while ((c = getopt_long(argc, argv, "p:m:c:e:o:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->policy_path = optarg;
			break;
		case 'm':
			o->mode = eg_mode_from_name(optarg);
			if (o->mode < 0)
				return eg_cli_usage(
					cli, "--mode must be enforce or audit, not '%s'", optarg);
			break;
		case 'c':
			o->cgroup_arg = optarg;
			break;
		case 'e':
			o->events_path = optarg;
			break;
		case 'o':
			if (o->n_outputs == EG_SINKS_MAX)
				return eg_cli_usage(cli, "at most %d --output", EG_SINKS_MAX);
			o->outputs[o->n_outputs++] = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return eg_cli_usage(cli, "--format must be json or text, not '%s'",
						    optarg);
			o->format = strcmp(optarg, "json") ? EG_FORMAT_TEXT : EG_FORMAT_JSON;
			break;
		case 'r':
			o->ready_fd = (int)strtol(optarg, &end, 10);
			if (*end || o->ready_fd < 0)
				return eg_cli_usage(cli,
						    "--ready-fd needs a file descriptor number");
			break;
		case 'P':
			o->persist = 1;
			break;
		case 'M':
			o->metrics = optarg;
			break;
		case 'T':
			o->metrics_token = optarg;
			break;
		case 'W':
			o->watch_policy = 1;
			break;
		case 't':
			eg_timing_enable();
			break;
		case 'h':
			fputs(run_help, stdout);
			return -1;
		default:
			return eg_cli_usage(cli, "unknown option");
		}
	}
	if (optind < argc)
		return eg_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (!o->policy_path)
		return eg_cli_usage(cli, "--policy FILE is required");
	return 0;
}

int eg_cmd_run(struct eg_cli *cli, int argc, char **argv)
{
	struct eg_error err = {0};
	struct eg_run_opts o;
	int rc = parse_run_opts(cli, argc, argv, &o);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_daemon_run(&o, cli->pin_dir, &err))
		return eg_cli_error(cli, &err);
	return EG_EXIT_OK;
}
