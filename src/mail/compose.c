/*
 * compose.c — an outbox row becomes RFC 5322 bytes, built by GMime (see compose.h).
 *
 * GMime does every piece of MIME here: RFC 2047 encoded words for names and
 * subjects, header folding, the multipart boundary, quoted-printable or
 * base64 (whichever GMime's best-encoding filter picks under the 7-bit
 * constraint, so no line of the result exceeds 998 bytes), and CRLF output.
 * This file only checks its inputs, decides which headers go on, and copies
 * the finished message into the caller's arena.
 *
 * It must never write MIME syntax, base64, quoted-printable or encoded words
 * by hand, and never let a CR or LF from its inputs reach a header unencoded.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/compose.h"
#include "mail/parse.h" /* hd_mail_init: the process's one g_mime_init */
#include "util/banned.h"

#define ADDR_MAX 254  /* RFC 5321 path limit */
#define MSGID_MAX 250 /* an id is never folded, so keep its header line short */
#define REFS_MAX 100  /* ids kept in References (the newest ones) */

/* ---------------------------------------------------------- validation --- */

/* An address for a header and the SMTP envelope: one token, no controls,
 * spaces or angle brackets, with an '@' inside. */
static int check_addr(const char *field, const char *addr, struct hd_err *err)
{
	size_t n = addr ? strlen(addr) : 0;
	const char *at = addr ? strrchr(addr, '@') : NULL;

	if (n == 0 || n > ADDR_MAX || !at || at == addr || at[1] == '\0')
		return hd_err_set(err, HD_EINVAL, field, "%s is not an e-mail address", field);
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == '"')
			return hd_err_set(err, HD_EINVAL, field, "%s is not an e-mail address",
					  field);
	return 0;
}

/* The id in s[0..n) without its angle brackets, checked: non-empty, at most
 * MSGID_MAX bytes, no controls, spaces or brackets inside. On success
 * `*id` and `*idlen` point into s. */
static int msgid_token(const char *field, const char *s, size_t n, const char **id,
		       size_t *idlen, struct hd_err *err)
{
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	if (n == 0 || n > MSGID_MAX)
		return hd_err_set(err, HD_EINVAL, field, "%s is not a message id", field);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>')
			return hd_err_set(err, HD_EINVAL, field, "%s is not a message id", field);
	}
	*id = s;
	*idlen = n;
	return 0;
}

/* "<id>" for a whole NUL-terminated id given with or without brackets; a
 * g_malloc'd string in *out. */
static int bracketed_id(const char *field, const char *s, char **out, struct hd_err *err)
{
	const char *id;
	size_t n;
	int rc = msgid_token(field, s, strlen(s), &id, &n, err);

	if (rc)
		return rc;
	*out = g_strdup_printf("<%.*s>", (int)n, id);
	return 0;
}

/* References from space-separated ids: each bracketed, at most the last
 * REFS_MAX kept (RFC 5322 3.6.4 lets a sender trim the middle; the newest
 * matter for threading). A g_malloc'd string in *out, NULL when none. */
static int references_value(const char *refs, char **out, struct hd_err *err)
{
	const char *ids[REFS_MAX];
	size_t lens[REFS_MAX], count = 0, first;
	const char *p = refs;
	GString *v;
	int rc;

	*out = NULL;
	while (*p) {
		size_t n;

		p += strspn(p, " \t\r\n");
		n = strcspn(p, " \t\r\n");
		if (n == 0)
			break;
		rc = msgid_token("references", p, n, &ids[count % REFS_MAX],
				 &lens[count % REFS_MAX], err);
		if (rc)
			return rc;
		count++;
		p += n;
	}
	if (count == 0)
		return 0;
	first = count > REFS_MAX ? count - REFS_MAX : 0;
	v = g_string_new(NULL);
	for (size_t i = first; i < count; i++)
		g_string_append_printf(v, "%s<%.*s>", i > first ? " " : "",
				       (int)lens[i % REFS_MAX], ids[i % REFS_MAX]);
	*out = g_string_free(v, FALSE);
	return 0;
}

/* Text from outside for a header (a subject quoted from a customer's mail, a
 * display name): valid UTF-8, every control character a space, so that what
 * GMime encodes is one line of text. g_malloc'd. */
