/*
 * metrics_acc.c — what a metrics source gathers while its rows are read
 * (metrics_read.h): counters and samples, for the total and per group, and
 * their summary into result rows.
 *
 * Samples go to one growing array, with the index of their group beside
 * them when grouping; hd_macc_summarise then sorts them by group in place
 * (an American flag sort: each sample moves once) and selects each group's
 * percentiles in its part and the total's over the whole. One array per
 * group instead cost 8% of a grouped read in realloc's memmove, and
 * scattering into a second array touched twice the memory — on a VM every
 * fresh page is a fault costing microseconds.
 *
 * Runs on helper threads: everything is malloc'd, nothing in an arena.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/stats.h"
#include "store/sqlite/metrics_read.h"
#include "util/banned.h"

static uint32_t key_hash(int64_t key)
{
	return (uint32_t)(((uint64_t)key * 0x9e3779b97f4a7c15ull) >> 32);
}

static int rehash(struct hd_macc *a, size_t hcap)
{
	uint32_t *h = calloc(hcap, sizeof(*h));

	if (!h)
		return -1;
	for (size_t i = 0; i < a->ng; i++) {
		size_t j = key_hash(a->g[i].key) & (hcap - 1);

		while (h[j])
			j = (j + 1) & (hcap - 1);
		h[j] = (uint32_t)(i + 1);
	}
	free(a->hash);
	a->hash = h;
	a->hcap = hcap;
	return 0;
}

struct hd_mslot *hd_macc_group(struct hd_macc *a, int64_t key)
{
	size_t j;

	if (a->hcap) {
		for (j = key_hash(key) & (a->hcap - 1); a->hash[j]; j = (j + 1) & (a->hcap - 1))
			if (a->g[a->hash[j] - 1].key == key)
				return &a->g[a->hash[j] - 1];
	}
	if (2 * (a->ng + 1) > a->hcap && rehash(a, a->hcap ? a->hcap * 2 : 64))
		goto oom;
	if (a->ng == a->gcap) {
		size_t cap = a->gcap ? a->gcap * 2 : 16;
		struct hd_mslot *g = realloc(a->g, cap * sizeof(*g));

		if (!g)
			goto oom;
		a->g = g;
		a->gcap = cap;
	}
	memset(&a->g[a->ng], 0, sizeof(a->g[0]));
	a->g[a->ng].key = key;
	for (j = key_hash(key) & (a->hcap - 1); a->hash[j]; j = (j + 1) & (a->hcap - 1))
		;
	a->hash[j] = (uint32_t)(++a->ng);
	return &a->g[a->ng - 1];
oom:
	a->oom = 1;
	return NULL;
}

int hd_macc_grow(struct hd_macc *a, int grouped)
{
	size_t cap = a->cap ? a->cap * 2 : 4096;
	int64_t more = (int64_t)(cap - a->cap), *v;
	uint32_t *gi;

	if (atomic_fetch_sub(a->budget, more) < more || !(v = realloc(a->v, cap * sizeof(*v))))
		return -1;
	a->v = v;
	if (grouped) {
		if (!(gi = realloc(a->gi, cap * sizeof(*gi))))
			return -1;
		a->gi = gi;
	}
	a->cap = cap;
	return 0;
}

void hd_macc_release(struct hd_macc *a)
{
	free(a->v);
	free(a->gi);
	free(a->g);
	free(a->hash);
	memset(a, 0, sizeof(*a));
}

/* Sort samples v[] by their group gi[] in place, group 0 first: an
 * American flag sort (each sample is swapped straight to its group's next
 * free place). `next[i]` must hold where group i starts and `end[i]` where
 * it ends; on return next[i] == end[i]. */
static void sort_by_group(int64_t *v, uint32_t *gi, size_t ng, size_t *next, const size_t *end)
{
	for (size_t b = 0; b < ng; b++) {
		while (next[b] < end[b]) {
			size_t i = next[b], j;
			int64_t x;
			uint32_t k;

			if (gi[i] == b) {
				next[b]++;
				continue;
			}
			j = next[gi[i]]++;
			x = v[i], v[i] = v[j], v[j] = x;
			k = gi[i], gi[i] = gi[j], gi[j] = k;
		}
	}
}

static struct hd_stats *stats_at(struct hd_metric_row *r, size_t field)
{
	return (struct hd_stats *)(void *)((char *)r + field);
}

int hd_macc_summarise(struct hd_macc *a, struct hd_metric_row *rows, size_t field)
{
	size_t *next, *end;

	if (!a->total.ns)
		return 0;
	if (a->ng) {
		next = calloc(2 * a->ng, sizeof(*next));
		if (!next)
			return -1;
		end = next + a->ng;
		for (size_t i = 0; i < a->ng; i++) {
			next[i] = i ? end[i - 1] : 0;
			end[i] = next[i] + a->g[i].ns;
		}
		sort_by_group(a->v, a->gi, a->ng, next, end);
		for (size_t i = 0; i < a->ng; i++)
			hd_stats_compute(a->v + end[i] - a->g[i].ns, a->g[i].ns,
					 stats_at(&rows[1 + i], field));
		free(next);
	}
	/* selection only reorders: the whole array still holds every sample */
	hd_stats_compute(a->v, a->total.ns, stats_at(&rows[0], field));
	return 0;
}
