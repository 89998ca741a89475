/*
 * fuzz_mail_parse.c — arbitrary bytes as an inbound e-mail: hd_mail_parse,
 * then hd_quote_strip on its text and hd_html_to_text on its HTML, and the
 * pure decisions ingestion takes on it (automatic-reply rules, ticket tag,
 * plus-addresses, our signed Message-IDs), as src/mail/ingest.c does. Besides not crashing or leaking, it checks the promises
 * of parse.h: a parsed message has a sender address, every string is valid
 * UTF-8, and the display text fits in a buffer the size of the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "domain/html_text.h"
#include "domain/mailrules.h"
#include "domain/quote.h"
#include "mail/parse.h"
#include "util/msgid.h"
#include "util/sbuf.h"

static void utf8(const char *s)
{
	if (s && !g_utf8_validate(s, -1, NULL))
		abort();
}

static void check(const struct hd_mail *m)
{
	struct hd_sbuf sb;

	if (!m->from.addr[0])
		abort();
	utf8(m->message_id);
	utf8(m->in_reply_to);
	utf8(m->subject);
	utf8(m->from.name);
	utf8(m->from.addr);
	utf8(m->reply_to.name);
	utf8(m->return_path);
	utf8(m->auto_submitted);
	utf8(m->list_id);
	utf8(m->text);
	utf8(m->html);
	utf8(m->dsn.recipient);
	utf8(m->dsn.action);
	utf8(m->dsn.status);
	utf8(m->dsn.diagnostic);
	utf8(m->dsn.orig_message_id);
	for (size_t i = 0; i < m->nreferences; i++)
		utf8(m->references[i]);
	for (size_t i = 0; i < m->nrecipients; i++) {
		utf8(m->recipients[i].name);
		utf8(m->recipients[i].addr);
	}
	for (size_t i = 0; i < m->nparts; i++) {
		utf8(m->parts[i].filename);
		utf8(m->parts[i].content_type);
		utf8(m->parts[i].content_id);
		if (m->parts[i].len && !m->parts[i].data)
			abort();
	}

	/* the display text is never longer than the text */
	hd_sbuf_init(&sb, strlen(m->text) + 1);
	if (hd_quote_strip(m->text, strlen(m->text), &sb))
		abort();
	utf8(sb.buf);
	hd_sbuf_release(&sb);

	{
		static const unsigned char key[HD_MSGID_KEYLEN] = "fuzzing-key-fuzzing-key-fuzzing";
		struct hd_mail_signals sig = { m->from.addr, m->return_path, m->auto_submitted,
					       m->precedence, m->x_loop, m->list_id,
					       m->list_unsubscribe, m->x_auto_response_suppress,
					       m->x_heed_loop, m->dsn.is_dsn };
		int64_t t;

		(void)hd_mail_autoreply_block(&sig);
		if (hd_mail_subject_ticket(m->subject) < 0)
			abort();
		for (size_t i = 0; i < m->nrecipients; i++)
			if (hd_mail_plus_ticket(m->recipients[i].addr, "support@example.com") < 0)
				abort();
		for (size_t i = 0; i < m->nreferences; i++)
			if (hd_msgid_ticket(key, m->references[i], &t))
				abort(); /* nobody can sign with our key */
	}

	if (m->html) {
		hd_sbuf_init(&sb, 1 << 22);
		if (hd_html_to_text(m->html, strlen(m->html), &sb) == 0)
			utf8(sb.buf);
		hd_sbuf_release(&sb);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct hd_arena a;
	struct hd_mail m;

	if (!ready) {
		hd_mail_init();
		ready = 1;
	}
	hd_arena_init(&a, 64u << 20);
	if (hd_mail_parse(data, size, 1u << 20, &m, &a, NULL) == 0)
		check(&m);
	hd_arena_release(&a);
	return 0;
}
