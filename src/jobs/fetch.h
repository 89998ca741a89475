/*
 * fetch.h — the IMAP fetchers: one thread per configured mailbox.
 *
 * Each fetcher remembers (in the store, with the messages themselves) the
 * folder's UIDVALIDITY and the last UID it stored, asks the server for
 * anything newer every poll_ms (default 1 s), and stores what it finds in
 * batches of up to 200 in one commit with the new position, so a crash
 * never loses a message and never stores one twice (a re-read after a
 * crash or a UIDVALIDITY change is caught by Message-ID + content-hash
 * deduplication). A message heed cannot accept is quarantined and the
 * position moves past it. Server outages are retried with backoff from 1 s
 * up to 60 s; after downtime the fetcher simply backfills from its saved
 * position. Processed mail is moved to `move_to` when set.
 */
#ifndef HD_JOBS_FETCH_H
#define HD_JOBS_FETCH_H

#include "store/store.h"
#include "util/config.h"
#include "util/err.h"

struct hd_fetchers;

/** Start one fetcher per mailbox in `cfg` (none: `*out` is NULL). `cfg`
 * must outlive the fetchers. */
int hd_fetchers_start(struct hd_fetchers **out, struct hd_store *st, const struct hd_config *cfg,
		      struct hd_err *err);

/** Stop every fetcher (finishing the batch in hand) and free. NULL is fine. */
void hd_fetchers_stop(struct hd_fetchers *f);

/** Read mailbox `m` once up to its end (all batches) and return: for
 * `heed fetch --once` and benchmarks. `*stored` counts new messages. */
int hd_fetch_once(struct hd_store *st, const struct hd_config *cfg,
		  const struct hd_mailbox_conf *m, int64_t *stored, struct hd_err *err);

#endif
