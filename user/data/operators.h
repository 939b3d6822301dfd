/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The operators a provider's published range file can name, by region: the
 * value of an EG_DATA_PROVIDER range. Each is a provider id of the catalog
 * (maps/providers.yaml), which says its jurisdiction; the world maps them to
 * catalog entries when it is built.
 */
#ifndef EXFILGUARD_OPERATORS_H
#define EXFILGUARD_OPERATORS_H

#include <stdint.h>

/* The catalog id of operator value (1-based), or "?" when out of range. */
const char *eg_range_operator_id(uint32_t value);
/* The value of a catalog id; 0 when no range file names it. */
uint32_t eg_range_operator_value(const char *id);

#endif
