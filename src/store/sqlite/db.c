/*
 * db.c — SQLite connections, the reader pool and the statement cache.
 *
 * Pragmas: WAL (readers never block the writer), synchronous=FULL (a commit
 * is on disk when it returns: G2), foreign keys on, a busy timeout so a
 * reader meeting a checkpoint waits instead of failing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

int hd_db_error(struct hd_conn *c, int rc, struct hd_err *err)
{
	int code = HD_EIO;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: code = HD_ECONFLICT; break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: code = HD_EBUSY; break;
	case SQLITE_NOMEM: code = HD_ENOMEM; break;
	case SQLITE_TOOBIG: code = HD_ETOOBIG; break;
	default: break;
	}
	return hd_err_set(err, code, NULL, "database: %s",
			  c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
}

int hd_db_exec(struct hd_conn *c, const char *sql, struct hd_err *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		hd_err_set(err, HD_EIO, NULL, "database: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return (rc & 0xff) == SQLITE_BUSY ? HD_EBUSY : HD_EIO;
	}
	return 0;
}

#define WRITER_CACHE_KIB (32 * 1024)

int hd_db_connect(struct hd_store *st, int writer, struct hd_conn **out, struct hd_err *err)
{
	struct hd_conn *c = calloc(1, sizeof(*c));
	char pragmas[256];
	int rc;

	if (!c)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	c->st = st;
	rc = sqlite3_open_v2(st->db_path, &c->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		hd_err_set(err, HD_EIO, NULL, "cannot open %s: %s", st->db_path,
			   c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(c->db, 5000);
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		 "PRAGMA cache_size=-%lld; PRAGMA temp_store=MEMORY;%s",
		 /* The writer touches every index on every commit: it gets a
		  * cache that holds their hot pages (WRITER_CACHE_KIB). */
		 (long long)(writer ? WRITER_CACHE_KIB : st->cache_kib),
		 /* Statement journals stay in memory: with a file, durable
		  * POSTs ran at 2,700/s instead of 6,400/s. (An in-memory
		  * journal is a chunk list walked from its start on every seek,
		  * so one job must not write megabytes inside a savepoint: see
		  * writer.c and the IMAP batches in mail.c.) */
		 writer ? "" : " PRAGMA query_only=1;");
	if (hd_db_exec(c, pragmas, err) || hd_rank_register(c->db, err))
		goto fail;
	*out = c;
	return 0;
fail:
	hd_db_disconnect(c);
	return HD_EIO;
}

void hd_db_disconnect(struct hd_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nslots; i++)
		sqlite3_finalize(c->slots[i].st);
	sqlite3_close(c->db);
	free(c);
}

int hd_db_acquire(struct hd_store *st, struct hd_conn **out, struct hd_err *err)
{
	pthread_mutex_lock(&st->pool_mu);
	*out = st->pool;
	if (*out) {
		st->pool = (*out)->next;
		st->nreaders--;
	}
	pthread_mutex_unlock(&st->pool_mu);
	if (*out)
		return 0;
	return hd_db_connect(st, 0, out, err);
}

void hd_db_release(struct hd_store *st, struct hd_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&st->pool_mu);
	if (st->nreaders < st->max_readers) {
		c->next = st->pool;
		st->pool = c;
		st->nreaders++;
		c = NULL;
	}
	pthread_mutex_unlock(&st->pool_mu);
	hd_db_disconnect(c); /* more connections than the pool keeps */
}

sqlite3_stmt *hd_db_stmt(struct hd_conn *c, const char *sql, struct hd_err *err)
{
	struct hd_stmt_slot *slot = NULL;
	uint64_t h = 14695981039346656037ull;
	int rc;

	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	for (int i = 0; i < c->nslots; i++)
		if (c->slots[i].hash == h && strcmp(c->slots[i].sql, sql) == 0) {
			slot = &c->slots[i];
			break;
		}
	if (slot) {
		sqlite3_reset(slot->st);
		sqlite3_clear_bindings(slot->st);
		return slot->st;
	}
	if (c->nslots == HD_STMT_CACHE) {
		/* Full: evict the oldest (dynamic SQL variants only get here). */
		sqlite3_finalize(c->slots[0].st);
		memmove(&c->slots[0], &c->slots[1], sizeof(c->slots[0]) * (HD_STMT_CACHE - 1));
		c->nslots--;
	}
	slot = &c->slots[c->nslots];
	rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL);
	if (rc != SQLITE_OK) {
		hd_db_error(c, rc, err);
		return NULL;
	}
	slot->sql = sqlite3_sql(slot->st);
	slot->hash = h;
	c->nslots++;
	return slot->st;
}

