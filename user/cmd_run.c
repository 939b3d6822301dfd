// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard run: load, attach, pin, then stream events until a signal. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include "cgroup.h"
#include "cli.h"
#include "events.h"
#include "loader.h"
#include "bundle.h"
#include "scopes.h"

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
	"  -h, --help              this text\n"
	"\n"
	"SIGUSR1 reopens the events files (after log rotation; a file renamed or removed\n"
	"is noticed and reopened anyway). Each output has its own queue: one that stalls\n"
	"loses events (counted, reported at exit) but never holds up the others.\n"
	"Events that the kernel could not queue (ring buffer full) are counted, reported\n"
	"in the stream as {\"event\":\"lost\"} lines, by 'exfilguard status', and at exit.\n"
	"Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_DAC_READ_SEARCH).\n";

struct run_opts {
	const char *policy_path;
	const char *cgroup_arg;
	const char *events_path;
	const char *outputs[EG_SINKS_MAX]; /* --output, in order */
	size_t n_outputs;
	int mode; /* -1: as the policy says */
	enum eg_format format;
	int ready_fd;
	int persist;
};

static volatile sig_atomic_t stop_requested, reload_requested, reopen_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_reload_signal(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void on_reopen_signal(int sig)
{
	(void)sig;
	reopen_requested = 1;
}

static int parse_run_opts(struct eg_cli *cli, int argc, char **argv, struct run_opts *o)
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
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	char *end;
	int c;

	*o = (struct run_opts){.mode = -1, .format = EG_FORMAT_JSON, .ready_fd = -1};
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

/* Resolve --cgroup: an absolute cgroup v2 directory, or a path below the mount. */
static int resolve_cgroup(const char *mount, const char *arg, char *dir, size_t dirlen, char *rel,
			  size_t rellen, struct eg_error *err)
{
	size_t mlen = strlen(mount);
	char real[PATH_MAX];

	if (!arg)
		snprintf(dir, dirlen, "%s", mount);
	else if (arg[0] == '/' && strncmp(arg, mount, mlen) == 0)
		snprintf(dir, dirlen, "%s", arg);
	else
		snprintf(dir, dirlen, "%s/%s", mount, arg[0] == '/' ? arg + 1 : arg);
	if (!realpath(dir, real))
		return eg_fail(err, errno, "%s: %s (cgroup v2 is mounted at %s)", dir,
			       strerror(errno), mount);
	if (strncmp(real, mount, mlen) != 0 || (real[mlen] != '/' && real[mlen] != '\0'))
		return eg_fail(err, EINVAL, "%s is not below the cgroup v2 mount %s", real, mount);
	snprintf(dir, dirlen, "%s", real);
	snprintf(rel, rellen, "%s", real[mlen] ? real + mlen : "/");
	return 0;
}

/* In the child: join the cgroup, and connect UDP (it sends nothing) to the canary, v4 and mapped.
 */
static int canary_child(const char *cgroup)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(EG_CANARY_V4)};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
	char procs[PATH_MAX];
	int fd, fd6, refused;
	FILE *f;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "0\n") < 0 || fclose(f))
		return 2;
	sin6.sin6_addr.s6_addr[10] = sin6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sin6.sin6_addr.s6_addr[12], &sin.sin_addr, 4);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
	refused = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) && errno == EPERM;
	refused = refused && connect(fd6, (struct sockaddr *)&sin6, sizeof(sin6)) && errno == EPERM;
	return refused ? 0 : 1;
}

/*
 * Startup self-test: from a fresh cgroup inside the guarded one (a leaf, so
 * the cgroup v2 no-internal-process rule never objects), a connect to the
 * canary must be refused, over IPv4 and the IPv4-mapped IPv6 form.
 */
