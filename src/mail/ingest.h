/*
 * ingest.h — one incoming e-mail from bytes to a stored ticket message.
 *
 * Both doors for mail (heed mailgate on stdin, the IMAP fetcher) come
 * through here: parse (GMime), decide what the domain decides without the
 * database (automatic mail, ticket tag, plus-address), write the attachments
 * as blobs, then hand the result to the store, which keeps the raw message,
 * deduplicates, threads and writes it in one transaction. A message heed
 * will never accept is quarantined with the reason instead: nothing is
 * dropped.
 */
#ifndef HD_MAIL_INGEST_H
#define HD_MAIL_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

struct hd_ingest_opts {
	const char *desk_addr;   /* the desk's address (mail_from): never a participant */
	const char *team_name;   /* team of new tickets; NULL: none */
	int internal;            /* store as an internal note (mailgate --action note) */
	size_t max_bytes;        /* cap on one message */
	const char *source;      /* "mailgate", "imap:<mailbox>": recorded on quarantine */
};

/** Parse `raw` and write its attachment blobs, filling `out` (strings in
 * `a`; out->raw points at `raw`, which must stay valid until the store has
 * it) for hd_store_mail_ingest. HD_EINVAL / HD_ETOOBIG (reason in `err`) for a
 * message heed will never accept; HD_EIO when a blob could not be written. */
int hd_mail_prepare(struct hd_store *st, const struct hd_ingest_opts *o, const void *raw,
		    size_t len, struct hd_mail_new *out, struct hd_arena *a, struct hd_err *err);

/** Whether `rc` (of hd_mail_prepare or the store) means "this message will
 * never be accepted" (quarantine it), as opposed to "not now" (try again). */
int hd_mail_refused(int rc);

/** Keep `raw` in the quarantine with `reason`; `*id` its quarantine id. */
int hd_mail_quarantine(struct hd_store *st, const struct hd_ingest_opts *o, const void *raw,
		       size_t len, const char *reason, int64_t *id, struct hd_err *err);

/** Prepare and store one message. 0: stored (or a duplicate, see
 * res->outcome) and durable. HD_EINVAL: refused (by the parser or the
 * store) and kept in the quarantine (`*quarantine_id`), reason in `err`.
 * Anything else: not stored now, try again later. */
int hd_mail_ingest(struct hd_store *st, const struct hd_ingest_opts *o, const void *raw,
		   size_t len, struct hd_mail_result *res, int64_t *quarantine_id,
		   struct hd_err *err);

#endif
