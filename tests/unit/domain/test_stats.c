/*
 * test_stats.c — domain/stats: nearest-rank percentiles by selection.
 * Hand cases (empty, one value, ties, even and odd counts, negative and
 * extreme values, sorted and reversed input) and a property test against a
 * sort-based reference on random samples of many sizes and value ranges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/stats.h"

static void test_rank(void **state)
{
	(void)state;
	/* ceil(p/100 * n) - 1 */
	assert_int_equal(hd_stats_rank(1, 50), 0);
	assert_int_equal(hd_stats_rank(1, 99), 0);
	assert_int_equal(hd_stats_rank(2, 50), 0); /* the lower middle value */
	assert_int_equal(hd_stats_rank(3, 50), 1);
	assert_int_equal(hd_stats_rank(4, 50), 1);
	assert_int_equal(hd_stats_rank(4, 75), 2);
	assert_int_equal(hd_stats_rank(10, 90), 8);  /* exactly 9: not 9.000001 */
	assert_int_equal(hd_stats_rank(10, 95), 9);
	assert_int_equal(hd_stats_rank(100, 99), 98);
	assert_int_equal(hd_stats_rank(101, 99), 99);
	assert_int_equal(hd_stats_rank(20, 95), 18);
	assert_int_equal(hd_stats_rank(1000, 100), 999);
	assert_int_equal(hd_stats_rank(7, 0.1), 0);
}

static void test_empty(void **state)
{
	struct hd_stats s;

	(void)state;
	memset(&s, 0x55, sizeof(s));
	hd_stats_compute(NULL, 0, &s);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.mean, 0);
	assert_int_equal(s.median, 0);
	assert_int_equal(s.p99, 0);
	assert_int_equal(s.min, 0);
	assert_int_equal(s.max, 0);
}

static void test_one(void **state)
{
	int64_t v[] = { 42 };
	struct hd_stats s;

	(void)state;
	hd_stats_compute(v, 1, &s);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.mean, 42);
	assert_int_equal(s.median, 42);
	assert_int_equal(s.p75, 42);
	assert_int_equal(s.p90, 42);
	assert_int_equal(s.p95, 42);
	assert_int_equal(s.p99, 42);
	assert_int_equal(s.min, 42);
	assert_int_equal(s.max, 42);
}

static void test_even_odd(void **state)
{
	int64_t odd[] = { 50, 10, 40, 20, 30 }, even[] = { 40, 10, 30, 20 };
	struct hd_stats s;

	(void)state;
	hd_stats_compute(odd, 5, &s);
	assert_int_equal(s.median, 30); /* rank 3 of 5 */
	assert_int_equal(s.p75, 40);    /* ceil(3.75) = 4 */
	assert_int_equal(s.p90, 50);    /* ceil(4.5) = 5 */
	assert_int_equal(s.mean, 30);
	assert_int_equal(s.min, 10);
	assert_int_equal(s.max, 50);
	hd_stats_compute(even, 4, &s);
	assert_int_equal(s.median, 20); /* rank 2 of 4: the lower middle, not 25 */
	assert_int_equal(s.p75, 30);    /* rank 3 */
	assert_int_equal(s.p90, 40);    /* ceil(3.6) = 4 */
	assert_int_equal(s.mean, 25);
}

static void test_ties(void **state)
{
	int64_t same[100], few[10] = { 7, 7, 7, 1, 1, 9, 7, 7, 1, 7 };
	struct hd_stats s;

	(void)state;
	for (int i = 0; i < 100; i++)
		same[i] = 5;
	hd_stats_compute(same, 100, &s);
	assert_int_equal(s.count, 100);
	assert_int_equal(s.median, 5);
	assert_int_equal(s.p99, 5);
	assert_int_equal(s.min, 5);
	assert_int_equal(s.max, 5);
	/* sorted: 1 1 1 7 7 7 7 7 7 9 */
	hd_stats_compute(few, 10, &s);
	assert_int_equal(s.median, 7); /* rank 5 */
	assert_int_equal(s.p90, 7);    /* rank 9 */
	assert_int_equal(s.p95, 9);    /* rank 10 */
	assert_int_equal(s.min, 1);
	assert_int_equal(s.mean, 5); /* 54 / 10 = 5.4 */
}

