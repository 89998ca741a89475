/*
 * seed.c — synthetic data for benchmarks and demos.
 *
 * Inserts teams, customers (each with an e-mail identity), tickets and
 * messages straight into the tables in batches of thousands of tickets per
 * transaction, through the writer thread like every other write. The
 * full-text index is not maintained row by row during the load but rebuilt
 * once at the end (about 20 times faster for millions of messages). Text is
 * drawn from a fixed vocabulary with a deterministic generator, so two seeded
 * databases are identical and search benchmarks are repeatable.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define SEED_BATCH 10000

static const char *const words[] = {
	"invoice", "refund", "password", "login", "account", "delivery", "order", "broken",
	"screen", "battery", "charge", "subscription", "cancel", "upgrade", "error", "crash",
	"slow", "payment", "card", "declined", "shipping", "address", "change", "missing",
	"package", "warranty", "repair", "replace", "update", "install", "printer", "network",
	"wifi", "router", "email", "export", "import", "report", "billing", "discount",
	"coupon", "trial", "license", "key", "activation", "sync", "backup", "restore",
	"calendar", "contact", "phone", "tablet", "laptop", "keyboard", "mouse", "cable",
	"adapter", "firmware", "driver", "bluetooth", "pairing", "noise", "overheating",
	"screenshot", "attachment", "upload", "download", "timeout", "permission", "access",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void sentence(uint64_t *s, char *out, size_t len, int nwords)
{
	size_t o = 0;

	for (int i = 0; i < nwords && o + 24 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "", words[rnd(s) % NWORDS]);
	out[o] = '\0';
}

struct seed_ctx {
	const struct hd_seed_opts *o;
	int64_t from, to; /* ticket ordinal range of this batch */
	int64_t first_customer, first_team, nteams, ncustomers;
	int64_t now;
	uint64_t rng;
	int phase; /* 0: teams+customers, 1: tickets, 2: rebuild the search index */
};

static int seed_people(struct hd_conn *c, struct seed_ctx *x, struct hd_err *err)
{
	sqlite3_stmt *s;
	char buf[128];
	int rc = 0;

	for (int64_t i = 0; i < x->nteams && !rc; i++) {
		s = hd_db_stmt(c, "INSERT OR IGNORE INTO teams (name, created_at) VALUES (?1, ?2)",
			       err);
		if (!s)
			return HD_EIO;
		snprintf(buf, sizeof(buf), "Team %lld", (long long)(i + 1));
		sqlite3_bind_text(s, 1, buf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, x->now);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = hd_db_error(c, sqlite3_errcode(c->db), err);
		hd_db_done(s);
	}
	s = hd_db_stmt(c, "SELECT min(id) FROM teams", err);
	if (!s)
		return HD_EIO;
	if (sqlite3_step(s) == SQLITE_ROW)
		x->first_team = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	s = hd_db_stmt(c, "SELECT coalesce(max(id), 0) + 1 FROM customers", err);
	if (!s)
		return HD_EIO;
	if (sqlite3_step(s) == SQLITE_ROW)
		x->first_customer = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	for (int64_t i = 0; i < x->ncustomers && !rc; i++) {
		int64_t id = x->first_customer + i;

		s = hd_db_stmt(c,
			       "INSERT INTO customers (id, name, created_at, updated_at) "
			       "VALUES (?1, ?2, ?3, ?3)",
			       err);
		if (!s)
			return HD_EIO;
		snprintf(buf, sizeof(buf), "Customer %lld", (long long)id);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, buf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 3, x->now);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = hd_db_error(c, sqlite3_errcode(c->db), err);
		hd_db_done(s);
		if (!rc) {
			snprintf(buf, sizeof(buf), "customer%lld@example.com", (long long)id);
			rc = hd_identity_insert(c, id, HD_IDKIND_EMAIL, buf, x->now, NULL, err);
		}
	}
	return rc;
}

