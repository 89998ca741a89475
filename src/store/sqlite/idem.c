/*
 * idem.c — Idempotency-Key records, checked and written inside the same
 * write transaction as the work they protect, so a retried request can never
 * slip between the check and the write (the writer thread serialises both).
 */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

int hd_idem_check(struct hd_conn *c, struct hd_idem *idem, int64_t *id, struct hd_err *err)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (!idem || !idem->key)
		return 0;
	s = hd_db_stmt(c,
		       "SELECT request_hash, resource_id FROM idempotency "
		       "WHERE agent_id = ?1 AND key = ?2",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, idem->agent_id);
	sqlite3_bind_text(s, 2, idem->key, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(s, 0);

		if (h && strcmp(h, idem->request_hash) == 0) {
			*id = sqlite3_column_int64(s, 1);
			idem->replayed = 1;
			rc = 1;
		} else {
			rc = hd_err_set(err, HD_ECONFLICT, "Idempotency-Key",
					"this Idempotency-Key was already used with a different "
					"request");
		}
	} else if (step != SQLITE_DONE) {
		rc = hd_db_error(c, step, err);
	}
	hd_db_done(s);
	return rc;
}

int hd_idem_save(struct hd_conn *c, const struct hd_idem *idem, int64_t id, int64_t now,
		 struct hd_err *err)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (!idem || !idem->key)
		return 0;
	s = hd_db_stmt(c,
		       "INSERT INTO idempotency (agent_id, key, request_hash, resource_id, "
		       "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, idem->agent_id);
	sqlite3_bind_text(s, 2, idem->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, idem->request_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, id);
	sqlite3_bind_int64(s, 5, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}