static int self_test(const char *cg_dir, const char *cg_rel, struct eg_error *err)
{
	char leaf[PATH_MAX];
	int status = -1;
	pid_t pid;

	snprintf(leaf, sizeof(leaf), "%s/exfilguard-selftest-%d", cg_dir, (int)getpid());
	if (mkdir(leaf, 0700) && errno != EEXIST)
		return eg_fail(err, errno, "self-test: cannot create %s: %s", leaf,
			       strerror(errno));
	pid = fork();
	if (pid == 0)
		_exit(canary_child(leaf));
	if (pid > 0)
		waitpid(pid, &status, 0);
	rmdir(leaf);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 2)
		return eg_fail(err, EIO, "self-test: could not run a canary connect in %s", leaf);
	if (WEXITSTATUS(status))
		return eg_fail(
			err, EIO,
			"self-test failed: a connect to the canary 0.0.0.1 from %s was not "
			"refused: the hooks do not enforce there (another BPF program on the "
			"path, or a kernel without cgroup socket hooks?)",
			cg_rel);
	return 0;
}

/* Events lost (ring buffer full): the counter as last seen, and how many this daemon reported. */
struct lost_tally {
	uint64_t seen;
	uint64_t reported;
};

/* Report newly lost events in the stream. */
static void report_lost(struct eg_guard *g, struct eg_event_ctx *ev, struct lost_tally *t)
{
	uint64_t total = eg_guard_counter(g, EG_CTR_EVENTS_DROPPED);

	/* (Less than seen: the counters started over, after an upgrade changed their shape.) */
	if (total > t->seen) {
		eg_event_emit_lost(ev, total - t->seen, total);
		t->reported += total - t->seen;
	}
	t->seen = total;
}

static void notify_ready(int fd)
{
	static const char msg[] = "READY=1\n";

	if (fd < 0)
		return;
	if (write(fd, msg, sizeof(msg) - 1) < 0)
		fprintf(stderr, "exfilguard run: --ready-fd %d: %s\n", fd, strerror(errno));
	close(fd);
}

