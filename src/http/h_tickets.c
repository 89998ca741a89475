/*
 * h_tickets.c — /api/v1/tickets and everything under it: messages,
 * events, the outbox of a ticket, attachments.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "mail/html_safe.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* Store decoded uploads as blobs; `*out` is an arena array. 0 or answered. */
static int store_uploads(struct hd_req *r, struct hd_res *res, const struct hd_upload *ups,
			 size_t n, struct hd_attachment_new **out)
{
	struct hd_err err = { 0 };

	*out = NULL;
	if (!n)
		return 0;
	*out = hd_arena_alloc(&r->arena, sizeof(**out) * n);
	if (!*out) {
		hd_err_set(&err, HD_ENOMEM, NULL, "out of memory");
		hd_res_err(res, &err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char *sha = hd_arena_alloc(&r->arena, 65);

		if (!sha || hd_store_blob_put(r->app->store, ups[i].data, ups[i].len, sha, &err)) {
			hd_res_err(res, &err);
			return -1;
		}
		(*out)[i].filename = ups[i].filename;
		(*out)[i].content_type = ups[i].content_type;
		(*out)[i].size = (int64_t)ups[i].len;
		(*out)[i].sha256 = sha;
	}
	return 0;
}

/* Answer with ticket `id` as it is now. */
static void answer_ticket(struct hd_req *r, struct hd_res *res, int64_t id, unsigned status)
{
	struct hd_ticket t;
	struct hd_err err = { 0 };
	char loc[64];

	static const struct hd_sla_view none[1];
	struct hd_sla_view *clocks;
	size_t nclocks;

	if (hd_store_ticket_get(r->app->store, id, &t, &r->arena, &err) ||
	    hd_store_sla_clocks(r->app->store, id, &clocks, &nclocks, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	t.clocks = nclocks ? clocks : none;
	t.nclocks = nclocks;
	t.clocks_at = hd_now_ms();
	if (status == 201) {
		snprintf(loc, sizeof(loc), "/api/v1/tickets/%lld", (long long)id);
		HD_RES_CREATED(r, res, hd_out_ticket, &t, loc);
	} else {
		HD_RES_ONE(res, status, hd_out_ticket, &t);
	}
	snprintf(res->etag, sizeof(res->etag), "\"%lld\"", (long long)t.version);
}

void hd_h_ticket_create(struct hd_req *r, struct hd_res *res)
{
	const struct hd_config *cfg = r->app->cfg;
	struct hd_ticket_new in;
	struct hd_upload *ups;
	struct hd_attachment_new *atts;
	struct hd_err err = { 0 };
	json_t *root;
	size_t nups;
	int64_t id;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_ticket_new(root, &in, &ups, &nups, cfg->max_attachment_bytes, &r->arena, &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	if (store_uploads(r, res, ups, nups, &atts))
		goto out;
	in.attachments = atts;
	in.nattachments = nups;
	in.desk_name = cfg->desk_name;
	if (hd_store_ticket_create(r->app->store, &r->who, &in, &r->idem, &id, &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	answer_ticket(r, res, id, 201);
out:
	json_decref(root);
}

void hd_h_ticket_get(struct hd_req *r, struct hd_res *res)
{
	answer_ticket(r, res, r->ids[0], 200);
}

/* If-Match: "<version>" -> version; 0 when absent. -1 when malformed. */
static int64_t if_match(struct hd_req *r)
{
	const char *h = hd_req_header(r, MHD_HTTP_HEADER_IF_MATCH);
	int64_t v = 0;
	size_t n;

	if (!h)
		return 0;
	if (!strcmp(h, "*"))
		return 0;
	n = strlen(h);
	if (n < 3 || h[0] != '"' || h[n - 1] != '"')
		return -1;
	for (size_t i = 1; i + 1 < n; i++) {
		if (h[i] < '0' || h[i] > '9' || i > 18)
			return -1;
		v = v * 10 + (h[i] - '0');
	}
	return v > 0 ? v : -1;
}

void hd_h_ticket_update(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket_patch p;
	struct hd_err err = { 0 };
	const char *team_name;
	json_t *root;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_ticket_patch(root, &p, &team_name, &r->arena, &err))
		goto fail;
	if (team_name && hd_store_team_find(r->app->store, team_name, &p.team_id, &err)) {
		err.code = HD_EINVAL;
		goto fail;
	}
	p.if_version = if_match(r);
	if (p.if_version < 0) {
		hd_err_set(&err, HD_EINVAL, "If-Match", "If-Match must be the ticket's ETag, e.g. \"3\"");
		goto fail;
	}
	if (hd_store_ticket_update(r->app->store, &r->who, r->ids[0], &p, &err))
		goto fail;
	answer_ticket(r, res, r->ids[0], 200);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

void hd_h_ticket_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket_filter f;
	struct hd_ticket *ts;
	struct hd_err err = { 0 };
	size_t n;
	int64_t next;

	if (hd_in_ticket_filter(hd_req_query_fn, r, r->who.id, &f, &err) ||
	    hd_store_ticket_list(r->app->store, &f, &ts, &n, &next, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_ticket, ts, n, next);
}

/* ---- messages ------------------------------------------------------------ */

void hd_h_message_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_message *ms;
	struct hd_err err = { 0 };
	const char *vis = hd_req_query(r, "visibility");
	int64_t after, next;
	size_t n;
	int limit, internal = 1;

	if (vis && !strcmp(vis, "public"))
		internal = 0;
	else if (vis && strcmp(vis, "all")) {
		hd_err_set(&err, HD_EINVAL, "visibility", "visibility must be all or public");
		hd_res_err(res, &err);
		return;
	}
	if (hd_in_page(hd_req_query_fn, r, 100, &after, &limit, &err) ||
	    hd_store_message_list(r->app->store, r->ids[0], internal, after, limit, &ms, &n, &next,
				  &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_message, ms, n, next);
}

void hd_h_message_create(struct hd_req *r, struct hd_res *res)
{
	struct hd_message_new in;
	struct hd_message m;
	struct hd_upload *ups;
	struct hd_attachment_new *atts;
	struct hd_err err = { 0 };
	json_t *root;
	size_t nups;
	int64_t mid;
	char loc[96];

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_message_new(root, &in, &ups, &nups, r->app->cfg->max_attachment_bytes,
			      &r->arena, &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	if (store_uploads(r, res, ups, nups, &atts))
		goto out;
	in.attachments = atts;
	in.nattachments = nups;
	if (hd_store_message_add(r->app->store, &r->who, r->ids[0], &in, &r->idem, &mid, &err) ||
	    hd_store_message_get(r->app->store, mid, &m, &r->arena, &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	snprintf(loc, sizeof(loc), "/api/v1/tickets/%lld/messages", (long long)r->ids[0]);
	HD_RES_CREATED(r, res, hd_out_message, &m, loc);
out:
	json_decref(root);
}

/* ---- events, outbox, attachments ---------------------------------------- */

void hd_h_event_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_event *es;
	struct hd_err err = { 0 };
	int64_t after, next;
	size_t n;
	int limit;

	if (hd_in_page(hd_req_query_fn, r, 100, &after, &limit, &err) ||
	    hd_store_event_list(r->app->store, r->ids[0], after, limit, &es, &n, &next, &r->arena,
				&err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_event, es, n, next);
}

void hd_h_outbox_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_outbox_item *os;
	struct hd_ticket t;
	struct hd_err err = { 0 };
	int64_t after, next;
	size_t n;
	int limit;

	if (hd_store_ticket_get(r->app->store, r->ids[0], &t, &r->arena, &err) ||
	    hd_in_page(hd_req_query_fn, r, 100, &after, &limit, &err) ||
	    hd_store_outbox_list(r->app->store, r->ids[0], after, limit, &os, &n, &next, &r->arena,
				 &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_outbox, os, n, next);
}

void hd_h_attachment_get(struct hd_req *r, struct hd_res *res)
{
	struct hd_attachment a;
	struct hd_err err = { 0 };
	struct stat sb;
	struct hd_sbuf enc;
	char path[4096];
	char *disp;
	int fd;

	if (hd_store_attachment_get(r->app->store, r->ids[0], &a, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	if (hd_store_blob_path(r->app->store, a.sha256, path, sizeof(path)) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		hd_err_set(&err, HD_EIO, NULL, "the attachment's file is missing");
		hd_res_err(res, &err);
		return;
	}
	if (fstat(fd, &sb) != 0) {
		close(fd);
		hd_err_set(&err, HD_EIO, NULL, "the attachment's file cannot be read");
		hd_res_err(res, &err);
		return;
	}
	/* Always a download: an uploaded HTML file must never run as our page. */
	hd_sbuf_init(&enc, 1024);
	hd_sbuf_adds(&enc, "attachment; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)a.filename; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_')
			hd_sbuf_add(&enc, p, 1);
		else
			hd_sbuf_addf(&enc, "%%%02X", *p);
	}
	disp = hd_arena_strdup(&r->arena, enc.buf);
	hd_sbuf_release(&enc);
	res->status = 200;
	res->fd = fd;
	res->fd_size = (uint64_t)sb.st_size;
	res->ctype = a.content_type;
	res->disposition = disp;
}

/* ---- a message's HTML, made safe ------------------------------------------ */

/* GET /api/v1/messages/{id}/html[?images=1]: the message's HTML body for a
 * sandboxed iframe in the app. Two walls: mail/html_safe rewrites the HTML
 * from allow-lists, and the Content-Security-Policy runs no script at all
 * (sandbox without allow-scripts), loads nothing but inline images, and
 * remote images only when the agent asked for them. */
void hd_h_message_html(struct hd_req *r, struct hd_res *res)
{
	const char *img = hd_req_query(r, "images");
	struct hd_message m;
	struct hd_err err = { 0 };
	struct hd_sbuf out;
	int images = img && !strcmp(img, "1"), blocked = 0;

	if (img && strcmp(img, "0") && strcmp(img, "1")) {
		hd_err_set(&err, HD_EINVAL, "images", "images must be 0 or 1");
		hd_res_err(res, &err);
		return;
	}
	if (hd_store_message_get(r->app->store, r->ids[0], &m, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	if (!m.html) {
		hd_res_problem(res, 404, "not-found", "Not found", "this message has no HTML body",
			       NULL);
		return;
	}
	hd_sbuf_init(&out, 64u << 20);
	if (hd_html_safe(m.html, strlen(m.html), images, &out, &blocked)) {
		hd_res_problem(res, 413, "too-big", "Too large", "the HTML body is too large to show",
			       NULL);
	} else {
		hd_res_html(res, 200, out.buf);
		res->csp = images ? "sandbox allow-popups allow-popups-to-escape-sandbox; "
				    "default-src 'none'; style-src 'unsafe-inline'; "
				    "img-src data: https: http:; frame-ancestors 'self'; base-uri 'none'"
				  : "sandbox allow-popups allow-popups-to-escape-sandbox; "
				    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
				    "frame-ancestors 'self'; base-uri 'none'";
		snprintf(res->extra_name, sizeof(res->extra_name), "X-Heed-Blocked-Images");
		snprintf(res->extra_value, sizeof(res->extra_value), "%d", blocked);
	}
	hd_sbuf_release(&out);
}
