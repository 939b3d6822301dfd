// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>
#include "operators.h"

/* Append only: the values are indexes into this list. */
static const char *const operators[] = {
	"aws",		"aws-china",	   "aws-european-sovereign-cloud",
	"google-cloud", "microsoft-azure", "azure-china",
	"oracle-cloud",
};

#define N_OPERATORS (sizeof(operators) / sizeof(operators[0]))

const char *eg_range_operator_id(uint32_t value)
{
	return value >= 1 && value <= N_OPERATORS ? operators[value - 1] : "?";
}

uint32_t eg_range_operator_value(const char *id)
{
	for (uint32_t i = 0; i < N_OPERATORS; i++)
		if (strcmp(operators[i], id) == 0)
			return i + 1;
	return 0;
}
