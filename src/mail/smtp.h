/*
 * smtp.h — handing one composed message to an SMTP server with libcurl.
 *
 * The outbox worker (jobs/) calls hd_smtp_send for each due row; this module
 * only speaks SMTP (STARTTLS or implicit TLS, AUTH, timeouts) and classifies
 * the outcome so the worker knows whether to retry.
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
	int port;
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
 * (`reasonlen` bytes, always NUL-terminated). */
int hd_smtp_send(const struct hd_smtp_conf *conf, const char *from, const char *to,
		 const char *msg, size_t len, char *reason, size_t reasonlen);

#endif
