/*
 * jsonw.c — streaming JSON writer (see jsonw.h).
 */
#include <stdio.h>
#include <string.h>

#include "http/jsonw.h"
#include "util/timeutil.h"
#include "util/banned.h"

void hd_jw_init(struct hd_jw *w, size_t max)
{
	hd_sbuf_init(&w->sb, max);
	w->depth = 0;
	w->first[0] = 1;
	w->failed = 0;
}

void hd_jw_release(struct hd_jw *w)
{
	hd_sbuf_release(&w->sb);
}

static void put(struct hd_jw *w, const char *s, size_t n)
{
	if (!w->failed && hd_sbuf_add(&w->sb, s, n))
		w->failed = 1;
}

/* Before a value: a comma unless it is the first at this level (a value
 * after a key never needs one: hd_jw_key wrote it). */
static void sep(struct hd_jw *w)
{
	if (w->first[w->depth])
		w->first[w->depth] = 0;
	else
		put(w, ",", 1);
}

static void open_(struct hd_jw *w, const char *c)
{
	sep(w);
	put(w, c, 1);
	if (w->depth + 1 < HD_JW_DEPTH)
		w->first[++w->depth] = 1;
	else
		w->failed = 1;
}

static void close_(struct hd_jw *w, const char *c)
{
	put(w, c, 1);
	if (w->depth > 0)
		w->depth--;
}

void hd_jw_obj(struct hd_jw *w)
{
	open_(w, "{");
}

void hd_jw_obj_end(struct hd_jw *w)
{
	close_(w, "}");
}

void hd_jw_arr(struct hd_jw *w)
{
	open_(w, "[");
}

void hd_jw_arr_end(struct hd_jw *w)
{
	close_(w, "]");
}

static void escaped(struct hd_jw *w, const char *s)
{
	const char *run = s;

	put(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(w, esc, 6);
			break;
		}
	}
	put(w, run, (size_t)(s - run));
	put(w, "\"", 1);
}

void hd_jw_key(struct hd_jw *w, const char *key)
{
	sep(w);
	escaped(w, key);
	put(w, ":", 1);
	w->first[w->depth] = 1; /* the value after a key takes no comma... */
}

/* ...and the member after it does: mark the level as written. */
static void value_done(struct hd_jw *w)
{
	w->first[w->depth] = 0;
}

void hd_jw_str(struct hd_jw *w, const char *s)
{
	sep(w);
	if (s)
		escaped(w, s);
	else
		put(w, "null", 4);
	value_done(w);
}

void hd_jw_int(struct hd_jw *w, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);

	sep(w);
	put(w, buf, (size_t)n);
	value_done(w);
}

void hd_jw_bool(struct hd_jw *w, int v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
	value_done(w);
}

void hd_jw_null(struct hd_jw *w)
{
	sep(w);
	put(w, "null", 4);
	value_done(w);
}

void hd_jw_double(struct hd_jw *w, double v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%.17g", v);

	sep(w);
	if (v != v || n <= 0 || strchr(buf, 'n') || strchr(buf, 'i'))
		put(w, "null", 4); /* NaN and infinities are not JSON */
	else
		put(w, buf, (size_t)n);
	value_done(w);
}

void hd_jw_id(struct hd_jw *w, int64_t id)
{
	if (id)
		hd_jw_int(w, id);
	else
		hd_jw_null(w);
}

void hd_jw_time(struct hd_jw *w, int64_t ms)
{
	char buf[HD_RFC3339_LEN];

	hd_jw_str(w, ms ? hd_time_format(ms, buf) : NULL);
}

void hd_jw_raw(struct hd_jw *w, const char *json)
{
	sep(w);
	if (json && json[0])
		put(w, json, strlen(json));
	else
		put(w, "{}", 2);
	value_done(w);
}

void hd_jw_kstr(struct hd_jw *w, const char *key, const char *s)
{
	hd_jw_key(w, key);
	hd_jw_str(w, s);
}

void hd_jw_kint(struct hd_jw *w, const char *key, int64_t v)
{
	hd_jw_key(w, key);
	hd_jw_int(w, v);
}

void hd_jw_kid(struct hd_jw *w, const char *key, int64_t id)
{
	hd_jw_key(w, key);
	hd_jw_id(w, id);
}

void hd_jw_ktime(struct hd_jw *w, const char *key, int64_t ms)
{
	hd_jw_key(w, key);
	hd_jw_time(w, ms);
}

void hd_jw_kbool(struct hd_jw *w, const char *key, int v)
{
	hd_jw_key(w, key);
	hd_jw_bool(w, v);
}
