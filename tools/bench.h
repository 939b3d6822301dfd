/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * make bench: every variant side by side in one run (tools/bench_*.c).
 * bench_util.c: clocks, memory probes, statistics, shell; bench_net.c: the
 * bench namespaces, the peer servers and the workloads; bench_variants.c:
 * what is attached (nothing, the floor, exfilguard, nftables); bench_deny.c:
 * the CN policy's denied ranges; bench_scale.c: CIDR-only sizes and the
 * daemon's memory; bench_progs.c: the attached programs' own run time
 * (kernel.bpf_stats_enabled); bench_main.c: the interleaved rounds and the
 * report.
 */
#ifndef EXFILGUARD_BENCH_H
#define EXFILGUARD_BENCH_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include "bundle.h"
#include "attempts.h"
#include "guard.h"

/* ---- bench_util.c ---- */
double bench_now(void);
unsigned long long bench_memlock(int fd);
/* A field of /proc/PID/status ("VmRSS", "VmHWM"), in KiB; -1 when unreadable. */
long bench_status_kib(int pid, const char *field);
/* Run a shell command (formatted); nonzero when it failed. */
int bench_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Remove dir's entries prefix<PID> whose process is gone (see bench_util.c). */
void bench_sweep_stale(const char *dir, const char *prefix, const char *remove, int by_name);
struct bench_stats {
	double median, min, max;
};
struct bench_stats bench_stats_of(double *v, size_t n);
uint32_t bench_rand(uint64_t *state);
/*
 * Kernel memory by a memory cgroup (v1 memory.kmem.usage_in_bytes): this
 * process (and children it starts) allocate in a fresh one between enter and
 * leave; leave returns what is still charged to it (kernel objects that
 * outlive the allocation: maps, sets), or -1.
 */
struct bench_memcg {
	char home[PATH_MAX], dir[PATH_MAX + 64];
};
int bench_memcg_enter(struct bench_memcg *m, const char *name);
long long bench_memcg_leave(struct bench_memcg *m);

/* ---- bench_deny.c: what the CN policy denies, as ranges ---- */
struct bench_v4_range {
	uint32_t first, last; /* host order */
};
struct bench_v6_range {
	uint8_t first[16], last[16];
};
struct bench_deny {
	struct bench_v4_range *v4;
	size_t n4;
	struct bench_v6_range *v6;
	size_t n6;
};
int bench_deny_from(const struct eg_bundle *b, struct bench_deny *d);
int bench_deny_has_v4(const struct bench_deny *d, uint32_t addr);
/* The deny list as a CIDR-only policy file; the number of prefixes, or -1. */
long bench_deny_write_policy(const struct bench_deny *d, const char *path);
/* The deny list as an nftables script (table inet egbench, sets cn4/cn6). */
int bench_deny_write_nft(const struct bench_deny *d, const char *path);

/*
 * The fixture world: a country CSV holding exactly the denied ranges as CN
 * (and an ASN CSV of one of them),
 * in dir, and the CN policy on it (policy_path): the same decisions as the
 * full world's on every address, from a world of a few thousand ranges.
 */
int bench_deny_write_fixture(const struct bench_deny *d, const char *dir, const char *policy_path);

/* ---- bench_progs.c: the programs' run time and run count ---- */
#define BENCH_MAX_PROGS 8
struct bpf_program;
struct bench_progs {
	int n;
	int fd[BENCH_MAX_PROGS];
	const char *name[BENCH_MAX_PROGS];
};
struct bench_prog_sample {
	uint64_t ns[BENCH_MAX_PROGS], cnt[BENCH_MAX_PROGS];
};
/* kernel.bpf_stats_enabled=1 for the run; restore puts back what it was. */
int bench_progs_enable(void);
void bench_progs_restore(void);
void bench_progs_add(struct bench_progs *p, const char *name, const struct bpf_program *prog);
void bench_progs_read(const struct bench_progs *p, struct bench_prog_sample *s);
void bench_progs_delta(struct bench_prog_sample *after, const struct bench_prog_sample *before);
/* Run time of all the programs of a sample (a delta), in ns. */
double bench_progs_ns(const struct bench_prog_sample *s);
void bench_progs_sum(struct bench_prog_sample *total, const struct bench_prog_sample *s);
/* " connect4 1.00x25 egress 3.00x40": runs per operation x ns per run, and a newline. */
void bench_progs_print(const struct bench_progs *p, const struct bench_prog_sample *total,
		       double ops);

