/*
 * resolution.c — asking the customer whether their solved ticket is solved
 * (G4). The mail carries two signed links (util/msgid hd_link_make) bound
 * to the instant the ticket was solved; following one shows a page with
 * one button (links in mail are fetched by scanners, so a GET never changes
 * anything) and the answer goes to hd_store_resolution_answer. Also here:
 * the same answer relayed through the API, and the auto-close of a solved
 * ticket nobody answered for (its timer, "ticket.autoclose").
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "domain/notice.h"
#include "store/sqlite/internal.h"
#include "util/timeutil.h"
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

/* ---- the customer's answer and the auto-close ------------------------------ */

/* Answer "is it solved?" on ticket `id`; `solved_at` (0: any) is the solve
 * the customer's link was for. */
static int answer(struct hd_conn *c, const struct hd_actor *who, int64_t id, int yes,
		  int64_t solved_at, int64_t now, struct hd_err *err)
{
	struct hd_ticket_row r;
	struct hd_lifecycle lc;
	int rc = hd_ticket_load(c, id, &r, err);

	if (rc)
		return rc;
	if (solved_at && r.lc.status == HD_STATUS_SOLVED && r.lc.solved_at != solved_at)
		return hd_err_set(err, HD_ECONFLICT, "token",
				  "this link is from an earlier resolution of the ticket; use the "
				  "one in the latest mail");
	rc = hd_lifecycle_confirm(&r.lc, yes, now, &lc, err);
	rc = rc ? rc : hd_ticket_save(c, id, &r, &lc, now, 0, err);
	rc = rc ? rc
		: hd_event_json(c, id, who, yes ? "resolution.confirmed" : "resolution.rejected",
				json_pack("{s:s,s:s}", "before", hd_status_name(r.lc.status),
					  "after", hd_status_name(lc.status)),
				now, err);
	return rc;
}

struct answer_ctx {
	const struct hd_actor *who;
	const char *token;
	int64_t id;
	int yes;
	int64_t now;
};

static int answer_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct answer_ctx *x = arg;
	struct hd_actor customer = { HD_AUTHOR_CUSTOMER, 0, HD_ROLE_AGENT };
	int64_t solved_at = 0;

	if (x->token) {
		if (!hd_link_check(c->st->mail_key, x->token, &x->id, &solved_at))
			return hd_err_set(err, HD_ENOTFOUND, "token",
					  "this link is not valid; please use the link from our "
					  "latest mail");
		return answer(c, &customer, x->id, x->yes, solved_at, x->now, err);
	}
	return answer(c, x->who, x->id, x->yes, 0, x->now, err);
}

int hd_store_resolution_answer(struct hd_store *st, const char *token, int yes, int64_t *ticket,
			       struct hd_err *err)
{
	struct answer_ctx x = { NULL, token, 0, yes, hd_now_ms() };
	int rc = hd_writer_run(st, answer_job, &x, err);

	*ticket = x.id;
	return rc;
}

int hd_store_ticket_confirm(struct hd_store *st, const struct hd_actor *who, int64_t id, int yes,
			    struct hd_err *err)
{
	struct answer_ctx x = { who, NULL, id, yes, hd_now_ms() };

	return hd_writer_run(st, answer_job, &x, err);
}

int hd_ticket_fire_autoclose(struct hd_conn *c, int64_t tid, int64_t ref, int64_t due,
			     int64_t now, struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	struct hd_ticket_row r;
	struct hd_lifecycle lc;
	int rc = hd_ticket_load(c, tid, &r, err);

	if (rc == HD_ENOTFOUND || (!rc && r.lc.status != HD_STATUS_SOLVED))
		return 0; /* answered or reopened meanwhile */
	rc = rc ? rc : hd_lifecycle_autoclose(&r.lc, now, &lc, err);
	rc = rc ? rc : hd_ticket_save(c, tid, &r, &lc, now, 0, err);
	return rc ? rc
		  : hd_event_json(c, tid, &sys, "ticket.updated",
				  json_pack("{s:{s:s},s:{s:s,s:s},s:s}", "before", "status",
					    "solved", "after", "status", "closed", "close_kind",
					    "unconfirmed", "why",
					    "no answer from the customer within the grace period"),
				  now, err);
}
