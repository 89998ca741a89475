/*
 * output.c — records to JSON (see output.h). Field order follows
 * docs/openapi.yaml.
 */
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/output.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* A running SLA clock: what it measures, its state now and when it is due. */
static void out_clock(struct hd_jw *w, const struct hd_sla_view *v, int64_t now)
{
	const struct hd_sla_clock *k = &v->clock;

	hd_jw_obj(w);
	hd_jw_kstr(w, "metric", hd_sla_metric_name(v->metric));
	hd_jw_kstr(w, "state", hd_sla_clock_state(k, now));
	hd_jw_kint(w, "target_minutes", k->target_min);
	hd_jw_kbool(w, "business_hours", k->business);
	hd_jw_ktime(w, "started_at", k->started_at);
	hd_jw_ktime(w, "due_at", k->due_at);
	hd_jw_ktime(w, "warn_at", k->warn_at);
	hd_jw_kbool(w, "paused", !k->running_since);
	hd_jw_ktime(w, "warned_at", k->warned_at);
	hd_jw_ktime(w, "breached_at", k->breached_at);
	hd_jw_obj_end(w);
}

void hd_out_ticket(struct hd_jw *w, const struct hd_ticket *t)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", t->id);
	hd_jw_kstr(w, "subject", t->subject ? t->subject : "");
	hd_jw_kstr(w, "status", hd_status_name(t->lc.status));
	hd_jw_kstr(w, "priority", hd_priority_name(t->priority));
	hd_jw_kstr(w, "channel", hd_channel_name(t->channel));
	hd_jw_kid(w, "team_id", t->team_id);
	hd_jw_kstr(w, "team_name", t->team_name);
	hd_jw_kid(w, "assignee_id", t->assignee_id);
	hd_jw_kstr(w, "assignee_name", t->assignee_name);
	hd_jw_kint(w, "customer_id", t->customer_id);
	hd_jw_kstr(w, "customer_name", t->customer_name);
	hd_jw_ktime(w, "created_at", t->created_at);
	hd_jw_ktime(w, "updated_at", t->updated_at);
	hd_jw_ktime(w, "first_response_due", t->first_response_due);
	hd_jw_ktime(w, "first_response_at", t->lc.first_response_at);
	hd_jw_ktime(w, "solved_at", t->lc.solved_at);
	hd_jw_ktime(w, "closed_at", t->lc.closed_at);
	hd_jw_kint(w, "reopen_count", t->lc.reopen_count);
	hd_jw_kint(w, "message_count", t->message_count);
	hd_jw_kint(w, "version", t->version);
	hd_jw_kid(w, "related_id", t->related_id);
	hd_jw_kstr(w, "related_kind", t->related_kind);
	hd_jw_ktime(w, "first_solved_at", t->lc.first_solved_at);
	hd_jw_kstr(w, "close_kind",
		   t->lc.close_kind ? hd_close_kind_name(t->lc.close_kind) : NULL);
	hd_jw_kstr(w, "close_reason",
		   t->lc.close_reason ? hd_close_reason_name(t->lc.close_reason) : NULL);
	if (t->tags) {
		hd_jw_key(w, "tags");
		hd_jw_arr(w);
		for (size_t i = 0; i < t->ntags; i++)
			hd_jw_str(w, t->tags[i]);
		hd_jw_arr_end(w);
	}
	hd_jw_key(w, "sla");
	hd_jw_obj(w);
	hd_jw_kid(w, "policy_id", t->sla_policy_id);
	hd_jw_kstr(w, "state", t->sla_state);
	hd_jw_ktime(w, "next_due", t->sla_next_due);
	if (t->clocks) {
		hd_jw_key(w, "clocks");
		hd_jw_arr(w);
		for (size_t i = 0; i < t->nclocks; i++)
			out_clock(w, &t->clocks[i], t->clocks_at);
		hd_jw_arr_end(w);
	}
	hd_jw_obj_end(w);
	hd_jw_obj_end(w);
}

