/*
 * stats.c — sample summaries by selection (see stats.h).
 *
 * The percentiles are found one after the other in ascending rank order,
 * each by a quickselect over the part of the array not yet known to be
 * below it: after selecting rank k, everything at k and above is >= v[k],
 * so rank k' > k is searched in [k, n) only. The five percentiles together
 * cost about two passes over the array.
 */
#include "domain/stats.h"

#include "util/banned.h"

/* Ranges this short are finished by insertion sort. */
#define SMALL 16

static uint64_t next_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void swap64(int64_t *a, int64_t *b)
{
	int64_t t = *a;

	*a = *b;
	*b = t;
}

static void insertion_sort(int64_t *v, size_t lo, size_t hi)
{
	for (size_t i = lo + 1; i < hi; i++) {
		int64_t x = v[i];
		size_t j = i;

		for (; j > lo && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Reorder v[lo..hi) so that v[k] holds the value of rank k (0-based, of the
 * whole array, lo <= k < hi), with nothing greater before it and nothing
 * smaller after it. Random pivot, three-way partition: runs of equal values
 * end the search at once instead of degrading it. */
static void select_rank(int64_t *v, size_t lo, size_t hi, size_t k, uint64_t *rng)
{
	while (hi - lo > SMALL) {
		int64_t pivot = v[lo + next_rnd(rng) % (hi - lo)];
		size_t lt = lo, i = lo, gt = hi;

		/* [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > pivot */
		while (i < gt) {
			if (v[i] < pivot)
				swap64(&v[lt++], &v[i++]);
			else if (v[i] > pivot)
				swap64(&v[i], &v[--gt]);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
	insertion_sort(v, lo, hi);
}

size_t hd_stats_rank(size_t n, double p)
{
	/* ceil(p/100 * n) in integers on thousandths of a percent, so that
	 * whole percentiles are exact (0.9 * 10 is not 9 in binary floating
	 * point). n * 100000 stays far from overflow for any array that fits
	 * in memory. */
	uint64_t pm = (uint64_t)(p * 1000.0 + 0.5);
	uint64_t r = (pm * (uint64_t)n + 99999) / 100000;

	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return (size_t)(r - 1);
}

int64_t hd_stats_percentile(int64_t *v, size_t n, double p)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
	size_t k = hd_stats_rank(n, p);

	select_rank(v, 0, n, k, &rng);
	return v[k];
}

void hd_stats_compute(int64_t *v, size_t n, struct hd_stats *out)
{
	static const double ps[] = { 50, 75, 90, 95, 99 };
	int64_t *slots[] = { &out->median, &out->p75, &out->p90, &out->p95, &out->p99 };
	uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
	long double sum = 0;
	size_t from = 0;

	*out = (struct hd_stats){ 0 };
	if (n == 0)
		return;
	out->count = (int64_t)n;
	out->min = out->max = v[0];
	for (size_t i = 0; i < n; i++) {
		sum += (long double)v[i];
		if (v[i] < out->min)
			out->min = v[i];
		if (v[i] > out->max)
			out->max = v[i];
	}
	/* A long double holds a sum of a million durations of years exactly. */
	sum /= (long double)n;
	out->mean = (int64_t)(sum < 0 ? sum - 0.5L : sum + 0.5L);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		size_t k = hd_stats_rank(n, ps[i]);

		/* ranks ascend, and everything from the last one on is >= it */
		select_rank(v, from, n, k, &rng);
		*slots[i] = v[k];
		from = k;
	}
}
