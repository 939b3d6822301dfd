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

/* A failed check: where, and what it says; the current test has failed. */
static void check_failed_at(const char *file, int line)
{
	fprintf(stderr, "  %s:%d: ", file, line);
	check_cur_failed = 1;
}

int check_true_(const char *file, int line, int ok, const char *cond, const char *what)
{
	if (ok)
		return 1;
	check_failed_at(file, line);
	fprintf(stderr, "%s: expected true: %s\n", what, cond);
	return 0;
}

int check_int_(const char *file, int line, enum check_op op, long long actual, long long expected,
	       const char *what)
{
	static const char *const failed_as[] = {
		[CHECK_OP_EQ] = "!= expected",
		[CHECK_OP_NE] = "==",
		[CHECK_OP_GE] = "< expected minimum",
		[CHECK_OP_LE] = "> expected maximum",
	};
	int ok = op == CHECK_OP_EQ   ? actual == expected
		 : op == CHECK_OP_NE ? actual != expected
		 : op == CHECK_OP_GE ? actual >= expected
				     : actual <= expected;

	if (ok)
		return 1;
	check_failed_at(file, line);
	fprintf(stderr, "%s: actual %lld %s %lld\n", what, actual, failed_as[op], expected);
	return 0;
}

int check_str_(const char *file, int line, const char *actual, const char *expected,
	       const char *what)
{
	if (actual && expected && strcmp(actual, expected) == 0)
		return 1;
	check_failed_at(file, line);
	fprintf(stderr, "%s: actual \"%s\" != expected \"%s\"\n", what, actual ? actual : "(null)",
		expected ? expected : "(null)");
	return 0;
}

int check_contains_(const char *file, int line, const char *haystack, const char *needle,
		    const char *what)
{
	if (haystack && strstr(haystack, needle))
		return 1;
	check_failed_at(file, line);
	fprintf(stderr, "%s: \"%s\" does not contain \"%s\"\n", what,
		haystack ? haystack : "(null)", needle);
	return 0;
}
