/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Minimal test harness in the style of the kernel selftests: ASSERT_* print
 * the actual and expected values and fail the current test (they return from
 * the test function). Each test binary ends with "N passed, N failed".
 *
 *   static void test_foo(void) { ASSERT_EQ(1 + 1, 2, "sum"); }
 *   int main(void) { RUN_TEST(test_foo); return check_summary(); }
 */
#ifndef EXFILGUARD_TESTS_CHECK_H
#define EXFILGUARD_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_passed, check_failed, check_skipped;
extern int check_cur_failed, check_cur_skipped;
extern const char *check_cur_name;

#define CHECK_FAIL_(fmt, ...)                                                                      \
	do {                                                                                       \
		fprintf(stderr, "  %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__);          \
		check_cur_failed = 1;                                                              \
	} while (0)

#define ASSERT_TRUE(cond, what)                                                                    \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			CHECK_FAIL_("%s: expected true: %s", what, #cond);                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_EQ(actual, expected, what)                                                          \
	do {                                                                                       \
		long long a_ = (long long)(actual), e_ = (long long)(expected);                    \
		if (a_ != e_) {                                                                    \
			CHECK_FAIL_("%s: actual %lld != expected %lld", what, a_, e_);             \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_NE(actual, unexpected, what)                                                        \
	do {                                                                                       \
		long long a_ = (long long)(actual), e_ = (long long)(unexpected);                  \
		if (a_ == e_) {                                                                    \
			CHECK_FAIL_("%s: actual %lld == %lld", what, a_, e_);                      \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_GE(actual, bound, what)                                                             \
	do {                                                                                       \
		long long a_ = (long long)(actual), b_ = (long long)(bound);                       \
		if (a_ < b_) {                                                                     \
			CHECK_FAIL_("%s: actual %lld < expected minimum %lld", what, a_, b_);      \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_LE(actual, bound, what)                                                             \
	do {                                                                                       \
		long long a_ = (long long)(actual), b_ = (long long)(bound);                       \
		if (a_ > b_) {                                                                     \
			CHECK_FAIL_("%s: actual %lld > expected maximum %lld", what, a_, b_);      \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_STREQ(actual, expected, what)                                                       \
	do {                                                                                       \
		const char *a_ = (actual), *e_ = (expected);                                       \
		if (!a_ || !e_ || strcmp(a_, e_) != 0) {                                           \
			CHECK_FAIL_("%s: actual \"%s\" != expected \"%s\"", what,                  \
				    a_ ? a_ : "(null)", e_ ? e_ : "(null)");                       \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_CONTAINS(haystack, needle, what)                                                    \
	do {                                                                                       \
		const char *h_ = (haystack), *n_ = (needle);                                       \
		if (!h_ || !strstr(h_, n_)) {                                                      \
			CHECK_FAIL_("%s: \"%s\" does not contain \"%s\"", what,                    \
				    h_ ? h_ : "(null)", n_);                                       \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* Mark the current test skipped (counted, never as passed) and leave it. */
#define SKIP(why)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "  skipped: %s\n", why);                                           \
		check_cur_skipped = 1;                                                             \
		return;                                                                            \
	} while (0)

#define RUN_TEST(fn) check_run(#fn, fn)

void check_run(const char *name, void (*fn)(void));
/* Prints "N passed, N failed[, N skipped]" and returns the exit status. */
int check_summary(void);

#endif
