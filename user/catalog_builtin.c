// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * maps/providers.conf, built into the binary so that `exfilguard` carries a
 * catalog wherever it is installed. A policy's data.providers overrides it.
 */
#include <stddef.h>
#include "bundle.h"

__asm__(".section .rodata\n"
	".global eg_builtin_catalog\n"
	"eg_builtin_catalog:\n"
	".incbin \"maps/providers.conf\"\n"
	".global eg_builtin_catalog_end\n"
	"eg_builtin_catalog_end:\n"
	".byte 0\n"
	".previous\n");

extern const char eg_builtin_catalog[], eg_builtin_catalog_end[];

int eg_catalog_load_builtin(struct eg_catalog *cat, struct eg_error *err)
{
	return eg_catalog_parse(eg_builtin_catalog,
				(size_t)(eg_builtin_catalog_end - eg_builtin_catalog),
				"(built-in maps/providers.conf)", cat, err);
}
