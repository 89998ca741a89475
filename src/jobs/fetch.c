/*
 * fetch.c — the IMAP fetchers (see fetch.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs/fetch.h"
#include "mail/imap.h"
#include "mail/ingest.h"
#include "mail/parse.h"
#include "util/sbuf.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define BATCH 200       /* messages per commit */
#define SEARCH_MAX 5000 /* UIDs asked for at a time */
#define MAX_BACKOFF_MS 60000
#define MAX_MAILBOXES 8

struct fetcher {
	struct hd_fetchers *owner;
	struct hd_store *st;
	const struct hd_config *cfg;
	const struct hd_mailbox_conf *m;
	pthread_t thread;
	struct hd_imap *im;
	char source[64];
};

struct hd_fetchers {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
	int n;
	struct fetcher f[MAX_MAILBOXES];
};

/* The password: given, or the first line printed by password_command. */
static int password(const struct hd_mailbox_conf *m, char *out, size_t len, struct hd_err *err)
{
	FILE *p;
	size_t n;

	if (!m->password_command[0]) {
		snprintf(out, len, "%s", m->password);
		return 0;
	}
	p = popen(m->password_command, "r");
	if (!p)
		return hd_err_set(err, HD_EBUSY, NULL, "cannot run the password command");
	if (!fgets(out, (int)len, p))
		out[0] = '\0';
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (pclose(p) != 0 || !out[0])
		return hd_err_set(err, HD_EBUSY, NULL, "the password command of mailbox %s failed",
				  m->name);
	return 0;
}

static int connect_box(struct fetcher *f, struct hd_err *err)
{
	struct hd_imap_conf c;
	char pw[256];
	int rc;

	if (f->im)
		return 0;
	rc = password(f->m, pw, sizeof(pw), err);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	c.host = f->m->host;
	c.port = (int)f->m->port;
	c.tls = !strcmp(f->m->tls, "tls") ? 1 : !strcmp(f->m->tls, "starttls") ? 2 : 0;
	c.insecure = (int)f->m->insecure;
	c.user = f->m->user;
	c.password = pw;
	c.folder = f->m->folder;
	rc = hd_imap_open(&f->im, &c, err);
	memset(pw, 0, sizeof(pw));
	return rc;
}

/* A batch failed in the store: store its messages one by one. A message
 * the store refuses (HD_EINVAL, HD_ECONFLICT) is quarantined with the
 * reason, so one bad message never blocks the mailbox; any other failure
 * stops (to be retried) without moving the position. */
static int one_by_one(struct fetcher *f, const struct hd_ingest_opts *o,
		      const struct hd_mail_new *ins, size_t k, struct hd_mail_result *res,
		      const struct hd_mailbox_mark *mark, struct hd_err *err)
{
	int rc = 0;

	for (size_t j = 0; j < k && !rc; j++) {
		struct hd_err e = { 0 };

		rc = hd_store_mail_ingest(f->st, &ins[j], &res[j], &e);
		if (hd_mail_refused(rc) || rc == HD_ENOMEM) {
			int64_t qid;

			res[j].outcome = HD_MAIL_DUPLICATE; /* not counted as stored */
			rc = hd_mail_quarantine(f->st, o, ins[j].raw, ins[j].raw_len, e.msg, &qid,
						err);
			fprintf(stderr, "heed: %s: a message was refused by the store: %s\n",
				f->source, e.msg);
		} else if (rc) {
			*err = e;
		}
	}
	return rc ? rc : hd_store_mailbox_set(f->st, mark, err);
}

/* One batch on its way: fetched and prepared on the fetcher's thread,
 * stored on a helper thread while the next batch is being fetched. */
struct batch {
	struct fetcher *f;
	struct hd_ingest_opts o;
	struct hd_arena a;
	struct hd_mail_new ins[BATCH];
	struct hd_mail_result res[BATCH];
	const uint32_t *uids; /* the UIDs dealt with: uids[0..dealt) */
	size_t k, dealt;
	struct hd_mailbox_mark mark;
	int64_t stored;
	int rc; /* of storing */
	struct hd_err err;
};

