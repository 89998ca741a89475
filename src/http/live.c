/*
 * live.c — GET /api/v1/stream: ticket events and presence as Server-Sent
 * Events, without a thread per stream.
 *
 * The hub knows the newest event id (`last_event`) and the sequence number
 * of the newest presence message. A stream is an MHD callback response:
 * its content reader sends what the stream has not seen yet (events read
 * with one indexed query, id > last LIMIT 500, filtered by ticket here),
 * and when there is nothing, it suspends its connection and joins the
 * `waiting` list, returning 0 (the pattern microhttpd.h prescribes). It is
 * resumed by:
 *  - the store's commit hook (writer thread), after a commit added events;
 *  - hd_live_push_presence;
 *  - the 1 s tick: events other processes wrote (heed mailgate), and each
 *    stream's keep-alive, due KEEPALIVE_MS after it last wrote.
 * Suspending and resuming both happen under the hub's mutex, so a stream
 * is resumed only while suspended and never misses a wake between finding
 * nothing and suspending.
 *
 * Must never: block an HTTP thread, or leave a connection suspended when
 * the daemon stops (hd_live_shutdown resumes all and ends every stream).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/enums.h"
#include "http/handlers.h"
#include "http/http.h"
#include "http/live.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define LIVE_MAX_STREAMS 1000 /* HEED_STREAM_MAX overrides */
#define LIVE_BATCH 500        /* events read per query */
#define KEEPALIVE_MS 15000
#define TICK_MS 1000
#define PRESENCE_RING 256     /* presence messages a slow stream may lag behind */
#define STREAM_BUF_MAX (1u << 20)
#define SHUTDOWN_GRACE_MS 300 /* for streams to send their end when stopping */

struct presence_msg {
	uint64_t seq; /* 0: empty */
	int64_t ticket_id;
	char *data;   /* malloc'd JSON */
};

struct hd_live {
	struct hd_app *app;
	pthread_mutex_t mu;
	pthread_cond_t tick_cv;
	int stop;
	int64_t last_event; /* newest event id known */
	uint64_t pseq;      /* newest presence message */
	struct presence_msg ring[PRESENCE_RING];
	struct hd_live_stream *waiting; /* suspended streams */
	int nstreams, max_streams;
	pthread_t tick;
	int tick_running;
};

struct hd_live_stream {
	struct hd_live *lv;
	struct MHD_Connection *conn;
	int64_t last;       /* events up to this id are sent (or filtered out) */
	int64_t ticket;     /* 0: every ticket */
	uint64_t pseq;      /* presence messages up to this are sent */
	int64_t last_write; /* monotonic ms */
	int waiting;        /* in lv->waiting, connection suspended */
	int fd;             /* the socket, watched for a hang-up while suspended */
	int gone;           /* the client hung up: end the response */
	struct hd_live_stream *prev, *next;
	struct hd_sbuf out; /* bytes not yet handed to MHD */
	size_t off;
};

/* ---- the waiting list (under lv->mu) --------------------------------------- */

static void unlink_waiting(struct hd_live *lv, struct hd_live_stream *s)
{
	if (!s->waiting)
		return;
	if (s->prev)
		s->prev->next = s->next;
	else
		lv->waiting = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	s->waiting = 0;
}

/* Resume waiting streams: all of them, or (keepalive_only) those whose
 * keep-alive is due at `now`. */
static void wake_locked(struct hd_live *lv, int keepalive_only, int64_t now)
{
	struct hd_live_stream *s = lv->waiting, *next;

	for (; s; s = next) {
		next = s->next;
		if (keepalive_only && now - s->last_write < KEEPALIVE_MS)
			continue;
		unlink_waiting(lv, s);
		MHD_resume_connection(s->conn);
	}
}

static void on_commit(void *ctx, int64_t last_event)
{
	struct hd_live *lv = ctx;

	pthread_mutex_lock(&lv->mu);
	if (last_event > lv->last_event) {
		lv->last_event = last_event;
		wake_locked(lv, 0, 0);
	}
	pthread_mutex_unlock(&lv->mu);
}