static void install_signal_handlers(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};

	struct sigaction hup = {.sa_handler = on_reload_signal};
	struct sigaction usr1 = {.sa_handler = on_reopen_signal};

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &hup, NULL);
	sigaction(SIGUSR1, &usr1, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct run_state {
	struct eg_bundle b;
	struct eg_guard guard;
	struct eg_event_ctx events;
	const struct run_opts *o;
	const char *pin_dir;
	char mount[PATH_MAX], cg_dir[PATH_MAX], cg_rel[PATH_MAX];
	uint64_t cg_id;
	struct eg_sinks sinks; /* every output of events */
	struct eg_scope_watch watch;
	unsigned batch_left; /* events still to read in this batch */
};

/*
 * The event loop reads at most this many events before it looks at its
 * signals and the cgroup watch again: a workload hammering a denied
 * destination can produce events as fast as they are written out, and must
 * not keep the daemon from a reload or a stop.
 */
#define EVENTS_PER_BATCH 4096

/* Write one ring record out; 1 when it was an event to report. */
static int report_record(struct eg_event_ctx *ctx, const void *data, size_t size)
{
	const struct eg_event *ev = data;

	/* The self-test's own refusals prove the hooks work; they are not events. */
	if (size < sizeof(struct eg_event) || ev->rule == EG_RULE_CANARY)
		return 0;
	eg_event_emit(ctx, ev);
	return 1;
}

static int on_ring_event(void *ctx, void *data, size_t size)
{
	struct run_state *s = ctx;

	report_record(&s->events, data, size);
	/* Negative: libbpf stops reading, this event counted as read. */
	return --s->batch_left ? 0 : -EAGAIN;
}

/* Read one batch of events; -EAGAIN when more were waiting. */
static int read_events(struct run_state *s, struct ring_buffer *rb)
{
	int rc;

	s->batch_left = EVENTS_PER_BATCH;
	rc = ring_buffer__consume(rb);
	return rc == -EAGAIN ? -EAGAIN : 0;
}

/*
 * Read a ring whose writers are gone (an old generation's) to the end; or,
 * at exit, for at most 64 batches while the hooks may still be writing.
 */
static void read_all_events(struct run_state *s, struct ring_buffer *rb)
{
	int batches = 0;

	while (read_events(s, rb) == -EAGAIN && ++batches < 64)
		;
}

/* Load every scope's rules, and assign the guarded tree's cgroups to scopes. */
static int load_scopes(struct run_state *s, struct eg_bundle *b, struct eg_guard *g,
		       struct eg_error *err)
{
	size_t i, assigned, changed;

	for (i = 0; i < b->n_scope_rules; i++)
		if (eg_guard_apply_scope(g, &b->scope_rules[i], EG_SLOT_SCOPE(i), err))
			return -1;
	if (!b->policy.n_scopes)
		return 0;
	if (s->watch.inotify_fd < 0 && eg_scope_watch_open(&s->watch, s->mount, s->cg_dir))
		return eg_fail(err, errno, "cannot watch %s for new cgroups: %s", s->cg_dir,
			       strerror(errno));
	if (eg_scopes_sync(&b->policy, s->mount, s->cg_dir, eg_guard_scopes_fd(g), &s->watch,
			   &assigned, &changed))
		return eg_fail(err, errno, "cannot assign cgroups to scopes: %s", strerror(errno));
	fprintf(stderr, "exfilguard run: %zu scopes, %zu cgroups in them\n", b->policy.n_scopes,
		assigned);
	return 0;
}

/* A wall-clock Unix time as the kernel's boot-time clock, in ns. */
static uint64_t unix_to_boot_ns(uint64_t unix_s)
{
	struct timespec real, boot;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	ns = (int64_t)unix_s * 1000000000 - ((int64_t)real.tv_sec * 1000000000 + real.tv_nsec) +
	     ((int64_t)boot.tv_sec * 1000000000 + boot.tv_nsec);
	return ns > 0 ? (uint64_t)ns : 1; /* already stale: any time after boot */
}

/* on_failure and max_data_age, as the kernel applies them. */
static void set_failure_policy(struct eg_bundle *b, struct eg_guard *g)
{
	uint64_t stale_after = eg_bundle_stale_after(b);

	g->flags = b->policy.fail_closed ? EG_CFG_FAIL_CLOSED : 0;
	g->stale_after_ns = stale_after ? unix_to_boot_ns(stale_after) : 0;
	if (stale_after && stale_after <= (uint64_t)time(NULL))
		fprintf(stderr,
			"exfilguard run: warning: the data is older than max_data_age: "
			"on_failure: %s applies\n",
			b->policy.fail_closed ? "closed" : "open");
}

/* Load the object for a bundle and fill it: everything but attaching. */
/* counters_fd: the counters of the generation in force, to count on in (-1: none). */
static int build_guard(struct run_state *s, struct eg_bundle *b, int counters_fd,
		       struct eg_guard *g, struct eg_error *err)
{
	const struct eg_world *world = b->have_world ? &b->world : NULL;

	if (eg_guard_load(g, world, counters_fd, err))
		return -1;
	set_failure_policy(b, g);
	if ((world && eg_guard_set_world(g, world, err)) || load_scopes(s, b, g, err) ||
	    eg_guard_apply(g, &b->rules, err) ||
	    eg_guard_set_info(g, s->cg_rel, s->cg_id, s->o->policy_path,
			      world ? world->dataset : NULL, err)) {
		eg_guard_destroy(g);
		return -1;
	}
	return 0;
}

/*
 * A guard already pinned: refuse while its daemon lives; adopt it when it is
 * attached where we were asked to guard. Sets *adopt.
 */
static int check_pinned(struct run_state *s, int *adopt, struct eg_error *err)
{
	struct eg_info info;

	*adopt = 0;
	if (access(s->pin_dir, F_OK) != 0)
		return 0;
	if (eg_pinned_info(s->pin_dir, &info))
		return eg_fail(err, EEXIST,
			       "%s exists but holds no guard; remove it with 'exfilguard detach'",
			       s->pin_dir);
	if (eg_daemon_alive(info.pid))
		return eg_fail(err, EEXIST, "a guard is already running (pid %u, pinned at %s)",
			       info.pid, s->pin_dir);
	if (info.cgroup_id != s->cg_id)
		return eg_fail(err, EEXIST,
			       "the guard pinned at %s is attached at %s, not %s; remove it with "
			       "'exfilguard detach' first",
			       s->pin_dir, info.cgroup_path, s->cg_rel);
	*adopt = 1;
	return 0;
}

static void set_event_sources(struct run_state *s)
{
	eg_event_ctx_set_policy(&s->events, s->guard.policy_id, &s->b.policy);
	s->events.scopes = s->b.policy.scopes;
	s->events.n_scopes = s->b.policy.n_scopes;
	s->events.world = s->b.have_world ? &s->b.world : NULL;
	s->events.catalog = &s->b.catalog;
	s->events.asn_data = s->b.have_asn ? &s->b.asn : NULL;
}

struct backlog {
	struct eg_event_ctx ctx;
	size_t n;
};

static int on_backlog_event(void *arg, void *data, size_t size)
{
	struct backlog *b = arg;

	b->n += (size_t)report_record(&b->ctx, data, size);
	return 0;
}

/*
 * Report what the pinned programs recorded while no daemon ran (after a
 * crash), from the old ring, now off the hooks. Takes fd.
 */
static void read_backlog(struct run_state *s, int fd)
{
	struct backlog *b = calloc(1, sizeof(*b));
	struct ring_buffer *rb = NULL;

	if (b) {
		eg_event_ctx_init(&b->ctx, s->o->format, &s->sinks, s->mount);
		b->ctx.backlog = 1;
		rb = ring_buffer__new(fd, on_backlog_event, b, NULL);
	}
	if (rb) {
		ring_buffer__consume(rb);
		ring_buffer__free(rb);
	} else {
		fprintf(stderr,
			"exfilguard run: cannot read the events recorded while no daemon ran: %s\n",
			strerror(errno));
	}
	if (b && b->n)
		fprintf(stderr,
			"exfilguard run: reported %zu events recorded while no daemon ran "
			"(marked \"backlog\")\n",
			b->n);
	free(b);
	close(fd);
}

/* The first generation; when adopting a pinned guard, it counts on in its counters. */
static int build_adopting(struct run_state *s, int adopt, struct eg_error *err)
{
	int counters_fd = adopt ? eg_pinned_map_fd(s->pin_dir, EG_STR(EG_MAP_COUNTERS)) : -1;
	int rc = build_guard(s, &s->b, counters_fd, &s->guard, err);

	if (counters_fd >= 0)
		close(counters_fd);
	return rc;
}

/* Everything up to enforcing; on failure nothing new is left attached or pinned. */
static int start_guard(struct run_state *s, struct eg_error *err)
{
	const struct run_opts *o = s->o;
	int adopt, backlog_fd = -1;

	/* Everything the policy needs is loaded and checked before the kernel is touched. */
	if (eg_bundle_load(o->policy_path, o->mode, 0, &s->b, err))
		return -1;
	if (eg_cli_require_privileges(err) || eg_cgroup2_mount(s->mount, err) ||
	    resolve_cgroup(s->mount, o->cgroup_arg, s->cg_dir, sizeof(s->cg_dir), s->cg_rel,
			   sizeof(s->cg_rel), err) ||
	    eg_cgroup_id_of(s->cg_dir, &s->cg_id, err) || eg_bpffs_ensure(s->pin_dir, err) ||
	    check_pinned(s, &adopt, err))
		return -1;
	if (eg_sinks_open_from_options(&s->sinks, o->events_path, o->outputs, o->n_outputs,
				       &s->b.policy.outputs, err) ||
	    build_adopting(s, adopt, err))
		return -1;
	if (adopt) {
		/* Before its pin is replaced: */
		backlog_fd = eg_pinned_map_fd(s->pin_dir, EG_STR(EG_MAP_EVENTS));
		if (eg_guard_takeover(&s->guard, NULL, s->pin_dir, err)) {
			if (backlog_fd >= 0)
				close(backlog_fd);
			return -1;
		}
		fprintf(stderr,
			"exfilguard run: adopted the guard pinned at %s (its hooks were "
			"enforcing throughout)\n",
			s->pin_dir);
	} else if (eg_guard_attach(&s->guard, s->cg_dir, err) ||
		   eg_guard_pin(&s->guard, s->pin_dir, err)) {
		return -1;
	}
	eg_event_ctx_init(&s->events, o->format, &s->sinks, s->mount);
	set_event_sources(s);
	if (backlog_fd >= 0)
		read_backlog(s, backlog_fd);
	return self_test(s->cg_dir, s->cg_rel, err);
}

static void stop_guard(struct run_state *s, int persist)
{
	eg_scope_watch_close(&s->watch);
	if (persist)
		eg_guard_release(&s->guard);
	else
		eg_guard_destroy(&s->guard);
	eg_bundle_free(&s->b);
	/* A stalled output is given up after a second, so it cannot keep the daemon from exiting.
	 */
	eg_sinks_close(&s->sinks, EG_SINK_STOP_WAIT_MS);
	eg_sinks_report(&s->sinks, "exfilguard run");
}

static void report_reload(struct eg_guard *g, uint32_t seq, const struct eg_error *err,
			  const char *ok_msg)
{
	eg_guard_set_reload(g, seq, err ? (err->code ? err->code : EINVAL) : 0,
			    err ? err->msg : ok_msg);
	fprintf(stderr, "exfilguard run: reload %s: %s\n", err ? "refused" : "done",
		err ? err->msg : ok_msg);
}

/*
 * SIGHUP: build the next generation beside the one in force and switch to
 * it, or keep the one in force. *rb is the event ring buffer, re-opened on
 * the new guard's map once the old one is drained.
 */
static void reload_guard(struct run_state *s, struct ring_buffer **rb)
{
	struct eg_bundle nb;
	struct eg_guard ng, old;
	struct eg_error err = {0};
	struct eg_info info = {0};
	char msg[EG_PATH_LEN];
	uint32_t seq;

	eg_guard_get_info(&s->guard, &info);
	seq = info.reload_seq + 1;
	if (eg_bundle_load(s->o->policy_path, s->o->mode, 0, &nb, &err)) {
		report_reload(&s->guard, seq, &err, NULL);
		return;
	}
	if (build_guard(s, &nb, eg_guard_counters_fd(&s->guard), &ng, &err) ||
	    eg_guard_takeover(&ng, &s->guard, s->pin_dir, &err)) {
		if (ng.skel)
			eg_guard_destroy(&ng);
		eg_bundle_free(&nb);
		report_reload(&s->guard, seq, &err, NULL);
		return;
	}
	/* The old programs are off the hooks: drain what they reported, then switch over. */
	read_all_events(s, *rb);
	ring_buffer__free(*rb);
	old = s->guard;
	s->guard = ng;
	eg_guard_destroy(&old);
	eg_bundle_free(&s->b);
	s->b = nb;
	set_event_sources(s);
	*rb = ring_buffer__new(eg_guard_events_fd(&s->guard), on_ring_event, s, NULL);
	snprintf(msg, sizeof(msg), "reloaded %s: %zu rules, %s mode, dataset %s", s->o->policy_path,
		 s->b.policy.n_rules, eg_mode_name(s->b.policy.mode),
		 s->b.have_world ? s->b.world.dataset : "none");
	report_reload(&s->guard, seq, NULL, msg);
}

/* New cgroups in the guarded tree: give those a scope selects their scope. */
static void rescan_scopes(struct run_state *s)
{
	size_t assigned, changed;
	struct eg_error err = {0};

	if (!s->b.policy.n_scopes || !eg_scope_watch_pending(&s->watch))
		return;
	if (eg_scopes_sync(&s->b.policy, s->mount, s->cg_dir, eg_guard_scopes_fd(&s->guard),
			   &s->watch, &assigned, &changed)) {
		fprintf(stderr, "exfilguard run: assigning cgroups to scopes: %s\n",
			strerror(errno));
		return;
	}
	if (changed && eg_guard_set_scope_cgroups(&s->guard, &err))
		fprintf(stderr, "exfilguard run: %s\n", err.msg);
}

/*
 * One epoll set for the event ring buffer and the cgroup watch, so a new
 * cgroup is assigned its scope as soon as it appears, not at the next tick.
 */
static int watch_fds(int ep, struct ring_buffer *rb, const struct eg_scope_watch *w)
{
	struct epoll_event rbe = {.events = EPOLLIN, .data.u32 = 0};
	struct epoll_event we = {.events = EPOLLIN, .data.u32 = 1};

	if (epoll_ctl(ep, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rb), &rbe))
		return -1;
	if (w->inotify_fd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, w->inotify_fd, &we) &&
	    errno != EEXIST)
		return -1;
	return 0;
}