static void test_mean_rounding(void **state)
{
	int64_t up[] = { 1, 2 }, neg[] = { -1, -2 }, big[] = { INT64_MAX, INT64_MAX - 2 };
	struct hd_stats s;

	(void)state;
	hd_stats_compute(up, 2, &s);
	assert_int_equal(s.mean, 2); /* 1.5 rounds away from zero */
	hd_stats_compute(neg, 2, &s);
	assert_int_equal(s.mean, -2);
	assert_int_equal(s.min, -2);
	assert_int_equal(s.max, -1);
	hd_stats_compute(big, 2, &s); /* the sum does not overflow */
	assert_true(s.mean == INT64_MAX - 1);
	assert_true(s.max == INT64_MAX);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The reference: sort a copy and index it at ceil(p*n/100) - 1 (integers). */
static int64_t ref_pct(const int64_t *sorted, size_t n, int p)
{
	size_t r = ((size_t)p * n + 99) / 100;

	return sorted[(r ? r : 1) - 1];
}

static void check_against_sort(int64_t *v, size_t n)
{
	int64_t *sorted = malloc(n * sizeof(*v)), *orig = malloc(n * sizeof(*v));
	struct hd_stats s;
	long double sum = 0;

	assert_non_null(sorted);
	assert_non_null(orig);
	memcpy(sorted, v, n * sizeof(*v));
	memcpy(orig, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*v), cmp64);
	for (size_t i = 0; i < n; i++)
		sum += (long double)v[i];
	hd_stats_compute(v, n, &s);
	assert_int_equal(s.count, (int64_t)n);
	assert_true(s.median == ref_pct(sorted, n, 50));
	assert_true(s.p75 == ref_pct(sorted, n, 75));
	assert_true(s.p90 == ref_pct(sorted, n, 90));
	assert_true(s.p95 == ref_pct(sorted, n, 95));
	assert_true(s.p99 == ref_pct(sorted, n, 99));
	assert_true(s.min == sorted[0]);
	assert_true(s.max == sorted[n - 1]);
	sum /= (long double)n;
	assert_true(s.mean == (int64_t)(sum < 0 ? sum - 0.5L : sum + 0.5L));
	/* the values are kept, only reordered */
	qsort(v, n, sizeof(*v), cmp64);
	assert_memory_equal(v, sorted, n * sizeof(*v));
	/* and a single percentile agrees too */
	memcpy(v, orig, n * sizeof(*v));
	assert_true(hd_stats_percentile(v, n, 90) == ref_pct(sorted, n, 90));
	free(sorted);
	free(orig);
}

static void test_random_against_sort(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 5, 15, 16, 17, 31, 100, 101, 999, 1000, 4097,
					65536 };
	static const uint64_t ranges[] = { 1, 2, 10, 1000, 86400000, 0 /* full int64 */ };
	uint64_t seed = 0x243f6a8885a308d3ull;

	(void)state;
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
		for (size_t ri = 0; ri < sizeof(ranges) / sizeof(ranges[0]); ri++)
			for (int round = 0; round < 3; round++) {
				size_t n = sizes[si];
				int64_t *v = malloc(n * sizeof(*v));

				assert_non_null(v);
				for (size_t i = 0; i < n; i++) {
					uint64_t x = rnd(&seed);

					v[i] = ranges[ri] ? (int64_t)(x % ranges[ri]) - (int64_t)(round == 2)
							  : (int64_t)x;
				}
				check_against_sort(v, n);
				free(v);
			}
}

/* Durations as a desk sees them: mostly short, a long tail (many buckets). */
static void test_long_tail(void **state)
{
	uint64_t seed = 0x13198a2e03707344ull;

	(void)state;
	for (size_t n = 4096; n <= 200000; n *= 7) {
		int64_t *v = malloc(n * sizeof(*v));

		assert_non_null(v);
		for (size_t i = 0; i < n; i++) {
			int64_t x = (int64_t)(rnd(&seed) % 1000);

			v[i] = x * x * x + (int64_t)(rnd(&seed) % 60000);
		}
		check_against_sort(v, n);
		for (size_t i = 0; i < n; i++) /* few distinct values, one huge */
			v[i] = i == n / 2 ? INT64_MAX : (int64_t)(rnd(&seed) % 3) * 1000;
		check_against_sort(v, n);
		free(v);
	}
}

static void test_ordered_inputs(void **state)
{
	size_t n = 10007;
	int64_t *v = malloc(n * sizeof(*v));

	(void)state;
	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)i;
	check_against_sort(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)(n - i);
	check_against_sort(v, n);
	for (size_t i = 0; i < n; i++) /* organ pipe */
		v[i] = (int64_t)(i < n / 2 ? i : n - i);
	check_against_sort(v, n);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_even_odd),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_mean_rounding),
		cmocka_unit_test(test_random_against_sort),
		cmocka_unit_test(test_long_tail),
		cmocka_unit_test(test_ordered_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