void hd_db_done(sqlite3_stmt *st)
{
	if (st)
		sqlite3_reset(st);
}

const char *hd_db_text(sqlite3_stmt *st, int col, struct hd_arena *a)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	if (!s)
		return NULL;
	return hd_arena_strndup(a, (const char *)s, (size_t)sqlite3_column_bytes(st, col));
}

int hd_db_collect(struct hd_conn *c, sqlite3_stmt *s, size_t size, int limit, hd_row_fn read,
		  void **out, size_t *n, int64_t *next, struct hd_arena *a, struct hd_err *err)
{
	size_t cap = limit > 0 ? (size_t)limit : 16;
	int64_t last = 0;
	int step, rc = 0;

	*n = 0;
	if (next)
		*next = 0;
	*out = hd_arena_alloc(a, size * cap);
	if (!*out) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (limit > 0 && *n == (size_t)limit) {
			if (next)
				*next = last;
			break;
		}
		if (*n == cap) {
			void *grown = hd_arena_alloc(a, size * cap * 2);

			if (!grown) {
				rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
				goto out;
			}
			memcpy(grown, *out, size * cap);
			*out = grown;
			cap *= 2;
		}
		read(s, (char *)*out + size * *n, a);
		last = sqlite3_column_int64(s, 0);
		(*n)++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
out:
	hd_db_done(s);
	return rc;
}

int hd_db_query_id(struct hd_store *st, const char *sql, int64_t id, size_t size,
		   hd_row_fn read, void **out, size_t *n, struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c, sql, err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_int64(s, 1, id);
		rc = hd_db_collect(c, s, size, 0, read, out, n, NULL, a, err);
	}
	hd_db_release(st, c);
	return rc;
}

int hd_db_get(struct hd_conn *c, sqlite3_stmt *s, hd_row_fn read, void *item,
	      struct hd_arena *a, const char *what, int64_t id, struct hd_err *err)
{
	int step = sqlite3_step(s), rc = 0;

	if (step == SQLITE_ROW)
		read(s, item, a);
	else if (step == SQLITE_DONE)
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no %s %lld", what, (long long)id);
	else
		rc = hd_db_error(c, step, err);
	hd_db_done(s);
	return rc;
}

int hd_db_exists(struct hd_conn *c, const char *sql, int64_t id, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, err);
	int step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	step = sqlite3_step(s);
	hd_db_done(s);
	if (step == SQLITE_ROW)
		return 1;
	return step == SQLITE_DONE ? 0 : hd_db_error(c, step, err);
}

int hd_db_require(struct hd_conn *c, const char *sql, int64_t id, int code, const char *field,
		  const char *what, struct hd_err *err)
{
	int rc = hd_db_exists(c, sql, id, err);

	if (rc < 0)
		return rc;
	return rc ? 0 : hd_err_set(err, code, field, "there is no %s %lld", what, (long long)id);
}

int hd_db_bind_id(sqlite3_stmt *st, int idx, int64_t id)
{
	return id ? sqlite3_bind_int64(st, idx, id) : sqlite3_bind_null(st, idx);
}

int hd_db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	return s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
}

/* ---- store lifecycle ---------------------------------------------------- */

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* Process-wide SQLite settings, before the library initialises itself.
 * Memory statistics take a global mutex on every allocation: with dozens
 * of threads reading at once that mutex was the bottleneck. */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

