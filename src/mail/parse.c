/*
 * parse.c — one e-mail message into struct hd_mail, with GMime (see parse.h).
 *
 * GMime does all the MIME work: it builds the tree, decodes RFC 2047 words,
 * RFC 2231 parameters and transfer encodings, and converts charsets
 * (GMimeFilterCharset). This file walks that tree once and copies what heed
 * keeps into the caller's arena, so no GMime object outlives
 * hd_mail_parse(). Every string it hands out is valid UTF-8: whatever GMime
 * gives back passes g_utf8_make_valid() on its way into the arena.
 *
 * Sections: strings and addresses (shared with parse_dsn.c, which reads
 * bounces); headers; bodies (charset choice); the tree walk (parts); the
 * entry point.
 *
 * Everything here comes from outside, so it must never crash, hang or leak.
 * Caps: MAIL_MAX_DEPTH levels of nesting (GMime stops at 1024 on its own),
 * MAIL_MAX_PARTS parts, MAIL_MAX_RECIPIENTS recipients, MAIL_MAX_REFS
 * references (parse_dsn.c has its own); anything further is ignored. The
 * arena's cap bounds the rest (HD_ENOMEM), and the work done is linear in
 * the input.
 */
#include <pthread.h>
#include <string.h>

#include <gmime/gmime.h>

#include "domain/enums.h"
#include "domain/html_text.h"
#include "domain/identity.h"
#include "mail/compose.h"
#include "mail/parse.h"
#include "mail/parse_internal.h"
#include "util/sbuf.h"
#include "util/banned.h"

#define MAIL_MAX_DEPTH 64
#define MAIL_MAX_PARTS 512
#define MAIL_MAX_RECIPIENTS 256
#define MAIL_MAX_REFS 100

static pthread_once_t mail_once = PTHREAD_ONCE_INIT;
static GMimeParserOptions *mail_opts;

static void mail_init_once(void)
{
	/* Undeclared 8-bit header bytes: UTF-8 when they are UTF-8, else the
	 * windows-1252 superset of latin1 that such mail nearly always is. */
	static const char *fallback[] = { "utf-8", "windows-1252", NULL };

	g_mime_init();
	mail_opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(mail_opts, fallback);
	g_mime_parser_options_set_address_compliance_mode(mail_opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(mail_opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(mail_opts, GMIME_RFC_COMPLIANCE_LOOSE);
}

void hd_mail_init(void)
{
	pthread_once(&mail_once, mail_init_once);
}

/* ------------------------------------------------- strings and addresses */

void hd_mail_nomem(struct hd_mail_walk *w)
{
	if (!w->rc)
		w->rc = HD_ENOMEM;
}

const char *hd_mail_utf8(struct hd_mail_walk *w, const char *s, size_t n)
{
	const char *r;

	if (g_utf8_validate(s, (gssize)n, NULL)) {
		r = hd_arena_strndup(w->a, s, n);
	} else {
		gchar *v = g_utf8_make_valid(s, (gssize)n);

		r = hd_arena_strdup(w->a, v);
		g_free(v);
	}
	if (!r)
		hd_mail_nomem(w);
	return r ? r : "";
}

const char *hd_mail_clean(struct hd_mail_walk *w, const char *v, int collapse)
{
	size_t n, k = 0;
	char *tmp;

	if (!v)
		return NULL;
	n = strlen(v);
	tmp = hd_arena_alloc(w->a, n + 1);
	if (!tmp) {
		hd_mail_nomem(w);
		return "";
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\r' || c == '\n')
			continue;
		if (collapse && (c < 0x20 || c == 0x7f)) {
			c = ' ';
			if (k && tmp[k - 1] == ' ')
				continue;
		}
		if (collapse && c == ' ' && k && tmp[k - 1] == ' ')
			continue;
		tmp[k++] = (char)c;
	}
	while (k && (tmp[k - 1] == ' ' || tmp[k - 1] == '\t'))
		k--;
	n = 0;
	while (n < k && (tmp[n] == ' ' || tmp[n] == '\t'))
		n++;
	if (g_utf8_validate(tmp + n, (gssize)(k - n), NULL)) {
		tmp[k] = '\0';
		return tmp + n;
	}
	return hd_mail_utf8(w, tmp + n, k - n);
}

static int ascii_eq(const char *a, const char *b)
{
	return a && b && !g_ascii_strcasecmp(a, b);
}

const char *hd_mail_norm_addr(struct hd_mail_walk *w, const char *addr)
{
	char buf[HD_IDENTITY_MAX];

	if (!addr || hd_identity_normalize(HD_IDKIND_EMAIL, addr, buf, NULL, NULL))
		return "";
	return hd_mail_utf8(w, buf, strlen(buf));
}

/* Call `fn` on every mailbox of `l`, group members included, until it
 * returns non-zero. */
static int each_mailbox(InternetAddressList *l,
			int (*fn)(struct hd_mail_walk *, InternetAddress *, void *),
			struct hd_mail_walk *w, void *ctx, int depth)
{
	int n = l ? internet_address_list_length(l) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			if (fn(w, ia, ctx))
				return 1;
		} else if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 2) {
			InternetAddressList *members =
				internet_address_group_get_members((InternetAddressGroup *)ia);

			if (each_mailbox(members, fn, w, ctx, depth + 1))
				return 1;
		}
	}
	return 0;
}

