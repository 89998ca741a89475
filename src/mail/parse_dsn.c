/*
 * parse_dsn.c — reading bounces, for parse.c (see parse.h, parse_internal.h).
 *
 * A standard bounce is a delivery status notification (RFC 3464): a
 * multipart/report whose message/delivery-status part holds header-like
 * blocks, one for the message and one per recipient (Final-Recipient,
 * Action, Status, Diagnostic-Code). GMime reads those blocks; this file picks
 * the recipient that matters (the first that failed, else the first).
 * Bounces in other shapes (Exim, qmail, old Exchange) are recognised and
 * read by the pure heuristics in domain/bounce.c, on the text parse.c found.
 *
 * Outside input: at most DSN_MAX_PARTS delivery-status parts are read, each
 * cut to DSN_MAX_BYTES and DSN_MAX_BLOCKS blocks (real reports are a few
 * hundred bytes); the work stays linear in the input.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "domain/bounce.h"
#include "mail/parse_internal.h"
#include "util/banned.h"

#define DSN_MAX_PARTS 4
#define DSN_MAX_BYTES (64 * 1024)
#define DSN_MAX_BLOCKS 64

/* "rfc822; Bob@Example.org" -> "bob@example.org"; NULL when unusable. */
static const char *dsn_address(struct hd_mail_walk *w, const char *v)
{
	const char *semi = v ? strchr(v, ';') : NULL;
	InternetAddressList *l;
	struct hd_mail_addr a = { "", "" };

	if (!v)
		return NULL;
	l = internet_address_list_parse(w->opts, semi ? semi + 1 : v);
	if (l) {
		hd_mail_first_mailbox(w, l, &a);
		g_object_unref(l);
	}
	return a.addr[0] ? a.addr : NULL;
}

/* The first word of `v` (up to white space, '(' or ';'), lower case. */
static const char *first_word(struct hd_mail_walk *w, const char *v)
{
	size_t n = 0;
	char *r;

	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	while (v[n] && !strchr(" \t\r\n(;", v[n]))
		n++;
	if (!n)
		return NULL;
	r = hd_arena_strndup(w->a, v, n);
	if (!r) {
		hd_mail_nomem(w);
		return NULL;
	}
	for (char *p = r; *p; p++)
		*p = g_ascii_tolower(*p);
	return g_utf8_validate(r, (gssize)n, NULL) ? r : hd_mail_utf8(w, r, n);
}

/* One block of a message/delivery-status part. The per-message block has
 * no recipient fields and is skipped; of the recipient blocks the first
 * that failed is kept, else the first. */
static void dsn_block(struct hd_mail_walk *w, GMimeObject *blk)
{
	struct hd_mail_dsn *d = &w->m->dsn;
	const char *final = g_mime_object_get_header(blk, "Final-Recipient");
	const char *orig = g_mime_object_get_header(blk, "Original-Recipient");
	const char *action = g_mime_object_get_header(blk, "Action");
	const char *status = g_mime_object_get_header(blk, "Status");
	const char *diag = g_mime_object_get_header(blk, "Diagnostic-Code");
	int failed;

	if (!final && !orig && !action && !status)
		return;
	action = first_word(w, action);
	failed = action && !strcmp(action, "failed");
	if (w->dsn_block && (w->dsn_failed || !failed))
		return;
	w->dsn_block = 1;
	w->dsn_failed = failed;
	d->recipient = dsn_address(w, final);
	if (!d->recipient)
		d->recipient = dsn_address(w, orig);
	d->action = action;
	d->status = first_word(w, status);
	if (diag && strchr(diag, ';'))
		diag = strchr(diag, ';') + 1; /* "smtp; 550 ..." */
	d->diagnostic = hd_mail_clean(w, diag, 1);
	if (d->diagnostic && !d->diagnostic[0])
		d->diagnostic = NULL;
}

/* message/delivery-status is a sequence of header-like blocks separated by
 * blank lines: GMime reads each one as the headers of a part whose content
 * is the rest, which is then read the same way. */