/* ---- bench_net.c: namespaces, servers, workloads ---- */
enum bench_work {
	W_UDP_CONNECT,
	W_UDP_SENDTO,
	W_TCP_CONNECT,
	W_TCP_BULK,
	W_MIX,
	W_COUNT,
};
#define BENCH_CONNECTS	100000
#define BENCH_SENDS	100000
#define BENCH_TCP	4000
#define BENCH_BULK_MIB	512
#define BENCH_DENY_LOOP 1000000
#define BENCH_FRESH	50000 /* the one-address loop on a new socket each */

struct bench_env {
	char cg[PATH_MAX];    /* the guarded cgroup the workloads run in */
	char ns_client[64];   /* netns of the workloads: veth + dummy sink */
	char ns_server[64];   /* netns of the TCP peer */
	uint32_t *allowed;    /* BENCH_CONNECTS random public IPv4, none denied (host order) */
	uint32_t *mix;	      /* the same with every 10th one denied */
	uint32_t deny_target; /* one denied IPv4 for the deny loop */
};
int bench_env_setup(struct bench_env *e, const struct bench_deny *d);
void bench_env_teardown(struct bench_env *e);
/* One workload in a fresh child in the cgroup and client netns: ns per operation (bulk: per MiB).
 */
double bench_run(const struct bench_env *e, enum bench_work w);
/* UDP connect() to one address in a loop: refusals per second. */
double bench_deny_loop(const struct bench_env *e, uint32_t addr, unsigned n);
/* The same with a new socket for each connect (socket, connect, close): calls per second. */
double bench_fresh_loop(const struct bench_env *e, uint32_t addr, unsigned n);
/* UDP connect() cost over a given destination list (for the size sweep). */
double bench_connect_list(const struct bench_env *e, const uint32_t *dst, size_t n);
extern const char *const bench_work_names[W_COUNT];
/* Operations per run of a workload (bulk: MiB). */
extern const double bench_work_ops[W_COUNT];

/* ---- bench_variants.c ---- */
enum bench_kind { V_NONE, V_FLOOR, V_EG, V_NFT };
struct bench_variant {
	const char *name;
	enum bench_kind kind;
	struct eg_bundle b;
	struct eg_guard g;
	struct bpf_link *floor_links[EG_HOOK_CGROUP_COUNT];
	void *floor_skel;
	const char *nft_script;		    /* V_NFT: the table with its sets */
	double load_s;			    /* policy file to enforcing */
	long long kernel_bytes, kmem_bytes; /* memlock; memory cgroup kmem */
	unsigned long long delivered;	    /* events read from the ring buffer */
	unsigned long long drain_cpu_ns;    /* the draining threads' CPU time */
	struct eg_attempts attempts; /* the drain's counts (user/attempts.h), as the daemon's */
	void *drain;
	struct bench_progs progs; /* the programs attached, for their statistics */
};
/* Load (not attach) a variant; exfilguard from policy, nft from nft_script. */
int bench_variant_load(struct bench_variant *v, const struct bench_env *e, const char *policy);
int bench_variant_attach(struct bench_variant *v, const struct bench_env *e);
void bench_variant_detach(struct bench_variant *v, const struct bench_env *e);
void bench_variant_free(struct bench_variant *v, const struct bench_env *e);

/* One workload under v, its programs' run time and counts into *progs (may be NULL). */
double bench_run_progs(const struct bench_variant *v, const struct bench_env *e, enum bench_work w,
		       struct bench_prog_sample *progs);

/* ---- bench_scale.c ---- */
int bench_scale(const struct bench_env *e, const char *dir);
/* The page probe (bench_pages.c): what one more map page costs a connect4 program. */
int bench_pages(const struct bench_env *e);
int bench_daemon_memory(const char *exe, const char *policy, const char *cg);

#endif
