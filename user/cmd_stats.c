// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard stats: exfiltration volume per workload and destination class, from the kernel. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli.h"
#include "stats_names.h"

#define DEFAULT_SNAPSHOT_DIR "/run/exfilguard/stats"
#define SNAPSHOT_KEEP_S	     (31 * 86400) /* older snapshots are removed by --save */

static const char stats_help[] =
	"Usage: exfilguard stats [--json] [--since DURATION] [--save] [--snapshot-dir DIR]\n"
	"\n"
	"Attempts (connects and sends the socket hooks judged), and bytes and packets the\n"
	"guard's egress program counted, per workload (cgroup),\n"
	"destination class (country, ASN, provider, jurisdiction) and verdict: every\n"
	"destination the policy denies or audits (in audit mode: the data that would have\n"
	"left; for denied ones, what was attempted), and every destination with\n"
	"'accounting: all' in the policy. Byte counts are IP packet lengths, headers\n"
	"included. The counts are kept in the kernel and carried over reloads and restarts.\n"
	"\n"
	"Options:\n"
	"      --json               one JSON object\n"
	"      --since DURATION     only what was counted in the last DURATION (90s, 15m, 2h,\n"
	"                           7d): the counts minus the newest snapshot at least that\n"
	"                           old; with no such snapshot, everything since the counters\n"
	"                           started (the output says which baseline it used)\n"
	"      --save               also save the counts as a snapshot (run it from a timer)\n"
	"      --snapshot-dir DIR   where snapshots are kept (default " DEFAULT_SNAPSHOT_DIR ")\n"
	"  -h, --help               this text\n";

struct stats_opts {
	int json, save;
	int64_t since; /* seconds; 0: everything */
	const char *dir;
};

static int parse_stats_opts(struct eg_cli *cli, int argc, char **argv, struct stats_opts *o)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'}, {"since", required_argument, NULL, 's'},
		{"save", no_argument, NULL, 'S'}, {"snapshot-dir", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'}, {0},
	};
	int c;

	*o = (struct stats_opts){.json = cli->json, .dir = DEFAULT_SNAPSHOT_DIR};
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = cli->json = 1;
			break;
		case 's':
			o->since = eg_duration_parse(optarg);
			if (o->since < 0)
				return eg_cli_usage(
					cli, "--since needs a duration such as 15m, not '%s'",
					optarg);
			break;
		case 'S':
			o->save = 1;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'h':
			fputs(stats_help, stdout);
			return -1;
		default:
			return eg_cli_usage(cli, "unknown option");
		}
	}
	if (optind < argc)
		return eg_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* The snapshot time of a file name "UNIX.snap"; 0 when it is not one. */
static uint64_t snapshot_time(const char *name)
{
	char *end;
	unsigned long long t = strtoull(name, &end, 10);

	return end != name && strcmp(end, ".snap") == 0 ? t : 0;
}

/* The newest snapshot taken at or before `before` (0: none); prune: remove the very old ones. */
static uint64_t pick_snapshot(const char *dir, uint64_t before, int prune, uint64_t now)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t best = 0;

	while (d && (e = readdir(d))) {
		uint64_t t = snapshot_time(e->d_name);
		char path[PATH_MAX];

		if (prune && t && t + SNAPSHOT_KEEP_S < now) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		} else if (t && t <= before && t > best) {
			best = t;
		}
	}
	if (d)
		closedir(d);
	return best;
}

/* Take the baseline off s: 1 when a snapshot was used (its time in *base_t), 0 for none. */
static int apply_since(const struct stats_opts *o, struct eg_stats *s, uint64_t now,
		       uint64_t *base_t, struct eg_error *err)
{
	char path[PATH_MAX];
	struct eg_stats base;

	*base_t = o->since ? pick_snapshot(o->dir, now - (uint64_t)o->since, 0, now) : 0;
	if (!*base_t)
		return 0;
	snprintf(path, sizeof(path), "%s/%" PRIu64 ".snap", o->dir, *base_t);
	if (eg_stats_load(path, &base, base_t, err))
		return -1;
	eg_stats_subtract(s, &base);
	eg_stats_free(&base);
	return 1;
}

