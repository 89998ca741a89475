/*
 * config.h — heed's settings: defaults, then the data directory's
 * heed.conf, then HEED_* environment variables, then command-line flags
 * (each later source wins).
 *
 * heed.conf is lines of `key = value`; '#' starts a comment; blank lines are
 * ignored; values may be quoted with "". An unknown key or a bad value is an
 * error naming the line, never silently ignored.
 */
#ifndef HD_CONFIG_H
#define HD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct hd_config {
	char listen[128];              /* host:port, e.g. 127.0.0.1:8080 */
	int workers;                   /* HTTP I/O threads; 0: one per core */
	int readers;                   /* database reader connections kept open */
	int64_t cache_kib;             /* SQLite page cache per connection */
	char desk_name[128];           /* signs mail to customers */
	int64_t first_response_minutes;/* promised in acknowledgements */
	int64_t autoclose_days;        /* solved tickets close unconfirmed after */
	int64_t promise_remind_minutes;/* remind a promise's owner this long before it is due */
	int64_t callback_due_minutes;  /* a call-back request without a time is due after this */
	int64_t max_body_bytes;        /* cap on any request body */
	int64_t max_attachment_bytes;  /* cap on one attachment */
	char public_url[256];          /* how customers reach heed */

	/* e-mail */
	char mail_from[256];           /* the desk's address: From of all mail we send */
	char mail_domain[128];         /* domain of our Message-IDs; "": mail_from's */
	int64_t max_email_bytes;       /* cap on one incoming e-mail */
	int64_t autoreply_max;         /* automatic replies per address ... */
	int64_t autoreply_window_minutes; /* ... per this window */
	char smtp_host[256];           /* "": outbound mail stays queued */
	int64_t smtp_port;
	char smtp_tls[16];             /* none | starttls | tls */
	char smtp_user[256];
	char smtp_password[256];
	int64_t smtp_insecure;         /* 1: skip certificate checks (tests) */
	int64_t outbox_give_up_hours;  /* a mail still not accepted after this fails */
	int64_t outbox_retry_seconds;  /* first retry after this, doubling up to an hour */
	struct hd_mailbox_conf {
		char name[32];
		char host[256];
		int64_t port;
		char tls[16];            /* tls | starttls | none */
		int64_t insecure;
		char user[256];
		char password[256];
		char password_command[512]; /* run with sh -c; its first line is the password */
		char folder[256];
		char team[128];          /* "": no team */
		char move_to[256];       /* "": leave processed mail where it is */
		int64_t poll_ms;
	} mailboxes[8];
	int nmailboxes;
};

/** Fill `c` with the defaults. */
void hd_config_defaults(struct hd_config *c);

/** Set `key` to the text `value`. HD_EINVAL for an unknown key or bad value. */
int hd_config_set(struct hd_config *c, const char *key, const char *value, struct hd_err *err);

/** Apply the heed.conf text `text[0..len)`. Pure; `err` names the line. */
int hd_config_parse(struct hd_config *c, const char *text, size_t len, struct hd_err *err);

/** Read and apply the file at `path`; a missing file is not an error. */
int hd_config_load(struct hd_config *c, const char *path, struct hd_err *err);

/** Apply HEED_LISTEN, HEED_WORKERS, ... from the environment. */
int hd_config_env(struct hd_config *c, struct hd_err *err);

/** Write the settings as heed.conf text into `out` (`len` bytes). */
void hd_config_format(const struct hd_config *c, char *out, size_t len);

#endif
