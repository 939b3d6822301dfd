// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "hooks.h"

#define HOOK_NAME_(e, name)	 [EG_HOOK_##e] = #name,
#define HOOK_PROG_NAME_(e, name) [EG_HOOK_##e] = EG_STR(EG_PROG(name)),

static const char *const hook_names[EG_HOOK_COUNT] = {EG_HOOK_LIST(HOOK_NAME_)};
static const char *const hook_prog_names[EG_HOOK_COUNT] = {EG_HOOK_LIST(HOOK_PROG_NAME_)};

const char *eg_hook_name(unsigned hook)
{
	return hook < EG_HOOK_COUNT ? hook_names[hook] : "unknown";
}

const char *eg_hook_prog_name(unsigned hook)
{
	return hook < EG_HOOK_COUNT ? hook_prog_names[hook] : "unknown";
}