void hd_live_push_presence(struct hd_live *lv, int64_t ticket_id, const char *data)
{
	char *copy = strdup(data);
	struct presence_msg *m;

	if (!copy)
		return;
	pthread_mutex_lock(&lv->mu);
	m = &lv->ring[++lv->pseq % PRESENCE_RING];
	free(m->data);
	m->seq = lv->pseq;
	m->ticket_id = ticket_id;
	m->data = copy;
	wake_locked(lv, 0, 0);
	pthread_mutex_unlock(&lv->mu);
}

/* ---- the content reader ------------------------------------------------------ */

/* Append the events after s->last (one query) up to at least `target`, the
 * newest id known before the query. 0, or negative on error. */
static int add_events(struct hd_live_stream *s, int64_t target)
{
	struct hd_arena a;
	struct hd_event *es;
	size_t n;
	int rc;

	hd_arena_init(&a, 4u << 20);
	rc = hd_store_events_since(s->lv->app->store, s->last, LIVE_BATCH, &es, &n, &a, NULL);
	for (size_t i = 0; !rc && i < n; i++) {
		const struct hd_event *e = &es[i];
		char at[HD_RFC3339_LEN], actor[24] = "null";

		s->last = e->id;
		if (s->ticket && e->ticket_id != s->ticket)
			continue;
		if (e->actor_id)
			snprintf(actor, sizeof(actor), "%lld", (long long)e->actor_id);
		rc = hd_sbuf_addf(&s->out,
				  "id: %lld\nevent: %s\ndata: {\"id\":%lld,\"ticket_id\":%lld,"
				  "\"type\":\"%s\",\"at\":\"%s\",\"actor_kind\":\"%s\","
				  "\"actor_id\":%s}\n\n",
				  (long long)e->id, e->type, (long long)e->id,
				  (long long)e->ticket_id, e->type, hd_time_format(e->at, at),
				  hd_author_name(e->actor_kind), actor);
	}
	/* A short page read everything: skip ids that are gone (never loop). */
	if (!rc && n < LIVE_BATCH && s->last < target)
		s->last = target;
	hd_arena_release(&a);
	return rc;
}

