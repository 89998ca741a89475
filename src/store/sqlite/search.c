/*
 * search.c — full-text search over ticket subjects and message text (FTS5).
 *
 * Ranking: each side (subjects, messages) takes its SEARCH_WINDOW most
 * recent matches — FTS5 walks a posting list newest-first and stops, so this
 * costs the same however common a word is — ranks them with heed_rank()
 * (rank.c), and only for the best `limit` of both sides together computes
 * snippets (fill_snippets) and joins. A rare term is ranked over all its
 * matches; a very common one over its most recent 200, which is what a help
 * desk searching for "printer" wants to see first anyway.
 *
 * Snippets mark matched words with \x02 ... \x03; the HTTP layer turns them
 * into <mark> after escaping the text.
 */
#include <stdint.h>

#include "store/sqlite/internal.h"
#include "util/sbuf.h"
#include "util/banned.h"

/* How many of the most recent matches each side ranks. Cost is linear in
 * it (measured at 1M tickets: 150 -> 1,300 searches/s, 300 -> 870/s). */
#define SEARCH_WINDOW "200"

/* The window over messages: all of them for agents, public ones only for
 * customers (which costs a lookup of each candidate message). */
#define M_RECENT_ALL                                                                           \
	"WITH m_recent AS (SELECT rowid AS id, heed_rank(messages_fts) AS r FROM messages_fts" \
	"  WHERE messages_fts MATCH ?1 AND ?2 ORDER BY rowid DESC LIMIT " SEARCH_WINDOW "),"
#define M_RECENT_PUBLIC                                                                        \
	"WITH m_recent AS (SELECT messages_fts.rowid AS id, heed_rank(messages_fts) AS r"     \
	"  FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"                     \
	"  WHERE messages_fts MATCH ?1 AND NOT ?2 AND m.visibility = 'public'"                 \
	"  ORDER BY messages_fts.rowid DESC LIMIT " SEARCH_WINDOW "),"

#define SEARCH_SQL                                                                             \
	" m_best AS (SELECT id, r FROM m_recent ORDER BY r, id DESC LIMIT ?3),"                \
	" t_recent AS (SELECT rowid AS id, heed_rank(tickets_fts) AS r FROM tickets_fts"       \
	"  WHERE tickets_fts MATCH ?1 ORDER BY rowid DESC LIMIT " SEARCH_WINDOW "),"          \
	" t_best AS (SELECT id, r FROM t_recent ORDER BY r, id DESC LIMIT ?3),"                \
	" best AS (SELECT 1 AS msg, id, r FROM m_best UNION ALL"                               \
	"  SELECT 0, id, r FROM t_best ORDER BY r, id DESC LIMIT ?3) "                         \
	"SELECT t.id, t.subject, t.status, CASE WHEN b.msg THEN b.id ELSE 0 END, NULL, b.r "  \
	"FROM best b LEFT JOIN messages m ON b.msg AND m.id = b.id"                            \
	" JOIN tickets t ON t.id = CASE WHEN b.msg THEN m.ticket_id ELSE b.id END"             \
	" ORDER BY b.r, b.id DESC"

/* Snippets for the hits shown, all in one pass over one FTS5 cursor: the
 * hits lie within the window of recent matches, so the rowid range between
 * the lowest and highest of them holds at most that window, and snippet()
 * runs only for the rows asked for. (One snippet query per hit re-opened
 * every segment of every term each time: 20 hits cost more than ranking.) */
#define SNIPPET_SQL(table)                                                                     \
	"SELECT rowid, snippet(" table ", 0, char(2), char(3), '…', 16) FROM " table          \
	" WHERE " table " MATCH ?1 AND rowid BETWEEN ?2 AND ?3"                                \
	" AND +rowid IN (SELECT value FROM json_each(?4))"

static int fill_snippets(struct hd_conn *c, const char *fts, struct hd_search_hit *hits,
			 size_t n, int messages, struct hd_arena *a, struct hd_err *err)
{
	struct hd_sbuf ids;
	sqlite3_stmt *s;
	int64_t lo = INT64_MAX, hi = 0;
	int rc = 0, step;

	hd_sbuf_init(&ids, 64 * 1024);
	hd_sbuf_adds(&ids, "[");
	for (size_t i = 0; i < n; i++) {
		int64_t id = messages ? hits[i].message_id : hits[i].ticket_id;

		if ((hits[i].message_id != 0) != messages)
			continue;
		hd_sbuf_addf(&ids, "%s%lld", ids.len > 1 ? "," : "", (long long)id);
		lo = id < lo ? id : lo;
		hi = id > hi ? id : hi;
	}
	hd_sbuf_adds(&ids, "]");
	if (!hi)
		goto out;
	s = hd_db_stmt(c, messages ? SNIPPET_SQL("messages_fts") : SNIPPET_SQL("tickets_fts"), err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_text(s, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	sqlite3_bind_text(s, 4, ids.buf, (int)ids.len, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		for (size_t i = 0; i < n; i++)
			if ((messages ? hits[i].message_id : hits[i].ticket_id) == id &&
			    (hits[i].message_id != 0) == messages)
				hits[i].snippet = hd_db_text(s, 1, a);
	}
	if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	hd_db_done(s);
out:
	hd_sbuf_release(&ids);
	return rc;
}

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
		rc = rc ? rc : fill_snippets(c, fts, *out, *n, 1, a, &e);
		rc = rc ? rc : fill_snippets(c, fts, *out, *n, 0, a, &e);
		if (rc == HD_EIO) /* FTS5 refused the expression */
			rc = hd_err_set(err, HD_EINVAL, "q", "the search query cannot be run: %s",
					e.msg);
		else if (rc)
			rc = hd_err_set(err, rc, e.field, "%s", e.msg);
	}
	hd_db_release(st, c);
	return rc;
}
