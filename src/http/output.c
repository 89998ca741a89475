/*
 * output.c — records to JSON (see output.h).
 */
#include <string.h>

#include "http/output.h"
#include "util/sbuf.h"
#include "util/timeutil.h"
#include "util/banned.h"

json_t *hd_out_time(int64_t ms)
{
	char buf[HD_RFC3339_LEN];

	return ms ? json_string(hd_time_format(ms, buf)) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *hd_out_ticket(const struct hd_ticket *t)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:o,s:o,"
			 "s:o,s:i,s:I,s:I}",
			 "id", (json_int_t)t->id, "subject", t->subject ? t->subject : "",
			 "status", hd_status_name(t->lc.status), "priority",
			 hd_priority_name(t->priority), "channel", hd_channel_name(t->channel),
			 "team_id", id_or_null(t->team_id), "team_name", str_or_null(t->team_name),
			 "assignee_id", id_or_null(t->assignee_id), "assignee_name",
			 str_or_null(t->assignee_name), "customer_id", (json_int_t)t->customer_id,
			 "customer_name", str_or_null(t->customer_name), "created_at",
			 hd_out_time(t->created_at), "updated_at", hd_out_time(t->updated_at),
			 "first_response_due", hd_out_time(t->first_response_due),
			 "first_response_at", hd_out_time(t->lc.first_response_at), "solved_at",
			 hd_out_time(t->lc.solved_at), "closed_at", hd_out_time(t->lc.closed_at),
			 "reopen_count", t->lc.reopen_count, "message_count",
			 (json_int_t)t->message_count, "version", (json_int_t)t->version);
}

json_t *hd_out_message(const struct hd_message *m)
{
	json_t *atts = json_array();

	for (size_t i = 0; i < m->nattachments; i++) {
		const struct hd_attachment *a = &m->attachments[i];

		json_array_append_new(atts,
				      json_pack("{s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)a->id,
						"filename", a->filename, "content_type",
						a->content_type, "size", (json_int_t)a->size,
						"sha256", a->sha256));
	}
	return json_pack("{s:I,s:I,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)m->id,
			 "ticket_id", (json_int_t)m->ticket_id, "author", hd_author_name(m->author),
			 "author_id", id_or_null(m->author_id), "author_name",
			 str_or_null(m->author_name), "visibility",
			 hd_visibility_name(m->visibility), "text", m->text ? m->text : "", "html",
			 str_or_null(m->html), "source_id", str_or_null(m->source_id),
			 "created_at", hd_out_time(m->created_at), "attachments", atts);
}

json_t *hd_out_identity(const struct hd_identity *i)
{
	return json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)i->id, "kind",
			 hd_idkind_name(i->kind), "value", i->value, "created_at",
			 hd_out_time(i->created_at));
}

json_t *hd_out_customer(const struct hd_customer *c)
{
	json_t *ids = json_array();

	for (size_t i = 0; i < c->nidentities; i++)
		json_array_append_new(ids, hd_out_identity(&c->identities[i]));
	return json_pack("{s:I,s:s,s:o,s:o,s:s,s:o,s:o,s:o}", "id", (json_int_t)c->id, "name",
			 c->name ? c->name : "", "organization_id", id_or_null(c->organization_id),
			 "organization_name", str_or_null(c->organization_name), "notes",
			 c->notes ? c->notes : "", "identities", ids, "created_at",
			 hd_out_time(c->created_at), "updated_at", hd_out_time(c->updated_at));
}

json_t *hd_out_org(const struct hd_organization *o)
{
	return json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)o->id, "name", o->name, "domain",
			 str_or_null(o->domain), "created_at", hd_out_time(o->created_at));
}

static json_t *id_array(const int64_t *ids, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

json_t *hd_out_team(const struct hd_team *t)
{
	return json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)t->id, "name", t->name,
			 "member_ids", id_array(t->member_ids, t->nmembers), "created_at",
			 hd_out_time(t->created_at));
}

json_t *hd_out_agent(const struct hd_agent *a)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:o}", "id", (json_int_t)a->id, "name",
			 a->name, "email", a->email, "role", hd_role_name(a->role), "active",
			 a->active, "team_ids", id_array(a->team_ids, a->nteams), "created_at",
			 hd_out_time(a->created_at));
}

json_t *hd_out_event(const struct hd_event *e)
{
	json_t *data = e->data ? json_loads(e->data, 0, NULL) : NULL;

	return json_pack("{s:I,s:I,s:s,s:o,s:o,s:s,s:o,s:o}", "id", (json_int_t)e->id,
			 "ticket_id", (json_int_t)e->ticket_id, "actor_kind",
			 hd_author_name(e->actor_kind), "actor_id", id_or_null(e->actor_id),
			 "actor_name", str_or_null(e->actor_name), "type", e->type, "data",
			 data ? data : json_object(), "at", hd_out_time(e->at));
}

json_t *hd_out_outbox(const struct hd_outbox_item *o)
{
	return json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:o,s:o}", "id", (json_int_t)o->id,
			 "ticket_id", id_or_null(o->ticket_id), "kind", o->kind, "to", o->to_addr,
			 "subject", o->subject, "body_text", o->body_text, "message_id",
			 o->message_id, "status", o->status, "attempts", o->attempts,
			 "next_attempt_at", hd_out_time(o->next_attempt_at), "created_at",
			 hd_out_time(o->created_at));
}

/* The snippet marks matches with \x02 ... \x03: plain text drops the marks;
 * HTML escapes the text and turns the marks into <mark>. */
static void snippet_forms(const char *s, struct hd_sbuf *plain, struct hd_sbuf *html)
{
	for (; *s; s++) {
		switch (*s) {
		case '\x02': hd_sbuf_adds(html, "<mark>"); break;
		case '\x03': hd_sbuf_adds(html, "</mark>"); break;
		case '&': hd_sbuf_adds(html, "&amp;"); hd_sbuf_add(plain, s, 1); break;
		case '<': hd_sbuf_adds(html, "&lt;"); hd_sbuf_add(plain, s, 1); break;
		case '>': hd_sbuf_adds(html, "&gt;"); hd_sbuf_add(plain, s, 1); break;
		case '"': hd_sbuf_adds(html, "&quot;"); hd_sbuf_add(plain, s, 1); break;
		case '\'': hd_sbuf_adds(html, "&#39;"); hd_sbuf_add(plain, s, 1); break;
		default: hd_sbuf_add(html, s, 1); hd_sbuf_add(plain, s, 1); break;
		}
	}
}

json_t *hd_out_search_hit(const struct hd_search_hit *h)
{
	struct hd_sbuf plain, html;
	json_t *j;

	hd_sbuf_init(&plain, 1 << 16);
	hd_sbuf_init(&html, 1 << 17);
	snippet_forms(h->snippet ? h->snippet : "", &plain, &html);
	j = json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:f}", "ticket_id", (json_int_t)h->ticket_id,
		      "subject", h->subject ? h->subject : "", "status", hd_status_name(h->status),
		      "message_id", id_or_null(h->message_id), "snippet", plain.buf,
		      "snippet_html", html.buf, "rank", h->rank);
	hd_sbuf_release(&plain);
	hd_sbuf_release(&html);
	return j;
}

json_t *hd_out_page(json_t *items, int64_t next)
{
	return json_pack("{s:o,s:o}", "items", items, "next_after", id_or_null(next));
}