/* Under lv->mu: append the presence messages after s->pseq. */
static int add_presence_locked(struct hd_live_stream *s)
{
	struct hd_live *lv = s->lv;
	uint64_t from = s->pseq + 1;
	int rc = 0;

	if (lv->pseq >= PRESENCE_RING && from <= lv->pseq - PRESENCE_RING)
		from = lv->pseq - PRESENCE_RING + 1; /* too far behind: the rest is gone */
	for (uint64_t q = from; !rc && q <= lv->pseq; q++) {
		const struct presence_msg *m = &lv->ring[q % PRESENCE_RING];

		if (m->seq != q || (s->ticket && m->ticket_id != s->ticket))
			continue;
		rc = hd_sbuf_addf(&s->out, "event: presence\ndata: %s\n\n", m->data);
	}
	s->pseq = lv->pseq;
	return rc;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct hd_live_stream *s = cls;
	struct hd_live *lv = s->lv;

	for (;;) {
		int64_t now = hd_mono_ms(), target;
		int events;

		if (s->off < s->out.len) {
			size_t n = s->out.len - s->off;

			if (n > max)
				n = max;
			memcpy(buf, s->out.buf + s->off, n);
			s->off += n;
			if (s->off == s->out.len) {
				hd_sbuf_reset(&s->out);
				s->off = 0;
			}
			s->last_write = now;
			return (ssize_t)n;
		}
		pthread_mutex_lock(&lv->mu);
		if (lv->stop || s->gone) {
			pthread_mutex_unlock(&lv->mu);
			return MHD_CONTENT_READER_END_OF_STREAM; /* gone: nobody to tell */
		}
		if (add_presence_locked(s)) {
			pthread_mutex_unlock(&lv->mu);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		target = lv->last_event;
		events = target > s->last;
		if (!events && !s->out.len && now - s->last_write < KEEPALIVE_MS) {
			/* Nothing to send: park until a wake (see wake_locked). */
			s->waiting = 1;
			s->prev = NULL;
			s->next = lv->waiting;
			if (lv->waiting)
				lv->waiting->prev = s;
			lv->waiting = s;
			MHD_suspend_connection(s->conn);
			pthread_mutex_unlock(&lv->mu);
			return 0;
		}
		pthread_mutex_unlock(&lv->mu);
		/* The client reconnects with Last-Event-ID after an error. */
		if (events && add_events(s, target))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (!s->out.len && now - s->last_write >= KEEPALIVE_MS &&
		    hd_sbuf_adds(&s->out, ": keep-alive\n\n"))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
}

static void stream_free(void *cls)
{
	struct hd_live_stream *s = cls;
	struct hd_live *lv = s->lv;

	pthread_mutex_lock(&lv->mu);
	unlink_waiting(lv, s);
	lv->nstreams--;
	if (lv->stop && !lv->nstreams)
		pthread_cond_broadcast(&lv->tick_cv); /* hd_live_shutdown waits */
	pthread_mutex_unlock(&lv->mu);
	hd_sbuf_release(&s->out);
	free(s);
}

struct MHD_Response *hd_live_response(struct hd_live_stream *s)
{
	struct MHD_Response *mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
								    stream_read, s, stream_free);

	if (!mr)
		stream_free(s);
	return mr;
}

/* ---- GET /api/v1/stream ------------------------------------------------------- */

/* A non-negative decimal id (up to 18 digits) into `*v`; -1 otherwise. */
static int parse_id(const char *p, int64_t *v)
{
	size_t n = strspn(p, "0123456789");

	if (n == 0 || n > 18 || p[n])
		return -1;
	*v = strtoll(p, NULL, 10);
	return 0;
}

void hd_h_stream(struct hd_req *r, struct hd_res *res)
{
	struct hd_live *lv = r->app->live;
	const char *ticket = hd_req_query(r, "ticket");
	const char *after = hd_req_header(r, "Last-Event-ID");
	const union MHD_ConnectionInfo *ci;
	struct hd_live_stream *s;
	struct hd_err err = { 0 };
	int64_t tid = 0, start = 0;

	if (!after)
		after = hd_req_query(r, "after");
	if (ticket && (parse_id(ticket, &tid) || tid == 0)) {
		hd_res_problem(res, 422, "invalid", "Invalid input",
			       "ticket must be a ticket id", "ticket");
		return;
	}
	if (after && parse_id(after, &start)) {
		hd_res_problem(res, 400, "malformed", "Malformed request",
			       "Last-Event-ID (or after) must be an event id", "Last-Event-ID");
		return;
	}
	if (!after && hd_store_events_last(r->app->store, &start, &err)) {
		hd_res_err(res, &err);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		hd_res_problem(res, 503, "unavailable", "Unavailable", "out of memory", NULL);
		return;
	}
	s->lv = lv;
	s->conn = r->conn;
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	s->fd = ci ? ci->connect_fd : -1;
	s->last = start;
	s->ticket = tid;
	s->last_write = hd_mono_ms();
	hd_sbuf_init(&s->out, STREAM_BUF_MAX);
	pthread_mutex_lock(&lv->mu);
	if (lv->stop || lv->nstreams >= lv->max_streams) {
		pthread_mutex_unlock(&lv->mu);
		free(s);
		res->retry_after = 5;
		hd_res_problem(res, 503, "too-many-streams", "Too many streams",
			       "the server has as many live streams open as it allows; retry later",
			       NULL);
		return;
	}
	lv->nstreams++;
	s->pseq = lv->pseq;
	pthread_mutex_unlock(&lv->mu);
	/* The first bytes: how soon a browser's EventSource reconnects. */
	hd_sbuf_adds(&s->out, "retry: 2000\n\n");
	res->stream = s;
	res->status = MHD_HTTP_OK;
	res->ctype = "text/event-stream";
	snprintf(res->extra_name, sizeof(res->extra_name), "X-Accel-Buffering");
	snprintf(res->extra_value, sizeof(res->extra_value), "no");
}

/* ---- the hub ------------------------------------------------------------------ */

/* Under lv->mu: resume the waiting streams whose client hung up. MHD does
 * not watch a suspended connection, so a closed browser tab would hold its
 * place (against the cap) until its next keep-alive. */
static void reap_locked(struct hd_live *lv)
{
	struct pollfd pfd[256];
	struct hd_live_stream *ss[256], *s = lv->waiting;

	while (s) {
		nfds_t n = 0;

		for (; s && n < 256; s = s->next) {
			if (s->fd < 0)
				continue;
			pfd[n].fd = s->fd;
			pfd[n].events = POLLRDHUP;
			pfd[n].revents = 0;
			ss[n++] = s;
		}
		if (n == 0 || poll(pfd, n, 0) <= 0)
			continue;
		for (nfds_t i = 0; i < n; i++) {
			if (!(pfd[i].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
				continue;
			ss[i]->gone = 1;
			unlink_waiting(lv, ss[i]);
			MHD_resume_connection(ss[i]->conn);
		}
	}
}

static void *tick_main(void *arg)
{
	struct hd_live *lv = arg;

	pthread_mutex_lock(&lv->mu);
	while (!lv->stop) {
		struct timespec ts;
		int64_t last = 0;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += TICK_MS / 1000;
		pthread_cond_timedwait(&lv->tick_cv, &lv->mu, &ts);
		if (lv->stop)
			break;
		pthread_mutex_unlock(&lv->mu);
		hd_presence_expire(lv);
		/* Events of other processes (heed mailgate) reach no commit hook. */
		hd_store_events_last(lv->app->store, &last, NULL);
		pthread_mutex_lock(&lv->mu);
		if (last > lv->last_event) {
			lv->last_event = last;
			wake_locked(lv, 0, 0);
		} else {
			wake_locked(lv, 1, hd_mono_ms());
		}
		reap_locked(lv);
	}
	pthread_mutex_unlock(&lv->mu);
	return NULL;
}

int hd_live_start(struct hd_app *app, struct hd_live **out, struct hd_err *err)
{
	struct hd_live *lv = calloc(1, sizeof(*lv));
	const char *max = getenv("HEED_STREAM_MAX");
	long n = max ? strtol(max, NULL, 10) : 0;

	*out = NULL;
	if (!lv)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	lv->app = app;
	lv->max_streams = n > 0 && n <= 100000 ? (int)n : LIVE_MAX_STREAMS;
	pthread_mutex_init(&lv->mu, NULL);
	pthread_cond_init(&lv->tick_cv, NULL);
	hd_store_events_last(app->store, &lv->last_event, NULL);
	hd_store_on_commit(app->store, on_commit, lv);
	if (pthread_create(&lv->tick, NULL, tick_main, lv) != 0) {
		hd_live_free(lv);
		return hd_err_set(err, HD_EIO, NULL, "cannot start the live updates thread");
	}
	lv->tick_running = 1;
	*out = lv;
	return 0;
}

void hd_live_shutdown(struct hd_live *lv)
{
	if (!lv)
		return;
	hd_store_on_commit(lv->app->store, NULL, NULL);
	pthread_mutex_lock(&lv->mu);
	lv->stop = 1;
	wake_locked(lv, 0, 0);
	pthread_cond_broadcast(&lv->tick_cv);
	pthread_mutex_unlock(&lv->mu);
	if (lv->tick_running)
		pthread_join(lv->tick, NULL);
	lv->tick_running = 0;
	/* Give the streams a moment to send their end (a clean end of the
	 * chunked body); MHD_stop_daemon closes whatever is left. */
	pthread_mutex_lock(&lv->mu);
	if (lv->nstreams) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += SHUTDOWN_GRACE_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		while (lv->nstreams &&
		       pthread_cond_timedwait(&lv->tick_cv, &lv->mu, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&lv->mu);
}

void hd_live_free(struct hd_live *lv)
{
	if (!lv)
		return;
	hd_live_shutdown(lv);
	for (int i = 0; i < PRESENCE_RING; i++)
		free(lv->ring[i].data);
	hd_presence_clear();
	pthread_cond_destroy(&lv->tick_cv);
	pthread_mutex_destroy(&lv->mu);
	free(lv);
}
