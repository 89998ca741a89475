/*
 * h_resolution.c — the customer's answer to "is it solved?" (G4), and the
 * test clock.
 *
 *  - GET /confirm/<token>?answer=yes|no: the page a link in the "is it
 *    solved?" mail opens. It changes nothing (mail scanners fetch links);
 *    it shows the question with the chosen answer as the first button.
 *  - POST /confirm/<token>?answer=yes|no: the button; closes (yes) or
 *    reopens (no) the ticket and says so.
 *  - POST /api/v1/tickets/#/confirmation {"answer": "yes"|"no"}: the same
 *    answer relayed by an agent or an integration (the portal, a phone
 *    call).
 *  - POST /api/v1/test/clock {"advance_ms": N}: test builds only
 *    (-Dtest_clock=true); moves heed's clock forward and wakes the timers.
 */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/input.h"
#include "util/msgid.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define PAGE_HEAD                                                                              \
	"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"                      \
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"              \
	"<title>%s</title><style>body{font:18px/1.5 system-ui,sans-serif;max-width:36em;"       \
	"margin:3em auto;padding:0 1em;color:#1d2329}button{font:inherit;padding:.6em 1.2em;"  \
	"margin:.3em .6em .3em 0;border-radius:.4em;border:1px solid #56606b;cursor:pointer}"  \
	"button.main{background:#14532d;color:#fff;border-color:#14532d}</style></head><body>"

static int answer_word(struct hd_req *r)
{
	const char *a = hd_req_query(r, "answer");

	if (a && !strcmp(a, "yes"))
		return 1;
	if (a && !strcmp(a, "no"))
		return 0;
	return -1;
}

static void page(struct hd_res *res, unsigned status, const char *title, const char *body)
{
	char html[4096];

	snprintf(html, sizeof(html), PAGE_HEAD "<h1>%s</h1>%s</body></html>", title, title, body);
	hd_res_html(res, status, html);
}

void hd_h_confirm_page(struct hd_req *r, struct hd_res *res)
{
	int64_t ticket = 0, solved_at = 0;
	int yes = answer_word(r);
	char body[2048], btn_yes[512], btn_no[512];

	if (!hd_store_link_check(r->app->store, r->word, &ticket, &solved_at)) {
		page(res, 404, "This link is not valid",
		     "<p>Please use the link from our latest mail, or simply reply to it.</p>");
		return;
	}
	snprintf(btn_yes, sizeof(btn_yes),
		 "<form method=\"post\" action=\"/confirm/%s?answer=yes\">"
		 "<button%s type=\"submit\">Yes, it is solved</button></form>",
		 r->word, yes != 0 ? " class=\"main\"" : "");
	snprintf(btn_no, sizeof(btn_no),
		 "<form method=\"post\" action=\"/confirm/%s?answer=no\">"
		 "<button%s type=\"submit\">No, it is still a problem</button></form>",
		 r->word, yes == 0 ? " class=\"main\"" : "");
	snprintf(body, sizeof(body), "<p>Is your request #%lld solved?</p>%s%s", (long long)ticket,
		 yes == 0 ? btn_no : btn_yes, yes == 0 ? btn_yes : btn_no);
	page(res, 200, "One click to tell us", body);
}

void hd_h_confirm_post(struct hd_req *r, struct hd_res *res)
{
	struct hd_err err = { 0 };
	int64_t ticket = 0;
	int yes = answer_word(r);
	char body[1024];

	if (yes < 0) {
		page(res, 400, "Please choose an answer",
		     "<p>Go back to the mail and click one of the two links.</p>");
		return;
	}
	if (hd_store_resolution_answer(r->app->store, r->word, yes, &ticket, &err)) {
		if (err.code == HD_ENOTFOUND) {
			page(res, 404, "This link is not valid",
			     "<p>Please use the link from our latest mail, or simply reply to "
			     "it.</p>");
		} else if (err.code == HD_ECONFLICT) {
			snprintf(body, sizeof(body),
				 "<p>Your request #%lld is not waiting for this answer any more "
				 "(%s). If something is still wrong, simply reply to our mail.</p>",
				 (long long)ticket, err.msg);
			page(res, 409, "Already answered", body);
		} else {
			page(res, 503, "Please try again in a moment",
			     "<p>We could not record your answer just now. Nothing was lost; "
			     "please click the button again.</p>");
		}
		return;
	}
	snprintf(body, sizeof(body),
		 yes ? "<p>Thank you. Your request #%lld is closed. If it ever comes back, "
		       "just reply to our mail.</p>"
		     : "<p>Thank you for telling us. Your request #%lld is open again and "
		       "back with our team; we will be in touch.</p>",
		 (long long)ticket);
	page(res, 200, yes ? "Glad it is solved" : "We are on it again", body);
}

void hd_h_ticket_confirm(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "answer", NULL };
	struct hd_err err = { 0 };
	const char *a = NULL;
	json_t *root;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a confirmation", &err) ||
	    hd_in_str(root, "answer", 1, 1, 8, 0, &a, &err))
		goto fail;
	if (strcmp(a, "yes") && strcmp(a, "no")) {
		hd_err_set(&err, HD_EINVAL, "answer", "answer must be yes or no");
		goto fail;
	}
	if (hd_store_ticket_confirm(r->app->store, &r->who, r->ids[0], !strcmp(a, "yes"), &err))
		goto fail;
	json_decref(root);
	hd_h_ticket_get(r, res);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

#ifdef HD_TEST_CLOCK
void hd_h_test_clock(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "advance_ms", NULL };
	struct hd_err err = { 0 };
	char now[HD_RFC3339_LEN];
	json_t *root, *v;

	if (!hd_req_require_admin(r, res) || hd_req_body(r, res, &root))
		return;
	v = json_object_get(root, "advance_ms");
	if (hd_in_only(root, fields, "a clock change", &err) || !json_is_integer(v) ||
	    json_integer_value(v) < 0 || json_integer_value(v) > 10LL * 366 * 86400000) {
		if (!err.code)
			hd_err_set(&err, HD_EINVAL, "advance_ms",
				   "advance_ms must be a whole number of ms from 0 to 10 years");
		hd_res_err(res, &err);
		json_decref(root);
		return;
	}
	hd_time_format(hd_clock_advance(json_integer_value(v)), now);
	if (r->app->data_dir) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/" HD_TEST_CLOCK_FILE, r->app->data_dir);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "%lld\n", (long long)hd_clock_offset());
			fclose(f);
		}
	}
	hd_store_timers_kick(r->app->store, INT64_MIN);
	hd_res_json(res, 200, json_pack("{s:s}", "now", now));
	json_decref(root);
}
#endif