void hd_out_message(struct hd_jw *w, const struct hd_message *m)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", m->id);
	hd_jw_kint(w, "ticket_id", m->ticket_id);
	hd_jw_kstr(w, "author", hd_author_name(m->author));
	hd_jw_kid(w, "author_id", m->author_id);
	hd_jw_kstr(w, "author_name", m->author_name);
	hd_jw_kstr(w, "visibility", hd_visibility_name(m->visibility));
	hd_jw_kstr(w, "text", m->text ? m->text : "");
	hd_jw_kstr(w, "html", m->html);
	hd_jw_kstr(w, "source_id", m->source_id);
	hd_jw_kstr(w, "display_text", m->display_text);
	hd_jw_kbool(w, "has_raw", m->has_raw);
	hd_jw_ktime(w, "created_at", m->created_at);
	hd_jw_key(w, "attachments");
	hd_jw_arr(w);
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct hd_attachment *a = &m->attachments[i];

		hd_jw_obj(w);
		hd_jw_kint(w, "id", a->id);
		hd_jw_kstr(w, "filename", a->filename);
		hd_jw_kstr(w, "content_type", a->content_type);
		hd_jw_kint(w, "size", a->size);
		hd_jw_kstr(w, "sha256", a->sha256);
		hd_jw_obj_end(w);
	}
	hd_jw_arr_end(w);
	hd_jw_obj_end(w);
}

void hd_out_identity(struct hd_jw *w, const struct hd_identity *i)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", i->id);
	hd_jw_kstr(w, "kind", hd_idkind_name(i->kind));
	hd_jw_kstr(w, "value", i->value);
	hd_jw_ktime(w, "created_at", i->created_at);
	hd_jw_ktime(w, "bounced_at", i->bounced_at);
	hd_jw_kstr(w, "bounce_reason", i->bounce_reason);
	hd_jw_obj_end(w);
}

void hd_out_customer(struct hd_jw *w, const struct hd_customer *c)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", c->id);
	hd_jw_kstr(w, "name", c->name ? c->name : "");
	hd_jw_kid(w, "organization_id", c->organization_id);
	hd_jw_kstr(w, "organization_name", c->organization_name);
	hd_jw_kstr(w, "notes", c->notes ? c->notes : "");
	hd_jw_key(w, "identities");
	hd_jw_arr(w);
	for (size_t i = 0; i < c->nidentities; i++)
		hd_out_identity(w, &c->identities[i]);
	hd_jw_arr_end(w);
	hd_jw_ktime(w, "created_at", c->created_at);
	hd_jw_ktime(w, "updated_at", c->updated_at);
	hd_jw_obj_end(w);
}

void hd_out_org(struct hd_jw *w, const struct hd_organization *o)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", o->id);
	hd_jw_kstr(w, "name", o->name);
	hd_jw_kstr(w, "domain", o->domain);
	hd_jw_ktime(w, "created_at", o->created_at);
	hd_jw_obj_end(w);
}

static void id_array(struct hd_jw *w, const char *key, const int64_t *ids, size_t n)
{
	hd_jw_key(w, key);
	hd_jw_arr(w);
	for (size_t i = 0; i < n; i++)
		hd_jw_int(w, ids[i]);
	hd_jw_arr_end(w);
}

void hd_out_team(struct hd_jw *w, const struct hd_team *t)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", t->id);
	hd_jw_kstr(w, "name", t->name);
	hd_jw_kid(w, "lead_id", t->lead_id);
	id_array(w, "member_ids", t->member_ids, t->nmembers);
	hd_jw_ktime(w, "created_at", t->created_at);
	hd_jw_obj_end(w);
}

void hd_out_agent(struct hd_jw *w, const struct hd_agent *a)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", a->id);
	hd_jw_kstr(w, "name", a->name);
	hd_jw_kstr(w, "email", a->email);
	hd_jw_kstr(w, "role", hd_role_name(a->role));
	hd_jw_kbool(w, "active", a->active);
	id_array(w, "team_ids", a->team_ids, a->nteams);
	hd_jw_ktime(w, "created_at", a->created_at);
	hd_jw_obj_end(w);
}

