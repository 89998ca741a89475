/*
 * config.c — settings from defaults, file, environment (see config.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/config.h"
#include "util/banned.h"

#define CONFIG_FILE_MAX (1 << 20)

void hd_config_defaults(struct hd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	c->workers = 0; /* one per core, decided by heed serve */
	c->readers = 64;
	c->cache_kib = 1024;
	snprintf(c->desk_name, sizeof(c->desk_name), "heed support");
	snprintf(c->mail_from, sizeof(c->mail_from), "support@localhost");
	c->max_email_bytes = 50ll << 20;
	c->autoreply_max = 10;
	c->autoreply_window_minutes = 180;
	c->autoclose_days = 7;
	c->smtp_port = 25;
	snprintf(c->smtp_tls, sizeof(c->smtp_tls), "none");
	c->outbox_give_up_hours = 48;
	c->outbox_retry_seconds = 30;
	c->first_response_minutes = 8 * 60;
	c->promise_remind_minutes = 30;
	c->callback_due_minutes = 4 * 60;
	c->max_body_bytes = 32ll << 20;
	c->max_attachment_bytes = 20ll << 20;
	snprintf(c->public_url, sizeof(c->public_url), "http://127.0.0.1:8080");
}

static int int_value(const char *key, const char *v, int64_t min, int64_t max, int64_t *out,
		     struct hd_err *err)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return hd_err_set(err, HD_EINVAL, key, "%s must be a whole number from %lld to %lld",
				  key, (long long)min, (long long)max);
	*out = n;
	return 0;
}

static int str_value(const char *key, const char *v, char *out, size_t len, struct hd_err *err)
{
	if (strlen(v) >= len)
		return hd_err_set(err, HD_EINVAL, key, "%s is longer than %zu characters", key,
				  len - 1);
	snprintf(out, len, "%s", v);
	return 0;
}

static int listen_value(const char *v, char *out, size_t len, struct hd_err *err)
{
	const char *colon = strrchr(v, ':');
	int64_t port;

	if (!colon || colon == v ||
	    int_value("listen", colon + 1, 0, 65535, &port, NULL) != 0)
		return hd_err_set(err, HD_EINVAL, "listen",
				  "listen must be host:port, e.g. 127.0.0.1:8080");
	return str_value("listen", v, out, len, err);
}

static int tls_value(const char *key, const char *v, char *out, size_t len, struct hd_err *err)
{
	if (strcmp(v, "none") && strcmp(v, "starttls") && strcmp(v, "tls"))
		return hd_err_set(err, HD_EINVAL, key, "%s must be none, starttls or tls", key);
	return str_value(key, v, out, len, err);
}

