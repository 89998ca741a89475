/*
 * rank.c — heed_rank(), the FTS5 ranking function heed's search uses.
 *
 * FTS5's built-in bm25() counts, for every query, how many rows contain each
 * term: a walk over the term's whole posting list. For a common word in
 * millions of messages that is tens of milliseconds per query, for every
 * query. heed_rank() is BM25 without the inverse-document-frequency factor:
 * it needs only the row's own term counts and length and the table's average
 * length, so ranking one row costs the same whatever the table holds.
 * Combined with "the most recent N matches" (search.c), a search costs the
 * same at a million tickets as at a thousand.
 *
 * Like bm25(), lower is better (the score is negated), so ORDER BY ascends.
 */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_MAX_PHRASES 16

static void heed_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
		      int argc, sqlite3_value **argv)
{
	int tf[RANK_MAX_PHRASES] = { 0 };
	int nphrase = api->xPhraseCount(fts), ninst = 0, len = 0;
	sqlite3_int64 rows = 0, total = 0;
	double avg, score = 0;

	if (nphrase > RANK_MAX_PHRASES)
		nphrase = RANK_MAX_PHRASES;
	if (api->xInstCount(fts, &ninst) != SQLITE_OK || api->xColumnSize(fts, -1, &len) != SQLITE_OK ||
	    api->xRowCount(fts, &rows) != SQLITE_OK ||
	    api->xColumnTotalSize(fts, -1, &total) != SQLITE_OK) {
		sqlite3_result_double(ctx, 0.0);
		return;
	}
	for (int i = 0; i < ninst; i++) {
		int phrase, col, off;

		if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK && phrase >= 0 &&
		    phrase < nphrase)
			tf[phrase]++;
	}
	avg = rows > 0 && total > 0 ? (double)total / (double)rows : 1.0;
	for (int p = 0; p < nphrase; p++)
		score += tf[p] * (RANK_K1 + 1.0) /
			 (tf[p] + RANK_K1 * (1.0 - RANK_B + RANK_B * (double)len / avg));
	sqlite3_result_double(ctx, -score);
}

int hd_rank_register(sqlite3 *db, struct hd_err *err)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if (!api || api->iVersion < 2)
		return hd_err_set(err, HD_EIO, NULL, "SQLite has no FTS5 (needed for search)");
	rc = api->xCreateFunction(api, "heed_rank", NULL, heed_rank, NULL);
	return rc == SQLITE_OK ? 0 : hd_err_set(err, HD_EIO, NULL, "cannot register heed_rank");
}
