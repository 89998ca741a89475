/*
 * search.c — full-text search over ticket subjects and message text (FTS5).
 *
 * Ranking: each side (subjects, messages) takes its 300 most
 * recent matches — FTS5 walks a posting list newest-first and stops, so this
 * costs the same however common a word is — ranks them with heed_rank()
 * (rank.c), and only for the best `limit` of both sides together computes
 * snippets (about 0.1 ms each) and joins. A rare term is ranked over all its matches; a very common one over
 * its most recent 300, which is what a help desk searching for "printer"
 * wants to see first anyway.
 *
 * Snippets mark matched words with \x02 ... \x03; the HTTP layer turns them
 * into <mark> after escaping the text.
 */
#include "store/sqlite/internal.h"
#include "util/banned.h"

/* The window over messages: all of them for agents, public ones only for
 * customers (which costs a lookup of each candidate message). */
#define M_RECENT_ALL                                                                           \
	"WITH m_recent AS (SELECT rowid AS id, heed_rank(messages_fts) AS r FROM messages_fts" \
	"  WHERE messages_fts MATCH ?1 AND ?2 ORDER BY rowid DESC LIMIT 300),"
#define M_RECENT_PUBLIC                                                                        \
	"WITH m_recent AS (SELECT messages_fts.rowid AS id, heed_rank(messages_fts) AS r"     \
	"  FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"                     \
	"  WHERE messages_fts MATCH ?1 AND NOT ?2 AND m.visibility = 'public'"                 \
	"  ORDER BY messages_fts.rowid DESC LIMIT 300),"

#define SEARCH_SQL                                                                             \
	" m_best AS (SELECT id, r FROM m_recent ORDER BY r, id DESC LIMIT ?3),"                \
	" t_recent AS (SELECT rowid AS id, heed_rank(tickets_fts) AS r FROM tickets_fts"       \
	"  WHERE tickets_fts MATCH ?1 ORDER BY rowid DESC LIMIT 300),"                         \
	" t_best AS (SELECT id, r FROM t_recent ORDER BY r, id DESC LIMIT ?3),"                \
	" best AS (SELECT 1 AS msg, id, r FROM m_best UNION ALL"                               \
	"  SELECT 0, id, r FROM t_best ORDER BY r, id DESC LIMIT ?3) "                         \
	"SELECT t.id, t.subject, t.status, CASE WHEN b.msg THEN b.id ELSE 0 END,"              \
	" CASE WHEN b.msg THEN (SELECT snippet(messages_fts, 0, char(2), char(3), '…', 16)"   \
	"   FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid = b.id)"                   \
	"  ELSE (SELECT snippet(tickets_fts, 0, char(2), char(3), '…', 16)"                   \
	"   FROM tickets_fts WHERE tickets_fts MATCH ?1 AND rowid = b.id) END, b.r "           \
	"FROM best b LEFT JOIN messages m ON b.msg AND m.id = b.id"                            \
	" JOIN tickets t ON t.id = CASE WHEN b.msg THEN m.ticket_id ELSE b.id END"             \
	" ORDER BY b.r, b.id DESC"

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
	s = hd_db_stmt(c, internal ? M_RECENT_ALL SEARCH_SQL : M_RECENT_PUBLIC SEARCH_SQL, err);
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