/* Fetch and prepare `uids[0..n)` into `b`. A message heed will never
 * accept is quarantined here. A failure stops the batch: b->dealt tells how
 * far it got, and the failure is returned. */
static int prepare(struct fetcher *f, struct batch *b, uint32_t uidvalidity, const uint32_t *uids,
		   size_t n, struct hd_err *err)
{
	struct hd_sbuf raw;
	size_t i;
	int rc = 0;

	b->k = b->dealt = 0;
	b->stored = 0;
	b->rc = 0;
	memset(&b->err, 0, sizeof(b->err));
	b->uids = uids;
	hd_sbuf_init(&raw, (size_t)f->cfg->max_email_bytes + 1);
	for (i = 0; i < n; i++) {
		struct hd_err e = { 0 };
		char *copy;

		rc = hd_imap_fetch(f->im, uidvalidity, uids[i], &raw, &e);
		if (rc == HD_ENOTFOUND) { /* expunged meanwhile */
			rc = 0;
			continue;
		}
		if (rc == HD_ETOOBIG) { /* kept as far as it was read, never blocks the box */
			int64_t qid;
			char why[128];

			snprintf(why, sizeof(why), "the message is larger than max_email_bytes (%lld)",
				 (long long)f->cfg->max_email_bytes);
			rc = hd_mail_quarantine(f->st, &b->o, raw.buf ? raw.buf : "", raw.len, why,
						&qid, err);
			if (rc)
				break;
			fprintf(stderr, "heed: %s: UID %u refused: %s (quarantine #%lld)\n",
				f->source, uids[i], why, (long long)qid);
			continue;
		}
		if (rc) {
			*err = e;
			break;
		}
		/* the store takes the raw bytes with the batch: keep a copy */
		copy = hd_arena_alloc(&b->a, raw.len + 1);
		if (!copy && b->k) /* the batch is full: this one starts the next */
			break;
		if (!copy) {
			rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
			break;
		}
		memcpy(copy, raw.buf ? raw.buf : "", raw.len);
		rc = hd_mail_prepare(f->st, &b->o, copy, raw.len, &b->ins[b->k], &b->a, &e);
		if (rc == HD_ENOMEM && b->k) { /* the batch is full: this one starts the next */
			rc = 0;
			break;
		}
		if (hd_mail_refused(rc) || rc == HD_ENOMEM) {
			int64_t qid;

			rc = hd_mail_quarantine(f->st, &b->o, copy, raw.len, e.msg, &qid, err);
			if (rc)
				break;
			fprintf(stderr, "heed: %s: UID %u refused: %s (quarantine #%lld)\n",
				f->source, uids[i], e.msg, (long long)qid);
			continue;
		}
		if (rc) {
			hd_err_set(err, rc, NULL, "%s", e.msg);
			break;
		}
		b->k++;
	}
	hd_sbuf_release(&raw);
	b->dealt = i;
	b->mark.name = f->m->name;
	b->mark.uidvalidity = uidvalidity;
	b->mark.last_uid = i ? uids[i - 1] : 0;
	return rc;
}

/* Store a prepared batch with its position (helper thread). */
static void *store(void *arg)
{
	struct batch *b = arg;

	b->rc = hd_store_mail_ingest_batch(b->f->st, b->ins, b->k, b->res, &b->mark, &b->err);
	if (b->rc) {
		memset(&b->err, 0, sizeof(b->err));
		b->rc = one_by_one(b->f, &b->o, b->ins, b->k, b->res, &b->mark, &b->err);
	}
	for (size_t j = 0; !b->rc && j < b->k; j++)
		if (b->res[j].outcome != HD_MAIL_DUPLICATE)
			b->stored++;
	return NULL;
}

/* After a batch is stored: move its messages away when configured. */
static void move_away(struct fetcher *f, const struct batch *b)
{
	for (size_t j = 0; f->m->move_to[0] && j < b->dealt; j++) {
		struct hd_err e = { 0 };

		if (hd_imap_move(f->im, b->uids[j], f->m->move_to, &e))
			fprintf(stderr, "heed: %s: cannot move UID %u to %s: %s\n", f->source,
				b->uids[j], f->m->move_to, e.msg);
	}
}

/* A stored batch: count it and move its messages away, or report why it
 * could not be stored. */
