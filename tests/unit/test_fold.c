// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The daemon's side of the fold map (user/fold.c): when an entry is due, and evicted counts. */
#include "check.h"
#include "fold.h"

#define SEC 1000000000ull

static void test_due_after_window_and_grace(void)
{
	struct eg_fold_key k = {.window = 5};

	ASSERT_TRUE(!eg_fold_due(&k, 5 * SEC + 10), "inside its window");
	ASSERT_TRUE(!eg_fold_due(&k, 6 * SEC), "its window just ended: the grace runs");
	ASSERT_TRUE(!eg_fold_due(&k, 6 * SEC + EG_FOLD_GRACE_NS - 1), "last moment of the grace");
	ASSERT_TRUE(eg_fold_due(&k, 6 * SEC + EG_FOLD_GRACE_NS), "window and grace over");
}

static void test_evicted_by_difference(void)
{
	struct eg_fold_tally t = {.put_base = 100};

	ASSERT_EQ(eg_fold_evicted_new(&t, 100, 0), 0, "nothing put in since start");
	t.flushed = 30;
	ASSERT_EQ(eg_fold_evicted_new(&t, 150, 20), 0, "written out + pending = put in");
	ASSERT_EQ(eg_fold_evicted_new(&t, 160, 20), 10, "10 put in and gone unwritten: evicted");
	ASSERT_EQ(t.evicted, 10, "tallied");
	ASSERT_EQ(eg_fold_evicted_new(&t, 160, 20), 0, "not counted twice");
	/* Pending read after the counter: more in entries than the counter says. */
	ASSERT_EQ(eg_fold_evicted_new(&t, 160, 25), 0, "a late counter never makes a loss");
	t.flushed = 55;
	ASSERT_EQ(eg_fold_evicted_new(&t, 170, 0), 5, "exact once quiet: 170 - 100 - 55 - 10");
}

int main(void)
{
	RUN_TEST(test_due_after_window_and_grace);
	RUN_TEST(test_evicted_by_difference);
	return check_summary();
}
