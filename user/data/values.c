// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "operators.h"
#include "values.h"
#include "../../maps/exfilguard.h"

/*
 * The officially assigned ISO 3166-1 alpha-2 codes, plus XK (Kosovo, user
 * assigned but used by every GeoIP dataset) and EU/AP (MaxMind's legacy
 * continent-level records).
 */
static const char assigned[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
	"BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
	"DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
	"GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
	"KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
	"MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
	"PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
	"SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
	"VN VU WF WS YE YT ZA ZM ZW XK EU AP";

const char *eg_kind_noun(enum eg_data_kind kind)
{
	return kind == EG_DATA_COUNTRY ? "country" : kind == EG_DATA_ASN ? "ASN" : "provider";
}

void eg_value_format(enum eg_data_kind kind, uint32_t value, char *buf, size_t len)
{
	if (kind == EG_DATA_COUNTRY)
		snprintf(buf, len, "%c%c", (char)(value >> 8), (char)value);
	else if (kind == EG_DATA_PROVIDER)
		snprintf(buf, len, "%s", eg_range_operator_id(value));
	else
		snprintf(buf, len, "AS%u", value);
}

int eg_country_known(uint16_t cc)
{
	const char *p;

	for (p = assigned; *p; p += p[2] ? 3 : 2)
		if (EG_CC(p[0], p[1]) == cc)
			return 1;
	return 0;
}

int eg_country_parse(const char *text, size_t len, uint16_t *cc)
{
	char a, b;

	if (len != 2)
		return -1;
	a = text[0] & ~0x20; /* ASCII upper case; non-letters fail the test below */
	b = text[1] & ~0x20;
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return -1;
	*cc = EG_CC(a, b);
	return 0;
}

int eg_asn_parse(const char *s, size_t len, uint32_t *asn)
{
	uint64_t v = 0;

	if (len >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2, len -= 2;
	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -2;
	*asn = (uint32_t)v;
	return 0;
}

int eg_jurisdiction_parse(const char *text, uint16_t codes[EG_JURISDICTION_MAX_CODES])
{
	uint16_t cc;

	if (strcmp(text, "CN+") == 0 || strcmp(text, "cn+") == 0) {
		codes[0] = EG_CC('C', 'N');
		codes[1] = EG_CC('H', 'K');
		codes[2] = EG_CC('M', 'O');
		return 3;
	}
	if (eg_country_parse(text, strlen(text), &cc) || !eg_country_known(cc))
		return -1;
	codes[0] = cc;
	return 1;
}

/*
 * Spellings people write for a country instead of its ISO 3166-1 alpha-2 code:
 * alpha-3 codes, the EU's UK and EL, English names. Pairs of "WRITTEN\0CC".
 */
static const char *const country_aliases[][2] = {
	{"UK", "GB"},	    {"EL", "GR"},     {"CHN", "CN"},  {"CHINA", "CN"}, {"USA", "US"},
	{"GBR", "GB"},	    {"DEU", "DE"},    {"FRA", "FR"},  {"RUS", "RU"},   {"HKG", "HK"},
	{"MAC", "MO"},	    {"TWN", "TW"},    {"JPN", "JP"},  {"KOR", "KR"},   {"PRK", "KP"},
	{"IND", "IN"},	    {"IRN", "IR"},    {"SGP", "SG"},  {"CAN", "CA"},   {"AUS", "AU"},
	{"NLD", "NL"},	    {"BRA", "BR"},    {"ISR", "IL"},  {"SAU", "SA"},   {"ARE", "AE"},
	{"TUR", "TR"},	    {"UKR", "UA"},    {"VNM", "VN"},  {"IDN", "ID"},   {"MYS", "MY"},
	{"THA", "TH"},	    {"PAK", "PK"},    {"ITA", "IT"},  {"ESP", "ES"},   {"CHE", "CH"},
	{"SWE", "SE"},	    {"POL", "PL"},    {"IRL", "IE"},  {"MEX", "MX"},   {"ZAF", "ZA"},
	{"JAPAN", "JP"},    {"RUSSIA", "RU"}, {"IRAN", "IR"}, {"INDIA", "IN"}, {"GERMANY", "DE"},
	{"HONGKONG", "HK"},
};

const char *eg_country_suggest(const char *text)
{
	char upper[16];
	size_t i;

	for (i = 0; text[i] && i + 1 < sizeof(upper); i++)
		upper[i] = (char)(text[i] >= 'a' && text[i] <= 'z' ? text[i] - 32 : text[i]);
	upper[i] = '\0';
	for (i = 0; i < sizeof(country_aliases) / sizeof(country_aliases[0]); i++)
		if (strcmp(upper, country_aliases[i][0]) == 0)
			return country_aliases[i][1];
	return NULL;
}