static int take_first(struct hd_mail_walk *w, InternetAddress *ia, void *ctx)
{
	struct hd_mail_addr *out = ctx;
	InternetAddressMailbox *mb = (InternetAddressMailbox *)ia;
	const char *addr = hd_mail_norm_addr(w, internet_address_mailbox_get_addr(mb));
	const char *name = internet_address_get_name(ia);

	if (!addr[0])
		return 0;
	out->addr = addr;
	out->name = name ? hd_mail_clean(w, name, 1) : "";
	return 1;
}

int hd_mail_first_mailbox(struct hd_mail_walk *w, InternetAddressList *l,
			  struct hd_mail_addr *out)
{
	return each_mailbox(l, take_first, w, out, 0);
}

static int add_recipient(struct hd_mail_walk *w, InternetAddress *ia, void *ctx)
{
	struct hd_mail *m = w->m;
	struct hd_mail_addr r = { "", "" };
	const char *addr = internet_address_mailbox_get_addr((InternetAddressMailbox *)ia);
	char buf[HD_IDENTITY_MAX];

	if (m->nrecipients >= MAIL_MAX_RECIPIENTS)
		return 1;
	/* compare before copying: a list may repeat one address many times */
	if (!addr || hd_identity_normalize(HD_IDKIND_EMAIL, addr, buf, NULL, NULL))
		return 0;
	for (size_t i = 0; i < m->nrecipients; i++)
		if (!strcmp(m->recipients[i].addr, buf))
			return 0;
	if (!take_first(w, ia, &r))
		return 0;
	if (!m->recipients) {
		m->recipients = hd_arena_alloc(w->a, MAIL_MAX_RECIPIENTS * sizeof(*m->recipients));
		if (!m->recipients) {
			hd_mail_nomem(w);
			return 1;
		}
	}
	m->recipients[m->nrecipients++] = r;
	return 0;
}

/* -------------------------------------------------------------- headers */

/* The raw value of the first header `name` (unfolded, trimmed), NULL when
 * there is none. */
static const char *raw_header(struct hd_mail_walk *w, GMimeObject *o, const char *name)
{
	GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(o), name);

	return h ? hd_mail_clean(w, g_mime_header_get_raw_value(h), 0) : NULL;
}

