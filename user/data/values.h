/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The values a dataset gives an address range: ISO 3166-1 alpha-2 country
 * codes (packed by EG_CC() of maps/exfilguard.h: 'C','N' -> 0x434e; 0 =
 * unknown) and AS numbers. One parser for each, used by the dataset readers
 * and the policy alike.
 */
#ifndef EXFILGUARD_VALUES_H
#define EXFILGUARD_VALUES_H

#include <stddef.h>
#include <stdint.h>

enum eg_data_kind {
	EG_DATA_COUNTRY, /* value: ISO 3166-1 alpha-2 code, packed by EG_CC() */
	EG_DATA_ASN,	 /* value: AS number */
	/* value: 1-based index of eg_range_operators (operators.h), from a provider's range file */
	EG_DATA_PROVIDER,
};

/* "country", "ASN" or "provider", as messages name the kind. */
const char *eg_kind_noun(enum eg_data_kind kind);
/* "CN" or "AS45102", as messages print a value of the kind. */
void eg_value_format(enum eg_data_kind kind, uint32_t value, char *buf, size_t len);

/*
 * Two ASCII letters, either case (len bytes, need not be NUL-terminated),
 * into EG_CC() form. 0 on success, -1 otherwise. Datasets may use codes not
 * (yet) assigned: check eg_country_known() where only assigned ones will do.
 */
int eg_country_parse(const char *text, size_t len, uint16_t *cc);
/* Is cc an assigned ISO 3166-1 alpha-2 code (or one GeoIP data uses: XK, EU, AP)? */
int eg_country_known(uint16_t cc);

/*
 * "AS123" or "123" (len bytes, need not be NUL-terminated), 0 included.
 * 0; -1 when not a number; -2 when a number of more than 32 bits.
 */
int eg_asn_parse(const char *text, size_t len, uint32_t *asn);

/* Most country codes one jurisdiction spelling stands for. */
#define EG_JURISDICTION_MAX_CODES 3
/*
 * A jurisdiction as a policy writes it (NUL-terminated): an assigned country
 * code, or "CN+" for CN and its special administrative regions HK and MO
 * (their operators answer to the PRC's laws on data access too). Fills
 * codes[] and returns how many (1-EG_JURISDICTION_MAX_CODES), or -1 when the
 * spelling is unknown.
 */
int eg_jurisdiction_parse(const char *text, uint16_t codes[EG_JURISDICTION_MAX_CODES]);
/* The alpha-2 code meant by a common other spelling (CHN, UK, China), or NULL. */
const char *eg_country_suggest(const char *text);

#endif
