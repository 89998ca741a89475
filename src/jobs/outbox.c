/*
 * outbox.c — delivering queued mail (see outbox.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs/outbox.h"
#include "mail/compose.h"
#include "mail/smtp.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define POLL_MS 500
#define BATCH 50

struct hd_outbox_worker {
	struct hd_store *st;
	const struct hd_config *cfg;
	struct hd_smtp_conf smtp;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
};

int64_t hd_outbox_backoff_ms(int attempts, int64_t base_ms)
{
	int64_t d = base_ms;

	for (int i = 1; i < attempts && d < 3600 * 1000; i++)
		d *= 2;
	return d < 3600 * 1000 ? d : 3600 * 1000;
}

/* Compose and send one item over `smtp`; record the outcome. */
static void deliver(struct hd_outbox_worker *w, struct hd_smtp_session *smtp,
		    const struct hd_outbox_item *it, struct hd_arena *a)
{
	struct hd_mail_out m;
	struct hd_err err = { 0 };
	enum hd_outbox_result result;
	char reason[512] = "", *msg = NULL;
	size_t len = 0;
	int64_t now = hd_now_ms(), retry_at = 0;
	int out;

	memset(&m, 0, sizeof(m));
	m.from_name = it->from_name ? it->from_name : w->cfg->desk_name;
	m.from_addr = w->cfg->mail_from;
	m.to_addr = it->to_addr;
	m.subject = it->subject;
	m.text = it->body_text;
	m.html = it->body_html;
	m.message_id = it->message_id;
	m.in_reply_to = it->in_reply_to;
	m.references = it->refs;
	m.auto_submitted = it->auto_submitted;
	m.loop_value = w->cfg->mail_from;
	m.date = now;
	if (hd_mail_compose(&m, &msg, &len, a, &err)) {
		/* a row we cannot compose never will be: fail it, visibly */
		snprintf(reason, sizeof(reason), "cannot compose the message: %s", err.msg);
		out = HD_SMTP_PERMANENT;
	} else {
		out = hd_smtp_session_send(smtp, w->cfg->mail_from, it->to_addr, msg, len, reason,
					   sizeof(reason));
	}
	if (out == HD_SMTP_SENT) {
		result = HD_OUTBOX_SENT;
	} else if (out == HD_SMTP_RETRY &&
		   now - it->created_at < w->cfg->outbox_give_up_hours * 3600 * 1000) {
		result = HD_OUTBOX_RETRY;
		retry_at = now + hd_outbox_backoff_ms(it->attempts + 1,
						      w->cfg->outbox_retry_seconds * 1000);
	} else {
		result = HD_OUTBOX_FAILED;
		if (out == HD_SMTP_RETRY) {
			size_t l = strlen(reason);

			snprintf(reason + l, sizeof(reason) - l, " (still failing after %lld hours)",
				 (long long)w->cfg->outbox_give_up_hours);
		}
	}
	/* the server's words go into JSON events: keep them printable ASCII
	 * (a reply cut in the middle of a UTF-8 character is not valid text) */
	for (char *p = reason; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	memset(&err, 0, sizeof(err));
	if (hd_store_outbox_result(w->st, it->id, result, reason[0] ? reason : NULL, retry_at,
				   &err))
		fprintf(stderr, "heed: outbox: cannot record delivery of #%lld: %s\n",
			(long long)it->id, err.msg);
}

/* Wait until `until` (ms since the epoch) or stop. */
static void nap(struct hd_outbox_worker *w, int64_t until)
{
	struct timespec ts = { until / 1000, (long)(until % 1000) * 1000000 };

	pthread_mutex_lock(&w->mu);
	while (!w->stop && pthread_cond_timedwait(&w->wake, &w->mu, &ts) == 0)
		;
	pthread_mutex_unlock(&w->mu);
}

static int stopping(struct hd_outbox_worker *w)
{
	int s;

	pthread_mutex_lock(&w->mu);
	s = w->stop;
	pthread_mutex_unlock(&w->mu);
	return s;
}

static void *run(void *arg)
{
	struct hd_outbox_worker *w = arg;

	while (!stopping(w)) {
		struct hd_arena a;
		struct hd_outbox_item *items;
		struct hd_err err = { 0 };
		size_t n = 0;
		int64_t now = hd_now_ms(), next = 0, until;

		hd_arena_init(&a, 64 << 20);
		if (hd_store_outbox_due(w->st, now, BATCH, &items, &n, &next, &a, &err))
			fprintf(stderr, "heed: outbox: %s\n", err.msg);
		if (n) {
			/* one connection for everything due now */
			struct hd_smtp_session *smtp = NULL;

			if (hd_smtp_session_open(&w->smtp, &smtp, &err) == 0) {
				for (size_t i = 0; i < n && !stopping(w); i++)
					deliver(w, smtp, &items[i], &a);
				hd_smtp_session_close(smtp);
			} else {
				fprintf(stderr, "heed: outbox: %s\n", err.msg);
			}
		}
		hd_arena_release(&a);
		if (n == BATCH)
			continue;
		until = hd_now_ms() + POLL_MS;
		if (next && next < until)
			until = next;
		nap(w, until);
	}
	return NULL;
}

int hd_outbox_worker_start(struct hd_outbox_worker **out, struct hd_store *st,
			   const struct hd_config *cfg, struct hd_err *err)
{
	struct hd_outbox_worker *w;

	*out = NULL;
	if (!cfg->smtp_host[0])
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	w->st = st;
	w->cfg = cfg;
	w->smtp.host = cfg->smtp_host;
	w->smtp.port = (int)cfg->smtp_port;
	w->smtp.tls = !strcmp(cfg->smtp_tls, "tls")	 ? HD_SMTP_TLS_IMPLICIT
		      : !strcmp(cfg->smtp_tls, "starttls") ? HD_SMTP_TLS_STARTTLS
							   : HD_SMTP_TLS_NONE;
	w->smtp.user = cfg->smtp_user[0] ? cfg->smtp_user : NULL;
	w->smtp.password = cfg->smtp_password;
	w->smtp.insecure = (int)cfg->smtp_insecure;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->wake, NULL);
	/* nap() waits on CLOCK_REALTIME deadlines, as hd_now_ms reads */
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return hd_err_set(err, HD_EIO, NULL, "cannot start the outbox worker");
	}
	*out = w;
	return 0;
}

void hd_outbox_worker_stop(struct hd_outbox_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
