/*
 * stats.h — the summary of a sample of int64 values (durations in ms):
 * count, mean, median, 75th/90th/95th/99th percentiles, min and max.
 *
 * Percentiles use the nearest-rank definition: the p-th percentile of n
 * values is the value at rank ceil(p/100 * n) (1-based) of the values in
 * ascending order. It is always one of the samples, never an interpolation;
 * the median is the 50th percentile, so for an even count it is the lower
 * of the two middle values. The summary is computed by selection (expected
 * O(n): a quickselect with random pivots and a three-way partition, so
 * repeated values cost nothing extra) rather than by sorting.
 *
 * Pure: no I/O, no allocation. The sample array is reordered in place.
 */
#ifndef HD_DOMAIN_STATS_H
#define HD_DOMAIN_STATS_H

#include <stddef.h>
#include <stdint.h>

/** A sample's summary. With count 0 every other field is 0 and meaningless
 * (callers show them as null). `mean` is rounded to the nearest integer
 * (halves away from zero). */
struct hd_stats {
	int64_t count;
	int64_t mean;
	int64_t median; /* p50 */
	int64_t p75;
	int64_t p90;
	int64_t p95;
	int64_t p99;
	int64_t min;
	int64_t max;
};

/** Summarise `v[0..n)` into `*out`. `v` is reordered (its values are
 * kept); NULL is fine when n is 0. */
void hd_stats_compute(int64_t *v, size_t n, struct hd_stats *out);

/** The nearest-rank `p`-th percentile (0 < p <= 100) of `v[0..n)`, n > 0;
 * reorders `v`. For callers that want another percentile than those above. */
int64_t hd_stats_percentile(int64_t *v, size_t n, double p);

/** The 0-based index in ascending order that holds the nearest-rank `p`-th
 * percentile (0 < p <= 100) of n > 0 values: ceil(p/100 * n) - 1, computed
 * exactly for the percentiles heed uses (p a whole number). */
size_t hd_stats_rank(size_t n, double p);

#endif
