/*
 * server.c — the libmicrohttpd daemon: reads each request's body (within
 * max_body_bytes), hands the complete request to the router and sends what
 * the handler answered.
 *
 * Threads: cfg->workers libmicrohttpd threads, each with its own epoll
 * loop, do all network I/O and answer reads inline (they never block). A
 * write would block its thread until its group commit is durable, so the
 * connection is suspended and the request handed to one of WRITE_THREADS
 * executor threads; when the handler has answered, the connection is
 * resumed and its I/O thread sends the response. Many writes can so wait
 * for the same fsync while a few I/O threads keep serving reads.
 */
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/http.h"
#include "http/live.h"
#include "util/banned.h"

#define WRITE_THREADS 64

struct hd_server {
	struct MHD_Daemon *d;
	struct hd_app *app;
	/* executors for writes */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hd_req *head, *tail;
	int stop;
	int nthreads;
	pthread_t threads[WRITE_THREADS];
};

static enum hd_method parse_method(const char *m)
{
	static const char *const names[] = { "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE",
					     "OPTIONS" };

	for (int i = 0; i < HD_METHOD_OTHER; i++)
		if (!strcmp(m, names[i]))
			return (enum hd_method)i;
	return HD_METHOD_OTHER;
}

static enum MHD_Result send_res(struct hd_req *r, struct hd_res *res)
{
	struct MHD_Response *mr;
	enum MHD_Result ok;

	if (res->stream) {
		mr = hd_live_response(res->stream); /* owns the stream now */
		res->stream = NULL;
	} else if (res->static_body) {
		mr = MHD_create_response_from_buffer(res->len, (void *)res->static_body,
						     MHD_RESPMEM_PERSISTENT);
	} else if (res->fd >= 0) {
		mr = MHD_create_response_from_fd64(res->fd_size, res->fd);
	} else {
		if (!res->body) {
			res->body = malloc(1);
			res->len = 0;
		}
		mr = MHD_create_response_from_buffer(res->len, res->body, MHD_RESPMEM_MUST_FREE);
	}
	res->body = NULL;
	if (!mr)
		return MHD_NO;
	if (res->ctype)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, res->ctype);
	if (res->etag[0])
		MHD_add_response_header(mr, MHD_HTTP_HEADER_ETAG, res->etag);
	if (res->location[0])
		MHD_add_response_header(mr, MHD_HTTP_HEADER_LOCATION, res->location);
	if (res->allow)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, res->allow);
	if (res->disposition)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_DISPOSITION, res->disposition);
	if (res->replayed)
		MHD_add_response_header(mr, "Idempotent-Replayed", "true");
	if (res->cookie[0])
		MHD_add_response_header(mr, MHD_HTTP_HEADER_SET_COOKIE, res->cookie);
	if (res->retry_after > 0) {
		char secs[24];

		snprintf(secs, sizeof(secs), "%d", res->retry_after);
		MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	} else if (res->status == MHD_HTTP_SERVICE_UNAVAILABLE) {
		MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	}
	if (res->encoding)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_ENCODING, res->encoding);
	if (res->vary)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_VARY, res->vary);
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL,
				res->cache_control ? res->cache_control : "no-store");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	if (res->extra_name[0])
		MHD_add_response_header(mr, res->extra_name, res->extra_value);
	if (res->ctype && strncmp(res->ctype, "text/html", 9) == 0) {
		MHD_add_response_header(mr, "Content-Security-Policy",
					res->csp ? res->csp
						 : "default-src 'none'; style-src 'unsafe-inline'; "
						   "form-action 'self'; frame-ancestors 'none'; "
						   "base-uri 'none'");
		MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
		/* a document the app frames (a mail's HTML) allows its own origin */
		MHD_add_response_header(mr, "X-Frame-Options",
					res->csp && strstr(res->csp, "frame-ancestors 'self'")
						? "SAMEORIGIN"
						: "DENY");
	}
	ok = MHD_queue_response(r->conn, res->status, mr);
	MHD_destroy_response(mr);
	r->answered = 1;
	return ok;
}

static void res_init(struct hd_res *res)
{
	memset(res, 0, sizeof(*res));
	res->fd = -1;
	res->status = MHD_HTTP_OK;
}

/* Headers: over HEADERS_MAX we answer 431 with a problem document; over
 * about CONNECTION_MEMORY libmicrohttpd answers 431 itself (in HTML). The
 * buffer is cleared for every request, so a larger one costs throughput
 * (measured: 32 KiB 29.9k GET/s, 256 KiB 25.5k). */
#define HEADERS_MAX (16 * 1024)
#define CONNECTION_MEMORY (32 * 1024)

static void body_too_big(const struct hd_app *app, struct hd_res *res)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "the request body is larger than the limit of %lld bytes",
		 (long long)app->cfg->max_body_bytes);
	hd_res_problem(res, MHD_HTTP_CONTENT_TOO_LARGE, "too-big", "Request body too large", detail,
		       NULL);
}

static int is_write(enum hd_method m)
{
	return m == HD_POST || m == HD_PATCH || m == HD_PUT || m == HD_DELETE;
}