/* "mailbox.<name>.<field>": one IMAP mailbox, created on first mention. */
static int mailbox_value(struct hd_config *c, const char *key, const char *v, struct hd_err *err)
{
	const char *name = key + 8, *dot = strchr(name, '.'), *field;
	struct hd_mailbox_conf *m = NULL;
	size_t n = dot ? (size_t)(dot - name) : 0;

	if (!n || n >= sizeof(m->name) || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return hd_err_set(err, HD_EINVAL, key,
				  "a mailbox setting is mailbox.<name>.<field> with a name of "
				  "lower-case letters, digits, - and _");
	field = dot + 1;
	for (int i = 0; i < c->nmailboxes && !m; i++)
		if (strlen(c->mailboxes[i].name) == n && !strncmp(c->mailboxes[i].name, name, n))
			m = &c->mailboxes[i];
	if (!m) {
		if (c->nmailboxes == (int)(sizeof(c->mailboxes) / sizeof(c->mailboxes[0])))
			return hd_err_set(err, HD_EINVAL, key, "at most %d mailboxes",
					  c->nmailboxes);
		m = &c->mailboxes[c->nmailboxes++];
		memset(m, 0, sizeof(*m));
		memcpy(m->name, name, n);
		m->port = 993;
		snprintf(m->tls, sizeof(m->tls), "tls");
		snprintf(m->folder, sizeof(m->folder), "INBOX");
		m->poll_ms = 1000;
	}
	if (!strcmp(field, "host"))
		return str_value(key, v, m->host, sizeof(m->host), err);
	if (!strcmp(field, "port"))
		return int_value(key, v, 1, 65535, &m->port, err);
	if (!strcmp(field, "tls"))
		return tls_value(key, v, m->tls, sizeof(m->tls), err);
	if (!strcmp(field, "insecure"))
		return int_value(key, v, 0, 1, &m->insecure, err);
	if (!strcmp(field, "user"))
		return str_value(key, v, m->user, sizeof(m->user), err);
	if (!strcmp(field, "password"))
		return str_value(key, v, m->password, sizeof(m->password), err);
	if (!strcmp(field, "password_command"))
		return str_value(key, v, m->password_command, sizeof(m->password_command), err);
	if (!strcmp(field, "folder"))
		return str_value(key, v, m->folder, sizeof(m->folder), err);
	if (!strcmp(field, "team"))
		return str_value(key, v, m->team, sizeof(m->team), err);
	if (!strcmp(field, "move_to"))
		return str_value(key, v, m->move_to, sizeof(m->move_to), err);
	if (!strcmp(field, "poll_ms"))
		return int_value(key, v, 50, 3600000, &m->poll_ms, err);
	return hd_err_set(err, HD_EINVAL, key, "unknown mailbox setting \"%s\"", field);
}

int hd_config_set(struct hd_config *c, const char *key, const char *value, struct hd_err *err)
{
	int64_t n = 0;
	int rc;

	if (!strcmp(key, "listen"))
		return listen_value(value, c->listen, sizeof(c->listen), err);
	if (!strcmp(key, "desk_name"))
		return str_value(key, value, c->desk_name, sizeof(c->desk_name), err);
	if (!strcmp(key, "public_url"))
		return str_value(key, value, c->public_url, sizeof(c->public_url), err);
	if (!strcmp(key, "workers")) {
		rc = int_value(key, value, 0, 1024, &n, err);
		c->workers = rc ? c->workers : (int)n;
		return rc;
	}
	if (!strcmp(key, "readers")) {
		rc = int_value(key, value, 1, 1024, &n, err);
		c->readers = rc ? c->readers : (int)n;
		return rc;
	}
	if (!strcmp(key, "cache_kib"))
		return int_value(key, value, 64, 16ll << 20, &c->cache_kib, err);
	if (!strcmp(key, "first_response_minutes"))
		return int_value(key, value, 1, 525600, &c->first_response_minutes, err);
	if (!strcmp(key, "promise_remind_minutes"))
		return int_value(key, value, 0, 10080, &c->promise_remind_minutes, err);
	if (!strcmp(key, "callback_due_minutes"))
		return int_value(key, value, 1, 525600, &c->callback_due_minutes, err);
	if (!strcmp(key, "max_body_bytes"))
		return int_value(key, value, 1024, 1ll << 30, &c->max_body_bytes, err);
	if (!strcmp(key, "max_attachment_bytes"))
		return int_value(key, value, 1024, 1ll << 30, &c->max_attachment_bytes, err);
	if (!strcmp(key, "mail_from")) {
		rc = str_value(key, value, c->mail_from, sizeof(c->mail_from), err);
		if (!rc && (!strchr(c->mail_from, '@') || strpbrk(c->mail_from, " <>\t")))
			rc = hd_err_set(err, HD_EINVAL, key,
					"mail_from must be a bare address like support@example.com");
		return rc;
	}
	if (!strcmp(key, "mail_domain"))
		return str_value(key, value, c->mail_domain, sizeof(c->mail_domain), err);
	if (!strcmp(key, "max_email_bytes"))
		return int_value(key, value, 1024, 1ll << 31, &c->max_email_bytes, err);
	if (!strcmp(key, "autoreply_max"))
		return int_value(key, value, 1, 1000000, &c->autoreply_max, err);
	if (!strcmp(key, "autoclose_days"))
		return int_value(key, value, 1, 365, &c->autoclose_days, err);
	if (!strcmp(key, "autoreply_window_minutes"))
		return int_value(key, value, 1, 525600, &c->autoreply_window_minutes, err);
	if (!strcmp(key, "smtp_host"))
		return str_value(key, value, c->smtp_host, sizeof(c->smtp_host), err);
	if (!strcmp(key, "smtp_port"))
		return int_value(key, value, 1, 65535, &c->smtp_port, err);
	if (!strcmp(key, "smtp_tls"))
		return tls_value(key, value, c->smtp_tls, sizeof(c->smtp_tls), err);
	if (!strcmp(key, "smtp_user"))
		return str_value(key, value, c->smtp_user, sizeof(c->smtp_user), err);
	if (!strcmp(key, "smtp_password"))
		return str_value(key, value, c->smtp_password, sizeof(c->smtp_password), err);
	if (!strcmp(key, "smtp_insecure"))
		return int_value(key, value, 0, 1, &c->smtp_insecure, err);
	if (!strcmp(key, "outbox_give_up_hours"))
		return int_value(key, value, 1, 24 * 365, &c->outbox_give_up_hours, err);
	if (!strcmp(key, "outbox_retry_seconds"))
		return int_value(key, value, 1, 3600, &c->outbox_retry_seconds, err);
	if (!strncmp(key, "mailbox.", 8))
		return mailbox_value(c, key, value, err);
	return hd_err_set(err, HD_EINVAL, key, "unknown setting \"%s\"", key);
}

/* Copy s[0..n) trimmed into out (size len). 0, or -1 when it does not fit. */
static int trimmed(const char *s, size_t n, char *out, size_t len)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (n >= len)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int hd_config_parse(struct hd_config *c, const char *text, size_t len, struct hd_err *err)
{
	size_t i = 0;
	int line = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		const char *s = text + i, *eq, *hash;
		char key[64], value[512];
		struct hd_err e = { 0 };

		line++;
		i += n + (nl ? 1 : 0);
		/* '#' starts a comment, except inside a quoted value: a value that
		 * starts with '"' runs to the last '"' on the line. */
		eq = memchr(s, '=', n);
		hash = memchr(s, '#', n);
		if (eq && (!hash || hash > eq)) {
			const char *v = eq + 1, *end = s + n;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if (v < end && *v == '"') {
				const char *last = end - 1;

				while (last > v && *last != '"')
					last--;
				if (last > v)
					hash = memchr(last, '#', (size_t)(end - last));
			}
		}
		if (hash)
			n = (size_t)(hash - s);
		if (memchr(s, '\0', n))
			return hd_err_set(err, HD_EINVAL, NULL, "line %d: contains a NUL byte", line);
		if (trimmed(s, n, value, sizeof(value)) == 0 && value[0] == '\0')
			continue;
		eq = memchr(s, '=', n);
		if (!eq)
			return hd_err_set(err, HD_EINVAL, NULL, "line %d: expected key = value", line);
		if (trimmed(s, (size_t)(eq - s), key, sizeof(key)) || !key[0])
			return hd_err_set(err, HD_EINVAL, NULL, "line %d: bad key", line);
		if (trimmed(eq + 1, n - (size_t)(eq + 1 - s), value, sizeof(value)))
			return hd_err_set(err, HD_EINVAL, NULL, "line %d: value too long", line);
		if (hd_config_set(c, key, value, &e))
			return hd_err_set(err, HD_EINVAL, e.field, "line %d: %s", line, e.msg);
	}
	return 0;
}

