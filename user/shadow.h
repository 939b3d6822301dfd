/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Allow rules that can let catalog space through a deny jurisdiction rule,
 * found for `check` to warn about: an allow asn or provider rule written
 * before the deny, naming a provider (or one of its ASNs) controlled from a
 * country the deny names (on the operator level the rule written first
 * wins); and an allow CIDR overlapping a range of such a provider, from the
 * catalog or a published range file (a CIDR rule always wins).
 */
#ifndef EXFILGUARD_SHADOW_H
#define EXFILGUARD_SHADOW_H

#include "bundle.h"

typedef void (*eg_shadow_note)(void *ctx, const char *text);

/* note(ctx, text) for each (allow rule, deny rule) pair found, in the node policy and scopes. */
void eg_shadow_check(const struct eg_bundle *b, eg_shadow_note note, void *ctx);

#endif