/* Every header `name`, parsed as addresses, into the recipients. */
static void recipients_from(struct hd_mail_walk *w, GMimeObject *o, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int n = g_mime_header_list_get_count(hl);

	for (int i = 0; i < n && w->m->nrecipients < MAIL_MAX_RECIPIENTS; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		InternetAddressList *l;

		if (!ascii_eq(g_mime_header_get_name(h), name) || !g_mime_header_get_value(h))
			continue;
		l = internet_address_list_parse(w->opts, g_mime_header_get_value(h));
		if (l) {
			each_mailbox(l, add_recipient, w, NULL, 0);
			g_object_unref(l);
		}
	}
}

/* Append `id` to the references unless it is there already. */
static void add_ref(struct hd_mail_walk *w, const char *id, size_t max)
{
	struct hd_mail *m = w->m;
	const char *c;

	if (!id || !id[0] || m->nreferences >= max)
		return;
	for (size_t i = 0; i < m->nreferences; i++)
		if (!strcmp(m->references[i], id))
			return;
	c = hd_mail_clean(w, id, 1);
	if (c && c[0])
		m->references[m->nreferences++] = c;
}

/* References (its first id and its last MAIL_MAX_REFS - 2: the thread's
 * root and the nearest ancestors), then In-Reply-To. */
static void threading(struct hd_mail_walk *w, GMimeObject *o)
{
	struct hd_mail *m = w->m;
	const char *v = g_mime_object_get_header(o, "References");
	GMimeReferences *refs = v ? g_mime_references_parse(w->opts, v) : NULL;
	int n = refs ? g_mime_references_length(refs) : 0;

	m->references = hd_arena_alloc(w->a, MAIL_MAX_REFS * sizeof(*m->references));
	if (!m->references) {
		hd_mail_nomem(w);
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (i == 0 || i >= n - (MAIL_MAX_REFS - 2))
			add_ref(w, g_mime_references_get_message_id(refs, i), MAIL_MAX_REFS - 1);
	if (refs)
		g_mime_references_free(refs);
	refs = NULL;

	v = g_mime_object_get_header(o, "In-Reply-To");
	if (v) {
		refs = g_mime_references_parse(w->opts, v);
		if (refs && g_mime_references_length(refs) > 0) {
			const char *id = g_mime_references_get_message_id(refs, 0);

			m->in_reply_to = hd_mail_clean(w, id, 1);
		} else {
			/* a bare id without <>, as some mailers write it */
			char *id = g_mime_utils_decode_message_id(v);

			if (id && id[0] && strchr(id, '@') && !strpbrk(id, " \t"))
				m->in_reply_to = hd_mail_clean(w, id, 1);
			g_free(id);
		}
		if (m->in_reply_to && !m->in_reply_to[0])
			m->in_reply_to = NULL;
		add_ref(w, m->in_reply_to, MAIL_MAX_REFS);
	}
out:
	if (refs)
		g_mime_references_free(refs);
}

/* Return-Path: "" for <> or an unusable address, NULL when absent. */
static const char *return_path(struct hd_mail_walk *w, GMimeObject *o)
{
	const char *v = raw_header(w, o, "Return-Path");
	InternetAddressList *l;
	struct hd_mail_addr a = { "", "" };

	if (!v)
		return NULL;
	l = internet_address_list_parse(w->opts, v);
	if (l) {
		hd_mail_first_mailbox(w, l, &a);
		g_object_unref(l);
	}
	return a.addr;
}

/* Everything that comes from the top-level header block. 0 or HD_EINVAL. */
static int headers(struct hd_mail_walk *w, GMimeMessage *msg, struct hd_err *err)
{
	struct hd_mail *m = w->m;
	GMimeObject *o = (GMimeObject *)msg;
	GDateTime *date = g_mime_message_get_date(msg);
	const char *v;

	v = g_mime_message_get_message_id(msg);
	m->message_id = v && v[0] ? hd_mail_clean(w, v, 1) : NULL;
	if (m->message_id && !m->message_id[0])
		m->message_id = NULL;
	v = g_mime_message_get_subject(msg);
	m->subject = v ? hd_mail_clean(w, v, 1) : "";
	m->date = date ? (int64_t)g_date_time_to_unix(date) * 1000 : 0;
	threading(w, o);

	m->return_path = return_path(w, o);
	if (!hd_mail_first_mailbox(w, g_mime_message_get_from(msg), &m->from) &&
	    !hd_mail_first_mailbox(w, g_mime_message_get_sender(msg), &m->from)) {
		if (!m->return_path || !m->return_path[0])
			return hd_err_set(err, HD_EINVAL, NULL,
					  "the message has no sender address");
		m->from.addr = m->return_path;
	}
	hd_mail_first_mailbox(w, g_mime_message_get_reply_to(msg), &m->reply_to);
	each_mailbox(g_mime_message_get_to(msg), add_recipient, w, NULL, 0);
	each_mailbox(g_mime_message_get_cc(msg), add_recipient, w, NULL, 0);
	recipients_from(w, o, "Delivered-To");
	recipients_from(w, o, "X-Original-To");

	m->auto_submitted = raw_header(w, o, "Auto-Submitted");
	m->precedence = raw_header(w, o, "Precedence");
	m->x_loop = raw_header(w, o, "X-Loop");
	m->list_id = raw_header(w, o, "List-Id");
	m->list_unsubscribe = raw_header(w, o, "List-Unsubscribe");
	m->x_auto_response_suppress = raw_header(w, o, "X-Auto-Response-Suppress");
	m->x_heed_loop = raw_header(w, o, HD_MAIL_LOOP_HEADER);
	return 0;
}

/* --------------------------------------------------------------- bodies */

GMimeStream *hd_mail_leaf_bytes(GMimePart *p)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(p);
	GMimeStream *mem = g_mime_stream_mem_new();

	if (dw)
		g_mime_data_wrapper_write_to_stream(dw, mem);
	return mem;
}

