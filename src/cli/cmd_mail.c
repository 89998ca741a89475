/*
 * cmd_mail.c — `heed mailgate` (one e-mail on stdin from a mail server) and
 * `heed fetch` (read the IMAP mailboxes once).
 *
 * mailgate
 * The contract with the MTA (Postfix pipe, Exim pipe transport, .forward):
 *  - exit 0 only once the message is durable in the store (or was stored
 *    before: a re-delivery is a no-op);
 *  - exit 75 (EX_TEMPFAIL) when it cannot be stored now — database busy or
 *    unavailable, disk full, a setting wrong — so the MTA keeps it queued
 *    and retries;
 *  - exit 65 (EX_DATAERR) with the reason on stderr for a message heed will
 *    never accept; that message is kept in the quarantine first, so the MTA
 *    may bounce it and nothing is lost;
 *  - exit 64 (EX_USAGE) for bad arguments.
 * Nothing else is ever printed on stdout, which some MTAs mail back.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "jobs/fetch.h"
#include "mail/ingest.h"
#include "mail/parse.h"
#include "util/sbuf.h"
#include "util/timeutil.h"
#include "util/banned.h"

static const char usage[] =
	"usage: heed mailgate [--data DIR] [--team NAME] [--action reply|note] < message\n"
	"\n"
	"Store one e-mail read from stdin: a reply joins its ticket, anything else\n"
	"starts one (in team NAME). Meant for a mail server's pipe delivery; see\n"
	"docs/mail.md for Postfix and Exim.\n"
	"\n"
	"  --team NAME       team for new tickets (default: none)\n"
	"  --action reply    store the mail as the customer's message (default)\n"
	"  --action note     store it as an internal note\n"
	"\n"
	"Exit status: 0 stored; 75 not stored now, try again (the MTA retries);\n"
	"65 never acceptable (kept in the quarantine, reason on stderr); 64 usage.\n";

struct gate_opts {
	const char *team;
	int note;
};

static int extra(int c, const char *arg, void *ctx)
{
	struct gate_opts *g = ctx;

	if (c == 't') {
		g->team = arg;
		return 0;
	}
	if (c == 'a' && (!strcmp(arg, "reply") || !strcmp(arg, "note"))) {
		g->note = !strcmp(arg, "note");
		return 0;
	}
	return 1;
}

/* Read all of stdin, at most `max` + 1 bytes (one more tells "too big"). */
static int read_stdin(struct hd_sbuf *sb, size_t max)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0)
			return -1;
		if (sb->len + (size_t)n > max + 1)
			n = (ssize_t)(max + 1 - sb->len);
		if (hd_sbuf_add(sb, buf, (size_t)n))
			return -1;
		if (sb->len > max)
			break;
	}
	return 0;
}

int hd_cmd_mailgate(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, NULL, 'd' },
					      { "team", required_argument, NULL, 't' },
					      { "action", required_argument, NULL, 'a' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct gate_opts g = { NULL, 0 };
	struct hd_ingest_opts io;
	struct hd_config cfg;
	struct hd_store *st = NULL;
	struct hd_mail_result res;
	struct hd_sbuf raw;
	struct hd_err err = { 0 };
	const char *data = NULL;
	int64_t qid = 0, team = 0;
	int rc = hd_cli_opts(argc, argv, usage, opts, &data, extra, &g);

	if (rc)
		return rc < 0 ? 0 : rc;
	hd_sbuf_init(&raw, (size_t)1 << 31);
	/* from here on every failure that is not the message's fault is
	 * EX_TEMPFAIL: the MTA keeps the mail and tries again */
	if (hd_cli_config(data, &cfg) || hd_cli_open(data, &cfg, 0, &st)) {
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (g.team && hd_store_team_find(st, g.team, &team, &err)) {
		fprintf(stderr, "heed mailgate: there is no team named \"%s\"\n", g.team);
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (read_stdin(&raw, (size_t)cfg.max_email_bytes)) {
		fputs("heed mailgate: cannot read the message from stdin\n", stderr);
		rc = EX_TEMPFAIL;
		goto out;
	}
	hd_mail_init();
	memset(&io, 0, sizeof(io));
	io.desk_addr = cfg.mail_from;
	io.team_name = g.team;
	io.internal = g.note;
	io.max_bytes = (size_t)cfg.max_email_bytes;
	io.source = "mailgate";
	rc = hd_mail_ingest(st, &io, raw.buf ? raw.buf : "", raw.len, &res, &qid, &err);
	if (rc == HD_EINVAL) {
		fprintf(stderr, "heed mailgate: message refused: %s (kept in quarantine as #%lld)\n",
			err.msg, (long long)qid);
		rc = EX_DATAERR;
	} else if (rc) {
		hd_cli_error("mailgate: cannot store the message now, try again", &err);
		rc = EX_TEMPFAIL;
	}
out:
	hd_store_close(st);
	hd_sbuf_release(&raw);
	return rc;
}

/* ---- fetch --------------------------------------------------------------- */

static const char fetch_usage[] =
	"usage: heed fetch [--data DIR] [--mailbox NAME]\n"
	"\n"
	"Read every configured IMAP mailbox (or only NAME) once, store what is new\n"
	"and exit; heed serve does this continuously. Prints how many messages were\n"
	"stored per mailbox.\n";

static int fetch_extra(int c, const char *arg, void *ctx)
{
	if (c != 'm')
		return 1;
	*(const char **)ctx = arg;
	return 0;
}

int hd_cmd_fetch(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, NULL, 'd' },
					      { "mailbox", required_argument, NULL, 'm' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *data = NULL, *only = NULL;
	struct hd_config cfg;
	struct hd_store *st = NULL;
	int rc = hd_cli_opts(argc, argv, fetch_usage, opts, &data, fetch_extra, &only), found = 0;

	if (rc)
		return rc < 0 ? 0 : rc;
	rc = hd_cli_config(data, &cfg);
	rc = rc ? rc : hd_cli_open(data, &cfg, 0, &st);
	if (rc)
		return rc;
	hd_mail_init();
	for (int i = 0; i < cfg.nmailboxes && !rc; i++) {
		struct hd_err err = { 0 };
		int64_t stored = 0, t0 = hd_mono_ms();

		if (only && strcmp(only, cfg.mailboxes[i].name))
			continue;
		found = 1;
		if (hd_fetch_once(st, &cfg, &cfg.mailboxes[i], &stored, &err)) {
			hd_cli_error(cfg.mailboxes[i].name, &err);
			rc = EX_TEMPFAIL;
		}
		printf("%s: %lld new messages in %lld ms\n", cfg.mailboxes[i].name,
		       (long long)stored, (long long)(hd_mono_ms() - t0));
	}
	if (!found) {
		fprintf(stderr, "heed fetch: %s\n",
			only ? "no such mailbox in heed.conf" : "no mailbox in heed.conf");
		rc = EX_CONFIG;
	}
	hd_store_close(st);
	return rc;
}