int hd_config_load(struct hd_config *c, const char *path, struct hd_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;
	int rc = 0;

	if (!f)
		return errno == ENOENT ? 0
				       : hd_err_set(err, HD_EIO, NULL, "cannot read %s: %s", path,
						    strerror(errno));
	buf = malloc(CONFIG_FILE_MAX);
	if (!buf) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	n = fread(buf, 1, CONFIG_FILE_MAX, f);
	if (n == CONFIG_FILE_MAX) {
		rc = hd_err_set(err, HD_ETOOBIG, NULL, "%s is larger than 1 MiB", path);
		goto out;
	}
	rc = hd_config_parse(c, buf, n, err);
out:
	free(buf);
	fclose(f);
	return rc;
}

int hd_config_env(struct hd_config *c, struct hd_err *err)
{
	static const char *const keys[] = { "listen",        "workers",
					     "readers",       "cache_kib",
					     "desk_name",     "first_response_minutes",
					     "max_body_bytes", "max_attachment_bytes",
					     "public_url",    "mail_from",
					     "mail_domain",   "max_email_bytes",
					     "autoreply_max", "autoreply_window_minutes",
					     "smtp_host",     "smtp_port",
					     "smtp_tls",      "smtp_user",
					     "smtp_password", "smtp_insecure",
					     "outbox_give_up_hours", "outbox_retry_seconds",
					     "promise_remind_minutes", "callback_due_minutes",
					     "autoclose_days" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char name[64];
		const char *v;
		size_t o = 0;

		o += (size_t)snprintf(name, sizeof(name), "HEED_");
		for (const char *k = keys[i]; *k && o + 1 < sizeof(name); k++)
			name[o++] = (char)toupper((unsigned char)*k);
		name[o] = '\0';
		v = getenv(name);
		if (v && hd_config_set(c, keys[i], v, err))
			return HD_EINVAL;
	}
	return 0;
}

void hd_config_format(const struct hd_config *c, char *out, size_t len)
{
	snprintf(out, len,
		 "# heed settings. Environment variables HEED_<KEY> and command-line flags\n"
		 "# override these. See `heed serve --help`.\n"
		 "listen = %s\n"
		 "# HTTP I/O threads; 0: one per core\n"
		 "workers = %d\n"
		 "readers = %d\n"
		 "cache_kib = %lld\n"
		 "desk_name = \"%s\"\n"
		 "public_url = %s\n"
		 "# the first-response target when no SLA policy matches a ticket\n"
		 "first_response_minutes = %lld\n"
		 "# a solved ticket nobody confirms closes (unconfirmed) after this many days\n"
		 "autoclose_days = %lld\n"
		 "max_body_bytes = %lld\n"
		 "max_attachment_bytes = %lld\n"
		 "\n# E-mail (docs/mail.md). The desk's address, used as From:\n"
		 "mail_from = %s\n"
		 "# Outbound SMTP; with no smtp_host mail stays queued in the outbox.\n"
		 "# smtp_host = 127.0.0.1\n"
		 "# smtp_port = 25\n"
		 "# smtp_tls = none   # none | starttls | tls\n"
		 "# An IMAP mailbox to fetch from (any number, each with its own name):\n"
		 "# mailbox.support.host = imap.example.com\n"
		 "# mailbox.support.user = support@example.com\n"
		 "# mailbox.support.password_command = cat /etc/heed/imap-password\n"
		 "# mailbox.support.team = Support\n",
		 c->listen, c->workers, c->readers, (long long)c->cache_kib, c->desk_name,
		 c->public_url, (long long)c->first_response_minutes, (long long)c->autoclose_days,
		 (long long)c->max_body_bytes, (long long)c->max_attachment_bytes, c->mail_from);
}
