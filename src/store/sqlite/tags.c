/*
 * tags.c — a ticket's tags: free words agents and SLA escalations attach
 * (policies match on them). Normalising them is the caller's job (the API
 * lower-cases and checks them); this file only stores and reads the set.
 */
#include <string.h>

#include <jansson.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

static json_t *tag_array(const char *const *tags, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(tags[i]));
	return a;
}

int hd_tags_load(struct hd_conn *c, int64_t tid, const char ***out, size_t *n,
		 struct hd_arena *a, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "SELECT tag FROM ticket_tags WHERE ticket_id = ?1 "
					"ORDER BY tag", err);
	size_t cap = 0;
	int rc = 0;

	*n = 0;
	*out = hd_arena_alloc(a, 8 * sizeof(**out)); /* never NULL: no tags is [] */
	cap = 8;
	if (!*out)
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	if (!s || rc) {
		hd_db_done(s);
		return s ? rc : HD_EIO;
	}
	sqlite3_bind_int64(s, 1, tid);
	while (!rc && sqlite3_step(s) == SQLITE_ROW) {
		if (*n == cap) {
			const char **grown = hd_arena_alloc(a, cap * 2 * sizeof(*grown));

			if (!grown) {
				rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
				break;
			}
			memcpy(grown, *out, *n * sizeof(*grown));
			*out = grown;
			cap *= 2;
		}
		(*out)[(*n)++] = hd_db_text(s, 0, a);
	}
	hd_db_done(s);
	return rc;
}

static int tag_exec(struct hd_conn *c, const char *sql, int64_t tid, const char *tag,
		    struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	if (tag)
		sqlite3_bind_text(s, 2, tag, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

int hd_tags_replace(struct hd_conn *c, int64_t tid, const char *const *tags, size_t n,
		    json_t *before, json_t *after, struct hd_err *err)
{
	struct hd_arena a;
	const char **old, **cur;
	size_t nold, nnew;
	json_t *b, *x;
	int rc;

	hd_arena_init(&a, 1 << 20);
	rc = hd_tags_load(c, tid, &old, &nold, &a, err);
	if (rc)
		goto out;
	rc = tag_exec(c, "DELETE FROM ticket_tags WHERE ticket_id = ?1", tid, NULL, err);
	for (size_t i = 0; i < n && !rc; i++)
		rc = tag_exec(c, "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?1, ?2)",
			      tid, tags[i], err);
	if (rc)
		goto out;
	rc = hd_tags_load(c, tid, &cur, &nnew, &a, err);
	if (rc)
		goto out;
	b = tag_array(old, nold);
	x = tag_array(cur, nnew);
	if (json_equal(b, x)) {
		json_decref(b);
		json_decref(x);
	} else {
		json_object_set_new(before, "tags", b);
		json_object_set_new(after, "tags", x);
	}
out:
	hd_arena_release(&a);
	return rc;
}