/* The key that signs our Message-IDs, made by migration 2. */
static int load_mail_key(struct hd_store *st, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT value FROM settings WHERE key = 'mail_hmac_key'", err);
	if (!s) {
		rc = HD_EIO;
	} else if (sqlite3_step(s) != SQLITE_ROW ||
		   sodium_hex2bin(st->mail_key, sizeof(st->mail_key),
				  (const char *)sqlite3_column_text(s, 0),
				  (size_t)sqlite3_column_bytes(s, 0), NULL, NULL, NULL) != 0) {
		rc = hd_err_set(err, HD_EIO, NULL, "the database has no valid mail signing key");
	}
	hd_db_done(s);
	hd_db_release(st, c);
	return rc;
}

int hd_store_open(struct hd_store **out, const struct hd_store_opts *opts, struct hd_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct hd_store *st = calloc(1, sizeof(*st));
	int rc = HD_ENOMEM;

	pthread_once(&once, sqlite_configure);
	*out = NULL;
	if (!st)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	pthread_mutex_init(&st->pool_mu, NULL);
	st->max_readers = opts->readers > 0 ? opts->readers : 4;
	st->cache_kib = opts->cache_kib > 0 ? opts->cache_kib : 2048;
	st->data_dir = strdup(opts->data_dir);
	st->db_path = path_join(opts->data_dir, "heed.db");
	st->blob_dir = path_join(opts->data_dir, "blobs");
	if (!st->data_dir || !st->db_path || !st->blob_dir) {
		hd_err_set(err, rc, NULL, "out of memory");
		goto fail;
	}
	if (mkdir(st->data_dir, 0700) != 0 && errno != EEXIST) {
		rc = hd_err_set(err, HD_EIO, NULL, "cannot create %s: %s", st->data_dir,
				strerror(errno));
		goto fail;
	}
	if (mkdir(st->blob_dir, 0700) != 0 && errno != EEXIST) {
		rc = hd_err_set(err, HD_EIO, NULL, "cannot create %s: %s", st->blob_dir,
				strerror(errno));
		goto fail;
	}
	st->mail_domain = strdup(opts->mail_domain && *opts->mail_domain ? opts->mail_domain
									  : "heed.invalid");
	st->desk_name = strdup(opts->desk_name && *opts->desk_name ? opts->desk_name : "heed");
	st->autoreply_max = opts->autoreply_max > 0 ? opts->autoreply_max : 10;
	st->autoreply_window_ms =
		opts->autoreply_window_ms > 0 ? opts->autoreply_window_ms : 3 * 3600 * 1000;
	st->first_response_minutes =
		opts->first_response_minutes > 0 ? opts->first_response_minutes : 480;
	st->autoclose_grace_ms =
		opts->autoclose_grace_ms > 0 ? opts->autoclose_grace_ms : 7 * 86400000LL;
	st->public_url = strdup(opts->public_url ? opts->public_url : "");
	rc = st->mail_domain && st->desk_name && st->public_url ? hd_writer_start(st, err)
								 : HD_ENOMEM;
	rc = rc ? rc : load_mail_key(st, err);
	if (rc)
		goto fail;
	*out = st;
	return 0;
fail:
	hd_store_close(st);
	return rc;
}

void hd_store_close(struct hd_store *st)
{
	if (!st)
		return;
	hd_writer_stop(st);
	hd_sla_config_free(st->sla_cfg);
	while (st->pool) {
		struct hd_conn *c = st->pool;
		st->pool = c->next;
		hd_db_disconnect(c);
	}
	pthread_mutex_destroy(&st->pool_mu);
	free(st->data_dir);
	free(st->db_path);
	free(st->blob_dir);
	free(st->mail_domain);
	free(st->desk_name);
	free(st->public_url);
	sodium_memzero(st->mail_key, sizeof(st->mail_key));
	free(st);
}

int hd_store_ping(struct hd_store *st, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT 1", err);
	if (!s)
		rc = HD_EIO;
	else if (sqlite3_step(s) != SQLITE_ROW)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	hd_db_release(st, c);
	return rc;
}

int hd_store_schema_version(struct hd_store *st, int *have, int *want)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, NULL);

	*want = hd_schema_latest();
	*have = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c, "PRAGMA user_version", NULL);
	if (s && sqlite3_step(s) == SQLITE_ROW)
		*have = sqlite3_column_int(s, 0);
	hd_db_done(s);
	hd_db_release(st, c);
	return 0;
}