/* Executor thread: run queued write requests, then resume their connection. */
static void *executor_main(void *arg)
{
	struct hd_server *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct hd_req *r;

		while (!s->head && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->head)
			break;
		r = s->head;
		s->head = r->next;
		if (!s->head)
			s->tail = NULL;
		pthread_mutex_unlock(&s->mu);
		hd_route(r, &r->res);
		r->state = HD_REQ_DONE;
		MHD_resume_connection(r->conn);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void enqueue(struct hd_server *s, struct hd_req *r)
{
	pthread_mutex_lock(&s->mu);
	r->next = NULL;
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *value)
{
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	struct hd_server *srv = cls;
	struct hd_app *app = srv->app;
	struct hd_req *r = *con_cls;
	struct hd_res res;
	enum MHD_Result ok;

	if (!r) {
		size_t header_bytes = 0;
		const char *cl;

		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->conn = conn;
		r->app = app;
		r->method = parse_method(method);
		r->path = url;
		hd_arena_init(&r->arena, (size_t)app->cfg->max_body_bytes * 3 + (64u << 20));
		hd_sbuf_init(&r->body, (size_t)app->cfg->max_body_bytes + 1);
		*con_cls = r;
		MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header_size, &header_bytes);
		if (header_bytes > HEADERS_MAX) {
			r->too_big = 1;
			res_init(&res);
			hd_res_problem(&res, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
				       "headers-too-large", "Request headers too large",
				       "the request headers are larger than 16 KiB", NULL);
			return send_res(r, &res);
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > (unsigned long long)app->cfg->max_body_bytes) {
			r->too_big = 1;
			res_init(&res);
			body_too_big(app, &res);
			return send_res(r, &res);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->too_big && hd_sbuf_add(&r->body, upload_data, *upload_data_size))
			r->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->answered || r->state == HD_REQ_QUEUED)
		return MHD_YES;
	if (r->state == HD_REQ_DONE) { /* resumed after an executor ran it */
		ok = send_res(r, &r->res);
		free(r->res.body);
		r->res.body = NULL;
		return ok;
	}
	if (!r->too_big && is_write(r->method)) {
		res_init(&r->res);
		r->state = HD_REQ_QUEUED;
		MHD_suspend_connection(conn);
		enqueue(srv, r);
		return MHD_YES;
	}
	res_init(&res);
	if (r->too_big)
		body_too_big(app, &res);
	else
		hd_route(r, &res);
	ok = send_res(r, &res);
	free(res.body);
	return ok;
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct hd_req *r = *con_cls;

	if (!r)
		return;
	hd_arena_release(&r->arena);
	hd_sbuf_release(&r->body);
	free(r->res.body);
	free(r);
	*con_cls = NULL;
}

__attribute__((format(printf, 2, 0))) static void log_cb(void *cls, const char *fmt,
							     va_list ap)
{
	fputs("heed: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

int hd_server_start(struct hd_app *app, struct hd_server **out, unsigned *port,
		    struct hd_err *err)
{
	struct addrinfo hints, *ai = NULL;
	char host[128];
	const char *colon = strrchr(app->cfg->listen, ':');
	const union MHD_DaemonInfo *info;
	struct hd_server *s;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	int rc;

	if (!colon)
		return hd_err_set(err, HD_EINVAL, "listen", "listen must be host:port");
	snprintf(host, sizeof(host), "%.*s", (int)(colon - app->cfg->listen), app->cfg->listen);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
	if (rc != 0)
		return hd_err_set(err, HD_EINVAL, "listen", "cannot resolve %s: %s", host,
				  gai_strerror(rc));
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s = calloc(1, sizeof(*s));
	if (!s) {
		freeaddrinfo(ai);
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	}
	s->app = app;
	app->live = NULL;
	pthread_mutex_init(&s->mu, NULL);
	rc = hd_live_start(app, &app->live, err);
	if (rc) {
		freeaddrinfo(ai);
		hd_server_stop(s);
		return rc;
	}
	pthread_cond_init(&s->cv, NULL);
	for (int i = 0; i < WRITE_THREADS; i++) {
		if (pthread_create(&s->threads[i], NULL, executor_main, s) != 0)
			break;
		s->nthreads++;
	}
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, s, MHD_OPTION_EXTERNAL_LOGGER,
				log_cb, NULL, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
				MHD_OPTION_THREAD_POOL_SIZE,
				(unsigned)app->cfg->workers, MHD_OPTION_NOTIFY_COMPLETED,
				completed_cb, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->d || !s->nthreads) {
		hd_server_stop(s);
		return hd_err_set(err, HD_EIO, "listen",
				  "cannot listen on %s (in use, or not an address of this machine)",
				  app->cfg->listen);
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : 0;
	*out = s;
	return 0;
}

void hd_server_stop(struct hd_server *s)
{
	if (!s)
		return;
	/* Stop accepting, let the executors finish (and resume) every queued
	 * write, then stop libmicrohttpd, which sends what they answered. */
	if (s->d)
		MHD_quiesce_daemon(s->d);
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < s->nthreads; i++)
		pthread_join(s->threads[i], NULL);
	/* Live streams end (MHD_stop_daemon must not meet a suspended one). */
	hd_live_shutdown(s->app->live);
	if (s->d)
		MHD_stop_daemon(s->d);
	hd_live_free(s->app->live);
	s->app->live = NULL;
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
