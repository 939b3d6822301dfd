// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * make bench: what is attached for a run. Nothing; the floor (trivial
 * programs on the same hooks); exfilguard (a policy loaded into a guard,
 * attached to the bench cgroup, its events drained by a thread as the
 * daemon would, its denies classified and counted too); or nftables (an inet output chain in the
 * client netns matching the CN sets, which stay loaded between runs).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <time.h>
#include "attempts.h"
#include "bench.h"
#include "bench_floor.skel.h"
#include "exfilguard.skel.h"
#include "hooks.h"

struct drain {
	struct ring_buffer *rb;
	pthread_t thread;
	atomic_int stop;
	atomic_ullong events;
	/* What the daemon does with each event besides writing it: its denies counted. */
	struct eg_attempts *attempts; /* the variant's, kept over its attaches as the daemon's */
	const struct eg_world *world;
	int bytes_fd;
	unsigned long long cpu_ns; /* the thread's CPU time, when it ends */
};

static int count_event(void *ctx, void *data, size_t size)
{
	struct drain *d = ctx;
	struct eg_event ev;

	if (size >= sizeof(ev)) {
		memcpy(&ev, data, sizeof(ev));
		eg_attempts_classify(d->world, NULL, &ev);
		eg_attempts_add(d->attempts, d->bytes_fd, d->world, &ev, 1);
	}
	atomic_fetch_add(&d->events, 1);
	return 0;
}