static int finish(struct fetcher *f, struct batch *b, int64_t *stored, struct hd_err *err)
{
	if (b->rc) {
		*err = b->err;
		return b->rc;
	}
	*stored += b->stored;
	move_away(f, b);
	return 0;
}

/* Store the messages `uids[0..n)` in batches, fetching one batch while the
 * one before is being stored. Each batch is committed with the position
 * after it, so a crash at any point re-reads at most one batch (which
 * deduplication recognises). */
static int store_all(struct fetcher *f, uint32_t uidvalidity, const uint32_t *uids, size_t n,
		     int64_t *stored, struct hd_err *err)
{
	struct batch *b = calloc(2, sizeof(*b)), *inflight = NULL;
	pthread_t th;
	int cur = 0, rc = 0;

	if (!b)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	for (int i = 0; i < 2; i++) {
		b[i].f = f;
		b[i].o.desk_addr = f->cfg->mail_from;
		b[i].o.team_name = f->m->team[0] ? f->m->team : NULL;
		b[i].o.max_bytes = (size_t)f->cfg->max_email_bytes;
		b[i].o.source = f->source;
		hd_arena_init(&b[i].a, (size_t)f->cfg->max_email_bytes * 8 + (64u << 20));
	}
	for (size_t off = 0; off < n && !rc; off += b[cur].dealt, cur = !cur) {
		struct hd_err fe = { 0 };
		int fetch_rc;

		/* b[cur] was stored and finished two rounds ago: reuse it */
		hd_arena_release(&b[cur].a);
		hd_arena_init(&b[cur].a, (size_t)f->cfg->max_email_bytes * 8 + (64u << 20));
		fetch_rc = prepare(f, &b[cur], uidvalidity, uids + off,
				   n - off < BATCH ? n - off : BATCH, &fe);
		if (inflight) {
			pthread_join(th, NULL);
			rc = finish(f, inflight, stored, err);
			inflight = NULL;
			if (rc)
				break;
		}
		if (b[cur].dealt) {
			if (pthread_create(&th, NULL, store, &b[cur]) == 0) {
				inflight = &b[cur];
			} else {
				store(&b[cur]);
				rc = finish(f, &b[cur], stored, err);
			}
		}
		if (!rc && fetch_rc) { /* what was fetched before is stored; then back off */
			*err = fe;
			rc = fetch_rc;
		}
	}
	if (inflight) {
		struct hd_err e = { 0 };
		int frc;

		pthread_join(th, NULL);
		frc = finish(f, inflight, stored, &e);
		if (frc && !rc) {
			*err = e;
			rc = frc;
		}
	}
	for (int i = 0; i < 2; i++)
		hd_arena_release(&b[i].a);
	free(b);
	return rc;
}

/* One look at the folder: store everything new. `*more` is set when a full
 * batch was stored (there may be more right away). */
static int pass(struct fetcher *f, int64_t *stored, int *more, struct hd_err *err)
{
	uint32_t *uids;
	uint32_t uv, uidnext, saved_uv, last;
	struct hd_mailbox_mark mark = { f->m->name, 0, 0 };
	size_t n = 0;
	int rc;

	*more = 0;
	if (f->m->team[0]) { /* a setting to fix, not the messages' fault */
		int64_t team;

		if (hd_store_team_find(f->st, f->m->team, &team, NULL))
			return hd_err_set(err, HD_EINVAL, NULL, "there is no team named \"%s\"",
					  f->m->team);
	}
	rc = connect_box(f, err);
	rc = rc ? rc : hd_imap_status(f->im, &uv, &uidnext, err);
	rc = rc ? rc : hd_store_mailbox_get(f->st, f->m->name, &saved_uv, &last, err);
	if (rc)
		return rc;
	if (saved_uv != uv) {
		if (saved_uv)
			fprintf(stderr,
				"heed: %s: UIDVALIDITY changed (%u -> %u): reading the folder again; "
				"messages already stored are recognised and skipped\n",
				f->source, saved_uv, uv);
		last = 0;
	}
	if (saved_uv == uv && uidnext && uidnext <= last + 1)
		return 0;
	uids = malloc(SEARCH_MAX * sizeof(*uids));
	if (!uids)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	rc = hd_imap_search_after(f->im, last, uids, SEARCH_MAX, &n, err);
	if (rc || !n) {
		mark.uidvalidity = uv;
		mark.last_uid = last;
		if (!rc && saved_uv != uv)
			rc = hd_store_mailbox_set(f->st, &mark, err);
		free(uids);
		return rc;
	}
	rc = store_all(f, uv, uids, n, stored, err);
	free(uids);
	*more = !rc && n == SEARCH_MAX;
	return rc;
}

