// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard top: a live terminal view of denied and audited traffic, from the guard's pins. */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <curses.h>
#include "cli.h"
#include "top_model.h"

static const char top_help[] =
	"Usage: exfilguard top\n"
	"\n"
	"A live view of the running guard (read from its pinned maps, so it works beside\n"
	"'run' from any terminal): denied and audited attempts, packets and bytes per\n"
	"workload, destination class (country, provider, jurisdiction) and verdict, with the\n"
	"DNS name the workload resolved for the last destination of each row, refreshed\n"
	"every second in place.\n"
	"\n"
	"Keys: a sort by attempts (default), b by bytes, n by name, q quit.\n";

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char *const sort_names[] = {"attempts", "bytes", "name"};

static void draw_line(int y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void draw_line(int y, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	move(y, 0);
	clrtoeol();
	mvaddnstr(y, 0, line, COLS > 0 ? COLS : 80);
}

static void draw(const struct eg_top_model *m, const char *pin_dir, enum eg_top_sort sort,
		 const char *problem)
{
	int y = 3;

	draw_line(0, "exfilguard top  %s  sort: %s  (a attempts, b bytes, n name, q quit)", pin_dir,
		  sort_names[sort]);
	draw_line(1, "guard verdicts: allow %" PRIu64 "  deny %" PRIu64 "  audit %" PRIu64 "%s%s",
		  m->verdicts[EG_VERDICT_ALLOW], m->verdicts[EG_VERDICT_DENY],
		  m->verdicts[EG_VERDICT_AUDIT], problem ? "  -- " : "", problem ? problem : "");
	attron(A_BOLD);
	draw_line(2, "%-32s %-7s %-3s %-12s %-3s %9s %8s %12s  %s", "WORKLOAD", "VERDICT", "CC",
		  "PROVIDER", "JUR", "ATTEMPTS", "PACKETS", "BYTES", "NAME (LAST DESTINATION)");
	attroff(A_BOLD);
	for (size_t i = 0; i < m->n && y < LINES; i++, y++) {
		const struct eg_top_row *r = &m->rows[i];

		draw_line(y,
			  "%-32s %-7s %-3s %-12s %-3s %9" PRIu64 " %8" PRIu64 " %12" PRIu64
			  "  %s (%s)",
			  r->nm.workload, r->nm.verdict,
			  r->nm.cls.country[0] ? r->nm.cls.country : "-",
			  r->nm.cls.provider ? r->nm.cls.provider : "-",
			  r->nm.cls.jurisdiction[0] ? r->nm.cls.jurisdiction : "-", r->attempts,
			  r->packets, r->bytes, r->name[0] ? r->name : "-",
			  r->daddr[0] ? r->daddr : "-");
	}
	move(y, 0);
	clrtobot();
	refresh();
}

static int sort_key(int ch, enum eg_top_sort *sort)
{
	switch (ch) {
	case 'a':
		*sort = EG_TOP_BY_ATTEMPTS;
		return 1;
	case 'b':
		*sort = EG_TOP_BY_BYTES;
		return 1;
	case 'n':
		*sort = EG_TOP_BY_NAME;
		return 1;
	default:
		return 0;
	}
}

static void run_view(const char *pin_dir, const struct eg_stats_namer *namer)
{
	enum eg_top_sort sort = EG_TOP_BY_ATTEMPTS;
	struct eg_top_model m = {0};
	int ch = ERR;

	while (!stop_requested && ch != 'q') {
		struct eg_error err = {0};
		int ok = eg_top_refresh(&m, pin_dir, namer, &err) == 0;

		do {
			eg_top_sort(&m, sort);
			draw(&m, pin_dir, sort, ok ? NULL : err.msg);
			ch = getch(); /* a key, or ERR after a second */
		} while (sort_key(ch, &sort) || ch == KEY_RESIZE);
	}
	eg_top_free(&m);
}

int eg_cmd_top(struct eg_cli *cli, int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct eg_stats_namer namer;
	struct eg_error err = {0};
	struct eg_stats probe;
	int rc = eg_cli_no_options(cli, argc, argv, top_help);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	/* Say so before taking the terminal when no guard runs. */
	if (eg_stats_read_pinned(cli->pin_dir, &probe, &err))
		return eg_cli_error(cli, &err);
	eg_stats_free(&probe);
	eg_stats_namer_open(&namer, cli->pin_dir);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(1000);
	run_view(cli->pin_dir, &namer);
	endwin();
	eg_stats_namer_close(&namer);
	return EG_EXIT_OK;
}
