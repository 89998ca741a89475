/*
 * writer.c — the single writer thread and group commit.
 *
 * SQLite allows one writer at a time, and with synchronous=FULL each commit
 * costs an fsync. Instead of making every request pay for its own fsync,
 * writers queue a job and wait; the writer thread takes every job queued
 * so far, runs each inside its own SAVEPOINT in one transaction, commits once
 * and wakes them all. Under load many jobs share one fsync; alone, a job
 * commits at once (no artificial delay). A job that fails rolls back to its
 * savepoint and does not disturb the others in its batch.
 *
 * Checkpoints (copying the WAL back into the database file) are mostly not
 * done by the writer: automatic checkpoints are off and a checkpointer
 * thread runs a PASSIVE checkpoint on its own connection whenever the WAL
 * has grown past CHECKPOINT_PAGES, so commits rarely wait for one. Under
 * continuous writes that checkpoint never quite catches up (each commit adds
 * frames while it copies), so the WAL would never restart and would grow
 * without bound, slowing every page lookup. When it passes WAL_CATCHUP_PAGES
 * the writer itself finishes the checkpoint between two batches (the
 * checkpointer has already copied most of it), and the next transaction
 * starts the WAL from the beginning again.
 *
 * After each batch the writer reads the newest event id and, when it grew,
 * calls the hook set with hd_store_on_commit (live updates: http/live.c).
 *
 * Must never: return from hd_writer_run before the job's commit is durable,
 * or report success for a job whose batch failed to commit.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

#define WRITER_MAX_BATCH 512
#define CHECKPOINT_PAGES 4000
#define WAL_CATCHUP_PAGES 16000

struct hd_wjob {
	hd_wfn fn;
	void *ctx;
	struct hd_err err;
	int rc;
	int done;
	pthread_cond_t cond; /* signalled when done: wakes this submitter only */
	struct hd_wjob *next;
};

/* Run one of the transaction-control statements (cached, no parsing). */
static int control(struct hd_conn *c, const char *sql, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, err);
	int rc;

	if (!s)
		return HD_EIO;
	rc = sqlite3_step(s);
	hd_db_done(s);
	return rc == SQLITE_DONE ? 0 : hd_db_error(c, rc, err);
}

static void run_batch(struct hd_writer *w, struct hd_wjob *jobs)
{
	struct hd_conn *c = w->conn;
	struct hd_wjob *j;
	int rc;

	rc = control(c, "BEGIN IMMEDIATE", NULL);
	if (!rc && !jobs->next) {
		/* A batch of one needs no savepoint: the transaction is the job.
		 * (A savepoint makes SQLite copy each page into a statement
		 * journal before changing it: a third of a large job's time.) */
		jobs->rc = jobs->fn(c, jobs->ctx, &jobs->err);
		if (jobs->rc)
			control(c, "ROLLBACK", NULL);
		else if (control(c, "COMMIT", NULL)) {
			control(c, "ROLLBACK", NULL);
			jobs->rc = hd_err_set(&jobs->err, HD_EIO, NULL,
					      "the database could not commit; try again");
		}
		return;
	}
	for (j = jobs; j; j = j->next) {
		if (rc) {
			j->rc = hd_err_set(&j->err, HD_EBUSY, NULL,
					   "the database is busy; try again");
			continue;
		}
		if (control(c, "SAVEPOINT job", &j->err)) {
			j->rc = HD_EIO;
			continue;
		}
		j->rc = j->fn(c, j->ctx, &j->err);
		if (j->rc)
			control(c, "ROLLBACK TO job", NULL);
		control(c, "RELEASE job", NULL);
		if (sqlite3_get_autocommit(c->db)) {
			/* Some errors (I/O, disk full) make SQLite roll back the whole
			 * transaction: the rest must not run outside one and the
			 * finished ones are lost, so the whole batch fails. */
			for (struct hd_wjob *k = jobs; k; k = k->next)
				if (!k->rc)
					k->rc = hd_err_set(&k->err, HD_EIO, NULL,
							   "the database could not write; try again");
			return;
		}
	}
	if (rc)
		return;
	if (control(c, "COMMIT", NULL)) {
		control(c, "ROLLBACK", NULL);
		for (j = jobs; j; j = j->next)
			if (!j->rc)
				j->rc = hd_err_set(&j->err, HD_EIO, NULL,
						   "the database could not commit; try again");
	}
}