static char *header_text(const char *s)
{
	char *t = g_utf8_make_valid(s ? s : "", -1);

	for (unsigned char *p = (unsigned char *)t; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			*p = ' ';
	return t;
}

/* --------------------------------------------------------------- parts --- */

/* A text/<subtype>; charset=utf-8 leaf holding `s`: line breaks made CRLF
 * (the canonical form of text, RFC 2045 2.10, so base64 carries CRLF too),
 * then the transfer encoding GMime finds best under the 7-bit constraint —
 * quoted-printable or base64 when there are 8-bit bytes or lines over 998,
 * none for short ASCII. GMimeTextPart's own set_text is not used because it
 * may pick ISO-8859-1; heed always sends UTF-8. */
static GMimeObject *text_part(const char *subtype, const char *s)
{
	char *valid = g_utf8_make_valid(s ? s : "", -1);
	GMimeStream *mem = g_mime_stream_mem_new();
	GMimeStream *crlf = g_mime_stream_filter_new(mem);
	GMimeFilter *unix2dos = g_mime_filter_unix2dos_new(FALSE);
	GMimePart *part = g_mime_part_new_with_type("text", subtype);
	GMimeDataWrapper *content;

	g_mime_stream_filter_add(GMIME_STREAM_FILTER(crlf), unix2dos);
	g_mime_stream_write_string(crlf, valid);
	g_mime_stream_flush(crlf);
	g_mime_stream_reset(mem);

	content = g_mime_data_wrapper_new_with_stream(mem, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, content);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
	g_mime_part_set_content_encoding(
		part, g_mime_part_get_best_content_encoding(part, GMIME_ENCODING_CONSTRAINT_7BIT));

	g_object_unref(content);
	g_object_unref(unix2dos);
	g_object_unref(crlf);
	g_object_unref(mem);
	g_free(valid);
	return GMIME_OBJECT(part);
}

/* The body: text/plain alone, or multipart/alternative with text/plain first
 * and text/html last (the last alternative is the preferred one). */
static GMimeObject *body(const struct hd_mail_out *m)
{
	GMimeMultipart *alt;
	GMimeObject *part;

	if (!m->html)
		return text_part("plain", m->text);
	alt = g_mime_multipart_new_with_subtype("alternative");
	part = text_part("plain", m->text);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	part = text_part("html", m->html);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	return GMIME_OBJECT(alt);
}

/* ------------------------------------------------------------- headers --- */

static void add_mailbox(InternetAddressList *list, const char *name, const char *addr)
{
	char *clean = name ? header_text(name) : NULL;
	InternetAddress *ia = internet_address_mailbox_new(clean && *clean ? clean : NULL, addr);

	/* UTF-8 encoded words always, rather than the "best" legacy charset */
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(list, ia);
	g_object_unref(ia);
	g_free(clean);
}

/* Every header but the body's; 0 or HD_EINVAL. */
static int headers(GMimeMessage *msg, const struct hd_mail_out *m, struct hd_err *err)
{
	GMimeObject *obj = GMIME_OBJECT(msg);
	char *bare = NULL, *subject = NULL, *irt = NULL, *refs = NULL, *autosub = NULL, *loop;
	const char *id;
	size_t idlen;
	GDateTime *date;
	int rc;

	rc = msgid_token("message_id", m->message_id ? m->message_id : "",
			 m->message_id ? strlen(m->message_id) : 0, &id, &idlen, err);
	if (rc)
		goto out;
	if (m->in_reply_to && (rc = bracketed_id("in_reply_to", m->in_reply_to, &irt, err)))
		goto out;
	if (m->references && (rc = references_value(m->references, &refs, err)))
		goto out;
	date = g_date_time_new_from_unix_utc(m->date / 1000);
	if (!date) {
		rc = hd_err_set(err, HD_EINVAL, "date", "date is out of range");
		goto out;
	}
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);

	add_mailbox(g_mime_message_get_from(msg), m->from_name, m->from_addr);
	add_mailbox(g_mime_message_get_to(msg), m->to_name, m->to_addr);
	subject = header_text(m->subject);
	g_mime_message_set_subject(msg, subject, "utf-8");
	bare = g_strndup(id, idlen);
	g_mime_message_set_message_id(msg, bare); /* GMime adds the <> itself */
	if (irt)
		g_mime_object_set_header(obj, "In-Reply-To", irt, NULL);
	if (refs)
		g_mime_object_set_header(obj, "References", refs, NULL);
	g_mime_object_set_header(obj, "MIME-Version", "1.0", NULL);
	if (m->auto_submitted) {
		autosub = header_text(m->auto_submitted);
		g_mime_object_set_header(obj, "Auto-Submitted", autosub, NULL);
		/* RFC 3834 is not read by every responder: the older signals
		 * keep vacation replies and Exchange auto-replies away too */
		if (g_ascii_strcasecmp(autosub, "no") != 0) {
			g_mime_object_set_header(obj, "Precedence", "bulk", NULL);
			g_mime_object_set_header(obj, "X-Auto-Response-Suppress", "All", NULL);
		}
	}
	/* every message carries it; the desk's address when not given */
	loop = header_text(m->loop_value ? m->loop_value : m->from_addr);
	g_mime_object_set_header(obj, HD_MAIL_LOOP_HEADER, loop, NULL);
	g_free(loop);
out:
	g_free(bare);
	g_free(autosub);
	g_free(subject);
	g_free(irt);
	g_free(refs);
	return rc;
}