GByteArray *hd_mail_bytes(GMimeStream *mem)
{
	return g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
}

static int is_label(const char *cs, const char *const *labels)
{
	for (; *labels; labels++)
		if (ascii_eq(cs, *labels))
			return 1;
	return 0;
}

/* A filter converting the bytes `b` to UTF-8, or NULL when they are to be
 * taken as UTF-8 (then only repaired). Declared UTF-8 is trusted; declared
 * latin1 is read as windows-1252, its superset; undeclared, US-ASCII or
 * unknown charsets are UTF-8 when the bytes are, windows-1252 otherwise. */
static GMimeFilter *charset_filter(const char *declared, const GByteArray *b)
{
	static const char *const utf8[] = { "utf-8", "utf8", NULL };
	static const char *const ascii[] = { "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us",
					     NULL };
	static const char *const latin1[] = { "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1",
					      "l1", "cp819", NULL };
	GMimeFilter *f;

	if (declared && is_label(declared, utf8))
		return NULL;
	if (declared && is_label(declared, latin1))
		return g_mime_filter_charset_new("windows-1252", "UTF-8");
	if (declared && !is_label(declared, ascii)) {
		f = g_mime_filter_charset_new(declared, "UTF-8");
		if (f)
			return f;
	}
	if (g_utf8_validate((const char *)b->data, (gssize)b->len, NULL))
		return NULL;
	return g_mime_filter_charset_new("windows-1252", "UTF-8");
}

/* The text of a text/ leaf as valid UTF-8 with "\n" line ends, in a new
 * string the caller g_free()s; its length in `*len`. */
