/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Policy files (YAML, read with libyaml) and their in-memory form. */
#ifndef EXFILGUARD_POLICY_H
#define EXFILGUARD_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "error.h"
#include "outputs.h"
#include "../maps/exfilguard.h"

/* Larger policy files are refused before parsing. */
#define EG_POLICY_MAX_BYTES (16u << 20)

/*
 * A selector that matches by classification: country, asn, provider or
 * jurisdiction. kind is the enum eg_match of the selector.
 */
struct eg_policy_selector {
	enum eg_match kind;
	uint32_t value; /* country code (EG_CC), AS number, or provider index once resolved */
	char *provider; /* EG_MATCH_PROVIDER: the id as written, resolved against the catalog */
	unsigned line, column; /* where the value is written */
};

struct eg_policy_rule {
	enum eg_action action;
	char *name;	       /* optional "name:", NULL when absent */
	struct eg_cidr *cidrs; /* "cidr:" selector, in file order */
	size_t n_cidrs;
	struct eg_policy_selector *selectors; /* country/asn/provider/jurisdiction, in file order */
	size_t n_selectors;
	unsigned line, column; /* 1-based position of the rule in the file */
	char *text; /* the rule as written, on one line, e.g. "deny cidr: [198.51.100.0/24]" */
};

/* The "data:" section: where classification data comes from (paths resolved against the policy's
 * directory). */
struct eg_policy_data {
	char **country; /* country datasets, merged in order */
	size_t n_country;
	char **asn; /* ASN datasets, merged in order */
	size_t n_asn;
	char *providers;	/* provider catalog; NULL: the one built in */
	char **provider_ranges; /* providers' published range files (AWS, Google, Azure, Oracle) */
	size_t n_provider_ranges;
	unsigned line; /* of the data: key, for messages */
};

struct eg_policy_scope;

struct eg_policy {
	char *path; /* as given to eg_policy_load, or the name given to eg_policy_parse */
	struct eg_policy_data data;
	enum eg_mode mode;
	enum eg_action default_action;
	struct eg_policy_rule *rules;
	size_t n_rules;
	struct eg_policy_scope *scopes; /* workloads with rules of their own, first match wins */
	size_t n_scopes;
	int fail_closed;       /* on_failure: closed (1) or open (0, the default) */
	uint64_t max_data_age; /* seconds; 0: data never counts as stale */
	struct eg_cidr nat64[EG_MAX_NAT64_PREFIXES]; /* nat64_prefixes: network-specific prefixes */
	size_t n_nat64;
	int raw_allow; /* raw_sockets: allow (1) or deny (0, the default) header-including sockets
			*/
	struct eg_policy_outputs outputs; /* "outputs:", read by run at start */
};

/* A list of words from the policy (globs, ids), with where each is written. */
struct eg_policy_words {
	char **v;
	size_t n;
};

/*
 * A scope: the workloads it selects (cgroup path globs, container ids, pod
 * UIDs; any one matching selects) and, for them, its own mode, default and
 * rules in place of the node-wide ones. Its body is a policy without data or
 * scopes; mode and default are the node's unless the scope sets them.
 */
struct eg_policy_scope {
	char *name;
	struct eg_policy_words cgroups;	      /* globs on the path below the cgroup v2 mount */
	struct eg_policy_words container_ids; /* full ids or prefixes of 12+ hex characters */
	struct eg_policy_words pod_uids;
	struct eg_policy body;
	int mode_set, default_set;
	/* "allow_delegated: true": may also select cgroups an unprivileged user could name */
	int allow_delegated;
	unsigned line;
};

/* Read and validate a policy file. On failure *policy is left empty and err says file:line:column:
 * what. */
int eg_policy_load(const char *path, struct eg_policy *policy, struct eg_error *err);
/* The same from memory; name is used in messages in place of a path. */
int eg_policy_parse(const char *buf, size_t len, const char *name, struct eg_policy *policy,
		    struct eg_error *err);
void eg_policy_free(struct eg_policy *policy);

const char *eg_action_name(enum eg_action action);
const char *eg_mode_name(enum eg_mode mode);
/* -1 when the word names no action/mode. */
int eg_action_from_name(const char *name);
int eg_mode_from_name(const char *name);

#endif
