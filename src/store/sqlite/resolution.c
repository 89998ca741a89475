/*
 * resolution.c — asking the customer whether their solved ticket is solved
 * (G4). The mail carries two signed links (util/msgid hd_link_make) bound
 * to the instant the ticket was solved; following one shows a page with
 * one button (links in mail are fetched by scanners, so a GET never changes
 * anything) and the answer goes to hd_store_resolution_answer.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "domain/notice.h"
#include "store/sqlite/internal.h"
#include "util/banned.h"

int hd_resolution_ask(struct hd_conn *c, int64_t tid, int64_t customer_id, const char *subject,
		      const struct hd_lifecycle *lc, int64_t now, struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	const struct hd_store *st = c->st;
	struct hd_solved_notice n;
	struct hd_sbuf subj, body;
	sqlite3_stmt *s;
	char token[HD_LINK_MAX], yes[512], no[512], name[256] = "";
	int rc, queued = 0;

	rc = hd_link_make(st->mail_key, tid, lc->solved_at, token, sizeof(token));
	if (rc)
		return hd_err_set(err, rc, NULL, "cannot sign the confirmation link");
	s = hd_db_stmt(c, "SELECT name FROM customers WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, customer_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(name, sizeof(name), "%s", (const char *)sqlite3_column_text(s, 0));
	hd_db_done(s);
	snprintf(yes, sizeof(yes), "%s/confirm/%s?answer=yes", st->public_url, token);
	snprintf(no, sizeof(no), "%s/confirm/%s?answer=no", st->public_url, token);
	memset(&n, 0, sizeof(n));
	n.ticket = tid;
	n.subject = subject;
	n.customer_name = name;
	n.yes_url = yes;
	n.no_url = no;
	n.close_at = hd_lifecycle_autoclose_at(lc, st->autoclose_grace_ms);
	n.desk_name = st->desk_name;
	hd_sbuf_init(&subj, 2048);
	hd_sbuf_init(&body, 16 * 1024);
	rc = hd_notice_solved(&n, &subj, &body);
	if (rc) {
		rc = hd_err_set(err, rc, NULL, "the resolution mail is too long");
		goto out;
	}
	rc = hd_outmail_notice(c, tid, "solved", subj.buf, body.buf, now, &queued, err);
	rc = rc ? rc
		: hd_event_json(c, tid, &sys, "resolution.asked",
				json_pack("{s:b,s:I}", "mailed", queued, "close_at",
					  (json_int_t)n.close_at),
				now, err);
out:
	hd_sbuf_release(&subj);
	hd_sbuf_release(&body);
	return rc;
}

int hd_store_link_check(struct hd_store *st, const char *token, int64_t *ticket,
			int64_t *solved_at)
{
	return hd_link_check(st->mail_key, token, ticket, solved_at);
}