void hd_out_event(struct hd_jw *w, const struct hd_event *e)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", e->id);
	hd_jw_kint(w, "ticket_id", e->ticket_id);
	hd_jw_kstr(w, "actor_kind", hd_author_name(e->actor_kind));
	hd_jw_kid(w, "actor_id", e->actor_id);
	hd_jw_kstr(w, "actor_name", e->actor_name);
	hd_jw_kstr(w, "type", e->type);
	hd_jw_key(w, "data");
	hd_jw_raw(w, e->data); /* written by the store as compact JSON */
	hd_jw_ktime(w, "at", e->at);
	hd_jw_obj_end(w);
}

void hd_out_outbox(struct hd_jw *w, const struct hd_outbox_item *o)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", o->id);
	hd_jw_kid(w, "ticket_id", o->ticket_id);
	hd_jw_kstr(w, "kind", o->kind);
	hd_jw_kstr(w, "to", o->to_addr);
	hd_jw_kstr(w, "subject", o->subject);
	hd_jw_kstr(w, "body_text", o->body_text);
	hd_jw_kstr(w, "body_html", o->body_html);
	hd_jw_kstr(w, "message_id", o->message_id);
	hd_jw_kstr(w, "in_reply_to", o->in_reply_to);
	hd_jw_kstr(w, "auto_submitted", o->auto_submitted);
	hd_jw_kstr(w, "status", o->status);
	hd_jw_kint(w, "attempts", o->attempts);
	hd_jw_ktime(w, "next_attempt_at", o->next_attempt_at);
	hd_jw_kstr(w, "last_error", o->last_error);
	hd_jw_ktime(w, "created_at", o->created_at);
	hd_jw_ktime(w, "sent_at", o->sent_at);
	hd_jw_obj_end(w);
}

void hd_out_quarantined(struct hd_jw *w, const struct hd_quarantined *q)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", q->id);
	hd_jw_kstr(w, "reason", q->reason);
	hd_jw_kstr(w, "source", q->source);
	hd_jw_kint(w, "size", q->size);
	hd_jw_kstr(w, "raw_sha256", q->raw_sha256);
	hd_jw_ktime(w, "created_at", q->created_at);
	hd_jw_obj_end(w);
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

void hd_out_search_hit(struct hd_jw *w, const struct hd_search_hit *h)
{
	struct hd_sbuf plain, html;

	hd_sbuf_init(&plain, 1 << 16);
	hd_sbuf_init(&html, 1 << 17);
	snippet_forms(h->snippet ? h->snippet : "", &plain, &html);
	hd_jw_obj(w);
	hd_jw_kint(w, "ticket_id", h->ticket_id);
	hd_jw_kstr(w, "subject", h->subject ? h->subject : "");
	hd_jw_kstr(w, "status", hd_status_name(h->status));
	hd_jw_kid(w, "message_id", h->message_id);
	hd_jw_kstr(w, "snippet", plain.buf);
	hd_jw_kstr(w, "snippet_html", html.buf);
	hd_jw_key(w, "rank");
	hd_jw_double(w, h->rank);
	hd_jw_obj_end(w);
	hd_sbuf_release(&plain);
	hd_sbuf_release(&html);
}

void hd_res_jw(struct hd_res *res, unsigned status, struct hd_jw *w)
{
	if (w->failed) {
		hd_jw_release(w);
		hd_res_problem(res, 503, "too-big", "Response too large",
			       "the answer is larger than heed sends at once; ask for a smaller "
			       "page (limit)",
			       NULL);
		return;
	}
	free(res->body);
	res->status = status;
	res->ctype = "application/json";
	res->body = hd_sbuf_detach(&w->sb, &res->len);
}

void hd_res_created(struct hd_req *r, struct hd_res *res, struct hd_jw *w, const char *location)
{
	hd_res_jw(res, 201, w);
	if (res->status == 201) {
		snprintf(res->location, sizeof(res->location), "%s", location);
		res->replayed = r->idem.replayed;
	}
}