/* ---------------------------------------------------------------- main --- */

/* Beyond compose.h: returns 0; HD_EINVAL with `err->field` naming the input
 * (from_addr, to_addr, message_id, in_reply_to, references, date) when an
 * address or id is unusable; HD_ETOOBIG when the bodies alone exceed what is
 * left in the arena; HD_ENOMEM when the encoded message does not fit. Text
 * from outside (subject, names, Auto-Submitted) is never refused: invalid
 * UTF-8 is repaired and control characters become spaces. Bodies go out with
 * CRLF line breaks (decode and turn CRLF into LF to get the text back).
 * References keeps the newest 100 ids; the loop header defaults to the
 * sender's address when loop_value is NULL. */
int hd_mail_compose(const struct hd_mail_out *m, char **out, size_t *len, struct hd_arena *a,
		    struct hd_err *err)
{
	GMimeMessage *msg = NULL;
	GMimeObject *part = NULL;
	GMimeFormatOptions *opts = NULL;
	GMimeStream *stream = NULL;
	GByteArray *bytes;
	size_t in_len;
	char *buf;
	int rc;

	*out = NULL;
	*len = 0;
	/* g_mime_init counts callers with a plain int, so two modules each
	 * calling it once could still race; parse.c's once-guard is the only
	 * one, and compose goes through it too */
	hd_mail_init();

	if ((rc = check_addr("from_addr", m->from_addr, err)) ||
	    (rc = check_addr("to_addr", m->to_addr, err)))
		goto out;
	/* encoding never shrinks a body: fail before building what cannot fit */
	in_len = (m->text ? strlen(m->text) : 0) + (m->html ? strlen(m->html) : 0);
	if (in_len > a->max - a->used) {
		rc = hd_err_set(err, HD_ETOOBIG, NULL, "the message is too large to compose");
		goto out;
	}

	msg = g_mime_message_new(TRUE);
	if ((rc = headers(msg, m, err)))
		goto out;
	part = body(m);
	g_mime_message_set_mime_part(msg, part);

	opts = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(opts, GMIME_NEWLINE_FORMAT_DOS);
	stream = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), opts, stream) < 0) {
		rc = hd_err_set(err, HD_EIO, NULL, "could not serialise the message");
		goto out;
	}
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	buf = hd_arena_alloc(a, (size_t)bytes->len + 1);
	if (!buf) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "the composed message does not fit");
		goto out;
	}
	memcpy(buf, bytes->data, bytes->len);
	buf[bytes->len] = '\0';
	*out = buf;
	*len = bytes->len;
out:
	if (stream)
		g_object_unref(stream);
	if (opts)
		g_mime_format_options_free(opts);
	if (part)
		g_object_unref(part);
	if (msg)
		g_object_unref(msg);
	return rc;
}
