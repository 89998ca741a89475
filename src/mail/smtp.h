/*
 * smtp.h — handing one composed message to an SMTP server with libcurl.
 *
 * The outbox worker (jobs/) calls hd_smtp_send for each due row, or keeps an
 * hd_smtp_session open to send a batch over one connection; this module only
 * speaks SMTP (STARTTLS or implicit TLS, AUTH, timeouts) and classifies the
 * outcome so the worker knows whether to retry.
 *
 * Classification: a 5xx reply to RCPT TO, DATA or the end of data, or 552
 * (too large) to MAIL FROM, is PERMANENT: the server refuses this message or
 * recipient. Everything else is RETRY: no connection, timeouts, TLS failures,
 * any 4xx, and also refusals an administrator fixes rather than the message —
 * a 5xx greeting or EHLO reply, any other 5xx to MAIL FROM (the sender is
 * always the desk's own address), failed AUTH (CURLE_LOGIN_DENIED) and the
 * 5xx auth codes 530, 534, 535, 538 — so a wrong password or a relay that
 * will not take our sender delays mail instead of dropping it.
 *
 * Owns: nothing of the caller's; a session owns its libcurl handle (and the
 * connection in it) until hd_smtp_session_close.
 * Thread safety: any thread may send; one session belongs to one thread at
 * a time. libcurl's global init runs once, inside this module.
 */
#ifndef HD_MAIL_SMTP_H
#define HD_MAIL_SMTP_H

#include <stddef.h>

#include "util/err.h"

enum hd_smtp_tls {
	HD_SMTP_TLS_NONE,     /* plain SMTP (a local MTA on 127.0.0.1) */
	HD_SMTP_TLS_STARTTLS, /* upgrade required */
	HD_SMTP_TLS_IMPLICIT, /* smtps:// (port 465) */
};

struct hd_smtp_conf {
	const char *host;
	int port;             /* 0: 25, 587 or 465 according to tls */
	enum hd_smtp_tls tls;
	const char *user;     /* NULL: no AUTH */
	const char *password;
	int insecure;         /* skip certificate verification (tests only) */
	long timeout_ms;      /* whole transaction; 0: 30 s */
};

enum hd_smtp_outcome {
	HD_SMTP_SENT = 0,
	HD_SMTP_RETRY = 1,    /* connection failed, 4xx, timeout: try again later */
	HD_SMTP_PERMANENT = 2 /* 5xx for the recipient or the message: never retry */
};

/** Send `msg` (`len` bytes, CRLF) from `from` to `to`. Returns an
 * hd_smtp_outcome; the server's reply or the failure in `reason`
 * (`reasonlen` bytes, always NUL-terminated). `from` "" sends the null
 * reverse-path <>. Nothing is sent for an address with spaces, controls or
 * angle brackets: a bad `to` is PERMANENT, a bad `from` (configuration) is
 * RETRY. One connection per call; see hd_smtp_session for a batch. */
int hd_smtp_send(const struct hd_smtp_conf *conf, const char *from, const char *to,
		 const char *msg, size_t len, char *reason, size_t reasonlen);

/** A connection to the server kept across several sends. Opaque. */
struct hd_smtp_session;

/** Prepare a session for `conf` in *out; no connection is made until the
 * first send. `conf` and its strings are copied and need not outlive the
 * call. 0, HD_EINVAL (unusable host or port) or HD_EIO (libcurl could not
 * start); the caller owns *out and ends it with hd_smtp_session_close. */
int hd_smtp_session_open(const struct hd_smtp_conf *conf, struct hd_smtp_session **out,
			 struct hd_err *err);

/** As hd_smtp_send, on the session's connection: the first send connects,
 * later ones reuse the connection while the server keeps it (a dropped or
 * failed connection is reopened by the next send). conf.timeout_ms bounds
 * each send. */
int hd_smtp_session_send(struct hd_smtp_session *s, const char *from, const char *to,
			 const char *msg, size_t len, char *reason, size_t reasonlen);

/** Say QUIT, close the connection and free the session. NULL is a no-op. */
void hd_smtp_session_close(struct hd_smtp_session *s);

#endif