static void *writer_main(void *arg)
{
	struct hd_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct hd_wjob *batch, *j, *last;
		int64_t last_event;
		int n = 1;

		while (!w->head && !w->stop)
			pthread_cond_wait(&w->wake, &w->mu);
		if (!w->head && w->stop)
			break;
		/* Take up to WRITER_MAX_BATCH jobs. */
		batch = last = w->head;
		while (last->next && n < WRITER_MAX_BATCH) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);

		run_batch(w, batch);
		last_event = hd_event_last(w->conn);

		pthread_mutex_lock(&w->mu);
		if (last_event > w->last_event) {
			/* live updates (hd_store_on_commit): under mu, so that
			 * removing the hook waits for a running call */
			w->last_event = last_event;
			if (w->on_commit)
				w->on_commit(w->on_commit_ctx, last_event);
		}
		for (j = batch; j;) {
			struct hd_wjob *next = j->next; /* j is gone once signalled */

			j->done = 1;
			pthread_cond_signal(&j->cond);
			j = next;
		}
		if (w->wal_pages >= WAL_CATCHUP_PAGES) {
			/* After waking the batch, so no request waits for it. */
			pthread_mutex_unlock(&w->mu);
			sqlite3_wal_checkpoint_v2(w->conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
						  NULL);
			w->wal_pages = 0;
			pthread_mutex_lock(&w->mu);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* The WAL hook runs after each commit on the writer connection: wake the
 * checkpointer when the WAL is long. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct hd_writer *w = arg;

	w->wal_pages = pages;
	if (pages >= CHECKPOINT_PAGES) {
		pthread_mutex_lock(&w->mu);
		w->checkpoint_wanted = 1;
		pthread_cond_signal(&w->ckpt_wake);
		pthread_mutex_unlock(&w->mu);
	}
	return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
	struct hd_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->checkpoint_wanted && !w->stop)
			pthread_cond_wait(&w->ckpt_wake, &w->mu);
		if (w->stop)
			break;
		w->checkpoint_wanted = 0;
		pthread_mutex_unlock(&w->mu);
		sqlite3_wal_checkpoint_v2(w->ckpt->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int hd_writer_start(struct hd_store *st, struct hd_err *err)
{
	struct hd_writer *w = &st->writer;
	int rc;

	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->wake, NULL);
	rc = hd_db_connect(st, 1, &w->conn, err);
	if (rc)
		return rc;
	rc = hd_schema_migrate(w->conn, err);
	rc = rc ? rc : hd_db_connect(st, 1, &w->ckpt, err);
	rc = rc ? rc : hd_db_exec(w->conn, "PRAGMA wal_autocheckpoint=0", err);
	if (rc)
		return rc;
	pthread_cond_init(&w->ckpt_wake, NULL);
	sqlite3_wal_hook(w->conn->db, wal_hook, w);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		return hd_err_set(err, HD_EIO, NULL, "cannot start the writer thread");
	w->running = 1;
	if (pthread_create(&w->ckpt_thread, NULL, checkpointer_main, w) != 0)
		return hd_err_set(err, HD_EIO, NULL, "cannot start the checkpoint thread");
	w->ckpt_running = 1;
	return 0;
}

void hd_writer_stop(struct hd_store *st)
{
	struct hd_writer *w = &st->writer;

	if (w->running) {
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->wake);
		pthread_cond_signal(&w->ckpt_wake);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		w->running = 0;
		if (w->ckpt_running)
			pthread_join(w->ckpt_thread, NULL);
		w->ckpt_running = 0;
		pthread_cond_destroy(&w->ckpt_wake);
	}
	hd_db_disconnect(w->ckpt);
	w->ckpt = NULL;
	if (w->conn) {
		/* Leave a clean database: fold the WAL back into the main file. */
		hd_db_exec(w->conn, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
		hd_db_disconnect(w->conn);
		w->conn = NULL;
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->mu);
	}
}

void hd_store_on_commit(struct hd_store *st, void (*fn)(void *ctx, int64_t last_event),
			void *ctx)
{
	struct hd_writer *w = &st->writer;

	pthread_mutex_lock(&w->mu);
	w->on_commit = fn;
	w->on_commit_ctx = ctx;
	pthread_mutex_unlock(&w->mu);
}

int hd_writer_run(struct hd_store *st, hd_wfn fn, void *ctx, struct hd_err *err)
{
	struct hd_writer *w = &st->writer;
	struct hd_wjob job;

	memset(&job, 0, sizeof(job));
	job.fn = fn;
	job.ctx = ctx;
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		return hd_err_set(err, HD_EBUSY, NULL, "heed is shutting down");
	}
	pthread_cond_init(&job.cond, NULL);
	if (w->tail)
		w->tail->next = &job;
	else
		w->head = &job;
	w->tail = &job;
	pthread_cond_signal(&w->wake);
	while (!job.done)
		pthread_cond_wait(&job.cond, &w->mu);
	pthread_mutex_unlock(&w->mu);
	pthread_cond_destroy(&job.cond);
	if (job.rc && err && !err->code)
		*err = job.err;
	return job.rc;
}
