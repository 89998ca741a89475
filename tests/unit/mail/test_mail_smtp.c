/*
 * test_mail_smtp.c — mail/smtp: libcurl against a scripted SMTP server on
 * 127.0.0.1 (a thread in this process). The point is the classification:
 * which refusals are final and which are worth a retry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "mail/smtp.h"

#define IO_TIMEOUT_MS 5000
#define MAX_RCPT 8

/* ------------------------------------------------------ the fake server --- */

/* What the server answers (NULL: the usual positive reply) and what it saw. */
struct fake {
	/* script */
	const char *greeting;              /* whole reply, CRLF-separated lines */
	const char *ehlo;
	const char *auth;
	const char *mail;
	const char *rcpt[MAX_RCPT];        /* reply to the n-th RCPT overall */
	const char *eod;                   /* reply after the end of data */
	int silent;                        /* accept, then never say a word */
	int conns_to_serve;
	/* observed */
	int conns, rcpts, messages, auths;
	char mail_from[300], rcpt_to[300];
	char body[4096];                   /* the last message's DATA, as sent */
	size_t bodylen;
	/* plumbing */
	int fd;
	int port;
	pthread_t thread;
};

struct conn {
	int fd;
	char buf[8192];
	size_t len;
};

static void say(struct conn *c, const char *reply)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s\r\n", reply);

	(void)!send(c->fd, line, (size_t)n, MSG_NOSIGNAL);
}

/* One line without CRLF into `line`; 0 at EOF, error or timeout. */
static int read_line(struct conn *c, char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		ssize_t n;

		if (nl) {
			size_t n_line = (size_t)(nl - c->buf) + 1, keep = n_line;

			while (keep && (c->buf[keep - 1] == '\n' || c->buf[keep - 1] == '\r'))
				keep--;
			if (keep >= size)
				keep = size - 1;
			memcpy(line, c->buf, keep);
			line[keep] = '\0';
			memmove(c->buf, c->buf + n_line, c->len - n_line);
			c->len -= n_line;
			return 1;
		}
		if (c->len == sizeof(c->buf) || poll(&p, 1, IO_TIMEOUT_MS) != 1)
			return 0;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n <= 0)
			return 0;
		c->len += (size_t)n;
	}
}

static int is_cmd(const char *line, const char *verb)
{
	return !strncasecmp(line, verb, strlen(verb));
}

static void serve(struct fake *f, int fd)
{
	struct conn c = {.fd = fd};
	char line[1024];

	if (f->silent) {
		while (read_line(&c, line, sizeof(line)))
			;
		return;
	}
	say(&c, f->greeting ? f->greeting : "220 fake.test ESMTP");
	while (read_line(&c, line, sizeof(line))) {
		if (is_cmd(line, "EHLO") || is_cmd(line, "HELO")) {
			say(&c, f->ehlo ? f->ehlo : "250-fake.test\r\n250 8BITMIME");
		} else if (is_cmd(line, "AUTH")) {
			f->auths++;
			say(&c, f->auth ? f->auth : "235 2.7.0 ok");
		} else if (is_cmd(line, "MAIL FROM:")) {
			snprintf(f->mail_from, sizeof(f->mail_from), "%s", line + 10);
			say(&c, f->mail ? f->mail : "250 2.1.0 ok");
		} else if (is_cmd(line, "RCPT TO:")) {
			const char *r = f->rcpts < MAX_RCPT ? f->rcpt[f->rcpts] : NULL;
			f->rcpts++;
			snprintf(f->rcpt_to, sizeof(f->rcpt_to), "%s", line + 8);
			say(&c, r ? r : "250 2.1.5 ok");
		} else if (is_cmd(line, "DATA")) {
			f->bodylen = 0;
			say(&c, "354 go ahead");
			while (read_line(&c, line, sizeof(line)) && strcmp(line, ".") != 0) {
				int n = snprintf(f->body + f->bodylen, sizeof(f->body) - f->bodylen,
						 "%s\r\n", line);
				if (n > 0 && (size_t)n < sizeof(f->body) - f->bodylen)
					f->bodylen += (size_t)n;
			}
			f->messages++;
			say(&c, f->eod ? f->eod : "250 2.0.0 queued as FAKE1");
		} else if (is_cmd(line, "QUIT")) {
			say(&c, "221 2.0.0 bye");
			return;
		} else if (is_cmd(line, "RSET") || is_cmd(line, "NOOP")) {
			say(&c, "250 ok");
		} else {
			say(&c, "500 5.5.2 what?");
		}
	}
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;

	while (f->conns < f->conns_to_serve) {
		struct pollfd p = {.fd = f->fd, .events = POLLIN};
		int fd;

		if (poll(&p, 1, IO_TIMEOUT_MS) != 1)
			break;
		fd = accept(f->fd, NULL, NULL);
		if (fd < 0)
			break;
		f->conns++;
		serve(f, fd);
		close(fd);
	}
	return NULL;
}

