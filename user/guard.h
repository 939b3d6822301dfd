/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The guard: one generation's BPF object and its lifecycle, after
 * libbpf-bootstrap: open -> load -> fill the maps -> attach -> pin, and one
 * cleanup path (guard.c loads and fills, guard_links.c attaches, pins, takes
 * over and cleans up). The maps are filled before any
 * program is attached, so there is no instant at which the hooks run without
 * the policy.
 */
#ifndef EXFILGUARD_GUARD_H
#define EXFILGUARD_GUARD_H

#include <limits.h>
#include <stdint.h>
#include "error.h"
#include "nflinks.h"
#include "ruleset.h"
#include "world.h"

struct exfilguard_bpf;
struct bpf_program;
struct eg_bundle;
struct eg_dtset;

struct eg_guard {
	struct exfilguard_bpf *skel;	/* its maps, and the cgroup hooks' programs */
	struct exfilguard_bpf *nf_skel; /* same ELF: netfilter, sendmsg6 programs */
	char pin_dir[PATH_MAX];		/* non-empty once pinned */
	uint32_t generation;
	uint32_t data_gen;	 /* bumped per classification load; 0 = none */
	uint32_t scoped;	 /* scope slots are loaded */
	uint32_t flags;		 /* EG_CFG_* for the config */
	uint64_t stale_after_ns; /* boot-time clock; 0: never */
	struct eg_nf_links nf;	 /* the netfilter hooks' links (user/nflinks.c) */
	struct eg_nat64_prefix nat64[EG_MAX_NAT64_PREFIXES]; /* for the config */
	uint32_t cfg_slot;  /* this generation's config in EG_MAP_HOT (struct eg_hot) */
	struct eg_hot *hot; /* EG_MAP_HOT mapped: configs are written through it */
	/* The node policy's summary of the tables eg_guard_set_decisions filled, for the config. */
	struct eg_dt_summary node_summary;
};

/*
 * Open and load the embedded object, its classification maps sized for
 * world (NULL: no classification data) and its decision-table maps for dt,
 * and fill both (eg_guard_set_world, eg_guard_set_decisions) while the
 * programs are verified; explains missing privileges or BPF support. carry: the hot (configs
 * and counters), byte and
 * name maps of the generation in force (a reload's, or the pinned ones when
 * adopting), which the new one counts on in when they have the same shape;
 * NULL to start from zero.
 */
struct eg_carry {
	int hot_fd, bytes_fd, dns_fd; /* -1: none */
	uint32_t cfg_slot;	      /* the config slot of the generation in force (hot_fd's) */
};
int eg_guard_load(struct eg_guard *g, const struct eg_world *world, const struct eg_dtset *dt,
		  const struct eg_carry *carry, struct eg_error *err);
/*
 * Create g->skel's maps (opened, sized and carried) and load its programs:
 * the cgroup hooks' (on a second thread if side_by_side, else first) and
 * the netfilter hooks' (and sendmsg6's) into g->nf_skel, which shares
 * every map, then run after(arg) (filling the maps) if that worked
 * (guard_load.c). -1 with errno on a failed load (the caller destroys both).
 */
int eg_guard_objects_load(struct eg_guard *g, int side_by_side, void (*after)(void *arg),
			  void *arg);
/*
 * Count on in carry's maps where they have the same shape (guard_carry.c),
 * and take the config slot that carry's generation does not use; NULL: none.
 */
int eg_guard_carry_into(struct eg_guard *g, const struct eg_carry *carry);
/* EG_MAP_HOT mapped into g->hot after the load; unmapped. */
int eg_guard_map_hot(struct eg_guard *g);
void eg_guard_unmap_hot(struct eg_guard *g);
/* The maps of a running guard, to carry on (not new fds). */
void eg_guard_carry(const struct eg_guard *g, struct eg_carry *out);
/* The maps pinned under pin_dir (new fds, or -1), and closing them. */
void eg_carry_pinned(const char *pin_dir, struct eg_carry *out);
void eg_carry_close(struct eg_carry *c);
/* The guard's map of resolved names (not a new fd). */
int eg_guard_dns_fd(const struct eg_guard *g);
/* Copy the classification tables into the kernel (before attaching). */
int eg_guard_set_world(struct eg_guard *g, const struct eg_world *w, struct eg_error *err);
/* Copy the decision tables into the kernel (before attaching). */
int eg_guard_set_decisions(struct eg_guard *g, const struct eg_dtset *dt, struct eg_error *err);
/*
 * For a bundle: compile its decision tables (node policy and scopes), load
 * the object sized for them and filled with the classification and the
 * tables (eg_guard_load); the compiled tables are freed once the kernel holds them.
 * Then eg_guard_apply_scope and eg_guard_apply put the headers in force.
 */
