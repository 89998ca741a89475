/*
 * live.h — live updates: the Server-Sent Events stream (GET /api/v1/stream)
 * and the in-memory presence of agents on tickets (collision notices).
 *
 * One hub per server (struct hd_live, in hd_app.live). It never blocks an
 * HTTP thread: a stream with nothing to send suspends its connection and is
 * resumed when events commit (store hook), presence changes, or its
 * keep-alive is due. See live.c for the design.
 */
#ifndef HD_HTTP_LIVE_H
#define HD_HTTP_LIVE_H

#include <stdint.h>

#include <microhttpd.h>

#include "util/err.h"

struct hd_app;
struct hd_live;
struct hd_live_stream;

/** Create the hub for `app` (its store gets a commit hook) and start its
 * 1 s tick thread. The caller frees it with hd_live_free(). */
int hd_live_start(struct hd_app *app, struct hd_live **out, struct hd_err *err);

/** End every stream (each finishes its response) and stop the tick; call
 * before MHD_stop_daemon, which must not meet a suspended connection.
 * NULL is fine. */
void hd_live_shutdown(struct hd_live *lv);

/** Free the hub after MHD_stop_daemon (every stream closed). NULL is fine. */
void hd_live_free(struct hd_live *lv);

/** The MHD response of stream `s` (made by hd_h_stream, in hd_res.stream);
 * the response owns `s` from then on, and when this returns NULL `s` is
 * freed already. */
struct MHD_Response *hd_live_response(struct hd_live_stream *s);

/** Push `data` (compact JSON, copied) to every stream as `event: presence`
 * about ticket `ticket_id` (presence.c). */
void hd_live_push_presence(struct hd_live *lv, int64_t ticket_id, const char *data);

/* ---- presence.c ---- */

/** Forget presence older than its 60 s, pushing "left" for each (the
 * hub's tick calls it). */
void hd_presence_expire(struct hd_live *lv);

/** Forget every presence entry (hd_live_free). */
void hd_presence_clear(void);

#endif