/* A socket listening on 127.0.0.1 and its port. */
static int listen_local(int *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void fake_start(struct fake *f)
{
	if (!f->conns_to_serve)
		f->conns_to_serve = 1;
	f->fd = listen_local(&f->port);
	assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

/* Wait for the server to finish; what it saw is safe to read afterwards. */
static void fake_stop(struct fake *f)
{
	pthread_join(f->thread, NULL);
	close(f->fd);
}

/* ---------------------------------------------------------------- tests --- */

static const char MSG[] = "From: a@x.test\r\nTo: b@y.test\r\nSubject: hi\r\n\r\n"
			  "hello\r\n.a line starting with a dot\r\n";

static struct hd_smtp_conf conf_for(const struct fake *f)
{
	struct hd_smtp_conf c = {
		.host = "127.0.0.1",
		.port = f->port,
		.tls = HD_SMTP_TLS_NONE,
		.timeout_ms = IO_TIMEOUT_MS,
	};
	return c;
}

/* Run one hd_smtp_send against a fake with script `f`. */
static int send_one(struct fake *f, char *reason, size_t reasonlen)
{
	struct hd_smtp_conf conf;
	int outcome;

	fake_start(f);
	conf = conf_for(f);
	outcome = hd_smtp_send(&conf, "a@x.test", "b@y.test", MSG, sizeof(MSG) - 1, reason,
			       reasonlen);
	fake_stop(f);
	return outcome;
}

static void sent(void **state)
{
	struct fake f = {0};
	char reason[256];

	assert_int_equal(send_one(&f, reason, sizeof(reason)), HD_SMTP_SENT);
	assert_string_equal(reason, "250 2.0.0 queued as FAKE1");
	assert_int_equal(f.messages, 1);
	assert_string_equal(f.mail_from, "<a@x.test>");
	assert_string_equal(f.rcpt_to, "<b@y.test>");
	/* libcurl dot-stuffed the line that starts with a dot */
	assert_int_equal(f.bodylen, sizeof(MSG)); /* one more '.' */
	assert_memory_equal(f.body, "From: a@x.test\r\n", 16);
	assert_non_null(strstr(f.body, "\r\n..a line starting with a dot\r\n"));
}

static void null_sender(void **state)
{
	struct fake f = {0};
	struct hd_smtp_conf conf;
	char reason[256];

	fake_start(&f);
	conf = conf_for(&f);
	assert_int_equal(hd_smtp_send(&conf, "", "b@y.test", MSG, sizeof(MSG) - 1, reason,
				      sizeof(reason)),
			 HD_SMTP_SENT);
	fake_stop(&f);
	assert_string_equal(f.mail_from, "<>");
}

/* Data-driven: one scripted refusal each, and what heed must make of it. */
static void classification(void **state)
{
	static const struct {
		const char *name;
		struct fake script;
		int user; /* log in as someone */
		int outcome;
		const char *reason; /* prefix of the reason */
	} cases[] = {
		{"450 after data", {.eod = "450 4.2.0 mailbox busy"}, 0, HD_SMTP_RETRY, "450 4.2.0"},
		{"554 after data", {.eod = "554 5.6.0 rejected: spam"}, 0, HD_SMTP_PERMANENT, "554 5.6.0"},
		{"550 on RCPT", {.rcpt = {"550 5.1.1 no such user"}}, 0, HD_SMTP_PERMANENT, "550 5.1.1"},
		{"452 on RCPT", {.rcpt = {"452 4.2.2 over quota"}}, 0, HD_SMTP_RETRY, "452 4.2.2"},
		{"451 on MAIL", {.mail = "451 4.3.0 try later"}, 0, HD_SMTP_RETRY, "451 4.3.0"},
		{"553 on MAIL: our sender refused",
		 {.mail = "553 5.7.1 sender not owned by user"}, 0, HD_SMTP_RETRY, "553"},
		{"552 on MAIL: too large",
		 {.mail = "552 5.3.4 message size exceeds limit"}, 0, HD_SMTP_PERMANENT, "552"},
		{"530 on MAIL: auth required",
		 {.mail = "530 5.7.0 authentication required"}, 0, HD_SMTP_RETRY, "530"},
		{"554 greeting", {.greeting = "554 5.7.1 go away"}, 0, HD_SMTP_RETRY, "554 5.7.1"},
		{"421 greeting", {.greeting = "421 4.3.2 shutting down"}, 0, HD_SMTP_RETRY, "421"},
		{"535 on AUTH",
		 {.ehlo = "250-fake.test\r\n250 AUTH PLAIN", .auth = "535 5.7.8 bad credentials"},
		 1, HD_SMTP_RETRY, "535 5.7.8"},
		{"STARTTLS required, not offered", {.ehlo = "250 fake.test"}, 0, HD_SMTP_RETRY, ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f = cases[i].script;
		struct hd_smtp_conf conf;
		char reason[256];
		int outcome;

		fake_start(&f);
		conf = conf_for(&f);
		if (cases[i].user) {
			conf.user = "desk";
			conf.password = "wrong";
		}
		if (!strncmp(cases[i].name, "STARTTLS", 8))
			conf.tls = HD_SMTP_TLS_STARTTLS;
		outcome = hd_smtp_send(&conf, "a@x.test", "b@y.test", MSG, sizeof(MSG) - 1,
				       reason, sizeof(reason));
		fake_stop(&f);
		print_message("# %s: %d \"%s\"\n", cases[i].name, outcome, reason);
		assert_int_equal(outcome, cases[i].outcome);
		assert_true(!strncmp(reason, cases[i].reason, strlen(cases[i].reason)));
		assert_true(reason[0] != '\0');
		if (cases[i].outcome != HD_SMTP_SENT)
			assert_int_equal(f.messages, cases[i].script.eod ? 1 : 0);
	}
}

static void connection_refused(void **state)
{
	struct hd_smtp_conf conf = {.host = "127.0.0.1", .timeout_ms = IO_TIMEOUT_MS};
	char reason[256];
	int fd = listen_local(&conf.port);

	close(fd); /* nobody listens there now */
	assert_int_equal(hd_smtp_send(&conf, "a@x.test", "b@y.test", MSG, sizeof(MSG) - 1, reason,
				      sizeof(reason)),
			 HD_SMTP_RETRY);
	assert_true(reason[0] != '\0');
}

static void timeout(void **state)
{
	struct fake f = {.silent = 1};
	struct hd_smtp_conf conf;
	char reason[256];

	fake_start(&f);
	conf = conf_for(&f);
	conf.timeout_ms = 300;
	assert_int_equal(hd_smtp_send(&conf, "a@x.test", "b@y.test", MSG, sizeof(MSG) - 1, reason,
				      sizeof(reason)),
			 HD_SMTP_RETRY);
	fake_stop(&f);
	assert_non_null(strstr(reason, "imed out"));
}

/* Bad envelope addresses never reach the wire. */
static void bad_addresses(void **state)
{
	struct hd_smtp_conf conf = {.host = "127.0.0.1", .port = 1};
	char reason[256];

	assert_int_equal(hd_smtp_send(&conf, "a@x.test", "b@y.test>\r\nRCPT TO:<c@z.test", MSG,
				      sizeof(MSG) - 1, reason, sizeof(reason)),
			 HD_SMTP_PERMANENT);
	assert_int_equal(hd_smtp_send(&conf, "a@x.test", "", MSG, sizeof(MSG) - 1, reason,
				      sizeof(reason)),
			 HD_SMTP_PERMANENT);
	assert_int_equal(hd_smtp_send(&conf, "a b@x.test", "b@y.test", MSG, sizeof(MSG) - 1,
				      reason, sizeof(reason)),
			 HD_SMTP_RETRY);
	assert_non_null(strstr(reason, "sender"));
}

static void bad_conf(void **state)
{
	static const char *hosts[] = {"", "evil.test/path", "user@evil.test", "a b", NULL};
	struct hd_smtp_session *s = (struct hd_smtp_session *)&s;
	struct hd_err err = {0};
	char reason[256];

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		struct hd_smtp_conf conf = {.host = hosts[i], .port = 25};

		hd_err_clear(&err);
		assert_int_equal(hd_smtp_session_open(&conf, &s, &err), HD_EINVAL);
		assert_null(s);
		assert_string_equal(err.field, "smtp_host");
		assert_int_equal(hd_smtp_send(&conf, "a@x.test", "b@y.test", MSG, sizeof(MSG) - 1,
					      reason, sizeof(reason)),
				 HD_SMTP_RETRY);
		assert_non_null(strstr(reason, "host"));
	}
	{
		struct hd_smtp_conf conf = {.host = "localhost", .port = 70000};
		assert_int_equal(hd_smtp_session_open(&conf, &s, &err), HD_EINVAL);
	}
}

/* Three messages in a row go over one connection. */
static void session_reuses_the_connection(void **state)
{
	struct fake f = {.conns_to_serve = 1};
	struct hd_smtp_session *s;
	struct hd_smtp_conf conf;
	char reason[256];

	fake_start(&f);
	conf = conf_for(&f);
	assert_int_equal(hd_smtp_session_open(&conf, &s, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(hd_smtp_session_send(s, "a@x.test", "b@y.test", MSG,
						      sizeof(MSG) - 1, reason, sizeof(reason)),
				 HD_SMTP_SENT);
	hd_smtp_session_close(s);
	fake_stop(&f);
	assert_int_equal(f.conns, 1);
	assert_int_equal(f.messages, 3);
}

/* A refusal in the middle of a batch leaves the next send unaffected: the
 * refused transaction's connection is dropped and a fresh one is opened. */
static void session_recovers_after_a_refusal(void **state)
{
	struct fake f = {.conns_to_serve = 2, .rcpt = {NULL, "550 5.1.1 no such user"}};
	struct hd_smtp_session *s;
	struct hd_smtp_conf conf;
	char reason[256];

	fake_start(&f);
	conf = conf_for(&f);
	assert_int_equal(hd_smtp_session_open(&conf, &s, NULL), 0);
	assert_int_equal(hd_smtp_session_send(s, "a@x.test", "b@y.test", MSG, sizeof(MSG) - 1,
					      reason, sizeof(reason)),
			 HD_SMTP_SENT);
	assert_int_equal(hd_smtp_session_send(s, "a@x.test", "nobody@y.test", MSG, sizeof(MSG) - 1,
					      reason, sizeof(reason)),
			 HD_SMTP_PERMANENT);
	assert_string_equal(reason, "550 5.1.1 no such user");
	assert_int_equal(hd_smtp_session_send(s, "a@x.test", "c@y.test", MSG, sizeof(MSG) - 1,
					      reason, sizeof(reason)),
			 HD_SMTP_SENT);
	assert_string_equal(reason, "250 2.0.0 queued as FAKE1");
	hd_smtp_session_close(s);
	fake_stop(&f);
	assert_int_equal(f.messages, 2);
	assert_string_equal(f.rcpt_to, "<c@y.test>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sent),
		cmocka_unit_test(null_sender),
		cmocka_unit_test(classification),
		cmocka_unit_test(connection_refused),
		cmocka_unit_test(timeout),
		cmocka_unit_test(bad_addresses),
		cmocka_unit_test(bad_conf),
		cmocka_unit_test(session_reuses_the_connection),
		cmocka_unit_test(session_recovers_after_a_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
