/*
 * promise.c — the rules and texts of promises (see promise.h).
 */
#include <string.h>

#include "domain/ack.h"
#include "domain/promise.h"
#include "util/banned.h"

static const char *const kind_names[HD_PROMISE_KIND__COUNT] = { "callback", "update", "fix",
								 "other" };
static const char *const status_names[HD_PROMISE_STATUS__COUNT] = { "open", "kept", "broken" };

static int lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

int hd_promise_kind_parse(const char *s)
{
	return lookup(kind_names, HD_PROMISE_KIND__COUNT, s);
}

const char *hd_promise_kind_name(int k)
{
	return k >= 0 && k < HD_PROMISE_KIND__COUNT ? kind_names[k] : "unknown";
}

int hd_promise_status_parse(const char *s)
{
	return lookup(status_names, HD_PROMISE_STATUS__COUNT, s);
}

const char *hd_promise_status_name(int s)
{
	return s >= 0 && s < HD_PROMISE_STATUS__COUNT ? status_names[s] : "unknown";
}

/* ---- rules ---------------------------------------------------------------- */

enum hd_channel hd_promise_default_channel(enum hd_promise_kind kind,
					   enum hd_channel ticket_channel)
{
	return kind == HD_PROMISE_CALLBACK ? HD_CHANNEL_PHONE : ticket_channel;
}

int hd_promise_validate(int kind, int channel, int64_t due_at, int64_t now, struct hd_err *err)
{
	if (kind < 0 || kind >= HD_PROMISE_KIND__COUNT)
		return hd_err_set(err, HD_EINVAL, "kind",
				  "kind must be one of callback, update, fix, other");
	if (channel < 0 || channel >= HD_CHANNEL__COUNT)
		return hd_err_set(err, HD_EINVAL, "channel",
				  "channel must be one of api, email, web, phone, chat, social");
	if (due_at <= now)
		return hd_err_set(err, HD_EINVAL, "due_at",
				  "due_at must be in the future: a promise is made before it is due");
	if (due_at - now > HD_PROMISE_MAX_AHEAD_MS)
		return hd_err_set(err, HD_EINVAL, "due_at",
				  "due_at must be within a year: promise what you can keep");
	return 0;
}

int64_t hd_promise_remind_at(int64_t due_at, int64_t remind_minutes, int64_t now)
{
	int64_t at;

	if (remind_minutes <= 0 || due_at <= now)
		return 0;
	at = due_at - remind_minutes * 60000;
	return at > now ? at : now;
}

int hd_promise_check_resolve(int cur, int to, const char *note, struct hd_err *err)
{
	if (cur != HD_PROMISE_OPEN)
		return hd_err_set(err, HD_ECONFLICT, "status",
				  "the promise is %s already; a resolved promise is final",
				  hd_promise_status_name(cur));
	if (to != HD_PROMISE_KEPT && to != HD_PROMISE_BROKEN)
		return hd_err_set(err, HD_EINVAL, "status", "status must be kept or broken");
	if (to == HD_PROMISE_BROKEN && (!note || !note[0]))
		return hd_err_set(err, HD_EINVAL, "note",
				  "a broken promise needs a note saying what happened");
	return 0;
}

int hd_promise_is_overdue(int status, int64_t due_at, int64_t now)
{
	return status == HD_PROMISE_OPEN && now >= due_at;
}

/* ---- texts ---------------------------------------------------------------- */

/* How the customer will hear from us, as words after the verb ("" for the
 * API channel: an integration decides). */
static const char *via(enum hd_channel ch)
{
	switch (ch) {
	case HD_CHANNEL_EMAIL: return " by e-mail";
	case HD_CHANNEL_WEB: return " on our website";
	case HD_CHANNEL_PHONE: return " by phone";
	case HD_CHANNEL_CHAT: return " in the chat";
	case HD_CHANNEL_SOCIAL: return " on social media";
	default: return "";
	}
}

