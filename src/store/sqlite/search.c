/*
 * search.c — ranked full-text search over ticket subjects and message text
 * (FTS5, bm25). Snippets mark matched words with \x02 ... \x03, which the
 * HTTP layer turns into <mark> after escaping the text.
 *
 * Each side first picks its best `limit` rows by rank using only the FTS
 * index; snippets and joins are computed for those rows alone.
 */
#include "store/sqlite/internal.h"
#include "util/banned.h"

#define SEARCH_SQL                                                                             \
	"SELECT tid, subject, status, mid, snip, rnk FROM ("                                   \
	" SELECT f.rowid AS tid, t.subject AS subject, t.status AS status, 0 AS mid,"          \
	"  snippet(tickets_fts, 0, char(2), char(3), '…', 16) AS snip, f.rank AS rnk"         \
	" FROM tickets_fts f JOIN tickets t ON t.id = f.rowid"                                 \
	" WHERE tickets_fts MATCH ?1 ORDER BY f.rank LIMIT ?3)"                                \
	" UNION ALL "                                                                          \
	"SELECT tid, subject, status, mid, snip, rnk FROM ("                                   \
	" SELECT m.ticket_id AS tid, t.subject AS subject, t.status AS status, f.rowid AS mid," \
	"  snippet(messages_fts, 0, char(2), char(3), '…', 16) AS snip, f.rank AS rnk"        \
	" FROM messages_fts f JOIN messages m ON m.id = f.rowid"                               \
	" JOIN tickets t ON t.id = m.ticket_id"                                                \
	" WHERE messages_fts MATCH ?1 AND (?2 OR m.visibility = 'public')"                     \
	" ORDER BY f.rank LIMIT ?3)"                                                           \
	" ORDER BY rnk LIMIT ?3"

static void read_hit(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_search_hit *h = item;

	h->ticket_id = sqlite3_column_int64(s, 0);
	h->subject = hd_db_text(s, 1, a);
	h->status = hd_status_parse((const char *)sqlite3_column_text(s, 2));
	h->message_id = sqlite3_column_int64(s, 3);
	h->snippet = hd_db_text(s, 4, a);
	h->rank = sqlite3_column_double(s, 5);
}

int hd_store_search(struct hd_store *st, const char *fts, int internal, int limit,
		    struct hd_search_hit **out, size_t *n, struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	struct hd_err e = { 0 };
	int rc = hd_db_acquire(st, &c, err);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c, SEARCH_SQL, err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_text(s, 1, fts, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, internal);
		sqlite3_bind_int(s, 3, limit);
		rc = hd_db_collect(c, s, sizeof(**out), limit, read_hit, (void **)out, n, NULL, a,
				   &e);
		if (rc == HD_EIO) /* FTS5 refused the expression */
			rc = hd_err_set(err, HD_EINVAL, "q", "the search query cannot be run: %s",
					e.msg);
		else if (rc)
			rc = hd_err_set(err, rc, e.field, "%s", e.msg);
	}
	hd_db_release(st, c);
	return rc;
}
