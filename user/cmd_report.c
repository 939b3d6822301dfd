// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard report: event files summed up for an audit, as HTML or Markdown. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "cmd_report.h"

static const char report_help[] =
	"Usage: exfilguard report [OPTIONS] EVENTS...\n"
	"\n"
	"Sums up event files (JSON lines, as 'run' writes them; '-' for standard input) for an\n"
	"audit: totals, attempts over time, by country, provider, jurisdiction, workload,\n"
	"program and destination, the rules that decided and the data versions in force. The\n"
	"HTML page is self-contained (inline styles, charts as inline SVG, no script): it can\n"
	"be mailed or archived and read without a network. Lines that are not events are\n"
	"counted and quoted in the report, not fatal.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   write the report to FILE (default: standard output)\n"
	"      --format FMT    html (default) or md (Markdown, for a ticket)\n"
	"  -p, --policy FILE   describe this policy as the one in force (path, SHA-256, rules)\n"
	"  -h, --help          this text\n";

struct report_opts {
	const char *output, *policy;
	int md;
};

static int parse_report_opts(struct eg_cli *cli, int argc, char **argv, struct report_opts *o)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"policy", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	*o = (struct report_opts){0};
	while ((c = getopt_long(argc, argv, "o:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'p':
			o->policy = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "html") && strcmp(optarg, "md"))
				return eg_cli_usage(cli, "--format must be html or md, not '%s'",
						    optarg);
			o->md = !strcmp(optarg, "md");
			break;
		case 'h':
			fputs(report_help, stdout);
			return -1;
		default:
			return eg_cli_usage(cli, "unknown option");
		}
	}
	if (optind >= argc)
		return eg_cli_usage(cli, "name at least one events file");
	return 0;
}

/* Write the report to path (NULL: standard output) through a temporary file, renamed at the end. */
static int write_report(const struct report *r, const struct report_opts *o, struct eg_error *err)
{
	char tmp[4096];
	FILE *f = stdout;
	int rc;

	if (o->output) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", o->output);
		f = fopen(tmp, "we");
		if (!f)
			return eg_fail(err, errno, "%s: cannot create: %s", tmp, strerror(errno));
	}
	rc = o->md ? report_write_md(r, f) : report_write_html(r, f);
	if (f == stdout)
		return rc || fflush(f) ? eg_fail(err, EIO, "cannot write the report") : 0;
	if (fclose(f) || rc || rename(tmp, o->output)) {
		unlink(tmp);
		return eg_fail(err, errno ? errno : EIO, "%s: cannot write: %s", o->output,
			       strerror(errno ? errno : EIO));
	}
	return 0;
}

static int build(struct report *r, const struct report_opts *o, char **files, size_t n,
		 struct eg_error *err)
{
	time_t now = time(NULL);
	struct tm tm;

	if (report_init(r))
		return eg_fail(err, ENOMEM, "out of memory");
	r->files = files;
	r->n_files = n;
	gmtime_r(&now, &tm);
	strftime(r->generated, sizeof(r->generated), "%Y-%m-%d %H:%M UTC", &tm);
	if (o->policy && report_read_policy(r, o->policy, err))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (report_read(r, files[i], err))
			return -1;
	report_finish(r);
	return 0;
}

int eg_cmd_report(struct eg_cli *cli, int argc, char **argv)
{
	struct report_opts o;
	struct eg_error err = {0};
	struct report *r;
	int rc = parse_report_opts(cli, argc, argv, &o);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	r = calloc(1, sizeof(*r));
	if (!r) {
		eg_fail(&err, ENOMEM, "out of memory");
		return eg_cli_error(cli, &err);
	}
	rc = build(r, &o, argv + optind, (size_t)(argc - optind), &err) ||
	     write_report(r, &o, &err);
	if (!rc && r->invalid)
		fprintf(stderr,
			"exfilguard report: %llu line(s) were not events (quoted in the report)\n",
			(unsigned long long)r->invalid);
	report_free(r); /* what r holds; r itself is ours */
	free(r);
	return rc ? eg_cli_error(cli, &err) : EG_EXIT_OK;
}