static gchar *text_utf8(GMimePart *p, size_t *len)
{
	GMimeStream *raw = hd_mail_leaf_bytes(p);
	GMimeStream *mem = g_mime_stream_mem_new();
	GMimeStream *filtered = g_mime_stream_filter_new(mem);
	GByteArray *b = hd_mail_bytes(raw);
	GMimeFilter *f = charset_filter(
		g_mime_object_get_content_type_parameter((GMimeObject *)p, "charset"), b);
	gchar *r;

	if (f) {
		g_mime_stream_filter_add((GMimeStreamFilter *)filtered, f);
		g_object_unref(f);
	}
	f = g_mime_filter_dos2unix_new(FALSE);
	g_mime_stream_filter_add((GMimeStreamFilter *)filtered, f);
	g_object_unref(f);
	if (b->len)
		g_mime_stream_write(filtered, (const char *)b->data, b->len);
	g_mime_stream_flush(filtered);
	b = hd_mail_bytes(mem);
	if (!b->len)
		r = g_strdup("");
	else if (g_utf8_validate((const char *)b->data, (gssize)b->len, NULL))
		r = g_strndup((const char *)b->data, b->len);
	else
		r = g_utf8_make_valid((const char *)b->data, (gssize)b->len);
	*len = strlen(r);
	g_object_unref(filtered);
	g_object_unref(mem);
	g_object_unref(raw);
	return r;
}

/* "type/subtype" in lower case, in the arena. */
static const char *mime_type(struct hd_mail_walk *w, GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	char *s = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	const char *r;

	if (!s)
		return "application/octet-stream";
	for (char *p = s; *p; p++)
		*p = g_ascii_tolower(*p);
	r = hd_mail_clean(w, s, 1);
	g_free(s);
	return r;
}

static int is_type(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType *ct = o ? g_mime_object_get_content_type(o) : NULL;

	return ct && g_mime_content_type_is_type(ct, type, subtype);
}

/* --------------------------------------------------------- the tree walk */

static void add_part(struct hd_mail_walk *w, GMimeObject *o, const char *filename,
		     GMimeStream *data)
{
	struct hd_mail *m = w->m;
	struct hd_mail_part *part;
	GByteArray *b = hd_mail_bytes(data);
	const char *disp = g_mime_object_get_disposition(o);
	const char *cid = g_mime_object_get_content_id(o);
	unsigned char *copy;

	if (m->nparts >= MAIL_MAX_PARTS)
		return;
	if (m->nparts == w->cap_parts) {
		size_t cap = w->cap_parts ? w->cap_parts * 2 : 8;
		struct hd_mail_part *grown = hd_arena_alloc(w->a, cap * sizeof(*grown));

		if (!grown) {
			hd_mail_nomem(w);
			return;
		}
		if (m->nparts)
			memcpy(grown, m->parts, m->nparts * sizeof(*grown));
		m->parts = grown;
		w->cap_parts = cap;
	}
	copy = hd_arena_alloc(w->a, b->len + 1);
	if (!copy) {
		hd_mail_nomem(w);
		return;
	}
	if (b->len)
		memcpy(copy, b->data, b->len);
	part = &m->parts[m->nparts];
	part->content_type = mime_type(w, o);
	part->filename = filename && filename[0]
				 ? hd_mail_clean(w, filename, 1)
				 : hd_arena_printf(w->a, "attachment-%zu", m->nparts + 1);
	part->content_id = cid && cid[0] ? hd_mail_clean(w, cid, 1) : NULL;
	part->is_inline = ascii_eq(disp, "inline");
	part->data = copy;
	part->len = b->len;
	if (!part->filename)
		hd_mail_nomem(w);
	m->nparts++;
}

/* The Message-ID of a header block (a returned message's headers). */
static void returned_id_from(struct hd_mail_walk *w, GMimeMessage *msg)
{
	const char *id = msg ? g_mime_message_get_message_id(msg) : NULL;

	if (!w->returned_id && id && id[0])
		w->returned_id = hd_mail_clean(w, id, 1);
}

/* A forwarded or returned message: one part holding its bytes. */
static void message_part(struct hd_mail_walk *w, GMimeObject *o)
{
	GMimeMessage *inner = g_mime_message_part_get_message((GMimeMessagePart *)o);
	GMimeStream *mem = g_mime_stream_mem_new();
	const char *name = g_mime_object_get_content_disposition_parameter(o, "filename");

	if (!name)
		name = g_mime_object_get_content_type_parameter(o, "name");
	if (inner) {
		g_mime_object_write_to_stream((GMimeObject *)inner, NULL, mem);
		returned_id_from(w, inner);
	}
	if (!name)
		name = w->report ? "returned-message.eml" : "forwarded-message.eml";
	add_part(w, o, name, mem);
	g_object_unref(mem);
}

