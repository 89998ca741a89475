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

int hd_store_search(struct hd_store *st, const char *fts, int internal, int limit,
		    struct hd_search_hit **out, size_t *n, struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err), step;

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c, SEARCH_SQL, err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	*out = hd_arena_alloc(a, sizeof(**out) * (size_t)limit);
	if (!*out) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	sqlite3_bind_text(s, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, internal);
	sqlite3_bind_int(s, 3, limit);
	while ((step = sqlite3_step(s)) == SQLITE_ROW && *n < (size_t)limit) {
		struct hd_search_hit *h = &(*out)[(*n)++];

		h->ticket_id = sqlite3_column_int64(s, 0);
		h->subject = hd_db_text(s, 1, a);
		h->status = hd_status_parse((const char *)sqlite3_column_text(s, 2));
		h->message_id = sqlite3_column_int64(s, 3);
		h->snippet = hd_db_text(s, 4, a);
		h->rank = sqlite3_column_double(s, 5);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = hd_err_set(err, HD_EINVAL, "q", "the search query cannot be run: %s",
				sqlite3_errmsg(c->db));
out:
	hd_db_done(s);
	hd_db_release(st, c);
	return rc;
}