int hd_promise_sentence(const struct hd_promise_text *t, struct hd_sbuf *out)
{
	char due[64];

	hd_ack_format_due(t->due_at, due, sizeof(due));
	switch (t->kind) {
	case HD_PROMISE_CALLBACK:
		if (t->channel == HD_CHANNEL_PHONE)
			return hd_sbuf_addf(out, "We will call you back by %s", due);
		return hd_sbuf_addf(out, "We will get back to you%s by %s", via(t->channel), due);
	case HD_PROMISE_UPDATE:
		return hd_sbuf_addf(out, "We will send you an update%s by %s", via(t->channel), due);
	case HD_PROMISE_FIX:
		return hd_sbuf_addf(out, "We will have a fix for you by %s", due);
	default:
		return hd_sbuf_addf(out, "We will get back to you%s by %s", via(t->channel), due);
	}
}

int hd_promise_notice(const struct hd_promise_text *t, struct hd_sbuf *subject,
		      struct hd_sbuf *body)
{
	int rc = hd_sbuf_addf(subject, "[#%lld] ", (long long)t->ticket);

	rc = rc ? rc : hd_promise_sentence(t, subject);
	if (rc)
		return rc;
	if (t->customer_name && t->customer_name[0])
		rc = hd_sbuf_addf(body, "Hello %s,\n\n", t->customer_name);
	else
		rc = hd_sbuf_adds(body, "Hello,\n\n");
	if (!rc && t->customer_requested)
		rc = hd_sbuf_adds(body, "we have received your request to be called back. ");
	rc = rc ? rc : hd_promise_sentence(t, body);
	rc = rc ? rc : hd_sbuf_adds(body, ".\n\n");
	/* what the customer asked for is theirs already; what an agent
	 * promised is spelt out */
	if (!rc && !t->customer_requested && t->description && t->description[0])
		rc = hd_sbuf_addf(body, "What we promised: %s\n\n", t->description);
	rc = rc ? rc
		: hd_sbuf_addf(body,
			       "This is about your request \"%s\" (ticket #%lld). If you write to "
			       "us about it, please keep \"[#%lld]\" in the subject so that it "
			       "reaches the same ticket.\n",
			       t->subject ? t->subject : "", (long long)t->ticket,
			       (long long)t->ticket);
	rc = rc ? rc : hd_sbuf_addf(body, "\n-- \n%s\n", t->desk_name ? t->desk_name : "");
	return rc;
}

/* What the owner has to do, in words for agents. */
static const char *task(enum hd_promise_kind k)
{
	switch (k) {
	case HD_PROMISE_CALLBACK: return "call the customer back";
	case HD_PROMISE_UPDATE: return "send the customer an update";
	case HD_PROMISE_FIX: return "ship a fix";
	default: return "get back to the customer";
	}
}

int hd_promise_alert(enum hd_promise_alert which, int64_t promise_id,
		     const struct hd_promise_text *t, struct hd_sbuf *subject, struct hd_sbuf *body)
{
	const char *who = t->customer_name && t->customer_name[0] ? t->customer_name : "";
	char due[64];
	int rc;

	hd_ack_format_due(t->due_at, due, sizeof(due));
	rc = hd_sbuf_addf(subject, "[#%lld] Promise %s: %s%s by %s", (long long)t->ticket,
			  which == HD_PROMISE_ALERT_REMIND ? "due soon" : "overdue", task(t->kind),
			  via(t->channel), due);
	if (rc)
		return rc;
	if (which == HD_PROMISE_ALERT_REMIND)
		rc = hd_sbuf_addf(body, "Promise %lld on ticket #%lld \"%s\" is due by %s.\n\n",
				  (long long)promise_id, (long long)t->ticket,
				  t->subject ? t->subject : "", due);
	else
		rc = hd_sbuf_addf(body,
				  "Promise %lld on ticket #%lld \"%s\" was due by %s and is still "
				  "open. The customer is waiting.\n\n",
				  (long long)promise_id, (long long)t->ticket,
				  t->subject ? t->subject : "", due);
	rc = rc ? rc
		: hd_sbuf_addf(body, "Promised: %s%s%s.\n", task(t->kind), via(t->channel),
			       t->customer_requested ? " (the customer asked for it)" : "");
	if (!rc && who[0])
		rc = hd_sbuf_addf(body, "Customer: %s\n", who);
	if (!rc && t->description && t->description[0])
		rc = hd_sbuf_addf(body, "Details: %s\n", t->description);
	rc = rc ? rc
		: hd_sbuf_addf(body,
			       "\nWhen it is done, mark the promise kept; if it cannot be kept, "
			       "mark it broken with a note (PATCH /api/v1/promises/%lld).\n",
			       (long long)promise_id);
	return rc;
}