int eg_guard_load_bundle(struct eg_guard *g, const struct eg_bundle *b,
			 const struct eg_carry *carry, struct eg_error *err);

/*
 * Put the node-wide policy (built for slot EG_SLOT_NODE) in force in this
 * generation's object, before it is attached: its header goes into its slot
 * (whose decision table eg_guard_load_bundle filled), then one config write.
 * A reload builds a whole new object and switches the hooks' links to it
 * (eg_guard_takeover), so every verdict comes from one complete policy.
 */
int eg_guard_apply(struct eg_guard *g, const struct eg_ruleset *rs, struct eg_error *err);

/* Put a scope's header in its slot (before eg_guard_apply switches to the node's). */
int eg_guard_apply_scope(struct eg_guard *g, const struct eg_ruleset *rs, uint32_t slot,
			 struct eg_error *err);
/* The cgroup id -> scope slot map, and telling the hooks it changed. */
int eg_guard_scopes_fd(const struct eg_guard *g);
int eg_guard_set_scope_cgroups(struct eg_guard *g, struct eg_error *err);

/* Record who runs the guard (for status). */
int eg_guard_set_info(struct eg_guard *g, const char *cgroup_path, uint64_t cgroup_id,
		      const char *policy_path, const char *dataset, struct eg_error *err);

/* Record the outcome of a reload in the guard's info (for `exfilguard reload`). */
int eg_guard_set_reload(struct eg_guard *g, uint32_t seq, int status, const char *msg);
/* The info record of a guard (pinned or not). */
int eg_guard_get_info(const struct eg_guard *g, struct eg_info *info);

/*
 * Put `fresh` (loaded and filled, not attached) in the place of the running
 * guard: each hook's link is switched to fresh's program in one atomic
 * update (old programs keep enforcing until then, and every verdict comes
 * from one complete policy, the old or the new), then fresh's maps replace
 * the pinned ones. `old` is the guard being replaced, or NULL to adopt the
 * links pinned under pin_dir (a daemon that died). On success fresh owns the
 * links and pins, and old (still to be destroyed by the caller, after its
 * ring buffer is drained) no longer holds anything that detaches. It returns
 * only once no replaced program is still running: what they reported is in
 * their ring, to be read to the end.
 */
int eg_guard_takeover(struct eg_guard *fresh, struct eg_guard *old, const char *pin_dir,
		      struct eg_error *err);

/* Leave links and maps pinned and enforcing, and free the rest (run --persist). */
void eg_guard_release(struct eg_guard *g);

/* A hook's loaded program, in whichever of the guard's two objects holds it (guard_load.c). */
struct bpf_program *eg_guard_hook_prog(const struct eg_guard *g, unsigned hook);

/* Attach every hook at the cgroup directory; all or nothing. */
int eg_guard_attach(struct eg_guard *g, const char *cgroup_dir, struct eg_error *err);
/* Detach an attached, unpinned guard (benchmarks). */
void eg_guard_detach(struct eg_guard *g);

/* Pin links and maps under pin_dir (made by eg_pins_create; see pins.h). */
int eg_guard_pin(struct eg_guard *g, const char *pin_dir, struct eg_error *err);

/* File descriptor of the event ring buffer. */
int eg_guard_events_fd(const struct eg_guard *g);

/* A guard's counters: its EG_MAP_HOT (not a new fd). */
int eg_guard_counters_fd(const struct eg_guard *g);
/* The fold map (EG_MAP_FOLDS, user/fold.h). */
int eg_guard_folds_fd(const struct eg_guard *g);
/*
 * Whether the programs of the generation in force classify and count a
 * socket hook's deny themselves (EG_CFG_KERNEL_COUNTS) or leave it to the
 * daemon (user/attempts.h), in the live config.
 */
void eg_guard_set_kernel_counts(struct eg_guard *g, int on);
/* The volume counts (EG_MAP_BYTES, user/stats.h, user/attempts.h). */
int eg_guard_bytes_fd(const struct eg_guard *g);
/* Sum over CPUs of one of the guard's own counters. */
uint64_t eg_guard_counter(const struct eg_guard *g, uint32_t slot);

/* Unpin, detach and free everything; safe on a partly set-up guard. */
void eg_guard_destroy(struct eg_guard *g);

#endif
