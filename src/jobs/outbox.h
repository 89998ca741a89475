/*
 * outbox.h — the worker that delivers the outbox over SMTP.
 *
 * One thread per `heed serve`: it asks the store for queued mail that is
 * due, composes each (mail/compose), hands it to the SMTP server
 * (mail/smtp) and records the attempt. A temporary failure is retried with
 * exponential backoff (outbox_retry_seconds doubling up to an hour) until
 * outbox_give_up_hours; a permanent one is recorded on the ticket at once.
 * Delivery is at least once: a crash between the server's "250" and the
 * store's "sent" sends the mail again, with the same Message-ID.
 *
 * Mail is found by polling every half second (it may be queued by another
 * process: heed mailgate); everything due is sent over one SMTP connection.
 */
#ifndef HD_JOBS_OUTBOX_H
#define HD_JOBS_OUTBOX_H

#include "store/store.h"
#include "util/config.h"
#include "util/err.h"

struct hd_outbox_worker;

/** Start the worker. With no smtp_host configured it does nothing (mail
 * stays queued) and `*out` is NULL. `cfg` must outlive the worker. */
int hd_outbox_worker_start(struct hd_outbox_worker **out, struct hd_store *st,
			   const struct hd_config *cfg, struct hd_err *err);

/** Finish the current message, stop and free. NULL is fine. */
void hd_outbox_worker_stop(struct hd_outbox_worker *w);

/** The delay before retry number `attempts` (1 = the first retry):
 * base_ms doubled each time, at most an hour. */
int64_t hd_outbox_backoff_ms(int attempts, int64_t base_ms);

#endif
