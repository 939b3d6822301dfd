// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "check.h"

int check_passed, check_failed, check_skipped;
int check_cur_failed, check_cur_skipped;
const char *check_cur_name;

void check_run(const char *name, void (*fn)(void))
{
	check_cur_name = name;
	check_cur_failed = 0;
	check_cur_skipped = 0;
	fn();
	if (check_cur_failed) {
		check_failed++;
		printf("FAIL %s\n", name);
	} else if (check_cur_skipped) {
		check_skipped++;
		printf("SKIP %s\n", name);
	} else {
		check_passed++;
		printf("ok   %s\n", name);
	}
	fflush(stdout);
}

int check_summary(void)
{
	printf("%d passed, %d failed", check_passed, check_failed);
	if (check_skipped)
		printf(", %d skipped", check_skipped);
	printf("\n");
	return check_failed ? 1 : 0;
}
