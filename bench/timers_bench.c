/*
 * timers_bench.c — how fast heed fires durable timers with many open tickets
 * (make bench-timers; figures in bench/README.md).
 *
 *   heed-bench-timers DIR [OPEN_TICKETS [DUE]]
 *
 * Creates a desk in DIR (heed init must have run) holding OPEN_TICKETS open
 * tickets (default 1,000,000), each with a running first-response SLA clock
 * and its breach timer spread over the next 30 days, then makes DUE of them
 * (default 20,000) due now and fires them through the store, as the timer
 * thread does. Prints the time per fired timer and the cost of finding the
 * next due time. The rows are written straight into SQLite (much faster
 * than the API); the firing is heed's own code path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/timeutil.h"

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "heed-bench-timers: %s\n", msg ? msg : "error");
		sqlite3_free(msg);
		return 1;
	}
	return 0;
}

/* OPEN_TICKETS open tickets with a running clock and a breach timer each. */
static int fill(const char *path, long n, int64_t now)
{
	sqlite3 *db;
	sqlite3_stmt *t, *k, *m;
	int rc = 1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	/* the bench's tickets need no full-text index */
	if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN;"
		     "DROP TRIGGER IF EXISTS tickets_fts_ai;"
		     "INSERT INTO customers (name, created_at, updated_at) VALUES ('bench', 0, 0);"))
		goto out;
	sqlite3_prepare_v2(db,
			   "INSERT INTO tickets (subject, status, active, priority, channel, "
			   "customer_id, created_at, updated_at, unanswered_since, sla_next_due, "
			   "sla_state) VALUES ('bench', 'open', 1, 'normal', 'email', "
			   "(SELECT min(id) FROM customers), ?1, ?1, ?1, ?2, 'ok')",
			   -1, &t, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT INTO sla_clocks (ticket_id, metric, target_min, business, "
			   "started_at, running_since, due_at) "
			   "VALUES (?1, 'first_response', 43200, 0, ?2, ?2, ?3)",
			   -1, &k, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT INTO timers (due_at, kind, ticket_id, ref_id) "
			   "VALUES (?1, 'sla.breach', ?2, ?3)",
			   -1, &m, NULL);
	srand(1);
	for (long i = 0; i < n; i++) {
		int64_t due = now + 60000 + (int64_t)rand() % (30LL * 86400000);
		int64_t created = due - 43200LL * 60000;
		sqlite3_int64 tid, cid;

		sqlite3_bind_int64(t, 1, created);
		sqlite3_bind_int64(t, 2, due);
		sqlite3_step(t);
		sqlite3_reset(t);
		tid = sqlite3_last_insert_rowid(db);
		sqlite3_bind_int64(k, 1, tid);
		sqlite3_bind_int64(k, 2, created);
		sqlite3_bind_int64(k, 3, due);
		sqlite3_step(k);
		sqlite3_reset(k);
		cid = sqlite3_last_insert_rowid(db);
		sqlite3_bind_int64(m, 1, due);
		sqlite3_bind_int64(m, 2, tid);
		sqlite3_bind_int64(m, 3, cid);
		if (sqlite3_step(m) != SQLITE_DONE) {
			fprintf(stderr, "heed-bench-timers: %s\n", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(m);
		if (i % 100000 == 0)
			fprintf(stderr, "\rfilling: %ld/%ld", i, n);
	}
	fprintf(stderr, "\rfilling: %ld/%ld\n", n, n);
	sqlite3_finalize(t);
	sqlite3_finalize(k);
	sqlite3_finalize(m);
	rc = exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);");
out:
	sqlite3_close(db);
	return rc;
}

/* Make `due` timers (spread over the table) due at `now`. */
static int make_due(const char *path, long n, long due, int64_t now)
{
	char sql[512];
	sqlite3 *db;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	snprintf(sql, sizeof(sql),
		 "UPDATE sla_clocks SET due_at = %lld WHERE id IN (SELECT ref_id FROM timers "
		 "WHERE id %% %ld = 0 LIMIT %ld);"
		 "UPDATE timers SET due_at = %lld WHERE id %% %ld = 0 AND id IN "
		 "(SELECT id FROM timers WHERE id %% %ld = 0 LIMIT %ld);",
		 (long long)now, n / due, due, (long long)now, n / due, n / due, due);
	rc = exec(db, sql);
	sqlite3_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	struct hd_store_opts o = { 0 };
	struct hd_store *st = NULL;
	struct hd_err err = { 0 };
	long n = argc > 2 ? atol(argv[2]) : 1000000, due = argc > 3 ? atol(argv[3]) : 20000;
	char path[4096];
	int64_t now = hd_now_ms(), t0, next = 0, total = 0;
	int fired;

	if (argc < 2 || n <= 0 || due <= 0 || due > n) {
		fprintf(stderr, "usage: heed-bench-timers DIR [OPEN_TICKETS [DUE]]\n");
		return 64;
	}
	snprintf(path, sizeof(path), "%s/heed.db", argv[1]);
	o.data_dir = argv[1];
	o.readers = 2;
	o.cache_kib = 64 * 1024;
	/* open once so the schema is current, then fill */
	if (hd_store_open(&st, &o, &err)) {
		fprintf(stderr, "heed-bench-timers: %s\n", err.msg);
		return 1;
	}
	hd_store_close(st);
	t0 = hd_mono_ms();
	if (fill(path, n, now))
		return 1;
	printf("filled %ld open tickets with a clock and a timer each in %.1f s\n", n,
	       (hd_mono_ms() - t0) / 1000.0);
	if (make_due(path, n, due, now))
		return 1;
	if (hd_store_open(&st, &o, &err)) {
		fprintf(stderr, "heed-bench-timers: %s\n", err.msg);
		return 1;
	}
	t0 = hd_mono_ms();
	for (int i = 0; i < 1000; i++)
		hd_store_timers_next(st, &next, &err);
	printf("next due time (index probe): %.3f ms per call\n", (hd_mono_ms() - t0) / 1000.0);
	t0 = hd_mono_ms();
	do {
		if (hd_store_timers_fire(st, now, 64, &fired, &err)) {
			fprintf(stderr, "heed-bench-timers: %s\n", err.msg);
			break;
		}
		total += fired;
	} while (fired > 0);
	t0 = hd_mono_ms() - t0;
	printf("fired %lld timers among %ld open tickets in %lld ms: %.3f ms per timer "
	       "(breach event, escalation check, clock and ticket refresh, durable commit)\n",
	       (long long)total, n, (long long)t0, total ? (double)t0 / (double)total : 0.0);
	hd_store_close(st);
	return total == due ? 0 : 1;
}
