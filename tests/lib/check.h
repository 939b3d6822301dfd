/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Minimal test harness in the style of the kernel selftests. Each check
 * prints the actual and expected values when it fails and marks the current
 * test failed; it comes in two forms:
 *
 *   EXPECT_*  evaluates to 1 when the check holds, 0 when it failed, and lets
 *             the caller go on: helpers that must clean up use it goto style,
 *               if (!EXPECT_OK(fd < 0, "open")) goto out;
 *   ASSERT_*  leaves the current (void) test function when the check fails,
 *               ASSERT_EQ(1 + 1, 2, "sum");
 *
 * (EXPECT_* are the kernel's test_progs.h ASSERT_*; ASSERT_* keep leaving the
 * test because code after them relies on what they checked.) Each test binary
 * ends with "N passed, N failed[, N skipped]":
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

/* Print a failure at this line and mark the current test failed (for checks of their own). */
#define CHECK_FAIL_(fmt, ...)                                                                      \
	do {                                                                                       \
		fprintf(stderr, "  %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__);          \
		check_cur_failed = 1;                                                              \
	} while (0)

enum check_op { CHECK_OP_EQ, CHECK_OP_NE, CHECK_OP_GE, CHECK_OP_LE };

/* The checks behind the macros: 1 when they hold; else print at file:line, mark the test failed, 0.
 */
int check_true_(const char *file, int line, int ok, const char *cond, const char *what);
int check_int_(const char *file, int line, enum check_op op, long long actual, long long expected,
	       const char *what);
int check_str_(const char *file, int line, const char *actual, const char *expected,
	       const char *what);
int check_contains_(const char *file, int line, const char *haystack, const char *needle,
		    const char *what);

#define EXPECT_TRUE(cond, what) check_true_(__FILE__, __LINE__, !!(cond), #cond, what)
#define EXPECT_EQ(actual, expected, what)                                                          \
	check_int_(__FILE__, __LINE__, CHECK_OP_EQ, (long long)(actual), (long long)(expected),    \
		   what)
#define EXPECT_NE(actual, unexpected, what)                                                        \
	check_int_(__FILE__, __LINE__, CHECK_OP_NE, (long long)(actual), (long long)(unexpected),  \
		   what)
#define EXPECT_GE(actual, bound, what)                                                             \
	check_int_(__FILE__, __LINE__, CHECK_OP_GE, (long long)(actual), (long long)(bound), what)
#define EXPECT_LE(actual, bound, what)                                                             \
	check_int_(__FILE__, __LINE__, CHECK_OP_LE, (long long)(actual), (long long)(bound), what)
/* A call that returns 0 on success (the actual value is printed otherwise). */
#define EXPECT_OK(actual, what)		     EXPECT_EQ(actual, 0, what)
#define EXPECT_OK_PTR(ptr, what)	     EXPECT_TRUE((ptr) != NULL, what)
#define EXPECT_STREQ(actual, expected, what) check_str_(__FILE__, __LINE__, actual, expected, what)
#define EXPECT_CONTAINS(haystack, needle, what)                                                    \
	check_contains_(__FILE__, __LINE__, haystack, needle, what)

#define CHECK_OR_LEAVE_(check)                                                                     \
	do {                                                                                       \
		if (!(check))                                                                      \
			return;                                                                    \
	} while (0)

#define ASSERT_TRUE(cond, what)		     CHECK_OR_LEAVE_(EXPECT_TRUE(cond, what))
#define ASSERT_EQ(actual, expected, what)    CHECK_OR_LEAVE_(EXPECT_EQ(actual, expected, what))
#define ASSERT_NE(actual, unexpected, what)  CHECK_OR_LEAVE_(EXPECT_NE(actual, unexpected, what))
#define ASSERT_GE(actual, bound, what)	     CHECK_OR_LEAVE_(EXPECT_GE(actual, bound, what))
#define ASSERT_LE(actual, bound, what)	     CHECK_OR_LEAVE_(EXPECT_LE(actual, bound, what))
#define ASSERT_OK(actual, what)		     CHECK_OR_LEAVE_(EXPECT_OK(actual, what))
#define ASSERT_OK_PTR(ptr, what)	     CHECK_OR_LEAVE_(EXPECT_OK_PTR(ptr, what))
#define ASSERT_STREQ(actual, expected, what) CHECK_OR_LEAVE_(EXPECT_STREQ(actual, expected, what))
#define ASSERT_CONTAINS(haystack, needle, what)                                                    \
	CHECK_OR_LEAVE_(EXPECT_CONTAINS(haystack, needle, what))

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
