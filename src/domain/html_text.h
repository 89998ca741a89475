/*
 * html_text.h — readable plain text from the HTML body of an e-mail.
 *
 * Used when a message carries no text/plain alternative, so that search,
 * previews, quote stripping and acknowledgements always have words to work
 * on. This is not an HTML parser and never renders: one pass over the bytes
 * that keeps what a person reads and the line structure they see:
 *  - the content of <head>, <script>, <style>, <title>, <template> and
 *    comments is dropped;
 *  - block elements (p, div, li, tr, h1-h6, table, blockquote, ...) and <br>
 *    become line breaks, at most one blank line in a row; list items start
 *    with "- "; table cells are separated by a space;
 *  - text inside <blockquote> is prefixed with "> " per level, so that quoted
 *    history in an HTML-only reply looks like quoted history in plain text;
 *  - white space collapses to one space except inside <pre>;
 *  - character references are decoded: the common named ones (&amp; &lt;
 *    &gt; &quot; &apos; &nbsp; &copy; ...), decimal and hexadecimal numeric
 *    ones (invalid code points become U+FFFD); unknown names stay as written.
 * Pure: no I/O; the only memory it touches is `out`, whose cap bounds it.
 */
#ifndef HD_DOMAIN_HTML_TEXT_H
#define HD_DOMAIN_HTML_TEXT_H

#include <stddef.h>

#include "util/sbuf.h"

/** Append the readable text of `html[0..len)` to `out`, without leading or
 * trailing blank lines. `html` need not be NUL-terminated; when it is valid
 * UTF-8 the output is too. 0, or HD_ETOOBIG / HD_ENOMEM from `out` (which
 * then holds a partial result the caller should discard). */
int hd_html_to_text(const char *html, size_t len, struct hd_sbuf *out);

#endif