void hd_mail_dsn_fields(struct hd_mail_walk *w, GMimePart *p)
{
	GMimeStream *cur;
	size_t left;

	if (w->dsn_parts++ >= DSN_MAX_PARTS || w->dsn_failed)
		return;
	cur = hd_mail_leaf_bytes(p);
	left = hd_mail_bytes(cur)->len;

	if (left > DSN_MAX_BYTES) /* real reports are a few hundred bytes */
		g_byte_array_set_size(hd_mail_bytes(cur), left = DSN_MAX_BYTES);

	for (int i = 0; i < DSN_MAX_BLOCKS && left && !w->rc; i++) {
		GMimeParser *parser;
		GMimeObject *blk;
		GMimeStream *next = NULL;

		g_mime_stream_reset(cur);
		parser = g_mime_parser_new_with_stream(cur);
		blk = g_mime_parser_construct_part(parser, w->opts);
		if (blk) {
			dsn_block(w, blk);
			if (GMIME_IS_PART(blk))
				next = hd_mail_leaf_bytes((GMimePart *)blk);
			g_object_unref(blk);
		}
		g_object_unref(parser);
		g_object_unref(cur);
		cur = next;
		if (!cur || hd_mail_bytes(cur)->len >= left)
			break; /* no progress: not a block GMime could read */
		left = hd_mail_bytes(cur)->len;
	}
	if (cur)
		g_object_unref(cur);
}

/* A bounce that is not a standard DSN (Exim, qmail, old Exchange), or a
 * DSN whose report named nobody: guess from the text. */
void hd_mail_bounce_from_text(struct hd_mail_walk *w)
{
	struct hd_mail *m = w->m;
	struct hd_bounce_guess g;
	const char **exclude;
	size_t nex = 0;

	if (!m->dsn.is_dsn &&
	    hd_bounce_looks_like(m->from.addr, m->from.name, m->return_path, m->subject))
		m->dsn.is_dsn = 1;
	if (!m->dsn.is_dsn)
		return;
	if (!m->dsn.orig_message_id)
		m->dsn.orig_message_id = w->returned_id;
	if (m->dsn.recipient && m->dsn.status && m->dsn.orig_message_id)
		return;
	exclude = hd_arena_alloc(w->a, (m->nrecipients + 1) * sizeof(*exclude));
	if (!exclude) {
		hd_mail_nomem(w);
		return;
	}
	exclude[nex++] = m->from.addr;
	for (size_t i = 0; i < m->nrecipients; i++)
		exclude[nex++] = m->recipients[i].addr;
	hd_bounce_scan(m->text, strlen(m->text), exclude, nex, &g);
	if (!m->dsn.recipient && g.recipient_len) {
		char *r = hd_arena_strndup(w->a, g.recipient, g.recipient_len);

		if (!r)
			hd_mail_nomem(w);
		m->dsn.recipient = r ? hd_mail_norm_addr(w, r) : NULL;
		if (m->dsn.recipient && !m->dsn.recipient[0])
			m->dsn.recipient = NULL;
	}
	if (!m->dsn.status && g.status_len) {
		m->dsn.status = hd_mail_utf8(w, g.status, g.status_len);
		if (!m->dsn.action)
			m->dsn.action = g.status[0] == '4' ? "delayed" : "failed";
	}
	if (!m->dsn.diagnostic && g.diagnostic_len)
		m->dsn.diagnostic = hd_mail_utf8(w, g.diagnostic, g.diagnostic_len);
	if (!m->dsn.action)
		m->dsn.action = hd_bounce_is_delay(m->subject) ? "delayed" : "failed";
	if (!m->dsn.orig_message_id && g.message_id_len) {
		char *raw = hd_arena_strndup(w->a, g.message_id, g.message_id_len);
		char *id = raw ? g_mime_utils_decode_message_id(raw) : NULL;

		if (!raw)
			hd_mail_nomem(w);
		if (id && id[0])
			m->dsn.orig_message_id = hd_mail_clean(w, id, 1);
		g_free(id);
	}
}