static int save_snapshot(const struct stats_opts *o, const struct eg_stats *s, uint64_t now,
			 struct eg_error *err)
{
	char path[PATH_MAX];

	if (mkdir(o->dir, 0700) && errno != EEXIST)
		return eg_fail(err, errno, "%s: cannot create: %s", o->dir, strerror(errno));
	pick_snapshot(o->dir, 0, 1, now);
	snprintf(path, sizeof(path), "%s/%" PRIu64 ".snap", o->dir, now);
	return eg_stats_save(s, now, path, err);
}

static json_object *row_json(const struct eg_stat_row *r, const struct eg_stat_names *nm)
{
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "workload", json_object_new_string(nm->workload));
	json_object_object_add(obj, "cgroup_id", json_object_new_uint64(r->key.cgroup_id));
	json_object_object_add(obj, "verdict", json_object_new_string(nm->verdict));
	eg_class_names_to_json(&nm->cls, obj);
	json_object_object_add(obj, "attempts", json_object_new_uint64(r->attempts));
	json_object_object_add(obj, "packets", json_object_new_uint64(r->packets));
	json_object_object_add(obj, "bytes", json_object_new_uint64(r->bytes));
	return obj;
}

static void print_stats(const struct stats_opts *o, const struct eg_stats *s,
			const struct eg_stats_namer *namer, uint64_t base_t)
{
	json_object *top = json_object_new_object(), *rows = json_object_new_array();
	struct eg_stat_names nm;
	char since[48] = "counters start";

	if (base_t)
		eg_format_time((int64_t)base_t * 1000000000, since, sizeof(since));
	if (!o->json)
		printf("since %s\n%-40s %-7s %-3s %-8s %-14s %-5s %9s %10s %14s\n", since,
		       "WORKLOAD", "VERDICT", "CC", "ASN", "PROVIDER", "JUR", "ATTEMPTS", "PACKETS",
		       "BYTES");
	for (size_t i = 0; i < s->n; i++) {
		const struct eg_stat_row *r = &s->rows[i];

		eg_stats_name(namer, r->key.cgroup_id, &r->key.cls, r->key.verdict, &nm);
		if (o->json)
			json_object_array_add(rows, row_json(r, &nm));
		else
			printf("%-40s %-7s %-3s %-8u %-14s %-5s %9" PRIu64 " %10" PRIu64
			       " %14" PRIu64 "\n",
			       nm.workload, nm.verdict, nm.cls.country[0] ? nm.cls.country : "-",
			       nm.cls.asn, nm.cls.provider ? nm.cls.provider : "-",
			       nm.cls.jurisdiction[0] ? nm.cls.jurisdiction : "-", r->attempts,
			       r->packets, r->bytes);
	}
	json_object_object_add(top, "baseline",
			       json_object_new_string(base_t ? "snapshot" : "counters start"));
	json_object_object_add(top, "since", base_t ? json_object_new_string(since) : NULL);
	json_object_object_add(top, "rows", rows);
	if (o->json)
		eg_cli_print_json(top);
	else
		json_object_put(top);
}

int eg_cmd_stats(struct eg_cli *cli, int argc, char **argv)
{
	struct eg_error err = {0};
	struct eg_stats_namer namer;
	struct stats_opts o;
	struct eg_stats s;
	uint64_t now = (uint64_t)time(NULL), base_t = 0;
	int rc = parse_stats_opts(cli, argc, argv, &o);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_stats_read_pinned(cli->pin_dir, &s, &err))
		return eg_cli_error(cli, &err);
	if ((o.save && save_snapshot(&o, &s, now, &err)) ||
	    apply_since(&o, &s, now, &base_t, &err) < 0) {
		eg_stats_free(&s);
		return eg_cli_error(cli, &err);
	}
	eg_stats_sort(&s);
	eg_stats_namer_open(&namer, cli->pin_dir);
	print_stats(&o, &s, &namer, base_t);
	eg_stats_namer_close(&namer);
	eg_stats_free(&s);
	return EG_EXIT_OK;
}
