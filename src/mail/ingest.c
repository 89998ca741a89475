/*
 * ingest.c — one incoming e-mail from bytes to the store (see ingest.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "domain/mailrules.h"
#include "domain/quote.h"
#include "mail/ingest.h"
#include "mail/parse.h"
#include "util/sbuf.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define HD_MAIL_SUBJECT_MAX 500 /* as HD_SUBJECT_MAX for the API */

/* What the message says, hashed: together with the Message-ID it
 * recognises a re-delivery (which differs only in Received: lines and the
 * like) and tells apart two different messages that share a Message-ID. */
static void content_hash(const struct hd_mail *m, char hex[65])
{
	crypto_hash_sha256_state h;
	unsigned char out[crypto_hash_sha256_BYTES];
	char date[32];

#define PART(s) crypto_hash_sha256_update(&h, (const unsigned char *)(s), strlen(s) + 1)
	crypto_hash_sha256_init(&h);
	snprintf(date, sizeof(date), "%lld", (long long)m->date);
	PART(m->from.addr);
	PART(date);
	PART(m->subject);
	PART(m->text);
	PART(m->html ? m->html : "");
	for (size_t i = 0; i < m->nparts; i++) {
		PART(m->parts[i].filename);
		crypto_hash_sha256_update(&h, m->parts[i].data, m->parts[i].len);
	}
#undef PART
	crypto_hash_sha256_final(&h, out);
	sodium_bin2hex(hex, 65, out, sizeof(out));
}

/* The desk's own address or one of its plus-addresses. */
static int is_desk(const char *addr, const char *desk)
{
	const char *dat = strchr(desk, '@'), *aat = strchr(addr, '@');
	size_t local = dat ? (size_t)(dat - desk) : 0;

	if (!strcmp(addr, desk))
		return 1;
	return dat && aat && !strncmp(addr, desk, local) && addr[local] == '+' &&
	       !strcmp(aat, dat);
}

/* The subject cut to HD_MAIL_SUBJECT_MAX bytes at a character boundary,
 * as the API caps it. */
static const char *cap_subject(const char *s, struct hd_arena *a)
{
	size_t n = strlen(s);

	if (n <= HD_MAIL_SUBJECT_MAX)
		return s;
	n = HD_MAIL_SUBJECT_MAX;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return hd_arena_strndup(a, s, n);
}

/* "Fwd: ...", "FW: ...", "Fw: ..." */
static int is_forward(const char *subject)
{
	while (*subject == ' ')
		subject++;
	return !strncasecmp(subject, "fwd:", 4) || !strncasecmp(subject, "fw:", 3);
}

static int put_blob(struct hd_store *st, const void *data, size_t len, char **sha,
		    struct hd_arena *a, struct hd_err *err)
{
	char hex[65];
	int rc = hd_store_blob_put(st, data, len, hex, err);

	*sha = rc ? NULL : hd_arena_strdup(a, hex);
	return rc ? rc : *sha ? 0 : hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
}

static int attachments(struct hd_store *st, const struct hd_mail *m, struct hd_mail_new *out,
		       struct hd_arena *a, struct hd_err *err)
{
	struct hd_attachment_new *at;
	int rc = 0;

	if (!m->nparts)
		return 0;
	at = hd_arena_alloc(a, m->nparts * sizeof(*at));
	if (!at)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < m->nparts && !rc; i++) {
		char *sha;

		rc = put_blob(st, m->parts[i].data, m->parts[i].len, &sha, a, err);
		at[i].filename = m->parts[i].filename;
		at[i].content_type = m->parts[i].content_type;
		at[i].size = (int64_t)m->parts[i].len;
		at[i].sha256 = sha;
	}
	out->attachments = at;
	out->nattachments = m->nparts;
	return rc;
}

