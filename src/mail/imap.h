/*
 * imap.h — reading one IMAP folder with libcurl, by UID.
 *
 * heed never relies on \Seen: it remembers the folder's UIDVALIDITY and the
 * last UID it stored, and asks for UIDs above that. A changed UIDVALIDITY
 * means the server renumbered the folder; the caller re-reads it and relies
 * on Message-ID + content-hash deduplication. Messages are fetched with
 * BODY.PEEK[] so heed does not mark them read for other clients.
 *
 * One struct hd_imap holds one libcurl handle, so the connection (and TLS
 * session) is reused between calls. Not thread-safe: one per fetcher thread.
 */
#ifndef HD_MAIL_IMAP_H
#define HD_MAIL_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/sbuf.h"

struct hd_imap_conf {
	const char *host;
	int port;
	int tls;              /* 1: imaps:// (implicit TLS); 2: STARTTLS required; 0: plain */
	int insecure;         /* skip certificate verification (tests only) */
	const char *user;
	const char *password;
	const char *folder;   /* e.g. "INBOX" */
	long timeout_ms;      /* per command; 0: 30 s */
};

struct hd_imap;

int hd_imap_open(struct hd_imap **out, const struct hd_imap_conf *conf, struct hd_err *err);
void hd_imap_close(struct hd_imap *im);

/** EXAMINE the folder: its UIDVALIDITY and UIDNEXT (0 when not reported). */
int hd_imap_status(struct hd_imap *im, uint32_t *uidvalidity, uint32_t *uidnext,
		   struct hd_err *err);

/** The UIDs in the folder greater than `after`, ascending, at most `max`
 * into `uids`; `*n` how many. */
int hd_imap_search_after(struct hd_imap *im, uint32_t after, uint32_t *uids, size_t max,
			 size_t *n, struct hd_err *err);

/** Fetch message `uid` (checking `uidvalidity`) into `out` (reset first),
 * without setting \Seen. HD_ENOTFOUND when the message is gone,
 * HD_ECONFLICT when the UIDVALIDITY changed. */
int hd_imap_fetch(struct hd_imap *im, uint32_t uidvalidity, uint32_t uid, struct hd_sbuf *out,
		  struct hd_err *err);

/** Move message `uid` to `folder` (UID MOVE, or COPY + \Deleted + EXPUNGE
 * when MOVE is not offered). */
int hd_imap_move(struct hd_imap *im, uint32_t uid, const char *folder, struct hd_err *err);

#endif
