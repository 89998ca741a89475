/*
 * imap.h — reading one IMAP folder with libcurl, by UID.
 *
 * heed never relies on \Seen: it remembers the folder's UIDVALIDITY and the
 * last UID it stored, and asks for UIDs above that. A changed UIDVALIDITY
 * means the server renumbered the folder; the caller re-reads it and relies
 * on Message-ID + content-hash deduplication.
 *
 * Fetching never sets \Seen for other clients. libcurl 7.88 cannot deliver a
 * `BODY.PEEK[]` literal of a custom request intact (see imap.c), so the
 * folder is opened with EXAMINE (read-only) and fetched with libcurl's own
 * `UID FETCH n BODY[]`, which a read-only mailbox does not mark \Seen. No
 * flag is set and restored afterwards, so there is no window in which
 * another client sees the message as read.
 *
 * One struct hd_imap holds one libcurl handle, so the connection (and TLS
 * session) is reused between calls; a connection that broke is replaced on
 * the next call. Not thread-safe: one per fetcher thread. hd_imap_open()
 * lets curl_easy_init() initialise libcurl on first use, which is safe from
 * any thread since libcurl 7.84 (Debian 12 ships 7.88).
 *
 * A typical poll: hd_imap_status() (and compare UIDVALIDITY with the stored
 * one), hd_imap_search_after(last stored UID), hd_imap_fetch() each UID,
 * hd_imap_move() it if the mailbox is configured to move processed mail.
 *
 * Errors (every function returns 0 or one of these, with a sentence in err):
 *   HD_EBUSY    connection refused or broken, timeout, TLS handshake failed:
 *               back off and retry the same call later;
 *   HD_EDENIED  the server rejected the user name or password;
 *   HD_EINVAL   configuration: bad host or folder name, STARTTLS not offered,
 *               certificate not trusted, destination folder does not exist;
 *   HD_ENOTFOUND the folder cannot be opened, or the message is gone;
 *   HD_ECONFLICT UIDVALIDITY is not the one the caller knows;
 *   HD_ETOOBIG  the message is larger than the caller's buffer allows;
 *   HD_EIO      the server refused a command (its words are in err).
 */
#ifndef HD_MAIL_IMAP_H
#define HD_MAIL_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/sbuf.h"

struct hd_imap_conf {
	const char *host; /* name, IPv4 or IPv6 address (no brackets) */
	int port;         /* 0: 993 for tls=1, else 143 */
	int tls;          /* 1: imaps:// (implicit TLS); 2: STARTTLS required; 0: plain */
	int insecure;     /* skip certificate verification (tests only) */
	const char *user;
	const char *password; /* any bytes but NUL; never put in a URL */
	const char *folder;   /* UTF-8, e.g. "INBOX" or "Support Queue"; NULL: INBOX */
	long timeout_ms;      /* connect, and each server response; 0: 30 s */
};

struct hd_imap;

/** A handle for `conf`'s folder into `*out`, freed with hd_imap_close().
 * Does not connect yet: the first call does, so a wrong password shows up
 * there. `conf` and its strings need not outlive the call. HD_EINVAL for a
 * host or folder name that cannot be used. */
int hd_imap_open(struct hd_imap **out, const struct hd_imap_conf *conf, struct hd_err *err);

/** Log out and free `im`. NULL is allowed. */
void hd_imap_close(struct hd_imap *im);

/** EXAMINE the folder: its UIDVALIDITY and UIDNEXT (0 when not reported).
 * Call this at the start of every poll; hd_imap_search_after() uses UIDNEXT
 * to split its work. */
int hd_imap_status(struct hd_imap *im, uint32_t *uidvalidity, uint32_t *uidnext,
                   struct hd_err *err);

/** The UIDs in the folder greater than `after`, ascending, at most `max`
 * into `uids` (the smallest ones when there are more); `*n` how many.
 * Searches windows of a few thousand UID values per command (libcurl 7.88
 * garbles longer response lines), jumping over empty stretches with ESEARCH
 * when the server offers it. */
int hd_imap_search_after(struct hd_imap *im, uint32_t after, uint32_t *uids, size_t max, size_t *n,
                         struct hd_err *err);

/** Fetch message `uid` (checking `uidvalidity`) into `out` (reset first;
 * the caller owns it and its cap bounds the message size: HD_ETOOBIG),
 * bytes exactly as stored, without setting \Seen. HD_ENOTFOUND when the
 * message is gone, HD_ECONFLICT when the UIDVALIDITY changed. `out` is
 * empty after any failure. */
int hd_imap_fetch(struct hd_imap *im, uint32_t uidvalidity, uint32_t uid, struct hd_sbuf *out,
                  struct hd_err *err);

/** Move message `uid` to `folder` (UTF-8). UID MOVE when the server offers
 * MOVE; otherwise UID COPY, +FLAGS (\Deleted) and UID EXPUNGE (UIDPLUS) —
 * or, without UIDPLUS, a plain EXPUNGE, which also removes messages other
 * clients had marked \Deleted in this folder. HD_ENOTFOUND when the message
 * is gone. A `folder` that does not exist is created (the server's TRYCREATE
 * answer) and the move tried again; HD_EINVAL (field "folder") when that fails,
 * HD_ECONFLICT (nothing moved) when the folder's UIDVALIDITY is no longer
 * the one of the last hd_imap_status() or hd_imap_fetch(). */
int hd_imap_move(struct hd_imap *im, uint32_t uid, const char *folder, struct hd_err *err);

#endif