/* text/rfc822-headers: the headers of the returned message. */
static void returned_headers(struct hd_mail_walk *w, GMimeStream *data)
{
	GMimeParser *parser;
	GMimeMessage *msg;

	g_mime_stream_reset(data);
	parser = g_mime_parser_new_with_stream(data);
	msg = g_mime_parser_construct_message(parser, w->opts);
	returned_id_from(w, msg);
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_mime_stream_reset(data);
}

static void body_text(struct hd_mail_walk *w, GMimeObject *parent, GMimePart *p)
{
	size_t n;
	gchar *t;
	int rc = 0;

	/* a second text/plain in the same alternative says the same thing again */
	if (w->have_text && parent == w->text_parent && is_type(parent, "multipart", "alternative"))
		return;
	t = text_utf8(p, &n);
	if (!w->have_text) {
		w->have_text = 1;
		w->text_parent = parent;
		rc = hd_sbuf_add(&w->text, t, n);
	} else if (n) {
		/* more text after an inline image (Apple Mail): read on */
		rc = hd_sbuf_add(&w->text, "\n", 1);
		rc = rc ? rc : hd_sbuf_add(&w->text, t, n);
	}
	if (rc)
		hd_mail_nomem(w);
	g_free(t);
}

static void body_html(struct hd_mail_walk *w, GMimePart *p)
{
	size_t n;
	gchar *t = text_utf8(p, &n);

	w->m->html = hd_mail_utf8(w, t, n);
	g_free(t);
}

static void leaf(struct hd_mail_walk *w, GMimeObject *parent, GMimePart *p)
{
	GMimeObject *o = (GMimeObject *)p;
	const char *filename = g_mime_part_get_filename(p);
	int attachment = ascii_eq(g_mime_object_get_disposition(o), "attachment") ||
			 (filename && filename[0]);
	GMimeStream *data;

	if (w->report && (is_type(o, "message", "delivery-status") ||
			  is_type(o, "message", "global-delivery-status"))) {
		hd_mail_dsn_fields(w, p);
		return;
	}
	if (!attachment && is_type(o, "text", "plain")) {
		body_text(w, parent, p);
		return;
	}
	if (!attachment && is_type(o, "text", "html") && !w->m->html) {
		body_html(w, p);
		return;
	}
	if (w->m->nparts >= MAIL_MAX_PARTS)
		return;
	if (is_type(parent, "multipart", "signed") &&
	    (is_type(o, "application", "pgp-signature") ||
	     is_type(o, "application", "pkcs7-signature") ||
	     is_type(o, "application", "x-pkcs7-signature")))
		return; /* the signature of the part beside it: not for people */
	if (is_type(o, "text", "calendar"))
		w->m->calendar = 1;
	data = hd_mail_leaf_bytes(p);
	if (is_type(o, "text", "rfc822-headers") && !w->returned_id)
		returned_headers(w, data);
	add_part(w, o, filename, data);
	g_object_unref(data);
}

static void walk(struct hd_mail_walk *w, GMimeObject *parent, GMimeObject *o, int depth)
{
	if (!o || w->rc || depth > MAIL_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = (GMimeMultipart *)o;
		int report = is_type(o, "multipart", "report") &&
			     ascii_eq(g_mime_object_get_content_type_parameter(o, "report-type"),
				      "delivery-status");
		int n = g_mime_multipart_get_count(mp);

		if (report)
			w->m->dsn.is_dsn = 1;
		w->report += report;
		for (int i = 0; i < n && !w->rc; i++)
			walk(w, o, g_mime_multipart_get_part(mp, i), depth + 1);
		w->report -= report;
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		if (w->m->nparts < MAIL_MAX_PARTS)
			message_part(w, o);
	} else if (GMIME_IS_PART(o)) {
		leaf(w, parent, (GMimePart *)o);
	}
}