int hd_mail_prepare(struct hd_store *st, const struct hd_ingest_opts *o, const void *raw,
		    size_t len, struct hd_mail_new *out, struct hd_arena *a, struct hd_err *err)
{
	struct hd_mail m;
	struct hd_mail_signals sig;
	struct hd_sbuf display;
	const char **others;
	char hash[65], raw_sha[65];
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hd_mail_parse(raw, len, o->max_bytes, &m, a, err);
	if (rc)
		return rc;
	rc = attachments(st, &m, out, a, err);
	if (rc)
		return rc;
	content_hash(&m, hash);
	out->content_hash = hd_arena_strdup(a, hash);
	out->message_id = m.message_id ? m.message_id : hd_arena_printf(a, "%s@no-message-id.heed", hash);
	hd_secret_sha256_hex(raw, len, raw_sha);
	out->raw = raw;
	out->raw_len = len;
	out->raw_sha256 = hd_arena_strdup(a, raw_sha);
	out->subject = cap_subject(m.subject, a);
	/* From is who wrote (and decides whether a reply may join a ticket:
	 * Reply-To is never checked by anyone); Reply-To, when given, is who a
	 * new ticket is for and where answers go (web forms, shared mailboxes) */
	out->sender_addr = m.from.addr;
	out->from_addr = m.reply_to.addr[0] ? m.reply_to.addr : m.from.addr;
	out->from_name = m.from.name[0] ? m.from.name : m.reply_to.name;
	out->references = m.references;
	out->nreferences = m.nreferences;

	/* everyone else on the mail joins the ticket's participants; the
	 * recipients also say which ticket a plus-address names */
	others = hd_arena_alloc(a, (m.nrecipients + 1) * sizeof(*others));
	if (!others || !out->content_hash || !out->message_id)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < m.nrecipients; i++) {
		const char *r = m.recipients[i].addr;

		if (!r[0])
			continue;
		if (is_desk(r, o->desk_addr)) {
			if (!out->plus_ticket)
				out->plus_ticket = hd_mail_plus_ticket(r, o->desk_addr);
		} else {
			others[n++] = r;
		}
	}
	out->participants = others;
	out->nparticipants = n;
	out->subject_ticket = hd_mail_subject_ticket(m.subject);

	/* A forward is all history: an Outlook "FW:" looks like a reply to the
	 * stripper, so forwards are shown whole. */
	hd_sbuf_init(&display, strlen(m.text) + 1);
	if (!is_forward(m.subject) && hd_quote_strip(m.text, strlen(m.text), &display) == 0 &&
	    display.len && strcmp(display.buf, m.text))
		out->display_text = hd_arena_strndup(a, display.buf, display.len);
	hd_sbuf_release(&display);
	out->text = m.text;
	out->html = m.html;

	memset(&sig, 0, sizeof(sig));
	sig.from = m.from.addr;
	sig.return_path = m.return_path;
	sig.auto_submitted = m.auto_submitted;
	sig.precedence = m.precedence;
	sig.x_loop = m.x_loop;
	sig.list_id = m.list_id;
	sig.list_unsubscribe = m.list_unsubscribe;
	sig.x_auto_response_suppress = m.x_auto_response_suppress;
	sig.x_heed_loop = m.x_heed_loop;
	sig.is_bounce = m.dsn.is_dsn;
	out->no_ack_reason = hd_mail_autoreply_block(&sig);
	out->internal = o->internal;
	out->team_name = o->team_name;

	if (m.dsn.is_dsn) {
		int failed = !m.dsn.action || !strcmp(m.dsn.action, "failed");

		out->is_bounce = 1;
		out->bounce_recipient = failed ? m.dsn.recipient : NULL;
		out->bounce_reason = hd_arena_printf(a, "%s%s%s", m.dsn.status ? m.dsn.status : "",
						     m.dsn.status && m.dsn.diagnostic ? " " : "",
						     m.dsn.diagnostic ? m.dsn.diagnostic : "");
		out->bounce_orig_id = m.dsn.orig_message_id;
	}
	return 0;
}

int hd_mail_refused(int rc)
{
	return rc == HD_EINVAL || rc == HD_ETOOBIG || rc == HD_ECONFLICT;
}

int hd_mail_quarantine(struct hd_store *st, const struct hd_ingest_opts *o, const void *raw,
		       size_t len, const char *reason, int64_t *id, struct hd_err *err)
{
	return hd_store_mail_quarantine(st, raw, len, reason, o->source, id, err);
}

int hd_mail_ingest(struct hd_store *st, const struct hd_ingest_opts *o, const void *raw,
		   size_t len, struct hd_mail_result *res, int64_t *quarantine_id,
		   struct hd_err *err)
{
	struct hd_arena a;
	struct hd_mail_new in;
	struct hd_err why = { 0 };
	int rc;

	*quarantine_id = 0;
	memset(res, 0, sizeof(*res));
	/* charset conversion can triple the text and HTML, which are copied
	 * more than once: the cap only guards against runaway input */
	hd_arena_init(&a, len * 8 + (64u << 20));
	rc = hd_mail_prepare(st, o, raw, len, &in, &a, &why);
	if (rc == HD_ENOMEM)
		rc = hd_err_set(&why, HD_ETOOBIG, NULL, "the message is too large to take apart");
	if (!rc)
		rc = hd_store_mail_ingest(st, &in, res, &why);
	if (hd_mail_refused(rc)) {
		int q = hd_mail_quarantine(st, o, raw, len, why.msg, quarantine_id, err);

		hd_err_set(err, rc, NULL, "%s", why.msg);
		rc = q ? q : HD_EINVAL;
	} else if (rc) {
		hd_err_set(err, rc, NULL, "%s", why.msg);
	}
	hd_arena_release(&a);
	return rc;
}
