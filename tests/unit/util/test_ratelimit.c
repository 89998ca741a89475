/*
 * test_ratelimit.c — util/ratelimit: `max` hits per window per key, the
 * wait until the window ends, undo and clear, independent keys, and a
 * table far smaller than the keys thrown at it (it forgets, never blocks
 * a key that was not over its limit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "util/ratelimit.h"
#include "util/secret.h"

static const int64_t MIN = 60000;
static const int64_t T0 = 1800000000000;

static void max_hits_then_refused_until_the_window_ends(void **state)
{
	struct hd_ratelimit rl;
	int64_t wait = -1;

	assert_int_equal(hd_ratelimit_init(&rl, 3, 15 * MIN, 100), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(hd_ratelimit_hit(&rl, "a@example.com", T0 + i * MIN, &wait), 0);
	assert_int_equal(hd_ratelimit_hit(&rl, "a@example.com", T0 + 5 * MIN, &wait), 1);
	assert_int_equal(wait, 10 * MIN);
	/* a refused attempt does not lengthen the window */
	assert_int_equal(hd_ratelimit_hit(&rl, "a@example.com", T0 + 15 * MIN - 1, &wait), 1);
	assert_int_equal(wait, 1);
	/* a new window */
	assert_int_equal(hd_ratelimit_hit(&rl, "a@example.com", T0 + 15 * MIN, &wait), 0);
	/* other keys were never limited */
	assert_int_equal(hd_ratelimit_hit(&rl, "b@example.com", T0 + 5 * MIN, NULL), 0);
	hd_ratelimit_release(&rl);
}

static void undo_and_clear(void **state)
{
	struct hd_ratelimit rl;

	assert_int_equal(hd_ratelimit_init(&rl, 2, 15 * MIN, 100), 0);
	assert_int_equal(hd_ratelimit_hit(&rl, "k", T0, NULL), 0);
	assert_int_equal(hd_ratelimit_hit(&rl, "k", T0, NULL), 0);
	hd_ratelimit_undo(&rl, "k", T0);
	assert_int_equal(hd_ratelimit_hit(&rl, "k", T0, NULL), 0);
	assert_int_equal(hd_ratelimit_hit(&rl, "k", T0, NULL), 1);
	hd_ratelimit_clear(&rl, "k");
	assert_int_equal(hd_ratelimit_hit(&rl, "k", T0, NULL), 0);
	assert_int_equal(hd_ratelimit_hit(&rl, "k", T0, NULL), 0);
	assert_int_equal(hd_ratelimit_hit(&rl, "k", T0, NULL), 1);
	/* undo and clear of unknown keys are no-ops */
	hd_ratelimit_undo(&rl, "unknown", T0);
	hd_ratelimit_clear(&rl, "unknown");
	hd_ratelimit_release(&rl);
}

static void a_small_table_forgets_but_never_blocks_wrongly(void **state)
{
	struct hd_ratelimit rl;
	char key[32];
	int refused = 0;

	assert_int_equal(hd_ratelimit_init(&rl, 1, 15 * MIN, 16), 0);
	/* 1000 keys, one hit each: none is over its limit */
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		refused += hd_ratelimit_hit(&rl, key, T0 + i, NULL);
	}
	assert_int_equal(refused, 0);
	/* the most recent keys are still counted */
	assert_int_equal(hd_ratelimit_hit(&rl, "key-999", T0 + 1000, NULL), 1);
	hd_ratelimit_release(&rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(max_hits_then_refused_until_the_window_ends),
		cmocka_unit_test(undo_and_clear),
		cmocka_unit_test(a_small_table_forgets_but_never_blocks_wrongly),
	};

	if (hd_secret_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