static int seed_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	static const char *const statuses[] = { "new", "open", "pending", "on_hold", "solved",
						"closed", "closed", "closed" };
	static const char *const prios[] = { "low", "normal", "normal", "normal", "high",
					     "urgent" };
	struct seed_ctx *x = arg;
	char subject[256], text[1024];
	/* --days: spread over that many days (and worked: seed_metrics.c) */
	int64_t step = x->o->days > 0 && x->o->tickets > 0
			       ? (int64_t)x->o->days * 86400000 / x->o->tickets
			       : 1000;
	int64_t first_tid = 0, tid = 0;
	int rc = 0;

	if (x->phase == 0) {
		/* Random customer ids scatter index writes: give the one-off
		 * seeding process a page cache that holds the hot indexes. */
		int rc0 = hd_db_exec(c, "PRAGMA cache_size=-524288", err);

		rc0 = rc0 ? rc0 : hd_schema_fts_bulk(c, 1, err);
		return rc0 ? rc0 : seed_people(c, x, err);
	}
	if (x->phase == 2)
		return hd_schema_fts_bulk(c, 0, err);
	for (int64_t i = x->from; i < x->to && !rc; i++) {
		const char *status = statuses[rnd(&x->rng) % 8];
		int active = strcmp(status, "solved") && strcmp(status, "closed");
		int64_t customer = x->first_customer + (int64_t)(rnd(&x->rng) % (uint64_t)x->ncustomers);
		int64_t at = x->now - (x->o->tickets - i) * step;
		sqlite3_stmt *s = hd_db_stmt(c,
					     "INSERT INTO tickets (subject, status, active, priority, "
					     "channel, team_id, customer_id, created_at, updated_at, "
					     "message_count) VALUES (?1, ?2, ?3, ?4, 'email', ?5, ?6, "
					     "?7, ?7, ?8)",
					     err);

		if (!s)
			return HD_EIO;
		sentence(&x->rng, subject, sizeof(subject), 3 + (int)(rnd(&x->rng) % 5));
		sqlite3_bind_text(s, 1, subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, active);
		sqlite3_bind_text(s, 4, prios[rnd(&x->rng) % 6], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, x->first_team + (int64_t)(rnd(&x->rng) % (uint64_t)x->nteams));
		sqlite3_bind_int64(s, 6, customer);
		sqlite3_bind_int64(s, 7, at);
		sqlite3_bind_int(s, 8, x->o->messages_per_ticket);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = hd_db_error(c, sqlite3_errcode(c->db), err);
		hd_db_done(s);
		tid = sqlite3_last_insert_rowid(c->db);
		first_tid = first_tid ? first_tid : tid;
		for (int m = 0; m < x->o->messages_per_ticket && !rc; m++) {
			s = hd_db_stmt(c,
				       "INSERT INTO messages (ticket_id, author, author_id, "
				       "visibility, text, created_at) VALUES (?1, ?2, ?3, 'public', "
				       "?4, ?5)",
				       err);
			if (!s)
				return HD_EIO;
			sentence(&x->rng, text, sizeof(text), 12 + (int)(rnd(&x->rng) % 30));
			sqlite3_bind_int64(s, 1, tid);
			sqlite3_bind_text(s, 2, m % 2 ? "agent" : "customer", -1, SQLITE_STATIC);
			if (m % 2 == 0)
				sqlite3_bind_int64(s, 3, customer);
			sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 5, at + m * 60000);
			if (sqlite3_step(s) != SQLITE_DONE)
				rc = hd_db_error(c, sqlite3_errcode(c->db), err);
			hd_db_done(s);
		}
	}
	if (!rc && x->o->days > 0 && first_tid)
		rc = hd_seed_metrics(c, first_tid, tid, x->now, &x->rng, err);
	return rc;
}

int hd_store_seed(struct hd_store *st, const struct hd_seed_opts *o, struct hd_err *err)
{
	struct seed_ctx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.now = hd_now_ms();
	x.rng = 0x9e3779b97f4a7c15ull;
	x.nteams = o->teams > 0 ? o->teams : 10;
	x.ncustomers = o->customers > 0 ? o->customers : (o->tickets / 4 > 0 ? o->tickets / 4 : 1);
	rc = hd_writer_run(st, seed_job, &x, err);
	x.phase = 1;
	for (int64_t i = 0; i < o->tickets && !rc; i += SEED_BATCH) {
		x.from = i;
		x.to = i + SEED_BATCH < o->tickets ? i + SEED_BATCH : o->tickets;
		rc = hd_writer_run(st, seed_job, &x, err);
		if (o->progress)
			o->progress(x.to, o->tickets, o->progress_ctx);
	}
	x.phase = 2;
	if (o->progress)
		o->progress(-1, o->tickets, o->progress_ctx);
	/* Rebuild even after a failure, so the index never stays off. */
	return hd_writer_run(st, seed_job, &x, rc ? NULL : err) ? HD_EIO : rc;
}
