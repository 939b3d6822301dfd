// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The daemon's lifecycle: start or adopt, reload, stop. Its event loop is in daemon_events.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cgroup.h"
#include "cli.h"
#include "daemon.h"
#include "daemon_impl.h"
#include "event_sink.h"
#include "heap.h"
#include "metrics.h"
#include "pins.h"
#include "selftest.h"

volatile sig_atomic_t eg_daemon_stop_requested, eg_daemon_reload_requested,
	eg_daemon_reopen_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	eg_daemon_stop_requested = 1;
}

static void on_reload_signal(int sig)
{
	(void)sig;
	eg_daemon_reload_requested = 1;
}

static void on_reopen_signal(int sig)
{
	(void)sig;
	eg_daemon_reopen_requested = 1;
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

/*
 * A guard already pinned: refuse while its daemon lives; adopt it when it is
 * attached where we were asked to guard. Sets *adopt.
 */
static int check_pinned(struct eg_daemon *d, int *adopt, struct eg_error *err)
{
	struct eg_info info;

	*adopt = 0;
	if (access(d->pin_dir, F_OK) != 0)
		return 0;
	if (eg_pinned_info(d->pin_dir, &info))
		return eg_fail(err, EEXIST,
			       "%s exists but holds no guard; remove it with 'exfilguard detach'",
			       d->pin_dir);
	/* Its daemon lives while it holds the lock; from here on this one does. */
	d->lock_fd = eg_pins_lock(d->pin_dir);
	if (d->lock_fd < 0 && errno == EWOULDBLOCK)
		return eg_fail(err, EEXIST, "a guard is already running (pid %u, pinned at %s)",
			       info.pid, d->pin_dir);
	if (d->lock_fd < 0)
		return eg_fail(err, errno, "%s: cannot lock: %s", d->pin_dir, strerror(errno));
	if (info.cgroup_id != d->t.cg_id)
		return eg_fail(err, EEXIST,
			       "the guard pinned at %s is attached at %s, not %s; remove it with "
			       "'exfilguard detach' first",
			       d->pin_dir, info.cgroup_path, d->t.cg_rel);
	*adopt = 1;
	return 0;
}

static void set_event_sources(struct eg_daemon *d)
{
	struct eg_bundle *b = &d->gen.b;

	eg_event_ctx_set_policy(&d->events, &b->policy);
	d->events.scopes = b->policy.scopes;
	d->events.n_scopes = b->policy.n_scopes;
	d->events.world = b->have_world ? &b->world : NULL;
	d->events.catalog = &b->catalog;
	d->events.asn_data = b->have_asn ? &b->asn : NULL;
	d->events.dns_fd = eg_guard_dns_fd(&d->gen.guard);
}

/*
 * Take over the hooks pinned by a daemon that died, and keep the ring and
 * the fold map its programs recorded into meanwhile: backlog[0] and [1] (-1
 * when one cannot be read).
 */
static int adopt_pinned(struct eg_daemon *d, int backlog[2], struct eg_error *err)
{
	/* Before their pins are replaced: */
	backlog[0] = eg_pinned_map_fd(d->pin_dir, EG_STR(EG_MAP_EVENTS));
	backlog[1] = eg_pinned_map_fd(d->pin_dir, EG_STR(EG_MAP_FOLDS));
	if (eg_guard_takeover(&d->gen.guard, NULL, d->pin_dir, err))
		return -1;
	fprintf(stderr,
		"exfilguard run: adopted the guard pinned at %s (its hooks were enforcing "
		"throughout)\n",
		d->pin_dir);
	return 0;
}

/* A new pin directory, locked by this daemon before anything is pinned in it. */
static int create_pins(struct eg_daemon *d, struct eg_error *err)
{
	d->lock_fd = eg_pins_create(d->pin_dir, err);
	return d->lock_fd < 0 ? -1 : 0;
}

/* The first generation; when adopting a pinned guard, it counts on in its counters. */
static int build_first(struct eg_daemon *d, int adopt, struct eg_error *err)
{
	struct eg_carry carry = {-1, -1, -1, 0};
	int rc;

	if (adopt)
		eg_carry_pinned(d->pin_dir, &carry);
	rc = eg_generation_build(&d->gen, &d->t, &carry, err);
	eg_carry_close(&carry);
	return rc;
}

/* Everything up to enforcing; on failure nothing new is left attached or pinned. */
static int start(struct eg_daemon *d, struct eg_error *err)
{
	struct eg_target *t = &d->t;
	int adopt, backlog[2] = {-1, -1};

	/* Everything the policy needs is loaded and checked before the kernel is touched. */
	if (eg_bundle_load(t->policy_path, t->mode, &d->gen.b, err))
		return -1;
	if (eg_cli_require_privileges(err) || eg_cgroup2_mount(t->mount, err) ||
	    eg_cgroup_resolve(t->mount, d->o->cgroup_arg, t->cg_dir, t->cg_rel, err) ||
	    eg_cgroup_id_of(t->cg_dir, &t->cg_id, err) || eg_bpffs_ensure(d->pin_dir, err) ||
	    check_pinned(d, &adopt, err))
		return -1;
	if (eg_attempts_init(&d->attempts))
		return eg_fail(err, ENOMEM, "cannot count denied attempts: out of memory");
	if (eg_sinks_open_from_options(&d->sinks, d->o->events_path, d->o->outputs, d->o->n_outputs,
				       &d->gen.b.policy.outputs, err) ||
	    eg_metrics_open(&d->metrics, d->o->metrics, d->gen.b.policy.metrics,
			    d->o->metrics_token, d->pin_dir, &d->sinks, err) ||
	    build_first(d, adopt, err))
		return -1;
	if (adopt ? adopt_pinned(d, backlog, err)
		  : eg_guard_attach(&d->gen.guard, t->cg_dir, err) || create_pins(d, err) ||
			    eg_guard_pin(&d->gen.guard, d->pin_dir, err)) {
		for (int i = 0; i < 2; i++)
			if (backlog[i] >= 0)
				close(backlog[i]);
		return -1;
	}
	eg_event_ctx_init(&d->events, d->o->format, &d->sinks, t->mount);
	set_event_sources(d);
	if (backlog[0] >= 0)
		eg_daemon_read_backlog(d, backlog[0], backlog[1]);
	else if (backlog[1] >= 0)
		close(backlog[1]);
	return eg_selftest(t->cg_dir, t->cg_rel, err);
}

static void stop(struct eg_daemon *d, int persist)
{
	eg_policy_watch_close(&d->policy_watch);
	eg_scope_watch_close(&d->t.watch);
	if (persist)
		eg_guard_release(&d->gen.guard);
	else
		eg_guard_destroy(&d->gen.guard);
	eg_bundle_free(&d->gen.b);
	eg_attempts_free(&d->attempts);
	/* A stalled output is given up after a second, so it cannot keep the daemon from exiting.
	 */
	eg_sinks_close(&d->sinks, EG_SINK_STOP_WAIT_MS);
	eg_metrics_stop(d->metrics); /* after the sinks: one of them counts into it */
	eg_sinks_report(&d->sinks, "exfilguard run");
	if (d->lock_fd >= 0)
		close(d->lock_fd); /* after the pins are gone or left: the daemon is gone now */
}

/* The service manager hears the outcome too: READY=1 again, with what is in force. */
static void notify_reloaded(struct eg_daemon *d, const struct eg_error *err, const char *ok_msg)
{
	char status[sizeof(err->msg) + 64];

	snprintf(status, sizeof(status), "%s%s",
		 err ? "reload refused, the policy in force stays: " : "", err ? err->msg : ok_msg);
	eg_notify_ready(&d->notify, status);
}

static void report_reload(struct eg_daemon *d, const struct eg_error *err, const char *ok_msg)
{
	notify_reloaded(d, err, ok_msg);
	eg_guard_set_reload(&d->gen.guard, d->reload_seq,
			    err ? (err->code ? err->code : EINVAL) : 0, err ? err->msg : ok_msg);
	fprintf(stderr, "exfilguard run: reload %s: %s\n", err ? "refused" : "done",
		err ? err->msg : ok_msg);
	eg_metrics_reload_end(d->metrics, !err, eg_mode_name(d->gen.b.policy.mode),
			      eg_bundle_oldest_build(&d->gen.b));
}

int eg_daemon_take_next(struct eg_daemon *d, struct eg_generation *next)
{
	struct eg_error err = {0};
	struct eg_info info = {0};
	struct eg_carry carry;

	eg_notify_reloading();
	eg_policy_watch_forget(&d->policy_watch);
	eg_guard_get_info(&d->gen.guard, &info);
	d->reload_seq = info.reload_seq + 1;
	eg_metrics_reload_begin(d->metrics);
	memset(next, 0, sizeof(*next));
	if (eg_bundle_reload(d->t.policy_path, d->t.mode, &d->gen.b, &next->b, &err)) {
		report_reload(d, &err, NULL);
		return -1;
	}
	eg_guard_carry(&d->gen.guard, &carry);
	if (eg_generation_build(next, &d->t, &carry, &err) ||
	    eg_guard_takeover(&next->guard, &d->gen.guard, d->pin_dir, &err)) {
		eg_generation_drop(next);
		report_reload(d, &err, NULL);
		return -1;
	}
	return 0;
}

void eg_daemon_switch_to(struct eg_daemon *d, struct eg_generation *next)
{
	char msg[EG_PATH_LEN];
	int reused = next->b.data_borrowed;

	eg_bundle_hand_over(&d->gen.b, &next->b); /* the data next reuses outlives the old one */
	eg_generation_drop(&d->gen);		  /* its pins are next's: this detaches nothing */
	d->gen = *next;
	set_event_sources(d);
	snprintf(msg, sizeof(msg), "reloaded %s: %zu rule%s, %s mode, dataset %s%s",
		 d->t.policy_path, d->gen.b.policy.n_rules, eg_plural(d->gen.b.policy.n_rules),
		 eg_mode_name(d->gen.b.policy.mode),
		 d->gen.b.have_world ? d->gen.b.world.dataset : "none",
		 !d->gen.b.have_world ? ""
		 : reused	      ? " (unchanged on disk: reused, not read again)"
				      : " (read anew)");
	report_reload(d, NULL, msg);
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

static void print_started(const struct eg_daemon *d)
{
	const struct eg_bundle *b = &d->gen.b;

	fprintf(stderr,
		"exfilguard run: guarding %s in %s mode (policy %s: %zu rule%s, default %s; "
		"classification: %zu IPv4 + %zu IPv6 ranges, %zu classes, %llu KiB of kernel "
		"memory, dataset %s)\n",
		d->t.cg_rel, eg_mode_name(b->policy.mode), d->t.policy_path, b->policy.n_rules,
		eg_plural(b->policy.n_rules), eg_action_name(b->policy.default_action),
		b->world.n_v4_bounds, b->world.n_v6_bounds, b->world.n_classes,
		(unsigned long long)(b->have_world ? eg_world_kernel_bytes(&b->world) >> 10 : 0),
		b->have_world ? b->world.dataset : "none");
	fprintf(stderr, "exfilguard run: self-test passed: a canary connect from %s was refused\n",
		d->t.cg_rel);
}

/* READY=1 for the service manager once the self-test passed, with the policy in force. */
static void notify_started(struct eg_daemon *d)
{
	const struct eg_bundle *b = &d->gen.b;
	char status[EG_PATH_LEN + 2 * PATH_MAX];

	snprintf(status, sizeof(status),
		 "guarding %s: policy %s, %zu rule%s, %s mode, default %s; self-test passed",
		 d->t.cg_rel, d->t.policy_path, b->policy.n_rules, eg_plural(b->policy.n_rules),
		 eg_mode_name(b->policy.mode), eg_action_name(b->policy.default_action));
	eg_notify_ready(&d->notify, status);
}

/* --watch-policy, or a policy on a ConfigMap volume: reload when it changes. */
static int watch_policy(struct eg_daemon *d, struct eg_error *err)
{
	int watching;

	if (eg_policy_watch_open(&d->policy_watch, d->t.policy_path, d->o->watch_policy, &watching,
				 err))
		return -1;
	if (watching)
		fprintf(stderr, "exfilguard run: watching %s: a change reloads the policy\n",
			d->t.policy_path);
	return 0;
}

int eg_daemon_run(const struct eg_run_opts *o, const char *pin_dir, struct eg_error *err)
{
	static struct eg_daemon d; /* large: keep it off the stack */
	struct timespec began;

	clock_gettime(CLOCK_MONOTONIC, &began);
	memset(&d, 0, sizeof(d));
	d.o = o;
	d.pin_dir = pin_dir;
	d.lock_fd = -1;
	d.t.policy_path = o->policy_path;
	d.t.mode = o->mode;
	d.t.watch.inotify_fd = -1;
	d.policy_watch.fd = -1;
	eg_notify_init(&d.notify);
	install_signal_handlers();
	if (start(&d, err) || watch_policy(&d, err)) {
		stop(&d, 0);
		return -1;
	}
	print_started(&d);
	eg_heap_settle();
	eg_metrics_loaded(d.metrics, &began, eg_mode_name(d.gen.b.policy.mode),
			  eg_bundle_oldest_build(&d.gen.b));
	eg_metrics_set_healthy(d.metrics, 1);
	notify_ready(o->ready_fd);
	notify_started(&d);
	eg_daemon_stream(&d);
	eg_metrics_set_healthy(d.metrics, 0);
	eg_notify_stopping();
	stop(&d, o->persist);
	fprintf(stderr, "exfilguard run: stopped; %s\n",
		o->persist ? "hooks left pinned and enforcing (--persist)" : "hooks detached");
	return 0;
}
