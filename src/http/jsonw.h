/*
 * jsonw.h — a streaming JSON writer for responses.
 *
 * Building a jansson tree for every record and then serialising it cost
 * more than half the CPU of a ticket list (one allocation per value, a hash
 * table per object). Responses are written straight into one growing buffer
 * instead; request bodies are still parsed with jansson.
 *
 * Commas and nesting are tracked here, so callers only say what comes next.
 * Strings are escaped as RFC 8259 requires (", \ and control characters);
 * they must be UTF-8, which everything heed stores is (validated at the
 * edge). A write past the buffer's cap sets `failed` and is dropped.
 */
#ifndef HD_HTTP_JSONW_H
#define HD_HTTP_JSONW_H

#include <stdint.h>

#include "util/sbuf.h"

#define HD_JW_DEPTH 32

struct hd_jw {
	struct hd_sbuf sb;
	int depth;
	unsigned char first[HD_JW_DEPTH]; /* no member written yet at this level */
	int failed;
};

/** Start an empty document (at most `max` bytes). */
void hd_jw_init(struct hd_jw *w, size_t max);
/** Free the buffer. */
void hd_jw_release(struct hd_jw *w);

void hd_jw_obj(struct hd_jw *w);     /* { */
void hd_jw_obj_end(struct hd_jw *w); /* } */
void hd_jw_arr(struct hd_jw *w);     /* [ */
void hd_jw_arr_end(struct hd_jw *w); /* ] */

/** A member name inside an object; the value follows. */
void hd_jw_key(struct hd_jw *w, const char *key);

void hd_jw_str(struct hd_jw *w, const char *s); /* NULL writes null */
void hd_jw_int(struct hd_jw *w, int64_t v);
void hd_jw_bool(struct hd_jw *w, int v);
void hd_jw_null(struct hd_jw *w);
void hd_jw_double(struct hd_jw *w, double v);
/** An id, or null when 0. */
void hd_jw_id(struct hd_jw *w, int64_t id);
/** An RFC 3339 instant, or null when 0. */
void hd_jw_time(struct hd_jw *w, int64_t ms);
/** Already-serialised JSON (heed's own, e.g. event data); "{}" when NULL. */
void hd_jw_raw(struct hd_jw *w, const char *json);

/* key + value in one call */
void hd_jw_kstr(struct hd_jw *w, const char *key, const char *s);
void hd_jw_kint(struct hd_jw *w, const char *key, int64_t v);
void hd_jw_kid(struct hd_jw *w, const char *key, int64_t id);
void hd_jw_ktime(struct hd_jw *w, const char *key, int64_t ms);
void hd_jw_kbool(struct hd_jw *w, const char *key, int v);

#endif