static void stream_events(struct run_state *s)
{
	struct ring_buffer *rb =
		ring_buffer__new(eg_guard_events_fd(&s->guard), on_ring_event, s, NULL);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	/* The counters are carried over from an adopted guard: what it lost is its own story. */
	struct lost_tally lost = {.seen = eg_guard_counter(&s->guard, EG_CTR_EVENTS_DROPPED)};

	if (!rb || ep < 0 || watch_fds(ep, rb, &s->watch)) {
		fprintf(stderr, "exfilguard run: cannot watch the event ring buffer: %s\n",
			strerror(errno));
		goto out;
	}
	while (!stop_requested) {
		struct epoll_event evs[2];

		if (epoll_wait(ep, evs, 2, 250) < 0 && errno != EINTR) {
			fprintf(stderr, "exfilguard run: waiting for events: %s\n",
				strerror(errno));
			break;
		}
		rescan_scopes(s);
		read_events(s, rb);
		report_lost(&s->guard, &s->events, &lost);
		if (reopen_requested) {
			reopen_requested = 0;
			eg_sinks_reopen(&s->sinks);
		}
		if (reload_requested) {
			reload_requested = 0;
			epoll_ctl(ep, EPOLL_CTL_DEL, ring_buffer__epoll_fd(rb), NULL);
			reload_guard(s, &rb);
			if (!rb || watch_fds(ep, rb, &s->watch)) {
				fprintf(stderr,
					"exfilguard run: cannot watch the new ring buffer: %s\n",
					strerror(errno));
				break;
			}
		}
	}
out:
	if (rb) {
		read_all_events(s, rb);
		report_lost(&s->guard, &s->events, &lost);
		ring_buffer__free(rb);
	}
	if (ep >= 0)
		close(ep);
	if (lost.reported)
		fprintf(stderr, "exfilguard run: %llu events were lost (ring buffer full)\n",
			(unsigned long long)lost.reported);
}

