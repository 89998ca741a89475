/*
 * metrics_read.h — what metrics.c (the call: planning, threads, merging)
 * and metrics_read.c (the sources: their queries and folds) share. Nothing
 * outside those two files includes it.
 */
#ifndef HD_STORE_SQLITE_METRICS_READ_H
#define HD_STORE_SQLITE_METRICS_READ_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "store/metrics.h"
#include "store/sqlite/internal.h"

/* The queries a call is made of (see metrics_read.c). */
enum hd_msrc {
	HD_MSRC_SLA,            /* ended SLA clocks: counts per target and outcome */
	HD_MSRC_NEXT_RESPONSE,  /* responses, kind next: samples */
	HD_MSRC_FIRST_RESPONSE, /* responses, kind first: samples */
	HD_MSRC_SOLVED,         /* tickets by latest solve: full resolution, reopens */
	HD_MSRC_FIRST_SOLVED,   /* tickets by first solve: first resolution */
	HD_MSRC_CLOSED,         /* tickets by close: counts per kind and reason */
	HD_MSRC_BACKLOG,        /* active tickets now */
	HD_MSRC_PROMISES,       /* promises by resolution: kept, broken */
	HD_MSRC_OVERDUE,        /* open promises past due now */
	HD_MSRC__COUNT
};

/* Samples one call may collect over all its sources (12 bytes each while
 * reading, 8 more while summarising): 320 MB at most. */
#define HD_METRICS_MAX_SAMPLES ((int64_t)16 << 20)

/** One source of one call, run on one reader connection. */
struct hd_mtask {
	enum hd_msrc src;
	const struct hd_metric_query *q;
	enum hd_metric_group group; /* HD_MG_NONE for "now" sources in day/week calls */
	_Atomic int64_t *budget;    /* samples the whole call may still collect */
	/* results: [0] the total, then one row per group (any order); malloc'd,
	 * the caller frees them */
	struct hd_metric_row *rows;
	size_t nrows;
	int rc;
	struct hd_err err;
};

/* ---- accumulators (metrics_acc.c) ---------------------------------------------- */

/* Counters a source keeps per group (the SLA's 4 targets x 3 outcomes, or
 * the backlog's 4 statuses + 7 ages). */
#define HD_MACC_COUNTERS 12

/** What one source gathered for one group (or the total). */
struct hd_mslot {
	int64_t key;
	size_t ns; /* samples */
	int64_t c[HD_MACC_COUNTERS];
};

/** What one source gathered: the total, the groups (an open-addressing
 * hash from key to group index + 1; 0 is empty), and the samples in one
 * growing array, with the index of their group beside them when grouping.
 * Zeroed, with `budget` set, it is empty; hd_macc_release frees it all. */
struct hd_macc {
	struct hd_mslot total;
	struct hd_mslot *g;
	size_t ng, gcap;
	uint32_t *hash;
	size_t hcap;  /* a power of two, at least twice ng */
	int64_t *v;   /* samples */
	uint32_t *gi; /* the group of each sample (when grouping) */
	size_t cap;
	_Atomic int64_t *budget; /* samples the whole call may still collect */
	int oom; /* a sample or a group could not be added: out of memory or budget */
};

/** The group of `key`, created empty when new; NULL (and `oom` set) when
 * out of memory. The pointer is valid until the next call. */
struct hd_mslot *hd_macc_group(struct hd_macc *a, int64_t key);

/** Room for more samples (and their groups when `grouped`); -1 when out of
 * memory or over the budget. */
int hd_macc_grow(struct hd_macc *a, int grouped);

/** Free what `a` holds; it is empty again. */
void hd_macc_release(struct hd_macc *a);

/** Summarise the samples into the hd_stats at byte offset `field` of
 * rows[0] (the total) and of rows[1 + i] (group i). Reorders the samples.
 * 0, or -1 when out of memory. */
int hd_macc_summarise(struct hd_macc *a, struct hd_metric_row *rows, size_t field);

/** A sample for the total and, when grouping, for group `g` (from
 * hd_macc_group). Sets `oom` when it cannot be kept. */
static inline void hd_macc_sample(struct hd_macc *a, struct hd_mslot *g, int64_t x)
{
	size_t n = a->total.ns;

	if (n == a->cap && hd_macc_grow(a, g != NULL)) {
		a->oom = 1;
		return;
	}
	a->v[n] = x;
	if (g) {
		a->gi[n] = (uint32_t)(g - a->g);
		g->ns++;
	}
	a->total.ns++;
}

/** Counter `i` += `by` for the total and, when grouping, group `g`. */
static inline void hd_macc_count(struct hd_macc *a, struct hd_mslot *g, int i, int64_t by)
{
	a->total.c[i] += by;
	if (g)
		g->c[i] += by;
}

/* ---- sources (metrics_read.c) ------------------------------------------------- */

/** Whether source `src` measures the present (backlog, overdue promises)
 * rather than a period: it has no day or week groups. */
int hd_mread_is_now(enum hd_msrc src);

/** Run task `t` on reader connection `c`: read its rows, summarise them into
 * t->rows. 0 or a negative HD_E* code (also left in t->rc's caller), the
 * reason in t->err. */
int hd_mread_run(struct hd_conn *c, struct hd_mtask *t);

#endif
