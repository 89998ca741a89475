/*
 * sbuf.c — growable string with a cap (see sbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/sbuf.h"
#include "util/banned.h"

static char sbuf_empty[1];

void hd_sbuf_init(struct hd_sbuf *sb, size_t max)
{
	sb->buf = sbuf_empty;
	sb->len = 0;
	sb->cap = 0;
	sb->max = max;
}

void hd_sbuf_release(struct hd_sbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	hd_sbuf_init(sb, sb->max);
}

char *hd_sbuf_detach(struct hd_sbuf *sb, size_t *len)
{
	char *p = sb->cap ? sb->buf : calloc(1, 1);

	if (len)
		*len = sb->len;
	hd_sbuf_init(sb, sb->max);
	return p;
}

void hd_sbuf_reset(struct hd_sbuf *sb)
{
	sb->len = 0;
	sb->buf[0] = '\0';
}

static int sbuf_grow(struct hd_sbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1, cap;
	char *p;

	if (want < extra || want > sb->max)
		return HD_ETOOBIG;
	if (want <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 64;
	while (cap < want)
		cap *= 2;
	if (cap > sb->max)
		cap = sb->max;
	p = sb->cap ? realloc(sb->buf, cap) : malloc(cap);
	if (!p)
		return HD_ENOMEM;
	if (!sb->cap)
		p[0] = '\0';
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

int hd_sbuf_add(struct hd_sbuf *sb, const void *s, size_t n)
{
	int rc = sbuf_grow(sb, n);

	if (rc)
		return rc;
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int hd_sbuf_adds(struct hd_sbuf *sb, const char *s)
{
	return hd_sbuf_add(sb, s, strlen(s));
}

int hd_sbuf_addf(struct hd_sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return HD_EINVAL;
	rc = sbuf_grow(sb, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}