/* Mark the parts the HTML shows (src="cid:...") inline: one pass over the
 * HTML, each reference looked up among the parts' Content-IDs. */
static void mark_cid_parts(struct hd_mail_walk *w)
{
	struct hd_mail *m = w->m;
	const char *html = m->html;
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);

	for (size_t i = 0; i < m->nparts; i++)
		if (m->parts[i].content_id)
			g_hash_table_insert(ids, (gpointer)m->parts[i].content_id, &m->parts[i]);
	for (size_t i = 0; html[i] && g_hash_table_size(ids); i++) {
		size_t n = 0;
		char *id;
		struct hd_mail_part *part;

		if (html[i] != 'c' || strncmp(html + i, "cid:", 4))
			continue;
		i += 4;
		while (html[i + n] && !strchr("\"'>) \t\r\n", html[i + n]))
			n++;
		id = g_strndup(html + i, n);
		part = g_hash_table_lookup(ids, id);
		if (part)
			part->is_inline = 1;
		g_free(id);
		i += n - 1; /* i >= 4 here; the loop steps past the id */
	}
	g_hash_table_destroy(ids);
}

/* After the walk: the text into the arena (converted from the HTML when
 * there is no plain text), and parts the HTML shows marked inline. */
static void finish_bodies(struct hd_mail_walk *w)
{
	struct hd_mail *m = w->m;
	size_t k = 0;

	while (k < w->text.len && strchr(" \t\n", w->text.buf[k]))
		k++;
	if (k == w->text.len && m->html && m->html[0]) {
		size_t n = strlen(m->html);

		/* at most 5 bytes out per byte in (a "> " prefix per level of
		 * <blockquote> on a one-letter paragraph) */
		hd_sbuf_release(&w->text);
		hd_sbuf_init(&w->text, n < ((size_t)-1 - 64) / 8 ? n * 8 + 64 : (size_t)-1);
		if (hd_html_to_text(m->html, n, &w->text))
			hd_mail_nomem(w);
	}
	m->text = hd_mail_utf8(w, w->text.buf, w->text.len);
	if (m->html && m->nparts)
		mark_cid_parts(w);
}

/* ---------------------------------------------------------- entry point */

int hd_mail_parse(const void *raw, size_t len, size_t max_len, struct hd_mail *out,
		  struct hd_arena *a, struct hd_err *err)
{
	struct hd_mail_walk w = { .m = out, .a = a };
	/* text is at most 3 bytes per input byte (windows-1252 or U+FFFD) */
	size_t text_max = len < ((size_t)-1 - 64) / 4 ? len * 4 + 64 : (size_t)-1;
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->subject = "";
	out->text = "";
	out->from.name = out->from.addr = "";
	out->reply_to.name = out->reply_to.addr = "";
	if (len > max_len)
		return hd_err_set(err, HD_ETOOBIG, NULL, "the message is larger than %zu bytes",
				  max_len);
	if (len == 0)
		return hd_err_set(err, HD_EINVAL, NULL, "the message is empty");
	hd_mail_init();
	w.opts = mail_opts;
	hd_sbuf_init(&w.text, text_max);

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, w.opts);
	if (!msg ||
	    g_mime_header_list_get_count(g_mime_object_get_header_list((GMimeObject *)msg)) == 0) {
		rc = hd_err_set(err, HD_EINVAL, NULL,
				"the input is not an e-mail message: it does not start with a "
				"header block");
		goto out;
	}
	rc = headers(&w, msg, err);
	if (rc)
		goto out;
	walk(&w, NULL, g_mime_message_get_mime_part(msg), 0);
	finish_bodies(&w);
	hd_mail_bounce_from_text(&w);
	rc = w.rc;
	if (rc)
		hd_err_set(err, rc, NULL, "the message does not fit in the memory allowed for it");
out:
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	hd_sbuf_release(&w.text);
	return rc;
}
