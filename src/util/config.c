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
	c->first_response_minutes = 8 * 60;
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
	if (!strcmp(key, "max_body_bytes"))
		return int_value(key, value, 1024, 1ll << 30, &c->max_body_bytes, err);
	if (!strcmp(key, "max_attachment_bytes"))
		return int_value(key, value, 1024, 1ll << 30, &c->max_attachment_bytes, err);
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
					     "public_url" };

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
		 "# promised to customers in the acknowledgement until SLA policies exist\n"
		 "first_response_minutes = %lld\n"
		 "max_body_bytes = %lld\n"
		 "max_attachment_bytes = %lld\n",
		 c->listen, c->workers, c->readers, (long long)c->cache_kib, c->desk_name,
		 c->public_url, (long long)c->first_response_minutes,
		 (long long)c->max_body_bytes, (long long)c->max_attachment_bytes);
}
