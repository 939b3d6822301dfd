/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The startup self-test: proof that the hooks enforce where they were
 * attached, before the daemon reports ready.
 */
#ifndef EXFILGUARD_SELFTEST_H
#define EXFILGUARD_SELFTEST_H

#include "error.h"

/*
 * From a fresh cgroup inside cg_dir (cg_rel below the mount, for messages),
 * a connect to the canary 0.0.0.1 must be refused, over IPv4 and the
 * IPv4-mapped IPv6 form; an error says why not.
 */
int eg_selftest(const char *cg_dir, const char *cg_rel, struct eg_error *err);

#endif
