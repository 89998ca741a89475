/*
 * sbuf.h — a growable string with a maximum size.
 *
 * Invariants: `buf` is never NULL and is always NUL-terminated; `len` is the
 * length without the NUL. Every sbuf has a cap (`max`, in bytes including the
 * NUL): an append that would pass it fails with HD_ETOOBIG and leaves the
 * buffer unchanged, so hostile input can never make one grow without bound.
 */
#ifndef HD_SBUF_H
#define HD_SBUF_H

#include <stddef.h>

struct hd_sbuf {
	char *buf;
	size_t len;
	size_t cap; /* 0 while buf points at the shared empty string */
	size_t max;
};

/** An empty buffer that may grow to `max` bytes. Allocates nothing yet. */
void hd_sbuf_init(struct hd_sbuf *sb, size_t max);

/** Free the storage; the buffer is empty again and still usable. */
void hd_sbuf_release(struct hd_sbuf *sb);

/** Hand the storage to the caller, who now owns it and frees it with free();
 * the buffer is empty again. Never returns NULL (an empty buffer yields a
 * fresh malloc'd ""), except when out of memory. */
char *hd_sbuf_detach(struct hd_sbuf *sb, size_t *len);

/** Append `n` bytes of `s`. 0, HD_ETOOBIG or HD_ENOMEM. */
int hd_sbuf_add(struct hd_sbuf *sb, const void *s, size_t n);

/** Append the NUL-terminated `s`. */
int hd_sbuf_adds(struct hd_sbuf *sb, const char *s);

/** Append printf-formatted text. */
int hd_sbuf_addf(struct hd_sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Make the buffer empty without freeing its storage. */
void hd_sbuf_reset(struct hd_sbuf *sb);

#endif
