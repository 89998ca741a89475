/*
 * html_safe.h — the HTML body of an e-mail made safe to show to an agent.
 *
 * Mail HTML is hostile by default: scripts, event handlers, javascript:
 * links, forms, remote images that tell the sender when and where a mail
 * was read. heed shows it in a sandboxed iframe under a Content-Security-
 * Policy that runs no script and loads nothing remote (http/h_misc.c); this
 * module is the second wall: it parses the HTML with libxml2's HTML parser
 * (lenient, as mail HTML needs) and writes a new document with only what a
 * person reads:
 *  - elements on an allow-list of text, list, table and formatting
 *    elements are kept; dangerous ones (script, style sheets that are not
 *    inline, iframe, object, embed, form and its controls, meta, base, link,
 *    svg, math, template, audio, video, frames) are dropped with their
 *    content; any other element is unwrapped (its content kept);
 *  - attributes are kept only from an allow-list (presentation, alt,
 *    title, colspan...); every on* handler and every style with url() or
 *    expression() is dropped;
 *  - a link keeps its href only for http, https and mailto, and opens in a
 *    new window without referrer; any other scheme is removed;
 *  - an image keeps a data:image/ source; a remote (http/https) source is
 *    kept only when `images` is set (the agent asked for images), otherwise
 *    moved to data-heed-src and counted in `*blocked`;
 *  - comments, processing instructions and the document head go.
 * Output is a whole UTF-8 document. Pure with respect to heed's state (no
 * I/O); libxml2 does the parsing.
 */
#ifndef HD_MAIL_HTML_SAFE_H
#define HD_MAIL_HTML_SAFE_H

#include <stddef.h>

#include "util/sbuf.h"

/** Append the safe document made from `html[0..len)` to `out`; `*blocked`
 * (may be NULL) receives how many remote images were held back. 0, or
 * HD_ETOOBIG / HD_ENOMEM from `out`. Never fails on bad HTML: what cannot
 * be parsed is left out. */
int hd_html_safe(const char *html, size_t len, int images, struct hd_sbuf *out, int *blocked);

#endif