static void *drain_loop(void *arg)
{
	struct drain *d = arg;
	struct timespec ts;

	while (!atomic_load(&d->stop)) {
		ring_buffer__poll(d->rb, 50);
		eg_attempts_write(d->attempts, d->bytes_fd);
	}
	ring_buffer__consume(d->rb);
	eg_attempts_write(d->attempts, d->bytes_fd);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	d->cpu_ns = (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
	return NULL;
}

/* Kernel memory of every map of the guard, by fdinfo memlock. */
static long long guard_memlock(const struct eg_guard *g)
{
	struct bpf_map *map;
	long long total = 0;

	bpf_object__for_each_map(map, g->skel->obj) total +=
		(long long)bench_memlock(bpf_map__fd(map));
	return total;
}

static int load_guard(struct bench_variant *v, const struct bench_env *e, const char *policy)
{
	struct eg_error err = {0};
	unsigned hook;

	if (eg_bundle_load(policy, -1, &v->b, &err) ||
	    eg_guard_load_bundle(&v->g, &v->b, NULL, &err) ||
	    eg_guard_apply(&v->g, &v->b.rules, &err) || eg_guard_attach(&v->g, e->cg, &err)) {
		fprintf(stderr, "bench: %s: %s\n", policy, err.msg);
		return -1;
	}
	v->kernel_bytes = guard_memlock(&v->g);
	for (hook = 0; hook < EG_HOOK_CGROUP_COUNT; hook++)
		bench_progs_add(&v->progs, eg_hook_name(hook), eg_guard_hook_prog(&v->g, hook));
	return 0;
}

static int load_nft(struct bench_variant *v, const struct bench_env *e)
{
	if (bench_sh("ip netns exec %s nft -f %s", e->ns_client, v->nft_script))
		return -1;
	return bench_variant_attach(v, e);
}

/* The floor's programs, one per hook exfilguard attaches to a cgroup. */
static struct bpf_program **floor_progs(struct bench_floor_bpf *s, size_t *n)
{
	static struct bpf_program *progs[EG_HOOK_CGROUP_COUNT];
	struct bpf_program *all[] = {
		[EG_HOOK_CONNECT4] = s->progs.floor_connect4,
		[EG_HOOK_CONNECT6] = s->progs.floor_connect6,
		[EG_HOOK_SENDMSG4] = s->progs.floor_sendmsg4,
		[EG_HOOK_SENDMSG6] = s->progs.floor_sendmsg6,
		[EG_HOOK_EGRESS] = s->progs.floor_egress,
		[EG_HOOK_SOCK_CREATE] = s->progs.floor_sock_create,
		[EG_HOOK_SETSOCKOPT] = s->progs.floor_setsockopt,
		[EG_HOOK_INGRESS] = s->progs.floor_ingress,
	};

	_Static_assert(sizeof(all) / sizeof(all[0]) == EG_HOOK_CGROUP_COUNT,
		       "a floor program for every cgroup hook");
	memcpy(progs, all, sizeof(all));
	*n = EG_HOOK_CGROUP_COUNT;
	return progs;
}

static int load_floor(struct bench_variant *v)
{
	struct bpf_program **progs;
	size_t i, n;

	v->floor_skel = bench_floor_bpf__open_and_load();
	if (!v->floor_skel)
		return -1;
	progs = floor_progs(v->floor_skel, &n);
	for (i = 0; i < n; i++)
		bench_progs_add(&v->progs, eg_hook_name((unsigned)i), progs[i]);
	return 0;
}

int bench_variant_load(struct bench_variant *v, const struct bench_env *e, const char *policy)
{
	struct bench_memcg m;
	int in_memcg = !bench_memcg_enter(&m, "egbench");
	double t0 = bench_now();
	int rc = 0;

	if (v->kind == V_EG)
		rc = load_guard(v, e, policy);
	else if (v->kind == V_NFT)
		rc = load_nft(v, e);
	else if (v->kind == V_FLOOR)
		rc = load_floor(v);
	v->load_s = bench_now() - t0;
	v->kmem_bytes = in_memcg ? bench_memcg_leave(&m) : -1;
	if (v->kind == V_EG)
		eg_guard_detach(&v->g);
	else if (v->kind == V_NFT)
		bench_variant_detach(v, e);
	return rc;
}

static int attach_floor(struct bench_variant *v, const struct bench_env *e)
{
	int cg = open(e->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct bpf_program **progs;
	size_t i, n;
	int rc = cg >= 0 ? 0 : -1;

	progs = floor_progs(v->floor_skel, &n);
	for (i = 0; cg >= 0 && i < n; i++) {
		v->floor_links[i] = bpf_program__attach_cgroup(progs[i], cg);
		if (!v->floor_links[i])
			rc = -1;
	}
	if (cg >= 0)
		close(cg);
	return rc;
}

static int start_drain(struct bench_variant *v)
{
	struct drain *d = calloc(1, sizeof(*d));

	if (!d)
		return -1;
	if (!v->attempts.rows) /* the first attach: kept until bench_variant_free */
		eg_attempts_init(&v->attempts);
	d->attempts = &v->attempts;
	d->world = v->b.have_world ? &v->b.world : NULL;
	d->bytes_fd = eg_guard_bytes_fd(&v->g);
	d->rb = ring_buffer__new(eg_guard_events_fd(&v->g), count_event, d, NULL);
	if (!v->attempts.rows || !d->rb || pthread_create(&d->thread, NULL, drain_loop, d)) {
		ring_buffer__free(d->rb);
		free(d);
		return -1;
	}
	v->drain = d;
	return 0;
}

static void stop_drain(struct bench_variant *v)
{
	struct drain *d = v->drain;

	if (!d)
		return;
	atomic_store(&d->stop, 1);
	pthread_join(d->thread, NULL);
	v->delivered += atomic_load(&d->events);
	v->drain_cpu_ns += d->cpu_ns;
	ring_buffer__free(d->rb);
	free(d);
	v->drain = NULL;
}

int bench_variant_attach(struct bench_variant *v, const struct bench_env *e)
{
	struct eg_error err = {0};

	switch (v->kind) {
	case V_FLOOR:
		return attach_floor(v, e);
	case V_EG:
		if (eg_guard_attach(&v->g, e->cg, &err)) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return -1;
		}
		return start_drain(v);
	case V_NFT:
		return bench_sh("printf 'add chain inet egbench out { type filter hook output "
				"priority 0; policy accept; }\\n"
				"add rule inet egbench out ip daddr @cn4 drop\\n"
				"add rule inet egbench out ip6 daddr @cn6 drop\\n' | "
				"ip netns exec %s nft -f -",
				e->ns_client);
	default:
		return 0;
	}
}

void bench_variant_detach(struct bench_variant *v, const struct bench_env *e)
{
	size_t i;

	switch (v->kind) {
	case V_FLOOR:
		for (i = 0; i < sizeof(v->floor_links) / sizeof(v->floor_links[0]); i++) {
			bpf_link__destroy(v->floor_links[i]);
			v->floor_links[i] = NULL;
		}
		break;
	case V_EG:
		stop_drain(v);
		eg_guard_detach(&v->g);
		break;
	case V_NFT:
		bench_sh("printf 'flush chain inet egbench out\\ndelete chain inet egbench out\\n' "
			 "| "
			 "ip netns exec %s nft -f -",
			 e->ns_client);
		break;
	default:
		break;
	}
}

void bench_variant_free(struct bench_variant *v, const struct bench_env *e)
{
	if (v->kind == V_EG) {
		eg_guard_destroy(&v->g);
		eg_bundle_free(&v->b);
		eg_attempts_free(&v->attempts);
	} else if (v->kind == V_FLOOR)
		bench_floor_bpf__destroy(v->floor_skel);
	else if (v->kind == V_NFT)
		bench_sh("ip netns exec %s nft delete table inet egbench 2>/dev/null",
			 e->ns_client);
}

double bench_run_progs(const struct bench_variant *v, const struct bench_env *e, enum bench_work w,
		       struct bench_prog_sample *progs)
{
	struct bench_prog_sample before;
	double figure;

	bench_progs_read(&v->progs, &before);
	figure = bench_run(e, w);
	if (progs) {
		bench_progs_read(&v->progs, progs);
		bench_progs_delta(progs, &before);
	}
	return figure;
}
