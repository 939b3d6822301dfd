/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* ISO 3166-1 alpha-2 country codes, packed by EG_CC(). */
#ifndef EXFILGUARD_COUNTRY_H
#define EXFILGUARD_COUNTRY_H

#include <stdint.h>

/* Parse "CN" (any case) into *cc; -1 when it is not an assigned code. */
int eg_iso_country_parse(const char *text, uint16_t *cc);
/* Is cc an assigned ISO 3166-1 alpha-2 code (or one GeoIP data uses: XK, EU, AP)? */
int eg_country_known(uint16_t cc);

#endif
