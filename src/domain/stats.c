/*
 * stats.c — sample summaries by selection (see stats.h).
 *
 * The percentiles are found one after the other in ascending rank order,
 * each by a quickselect over the part of the array not yet known to be
 * below it: after selecting rank k, everything at k and above is >= v[k],
 * so rank k' > k is searched in [k, n) only.
 *
 * Large samples first go through buckets: one pass counts the values per
 * bucket of a floating-point-like scale over [min, max] (64 buckets per
 * power of two, so each holds values within 1/64 of each other), which
 * tells in which bucket each wanted rank lies; a second pass moves the
 * values of those few buckets to the front, and the quickselects run on
 * that short prefix only. A million durations take ~3 passes instead of
 * ~5 quickselect passes. When the wanted buckets hold most of the values
 * (a sample of a few distinct values) the plain quickselect runs instead.
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

/* Buckets: values below 64 (above min) each have their own; above, 64 per
 * power of two. Order-preserving, so a bucket's values all lie between
 * those of the buckets before and after it. */
#define NBUCKETS (59 * 64)
#define BUCKETS_FROM 4096 /* smaller samples are selected directly */

static size_t bucket_of(uint64_t u)
{
	int e;

	if (u < 64)
		return (size_t)u;
	e = 63 - __builtin_clzll(u); /* 6 .. 63 */
	return ((size_t)(e - 5) << 6) | (size_t)((u >> (e - 6)) & 63);
}

#define NPCT 5
static const double pcts[NPCT] = { 50, 75, 90, 95, 99 };

/* Move the values of the buckets holding ranks `k[0..NPCT)` to the front of
 * `v` and rewrite each rank as its rank within that prefix. Returns the
 * prefix's length, or n when it is not worth it (then `k` is unchanged). */
static size_t narrow(int64_t *v, size_t n, int64_t min, size_t *k)
{
	size_t count[NBUCKETS] = { 0 }, want[NPCT], below[NPCT], front = 0, seen = 0, w = 0;
	unsigned char mark[NBUCKETS] = { 0 };

	for (size_t i = 0; i < n; i++)
		count[bucket_of((uint64_t)v[i] - (uint64_t)min)]++;
	/* the bucket of each rank, and how many values lie in buckets before it */
	for (size_t b = 0; b < NBUCKETS && w < NPCT; b++) {
		while (w < NPCT && k[w] < seen + count[b]) {
			want[w] = b;
			below[w++] = seen;
		}
		seen += count[b];
	}
	for (size_t i = 0; i < NPCT; i++)
		if (!mark[want[i]]) {
			mark[want[i]] = 1;
			front += count[want[i]];
		}
	if (front > n / 4)
		return n;
	/* each wanted rank within the prefix: there, the values of the lower
	 * wanted buckets come first (`want` ascends; count each bucket once) */
	for (size_t i = 0; i < NPCT; i++) {
		size_t lower = 0;

		for (size_t j = 0; j < i; j++)
			if (want[j] < want[i] && (j == 0 || want[j] != want[j - 1]))
				lower += count[want[j]];
		k[i] = k[i] - below[i] + lower;
	}
	for (size_t i = 0, f = 0; i < n; i++)
		if (mark[bucket_of((uint64_t)v[i] - (uint64_t)min)])
			swap64(&v[f++], &v[i]);
	return front;
}

void hd_stats_compute(int64_t *v, size_t n, struct hd_stats *out)
{
	int64_t *slots[NPCT] = { &out->median, &out->p75, &out->p90, &out->p95, &out->p99 };
	uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
	long double sum = 0;
	size_t k[NPCT], from = 0, len = n;

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
	for (size_t i = 0; i < NPCT; i++)
		k[i] = hd_stats_rank(n, pcts[i]);
	if (n >= BUCKETS_FROM)
		len = narrow(v, n, out->min, k);
	for (size_t i = 0; i < NPCT; i++) {
		/* ranks ascend, and everything from the last one on is >= it */
		select_rank(v, from, len, k[i], &rng);
		*slots[i] = v[k[i]];
		from = k[i];
	}
}
