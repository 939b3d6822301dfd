/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The classification of the whole address space, built from a country
 * dataset, an ASN dataset and the provider catalog, in the DXR form the
 * kernel holds (maps/exfilguard.h). Built in userspace once per dataset; a
 * policy change never rebuilds or reloads it.
 */
#ifndef EXFILGUARD_WORLD_H
#define EXFILGUARD_WORLD_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "catalog.h"
#include "datasrc.h"
#include "dxr.h"
#include "error.h"
#include "runs.h"

struct eg_world {
	struct eg_class *classes; /* [0] is "nothing known" */
	size_t n_classes;
	struct eg_span v4_index[65536];
	struct eg_v4_bound4 *v4_bounds; /* n_v4_bounds bounds in EG_V4_BOUND4S of them */
	size_t n_v4_bounds;
	struct eg_span v6_index[65536];
	struct eg_v6_coarse_bound *v6_bounds;
	size_t n_v6_bounds;
	struct eg_span *v6_fine_index; /* the /48s cut finer (EG_V6_FINE) */
	size_t n_v6_fine_spans;
	struct eg_v6_fine_bound *v6_fine_bounds;
	size_t n_v6_fine_bounds;
	/* The segments: the whole space in order, no gaps, neighbours of different classes
	 * (their values: class ids, freed by eg_world_trim). */
	struct eg_runs segs; /* segs.n of them */
	char dataset[80];    /* short version of the data: hashes of the inputs */
	int shed;	     /* eg_world_shed ran: eg_world_classify no longer answers */
};

/*
 * Build from the datasets (any may be NULL) and the catalog (may be NULL).
 * Providers are assigned by catalog CIDR first, then by the providers'
 * published range files (ranges, an EG_DATA_PROVIDER dataset: each range's
 * operator must be a catalog id), else by the ASN that announces the range.
 * The country and ASN range lists are freed once swept (the world holds what
 * they said), before the lookup tables are built: they are most of a build's
 * memory.
 */
int eg_world_build(struct eg_world *w, struct eg_dataset *country, struct eg_dataset *asn,
		   const struct eg_dataset *ranges, const struct eg_catalog *catalog,
		   struct eg_error *err);
void eg_world_free(struct eg_world *w);
/* The lookup tables from w->segs (eg_world_build does it). -1 when out of memory. */
int eg_world_index(struct eg_world *w);
/* Append a segment starting at first (the first at 0, then ascending). -1: no memory. */
int eg_world_add_segment(struct eg_world *w, unsigned __int128 first, uint32_t class_id);
/* Segment i: its bounds and class (after eg_world_trim, the class of its start). */
struct eg_segment eg_world_segment(const struct eg_world *w, size_t i);
/* Index of the segment holding a (the world has segments). */
size_t eg_world_segment_find(const struct eg_world *w, unsigned __int128 a);
/* Values of struct eg_v4_bound4 that n IPv4 bounds take. */
#define EG_V4_BOUND4S(n) (((n) + 3) / 4)

/*
 * Once the kernel tables are built (the daemon): keep what events read
 * (classes, the lookup tables, each segment's start for the prefix) and free
 * the segments' classes (eg_world_classify of a start finds it again).
 */
int eg_world_trim(struct eg_world *w);
/*
 * Free the lookup tables' bounds (the kernel holds its own copy): what is
 * left serves events (classes, prefixes), not eg_world_classify.
 */
void eg_world_shed(struct eg_world *w);

/*
 * A walk over the world's segments in address order, before or after
 * eg_world_trim (then each segment's class is found by eg_world_classify of
 * its start), so a new policy compiles against a world already in force.
 * A NULL or empty world is one segment, the whole space, of class 0.
 */
struct eg_world_walk {
	const struct eg_world *w;
	size_t i, n;
	unsigned __int128 first, last;
	uint32_t class_id;
};
void eg_world_walk_start(struct eg_world_walk *k, const struct eg_world *w);
/* On to the segment holding a; a is not before the current segment. */
void eg_world_walk_to(struct eg_world_walk *k, unsigned __int128 a);

/* Class id of an address (16-byte form), by the very search the kernel runs. */
uint32_t eg_world_classify(const struct eg_world *w, const uint8_t addr[16]);
const struct eg_class *eg_world_class(const struct eg_world *w, uint32_t class_id);
/* The largest CIDR around addr inside its class's segment: the "prefix" that classified it. */
void eg_world_prefix(const struct eg_world *w, const uint8_t addr[16], char *buf, size_t len);
/* Kernel memory the tables take (array maps: entries x value size). */
uint64_t eg_world_kernel_bytes(const struct eg_world *w);

#endif