int eg_cmd_run(struct eg_cli *cli, int argc, char **argv)
{
	static struct run_state s; /* large: keep it off the stack */
	struct eg_error err = {0};
	struct run_opts o;
	int rc = parse_run_opts(cli, argc, argv, &o);

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	memset(&s, 0, sizeof(s));
	s.watch.inotify_fd = -1;
	s.o = &o;
	s.pin_dir = cli->pin_dir;
	install_signal_handlers();
	if (start_guard(&s, &err)) {
		stop_guard(&s, 0);
		return eg_cli_error(cli, &err);
	}
	fprintf(stderr,
		"exfilguard run: guarding %s in %s mode (policy %s: %zu rules, default %s; "
		"classification: %zu IPv4 + %zu IPv6 ranges, %zu classes, %llu KiB of kernel "
		"memory, dataset %s)\n",
		s.cg_rel, eg_mode_name(s.b.policy.mode), o.policy_path, s.b.policy.n_rules,
		eg_action_name(s.b.policy.default_action), s.b.world.n_v4_bounds,
		s.b.world.n_v6_bounds, s.b.world.n_classes,
		(unsigned long long)(s.b.have_world ? eg_world_kernel_bytes(&s.b.world) >> 10 : 0),
		s.b.have_world ? s.b.world.dataset : "none");
	fprintf(stderr, "exfilguard run: self-test passed: a canary connect from %s was refused\n",
		s.cg_rel);
	notify_ready(o.ready_fd);
	stream_events(&s);
	stop_guard(&s, o.persist);
	fprintf(stderr, "exfilguard run: stopped; %s\n",
		o.persist ? "hooks left pinned and enforcing (--persist)" : "hooks detached");
	return EG_EXIT_OK;
}
