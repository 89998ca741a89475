/*
 * quote.h — what the sender of a reply actually wrote.
 *
 * Replies carry the whole conversation below the new words. An agent reading
 * a ticket wants only the new words, so the display text of an inbound
 * message is its text with the history and the signature cut off. The cut is
 * made at the first line, outside quoted ('>') text, that is one of:
 *  - a signature separator ("-- ", also "--" as clients trim it);
 *  - a mobile or client footer ("Sent from my iPhone", "Get Outlook for
 *    Android", "Von meinem iPhone gesendet", "Envoyé de mon iPad", ...);
 *  - an Outlook separator ("-----Original Message-----" and its German and
 *    French forms, or a line of 20 or more underscores);
 *  - an Outlook header block: "From:" (or "Von:", "De :") followed within
 *    three lines by "Sent:" / "Date:" (or "Gesendet:", "Envoyé :");
 *  - an attribution: "On <date>, <name> wrote:" (possibly wrapped onto a
 *    second line), "Am ... schrieb ...:", "Le ... a écrit :", "El ...
 *    escribió:", "Op ... schreef ...:", or any short line ending in "wrote:"
 *    directly followed by quoted lines -- unless the text after it mixes
 *    quoted lines and new lines: that is an interleaved reply, which is kept.
 * (A signature or footer cuts only when no forwarded message follows it.)
 * Then a trailing block of quoted and blank lines is dropped, so an
 * interleaved reply keeps its questions and answers but not the untouched
 * rest of the quote. Line ends become "\n"; leading and trailing blank lines
 * go. A forwarded message ("---------- Forwarded message ---------",
 * "Begin forwarded message:") is content, never history: when one starts
 * before any cut, the whole text is kept. So is the original text when
 * nothing would remain (the whole message is quoted, or starts with its
 * signature). The display text is never longer than the text.
 * Pure: no I/O, no allocation except in `out`.
 */
#ifndef HD_DOMAIN_QUOTE_H
#define HD_DOMAIN_QUOTE_H

#include <stddef.h>

#include "util/sbuf.h"

/** Append the display text of the message text `text[0..len)` (UTF-8, need
 * not be NUL-terminated) to `out`. 0, or HD_ETOOBIG / HD_ENOMEM from `out`. */
int hd_quote_strip(const char *text, size_t len, struct hd_sbuf *out);

#endif
