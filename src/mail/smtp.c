/*
 * smtp.c — one composed message to an SMTP server, with libcurl (see smtp.h).
 *
 * libcurl speaks the protocol: greeting, EHLO, STARTTLS, AUTH, MAIL FROM,
 * RCPT TO, DATA with dot-stuffing and the end-of-data line. This file sets
 * it up, feeds it the message from memory, and turns the result into an
 * outcome the outbox understands (sent / retry later / never retry).
 *
 * To tell "the server refuses this message" from "the server refuses us" it
 * watches the conversation through libcurl's debug callback: the last
 * command verb says which step a reply answers, and the last reply line is
 * the reason shown to the agent. It must never log or keep what follows a
 * command verb (AUTH carries the password).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "mail/smtp.h"
#include "util/banned.h"

#define DEFAULT_TIMEOUT_MS 30000L
#define ADDR_MAX 254
#define HOST_MAX 253

/* Which step of the conversation the last reply answers. */
enum stage {
	STAGE_SESSION, /* greeting, EHLO, STARTTLS, AUTH: about us, not the message */
	STAGE_SENDER,  /* MAIL FROM: about the desk's own address, bar 552 (size) */
	STAGE_MESSAGE, /* RCPT TO, DATA, end of data: about this message */
};

struct hd_smtp_session {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
	/* the send in progress */
	const char *data; /* what the read callback has not handed out yet */
	size_t left;
	enum stage stage;
	int quitting;    /* QUIT went out: what follows is not about the message */
	char reply[512]; /* the server's last reply line before QUIT, without CRLF */
};

/* ---------------------------------------------------------------- init --- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

/* curl_global_init is not thread-safe before libcurl 7.84 (and touches
 * OpenSSL's globals): once per process, from whichever thread comes first. */
static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ----------------------------------------------------------- callbacks --- */

static size_t on_read(char *buf, size_t size, size_t nitems, void *userp)
{
	struct hd_smtp_session *s = userp;
	size_t n = size * nitems;

	if (n > s->left)
		n = s->left;
	memcpy(buf, s->data, n);
	s->data += n;
	s->left -= n;
	return n;
}

static int verb_is(const char *data, size_t size, const char *verb)
{
	size_t n = strlen(verb);

	return size >= n && !strncasecmp(data, verb, n) &&
	       (size == n || data[n] == ' ' || data[n] == ':' || data[n] == '\r');
}

/* libcurl shows us each command it sends (HEADER_OUT) and each reply line it
 * reads (HEADER_IN). Only the command verb is looked at. After a refusal
 * libcurl closes the connection with QUIT inside the same transfer; the
 * "221 bye" must not hide the refusal, so nothing after QUIT counts. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	struct hd_smtp_session *s = userp;

	if (s->quitting)
		return 0;
	if (type == CURLINFO_HEADER_OUT) {
		if (verb_is(data, size, "QUIT"))
			s->quitting = 1;
		else if (verb_is(data, size, "MAIL"))
			s->stage = STAGE_SENDER;
		else if (verb_is(data, size, "RCPT") || verb_is(data, size, "DATA") ||
			 verb_is(data, size, "."))
			s->stage = STAGE_MESSAGE;
		else if (verb_is(data, size, "EHLO") || verb_is(data, size, "HELO") ||
			 verb_is(data, size, "STARTTLS") || verb_is(data, size, "AUTH"))
			s->stage = STAGE_SESSION;
		/* else an AUTH continuation: still the session */
	} else if (type == CURLINFO_HEADER_IN) {
		while (size && (data[size - 1] == '\n' || data[size - 1] == '\r'))
			size--;
		if (size == 0)
			return 0;
		if (size >= sizeof(s->reply))
			size = sizeof(s->reply) - 1;
		memcpy(s->reply, data, size);
		s->reply[size] = '\0';
		/* replace controls so the reason is one printable line */
		for (char *p = s->reply; *p; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				*p = ' ';
	}
	return 0;
}

/* ----------------------------------------------------------- helpers --- */

/* An envelope address: no controls, spaces or angle brackets (libcurl puts
 * it between <> on a command line). "" is allowed where `empty_ok`. */
