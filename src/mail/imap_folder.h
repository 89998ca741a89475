/*
 * imap_folder.h — an IMAP folder name in the forms the protocol needs.
 *
 * A folder is configured in UTF-8 ("Entwürfe"). IMAP4rev1 names mailboxes in
 * modified UTF-7 (RFC 3501 5.1.3: "Entw&APw-rfe"); a command carries that as
 * a quoted string ("\"Entw&APw-rfe\""), and libcurl wants it as the escaped
 * path of an imap:// URL ("imap://host:143/Entw%26APw-rfe").
 *
 * These functions keep no state and need no libcurl handle. Outputs go into
 * buffers the caller owns: an hd_sbuf (the caller releases it) or a char
 * array with its size. Nothing is allocated that the caller must free.
 *
 * A name with CR, LF or any other control character, or with malformed
 * UTF-8, is refused: it must never reach a command line.
 */
#ifndef HD_MAIL_IMAP_FOLDER_H
#define HD_MAIL_IMAP_FOLDER_H

#include <stddef.h>

#include "util/sbuf.h"

/** Cap on a folder name in modified UTF-7, in bytes including the NUL:
 * hd_imap_folder_names() refuses a longer name with HD_ETOOBIG. */
#define HD_IMAP_FOLDER_MAX 1024

/** Append `folder` (UTF-8, NUL-terminated) to `out` as a modified UTF-7
 * mailbox name (RFC 3501 5.1.3): printable ASCII stays as is except "&",
 * which becomes "&-"; each run of other characters becomes "&", the base64
 * of its UTF-16BE (surrogate pairs above U+FFFF) with "," for "/" and no
 * "=" padding, then "-". The result is printable ASCII.
 *
 * 0 on success; HD_EINVAL for malformed UTF-8 or an ASCII control character
 * (U+0000..U+001F, U+007F); HD_ETOOBIG when `out`'s cap is reached (see
 * hd_sbuf_add). On failure `out` may hold part of the name: reset it. */
int hd_imap_folder_encode(const char *folder, struct hd_sbuf *out);

/** The folder name `folder` (UTF-8) in the two forms a command needs:
 *
 *  - `arg`: the modified UTF-7 name as an IMAP quoted string, with a "\"
 *    before each '"' and "\", NUL-terminated, at most `argsize` bytes
 *    including the NUL (the caller's array, e.g. for "EXAMINE %s");
 *  - `url`, unless it is NULL: `base` (e.g. "imap://host:143/") followed by
 *    the modified UTF-7 name percent-encoded by curl_easy_escape (everything
 *    but A-Z a-z 0-9 - . _ ~, so "/" too), at most `urlsize` bytes. `base`
 *    is only read when `url` is not NULL.
 *
 * 0 on success. HD_EINVAL for an empty name, a name hd_imap_folder_encode()
 * refuses, or a URL longer than `urlsize`; HD_ETOOBIG for a name whose
 * modified UTF-7 form passes HD_IMAP_FOLDER_MAX or whose quoted form does
 * not fit `argsize`; HD_ENOMEM when out of memory. On failure the contents
 * of `arg` and `url` are unspecified. */
int hd_imap_folder_names(const char *folder, const char *base, char *arg, size_t argsize, char *url,
                         size_t urlsize);

#endif