int hd_fetch_once(struct hd_store *st, const struct hd_config *cfg,
		  const struct hd_mailbox_conf *m, int64_t *stored, struct hd_err *err)
{
	struct fetcher f;
	int rc, more = 1;

	memset(&f, 0, sizeof(f));
	f.st = st;
	f.cfg = cfg;
	f.m = m;
	snprintf(f.source, sizeof(f.source), "imap:%s", m->name);
	*stored = 0;
	while (more && !(rc = pass(&f, stored, &more, err)))
		;
	hd_imap_close(f.im);
	return rc;
}

static int stopping(struct hd_fetchers *fs, int64_t wait_ms)
{
	int64_t until = hd_now_ms() + wait_ms;
	struct timespec ts = { until / 1000, (long)(until % 1000) * 1000000 };
	int s;

	pthread_mutex_lock(&fs->mu);
	while (!fs->stop && wait_ms > 0 && pthread_cond_timedwait(&fs->wake, &fs->mu, &ts) == 0)
		;
	s = fs->stop;
	pthread_mutex_unlock(&fs->mu);
	return s;
}

static void *run(void *arg)
{
	struct fetcher *f = arg;
	int64_t backoff = 0, stored = 0;

	while (!stopping(f->owner, 0)) {
		struct hd_err err = { 0 };
		int more = 0, rc = pass(f, &stored, &more, &err);

		if (rc) {
			backoff = backoff ? backoff * 2 : 1000;
			if (backoff > MAX_BACKOFF_MS)
				backoff = MAX_BACKOFF_MS;
			fprintf(stderr, "heed: %s: %s; trying again in %lld s\n", f->source,
				err.msg[0] ? err.msg : hd_err_name(rc), (long long)backoff / 1000);
			/* reconnect next time: the connection may be half dead */
			hd_imap_close(f->im);
			f->im = NULL;
			if (stopping(f->owner, backoff))
				break;
			continue;
		}
		backoff = 0;
		if (!more && stopping(f->owner, f->m->poll_ms))
			break;
	}
	hd_imap_close(f->im);
	return NULL;
}

int hd_fetchers_start(struct hd_fetchers **out, struct hd_store *st, const struct hd_config *cfg,
		      struct hd_err *err)
{
	struct hd_fetchers *fs;

	*out = NULL;
	if (!cfg->nmailboxes)
		return 0;
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	hd_mail_init();
	pthread_mutex_init(&fs->mu, NULL);
	pthread_cond_init(&fs->wake, NULL);
	for (int i = 0; i < cfg->nmailboxes && i < MAX_MAILBOXES; i++) {
		struct fetcher *f = &fs->f[i];

		f->owner = fs;
		f->st = st;
		f->cfg = cfg;
		f->m = &cfg->mailboxes[i];
		snprintf(f->source, sizeof(f->source), "imap:%s", f->m->name);
		if (pthread_create(&f->thread, NULL, run, f) != 0) {
			hd_fetchers_stop(fs);
			return hd_err_set(err, HD_EIO, NULL, "cannot start the IMAP fetcher");
		}
		fs->n++;
	}
	*out = fs;
	return 0;
}

void hd_fetchers_stop(struct hd_fetchers *fs)
{
	if (!fs)
		return;
	pthread_mutex_lock(&fs->mu);
	fs->stop = 1;
	pthread_cond_broadcast(&fs->wake);
	pthread_mutex_unlock(&fs->mu);
	for (int i = 0; i < fs->n; i++)
		pthread_join(fs->f[i].thread, NULL);
	pthread_cond_destroy(&fs->wake);
	pthread_mutex_destroy(&fs->mu);
	free(fs);
}