static int addr_ok(const char *addr, int empty_ok)
{
	size_t n = addr ? strlen(addr) : 0;

	if (!addr || n > ADDR_MAX || (n == 0 && !empty_ok))
		return 0;
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

/* A host name or IP literal that cannot change the URL around it. */
static int host_ok(const char *host)
{
	size_t n = host ? strlen(host) : 0;

	return n > 0 && n <= HOST_MAX &&
	       strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") == n;
}

static void set_reason(char *reason, size_t reasonlen, const char *what)
{
	if (reasonlen)
		snprintf(reason, reasonlen, "%s", what);
}

/* The code of a reply line ("550 5.1.1 ..." -> 550), 0 when there is none.
 * Ours rather than CURLINFO_RESPONSE_CODE, which the QUIT after a refusal
 * overwrites with 221. */
static long reply_code(const char *reply)
{
	if (reply[0] < '1' || reply[0] > '5' || reply[1] < '0' || reply[1] > '9' ||
	    reply[2] < '0' || reply[2] > '9')
		return 0;
	return (reply[0] - '0') * 100 + (reply[1] - '0') * 10 + (reply[2] - '0');
}

/* 5xx replies about authentication: the account, not the message, is wrong
 * (RFC 4954: 530 auth required, 534 mechanism too weak, 535 bad
 * credentials, 538 encryption required). */
static int is_auth_code(long code)
{
	return code == 530 || code == 534 || code == 535 || code == 538;
}

/* libcurl's codes for "the server answered, and not with what we wanted" —
 * as opposed to no answer at all (timeouts, resets, TLS trouble). */
static int server_refused(CURLcode rc)
{
	return rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_WEIRD_SERVER_REPLY ||
	       rc == CURLE_LOGIN_DENIED || rc == CURLE_REMOTE_ACCESS_DENIED;
}

/* The outcome of a finished transfer; see smtp.h. */
static int classify(CURLcode rc, long code, enum stage stage)
{
	if (rc == CURLE_OK)
		return HD_SMTP_SENT;
	/* a refused login is fixed by an administrator; the message is fine */
	if (rc == CURLE_LOGIN_DENIED)
		return HD_SMTP_RETRY;
	/* libcurl reports a refused MAIL/RCPT/DATA as a send error and a refused
	 * end of data as a receive error or weird reply; anything else
	 * (timeouts, dropped connections) is transient whatever came before */
	if (!server_refused(rc) || code < 500 || code > 599 || is_auth_code(code))
		return HD_SMTP_RETRY;
	/* the sender is always the desk's configured address: a refused MAIL
	 * FROM ("553 sender not owned by user") is a setting to fix, unless
	 * it refuses the declared size */
	if (stage == STAGE_MESSAGE || (stage == STAGE_SENDER && code == 552))
		return HD_SMTP_PERMANENT;
	return HD_SMTP_RETRY;
}

/* --------------------------------------------------------------- session --- */

static int set_options(struct hd_smtp_session *s, const struct hd_smtp_conf *conf,
		       struct hd_err *err)
{
	CURL *c = s->curl;
	char url[HOST_MAX + 32];
	const char *scheme = conf->tls == HD_SMTP_TLS_IMPLICIT ? "smtps" : "smtp";
	int port = conf->port;
	int ipv6 = conf->host && strchr(conf->host, ':') != NULL;
	CURLcode rc = CURLE_OK;

	if (!host_ok(conf->host))
		return hd_err_set(err, HD_EINVAL, "smtp_host", "the SMTP host is not a host name");
	if (port < 0 || port > 65535)
		return hd_err_set(err, HD_EINVAL, "smtp_port", "the SMTP port must be 1 to 65535");
	if (port == 0)
		port = conf->tls == HD_SMTP_TLS_IMPLICIT ? 465
		       : conf->tls == HD_SMTP_TLS_STARTTLS ? 587
							   : 25;
	snprintf(url, sizeof(url), "%s://%s%s%s:%d", scheme, ipv6 ? "[" : "", conf->host,
		 ipv6 ? "]" : "", port);

	/* each call returns CURLE_OK or an error; the first error wins */
#define SETOPT(opt, val)                                                                           \
	do {                                                                                       \
		if (rc == CURLE_OK)                                                                \
			rc = curl_easy_setopt(c, opt, val);                                        \
	} while (0)
	SETOPT(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	SETOPT(CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_TIMEOUT_MS, conf->timeout_ms > 0 ? conf->timeout_ms : DEFAULT_TIMEOUT_MS);
	SETOPT(CURLOPT_ERRORBUFFER, s->errbuf);
	SETOPT(CURLOPT_UPLOAD, 1L);
	SETOPT(CURLOPT_READFUNCTION, on_read);
	SETOPT(CURLOPT_READDATA, s);
	SETOPT(CURLOPT_VERBOSE, 1L); /* feeds on_debug; nothing is printed */
	SETOPT(CURLOPT_DEBUGFUNCTION, on_debug);
	SETOPT(CURLOPT_DEBUGDATA, s);
	SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (conf->tls == HD_SMTP_TLS_STARTTLS)
		SETOPT(CURLOPT_USE_SSL, (long)CURLUSESSL_ALL); /* no STARTTLS: no mail */
	if (conf->insecure) {
		SETOPT(CURLOPT_SSL_VERIFYPEER, 0L);
		SETOPT(CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (conf->user) {
		SETOPT(CURLOPT_USERNAME, conf->user);
		SETOPT(CURLOPT_PASSWORD, conf->password ? conf->password : "");
	}
#undef SETOPT
	if (rc != CURLE_OK)
		return hd_err_set(err, HD_EIO, NULL, "libcurl refused an SMTP option: %s",
				  curl_easy_strerror(rc));
	return 0;
}

int hd_smtp_session_open(const struct hd_smtp_conf *conf, struct hd_smtp_session **out,
			 struct hd_err *err)
{
	struct hd_smtp_session *s = NULL;
	int rc;

	*out = NULL;
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return hd_err_set(err, HD_EIO, NULL, "libcurl could not start: %s",
				  curl_easy_strerror(curl_init_rc));
	s = calloc(1, sizeof(*s));
	if (!s)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	s->curl = curl_easy_init();
	if (!s->curl) {
		rc = hd_err_set(err, HD_EIO, NULL, "libcurl could not make a handle");
		goto out;
	}
	rc = set_options(s, conf, err);
out:
	if (rc) {
		hd_smtp_session_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int hd_smtp_session_send(struct hd_smtp_session *s, const char *from, const char *to,
			 const char *msg, size_t len, char *reason, size_t reasonlen)
{
	struct curl_slist *rcpt = NULL;
	char path[ADDR_MAX + 3];
	long code;
	CURLcode rc;
	int outcome;

	if (reasonlen)
		reason[0] = '\0';
	if (!addr_ok(to, 0)) {
		set_reason(reason, reasonlen, "the recipient address is not usable");
		return HD_SMTP_PERMANENT;
	}
	if (!addr_ok(from, 1)) {
		set_reason(reason, reasonlen, "the sender address is not usable");
		return HD_SMTP_RETRY;
	}

	s->data = msg;
	s->left = len;
	s->stage = STAGE_SESSION;
	s->quitting = 0;
	s->reply[0] = '\0';
	s->errbuf[0] = '\0';
	snprintf(path, sizeof(path), "<%s>", to);
	rcpt = curl_slist_append(NULL, path);
	if (!rcpt) {
		set_reason(reason, reasonlen, "out of memory");
		return HD_SMTP_RETRY;
	}
	snprintf(path, sizeof(path), "<%s>", from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, path); /* libcurl copies it */
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);

	rc = curl_easy_perform(s->curl);
	code = reply_code(s->reply);
	outcome = classify(rc, code, s->stage);

	/* the server's own words when it answered ("250 2.0.0 queued as ...",
	 * "550 5.1.1 no such user"), libcurl's when it did not */
	if (s->reply[0] && (rc == CURLE_OK || (server_refused(rc) && code >= 400)))
		set_reason(reason, reasonlen, s->reply);
	else
		set_reason(reason, reasonlen, s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));

	/* the list is ours; do not leave libcurl pointing at it */
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, (struct curl_slist *)NULL);
	curl_slist_free_all(rcpt);
	s->data = NULL;
	s->left = 0;
	return outcome;
}

void hd_smtp_session_close(struct hd_smtp_session *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl); /* sends QUIT on a live connection */
	free(s);
}

int hd_smtp_send(const struct hd_smtp_conf *conf, const char *from, const char *to,
		 const char *msg, size_t len, char *reason, size_t reasonlen)
{
	struct hd_smtp_session *s;
	struct hd_err err = {0};
	int outcome;

	if (hd_smtp_session_open(conf, &s, &err) != 0) {
		set_reason(reason, reasonlen, err.msg);
		return HD_SMTP_RETRY; /* configuration: an administrator fixes it */
	}
	outcome = hd_smtp_session_send(s, from, to, msg, len, reason, reasonlen);
	hd_smtp_session_close(s);
	return outcome;
}
