/*
 * policies.c — business-hours calendars and SLA policies (store/policies.h),
 * and the parsed configuration the SLA engine reads on every ticket write
 * (hd_sla_config_get in internal.h).
 *
 * Every write parses and checks its document inside the writer job, so the
 * checks that look at other rows (the calendar a policy names exists, a
 * calendar is not in use) are atomic with the write, and a change (PATCH)
 * merges into the definition as it is at that moment. Policy positions are
 * kept 1..n without gaps by the job that inserts, moves or deletes.
 *
 * The parsed configuration is built on the writer connection and cached in
 * struct hd_store; only the writer thread touches it. Every write here
 * bumps st->sla_gen (also after the job, from the caller's thread, in case
 * the batch's commit failed after a later job had already rebuilt the cache
 * from the uncommitted change), and a cache built under another number is
 * rebuilt on its next use.
 */
#include <stdlib.h>
#include <string.h>

#include "store/policy_json.h"
#include "store/sqlite/internal.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define DAY_MS ((int64_t)86400000)
/* Zones are loaded for [now - ZONE_PAST, now + ZONE_AHEAD]: clocks started
 * up to a year ago and due up to two years ahead are exact. */
#define ZONE_PAST (400 * DAY_MS)
#define ZONE_AHEAD (800 * DAY_MS)
/* A configuration built this long before (or after) now is rebuilt. */
#define ZONE_STALE (30 * DAY_MS)
/* Parsing one calendar (holidays, closures, a zone) needs less than this. */
#define DEF_ARENA_MAX ((size_t)16 << 20)

void hd_sla_config_invalidate(struct hd_store *st)
{
	atomic_fetch_add(&st->sla_gen, 1);
}

/* ---- writes ---------------------------------------------------------------- */

struct def_ctx;

/* What differs between calendars and policies. */
struct kind {
	const char *what;   /* "calendar", "SLA policy" */
	int ordered;        /* rows have a position */
	const char *insert; /* ?1 name, ?2 definition, ?3 now, ?4 position */
	const char *select; /* ?1 id -> definition, position */
	const char *update; /* ?1 id, ?2 name, ?3 definition, ?4 now */
	/* Parse and check `doc`; canonical text into x->text, name into x->name. */
	int (*canon)(struct hd_conn *c, struct def_ctx *x, json_t *doc, struct hd_err *err);
};

struct def_ctx {
	const struct kind *k;
	json_t *doc; /* create: the document; update: the patch (borrowed) */
	struct hd_idem *idem;
	int64_t id, now;
	int64_t position; /* policies: the position asked for; 0: none */
	const char *name; /* into `doc` or the merged document */
	char *text;       /* the canonical definition (malloc'd; freed by the caller) */
};

/* The canonical text of `canon` (consumed) into x->text. */
static int to_text(json_t *canon, struct def_ctx *x, struct hd_err *err)
{
	x->text = canon ? json_dumps(canon, JSON_COMPACT) : NULL;
	json_decref(canon);
	return x->text ? 0 : hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
}

static int calendar_canon(struct hd_conn *c, struct def_ctx *x, json_t *doc, struct hd_err *err)
{
	struct hd_calendar_def d;
	struct hd_arena a;
	int rc;

	hd_arena_init(&a, DEF_ARENA_MAX);
	rc = hd_calendar_parse(doc, &d, &a, err);
	rc = rc ? rc
		: hd_calendar_load_zone(&d, x->now - ZONE_PAST, x->now + ZONE_AHEAD, &a, err);
	rc = rc ? rc : to_text(hd_calendar_json(&d), x, err);
	x->name = d.name;
	hd_arena_release(&a);
	return rc;
}

static int action_refs(struct hd_conn *c, const struct hd_sla_action *v, size_t n,
		       const char *field, struct hd_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		if (v[i].kind == HD_SLA_ACT_SET_TEAM)
			rc = hd_db_require(c, "SELECT 1 FROM teams WHERE id = ?1", v[i].team_id,
					   HD_EINVAL, field, "team", err);
	return rc;
}

/* The calendar, teams and organizations `p` names exist. */
static int policy_refs(struct hd_conn *c, const struct hd_sla_policy *p, struct hd_err *err)
{
	int rc = p->calendar_id ? hd_db_require(c, "SELECT 1 FROM calendars WHERE id = ?1",
						p->calendar_id, HD_EINVAL, "calendar_id",
						"calendar", err)
				: 0;

	for (size_t i = 0; i < p->nteams && !rc; i++)
		rc = hd_db_require(c, "SELECT 1 FROM teams WHERE id = ?1", p->teams[i], HD_EINVAL,
				   "conditions", "team", err);
	for (size_t i = 0; i < p->norgs && !rc; i++)
		rc = hd_db_require(c, "SELECT 1 FROM organizations WHERE id = ?1", p->orgs[i],
				   HD_EINVAL, "conditions", "organization", err);
	rc = rc ? rc : action_refs(c, p->on_warn, p->non_warn, "on_warning", err);
	return rc ? rc : action_refs(c, p->on_breach, p->non_breach, "on_breach", err);
}

static int policy_canon(struct hd_conn *c, struct def_ctx *x, json_t *doc, struct hd_err *err)
{
	struct hd_sla_policy p;
	int rc = hd_sla_policy_parse(doc, &p, &x->position, err);

	rc = rc ? rc : policy_refs(c, &p, err);
	rc = rc ? rc : to_text(hd_sla_policy_json(&p), x, err);
	x->name = json_string_value(json_object_get(doc, "name"));
	return rc;
}

static const struct kind calendar_kind = {
	"calendar",
	0,
	"INSERT INTO calendars (name, definition, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
	"SELECT definition, 0 FROM calendars WHERE id = ?1",
	"UPDATE calendars SET name = ?2, definition = ?3, updated_at = ?4 WHERE id = ?1",
	calendar_canon,
};

static const struct kind policy_kind = {
	"SLA policy",
	1,
	"INSERT INTO sla_policies (name, definition, created_at, updated_at, position) "
	"VALUES (?1, ?2, ?3, ?3, ?4)",
	"SELECT definition, position FROM sla_policies WHERE id = ?1",
	"UPDATE sla_policies SET name = ?2, definition = ?3, updated_at = ?4 WHERE id = ?1",
	policy_canon,
};

/* Step the bound INSERT or UPDATE `s` of x's row: a taken name is a
 * conflict; an insert's id goes to x->id. Resets `s`. */
static int step_write(struct hd_conn *c, sqlite3_stmt *s, struct def_ctx *x, struct hd_err *err)
{
	int step = sqlite3_step(s), rc = 0;

	if ((step & 0xff) == SQLITE_CONSTRAINT)
		rc = hd_err_set(err, HD_ECONFLICT, "name", "a %s named \"%s\" exists", x->k->what,
				x->name);
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	else if (!x->id)
		x->id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc;
}

/* Policies at positions lo..hi move by `delta`. */
static int shift(struct hd_conn *c, int64_t lo, int64_t hi, int delta, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE sla_policies SET position = position + ?3 "
				     "WHERE position BETWEEN ?1 AND ?2",
				     err);
	int step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, lo);
	sqlite3_bind_int64(s, 2, hi);
	sqlite3_bind_int(s, 3, delta);
	step = sqlite3_step(s);
	hd_db_done(s);
	return step == SQLITE_DONE ? 0 : hd_db_error(c, step, err);
}

static int policy_count(struct hd_conn *c, int64_t *n, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "SELECT count(*) FROM sla_policies", err);
	int step;

	if (!s)
		return HD_EIO;
	step = sqlite3_step(s);
	*n = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	return step == SQLITE_ROW ? 0 : hd_db_error(c, step, err);
}

/* Move policy x->id from position `from` to x->position (clamped to 1..n). */
static int policy_move(struct hd_conn *c, struct def_ctx *x, int64_t from, struct hd_err *err)
{
	sqlite3_stmt *s;
	int64_t n, to;
	int rc = policy_count(c, &n, err), step;

	if (rc)
		return rc;
	to = x->position < n ? x->position : n;
	if (to == from)
		return 0;
	rc = to < from ? shift(c, to, from - 1, 1, err) : shift(c, from + 1, to, -1, err);
	s = rc ? NULL : hd_db_stmt(c, "UPDATE sla_policies SET position = ?2 WHERE id = ?1", err);
	if (!s)
		return rc ? rc : HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_int64(s, 2, to);
	step = sqlite3_step(s);
	hd_db_done(s);
	return step == SQLITE_DONE ? 0 : hd_db_error(c, step, err);
}

/* Make room for a new policy at position `want` (0 or past the end: last);
 * the position it gets into `*at`. */
static int make_room(struct hd_conn *c, int64_t want, int64_t *at, struct hd_err *err)
{
	int64_t n;
	int rc = policy_count(c, &n, err);

	*at = want && want <= n ? want : n + 1;
	return rc ? rc : shift(c, *at, INT64_MAX, 1, err);
}

static int create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct def_ctx *x = arg;
	sqlite3_stmt *s;
	int64_t at = 0;
	int rc = hd_idem_check(c, x->idem, &x->id, err);

	if (rc)
		return rc < 0 ? rc : 0;
	rc = x->k->canon(c, x, x->doc, err);
	rc = rc || !x->k->ordered ? rc : make_room(c, x->position, &at, err);
	s = rc ? NULL : hd_db_stmt(c, x->k->insert, err);
	if (!s)
		return rc ? rc : HD_EIO;
	sqlite3_bind_text(s, 1, x->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, x->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, x->now);
	if (x->k->ordered)
		sqlite3_bind_int64(s, 4, at);
	rc = step_write(c, s, x, err);
	hd_sla_config_invalidate(c->st);
	return rc ? rc : hd_idem_save(c, x->idem, x->id, x->now, err);
}

/* The stored definition of x->id as a JSON object (`*doc`, the caller
 * decrefs) and its position (0 for calendars). */
static int load_def(struct hd_conn *c, struct def_ctx *x, json_t **doc, int64_t *position,
		    struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, x->k->select, err);
	int step, rc = 0;

	*doc = NULL;
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*doc = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
		*position = sqlite3_column_int64(s, 1);
		if (!json_is_object(*doc))
			rc = hd_err_set(err, HD_EIO, NULL, "the stored %s %lld is damaged",
					x->k->what, (long long)x->id);
	} else if (step == SQLITE_DONE) {
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no %s %lld", x->k->what,
				(long long)x->id);
	} else {
		rc = hd_db_error(c, step, err);
	}
	hd_db_done(s);
	return rc;
}

static int update_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct def_ctx *x = arg;
	sqlite3_stmt *s = NULL;
	json_t *doc;
	int64_t position = 0;
	int rc = load_def(c, x, &doc, &position, err);

	if (!rc && json_object_update(doc, x->doc))
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	rc = rc ? rc : x->k->canon(c, x, doc, err);
	s = rc ? NULL : hd_db_stmt(c, x->k->update, err);
	if (!s) {
		rc = rc ? rc : HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_text(s, 2, x->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, x->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, x->now);
	rc = step_write(c, s, x, err);
	rc = rc || !x->position ? rc : policy_move(c, x, position, err);
	hd_sla_config_invalidate(c->st);
out:
	json_decref(doc);
	return rc;
}

/* Run `job` for kind `k` with `doc`, then free what it made. */
static int run(struct hd_store *st, hd_wfn job, const struct kind *k, json_t *doc,
	       struct hd_idem *idem, int64_t *id, struct hd_err *err)
{
	struct def_ctx x = { k, doc, idem, *id, hd_now_ms(), 0, NULL, NULL };
	int rc;

	if (!json_is_object(doc))
		return hd_err_set(err, HD_EINVAL, NULL, "a %s is a JSON object", k->what);
	if (job == update_job && !json_object_size(doc))
		return hd_err_set(err, HD_EINVAL, NULL, "nothing to change: give a member of the %s",
				  k->what);
	rc = hd_writer_run(st, job, &x, err);
	hd_sla_config_invalidate(st);
	free(x.text);
	*id = x.id;
	return rc;
}

int hd_store_calendar_create(struct hd_store *st, json_t *doc, struct hd_idem *idem, int64_t *id,
			     struct hd_err *err)
{
	*id = 0;
	return run(st, create_job, &calendar_kind, doc, idem, id, err);
}

int hd_store_calendar_update(struct hd_store *st, int64_t id, json_t *patch,
			     struct hd_err *err)
{
	return run(st, update_job, &calendar_kind, patch, NULL, &id, err);
}

int hd_store_sla_policy_create(struct hd_store *st, json_t *doc, struct hd_idem *idem,
			       int64_t *id, struct hd_err *err)
{
	*id = 0;
	return run(st, create_job, &policy_kind, doc, idem, id, err);
}

int hd_store_sla_policy_update(struct hd_store *st, int64_t id, json_t *patch,
			       struct hd_err *err)
{
	return run(st, update_job, &policy_kind, patch, NULL, &id, err);
}

/* ---- deletes --------------------------------------------------------------- */

/* Delete row `id` with `sql` (a DELETE ... RETURNING): HD_ENOTFOUND when
 * there was none. */
static int delete_row(struct hd_conn *c, const char *sql, int64_t id, const char *what,
		      struct hd_err *err)
{
	int rc = hd_db_exists(c, sql, id, err);

	if (rc < 0)
		return rc;
	return rc ? 0
		  : hd_err_set(err, HD_ENOTFOUND, NULL, "there is no %s %lld", what, (long long)id);
}

static int calendar_delete_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	int64_t id = *(int64_t *)arg;
	int rc = hd_db_exists(c,
			      "SELECT 1 FROM sla_policies "
			      "WHERE json_extract(definition, '$.calendar_id') = ?1",
			      id, err);

	if (rc == 1)
		return hd_err_set(err, HD_ECONFLICT, NULL,
				  "calendar %lld is in use by an SLA policy; change that first",
				  (long long)id);
	rc = rc ? rc
		: delete_row(c, "DELETE FROM calendars WHERE id = ?1 RETURNING id", id, "calendar",
			     err);
	hd_sla_config_invalidate(c->st);
	return rc;
}

static int policy_delete_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct def_ctx *x = arg;
	json_t *doc;
	int64_t position = 0;
	int rc = load_def(c, x, &doc, &position, err);

	json_decref(doc);
	rc = rc ? rc
		: delete_row(c, "DELETE FROM sla_policies WHERE id = ?1 RETURNING id", x->id,
			     "SLA policy", err);
	rc = rc ? rc : shift(c, position + 1, INT64_MAX, -1, err);
	hd_sla_config_invalidate(c->st);
	return rc;
}

int hd_store_calendar_delete(struct hd_store *st, int64_t id, struct hd_err *err)
{
	int rc = hd_writer_run(st, calendar_delete_job, &id, err);

	hd_sla_config_invalidate(st);
	return rc;
}

int hd_store_sla_policy_delete(struct hd_store *st, int64_t id, struct hd_err *err)
{
	struct def_ctx x = { &policy_kind, NULL, NULL, id, 0, 0, NULL, NULL };
	int rc = hd_writer_run(st, policy_delete_job, &x, err);

	hd_sla_config_invalidate(st);
	return rc;
}

/* ---- reads ----------------------------------------------------------------- */

static void read_def(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_def_rec *r = item;

	r->id = sqlite3_column_int64(s, 0);
	r->name = hd_db_text(s, 1, a);
	r->definition = hd_db_text(s, 2, a);
	r->created_at = sqlite3_column_int64(s, 3);
	r->updated_at = sqlite3_column_int64(s, 4);
	r->position = sqlite3_column_int64(s, 5);
}

#define CALENDAR_SQL                                                                           \
	"SELECT id, name, definition, created_at, updated_at, 0 FROM calendars "               \
	"WHERE ?1 = 0 OR id = ?1 ORDER BY name"
#define POLICY_SQL                                                                             \
	"SELECT id, name, definition, created_at, updated_at, position FROM sla_policies "     \
	"WHERE ?1 = 0 OR id = ?1 ORDER BY position, id"

/* The one record `sql` (CALENDAR_SQL, POLICY_SQL) gives for `id`. */
static int get_one(struct hd_store *st, const char *sql, int64_t id, struct hd_def_rec *out,
		   const char *what, struct hd_arena *a, struct hd_err *err)
{
	struct hd_def_rec *rows;
	size_t n;
	int rc = hd_db_query_id(st, sql, id ? id : -1, sizeof(*rows), read_def, (void **)&rows, &n,
				a, err);

	if (!rc && !n)
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no %s %lld", what,
				(long long)id);
	if (!rc)
		*out = rows[0];
	return rc;
}

int hd_store_calendar_get(struct hd_store *st, int64_t id, struct hd_def_rec *out,
			  struct hd_arena *a, struct hd_err *err)
{
	return get_one(st, CALENDAR_SQL, id, out, "calendar", a, err);
}

int hd_store_calendar_list(struct hd_store *st, struct hd_def_rec **out, size_t *n,
			   struct hd_arena *a, struct hd_err *err)
{
	return hd_db_query_id(st, CALENDAR_SQL, 0, sizeof(**out), read_def, (void **)out, n, a,
			      err);
}

int hd_store_sla_policy_get(struct hd_store *st, int64_t id, struct hd_def_rec *out,
			    struct hd_arena *a, struct hd_err *err)
{
	return get_one(st, POLICY_SQL, id, out, "SLA policy", a, err);
}

int hd_store_sla_policy_list(struct hd_store *st, struct hd_def_rec **out, size_t *n,
			     struct hd_arena *a, struct hd_err *err)
{
	return hd_db_query_id(st, POLICY_SQL, 0, sizeof(**out), read_def, (void **)out, n, a, err);
}

/* ---- the parsed configuration (writer thread) ------------------------------ */

struct def_row {
	int64_t id;
	const char *definition;
};

static void read_def_row(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct def_row *r = item;

	r->id = sqlite3_column_int64(s, 0);
	r->definition = hd_db_text(s, 1, a);
}

/* Every row `sql` gives (id, definition), in the temporary arena `tmp`. */
static int def_rows(struct hd_conn *c, const char *sql, struct def_row **rows, size_t *n,
		    struct hd_arena *tmp, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, err);

	if (!s)
		return HD_EIO;
	return hd_db_collect(c, s, sizeof(**rows), 0, read_def_row, (void **)rows, n, NULL, tmp,
			     err);
}

/* Calendars whose definition no longer parses or whose zone no longer loads
 * (tzdata changed under us) are left out: their policies count calendar
 * time until the calendar is saved again. */
static int load_calendars(struct hd_sla_config *cfg, const struct def_row *rows, size_t n,
			  struct hd_err *err)
{
	cfg->cals = hd_arena_alloc(&cfg->arena, sizeof(*cfg->cals) * (n + 1));
	if (!cfg->cals)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *doc = json_loads(rows[i].definition, 0, NULL);
		struct hd_calendar_def d;

		if (!hd_calendar_parse(doc, &d, &cfg->arena, NULL) &&
		    !hd_calendar_load_zone(&d, cfg->base - ZONE_PAST, cfg->base + ZONE_AHEAD,
					   &cfg->arena, NULL)) {
			cfg->cals[cfg->ncals].id = rows[i].id;
			cfg->cals[cfg->ncals++].cal = d.cal;
		}
		json_decref(doc);
	}
	return 0;
}

static int load_policies(struct hd_sla_config *cfg, const struct def_row *rows, size_t n,
			 struct hd_err *err)
{
	cfg->policies = hd_arena_alloc(&cfg->arena, sizeof(*cfg->policies) * (n + 1));
	if (!cfg->policies)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *doc = json_loads(rows[i].definition, 0, NULL);
		int64_t position;

		if (!hd_sla_policy_parse(doc, &cfg->policies[cfg->npolicies], &position, NULL))
			cfg->policies[cfg->npolicies++].id = rows[i].id;
		json_decref(doc);
	}
	return 0;
}

static int config_build(struct hd_conn *c, int64_t now, struct hd_sla_config **out,
			struct hd_err *err)
{
	struct hd_sla_config *cfg = calloc(1, sizeof(*cfg));
	struct hd_arena tmp;
	struct def_row *rows;
	size_t n;
	int rc;

	*out = NULL;
	if (!cfg)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	hd_arena_init(&cfg->arena, (size_t)256 << 20);
	hd_arena_init(&tmp, (size_t)256 << 20);
	cfg->gen = atomic_load(&c->st->sla_gen);
	cfg->base = now;
	rc = def_rows(c, "SELECT id, definition FROM calendars ORDER BY id", &rows, &n, &tmp, err);
	rc = rc ? rc : load_calendars(cfg, rows, n, err);
	rc = rc ? rc
		: def_rows(c, "SELECT id, definition FROM sla_policies ORDER BY position, id",
			   &rows, &n, &tmp, err);
	rc = rc ? rc : load_policies(cfg, rows, n, err);
	hd_arena_release(&tmp);
	if (rc)
		hd_sla_config_free(cfg);
	else
		*out = cfg;
	return rc;
}

int hd_sla_config_get(struct hd_conn *c, int64_t now, const struct hd_sla_config **out,
		      struct hd_err *err)
{
	struct hd_store *st = c->st;
	struct hd_sla_config *cfg = st->sla_cfg;

	if (!cfg || cfg->gen != atomic_load(&st->sla_gen) || now < cfg->base - ZONE_STALE ||
	    now > cfg->base + ZONE_STALE) {
		int rc = config_build(c, now, &cfg, err);

		if (rc)
			return rc;
		hd_sla_config_free(st->sla_cfg);
		st->sla_cfg = cfg;
	}
	*out = cfg;
	return 0;
}

const struct hd_calendar *hd_sla_config_calendar(const struct hd_sla_config *cfg,
						 int64_t calendar_id)
{
	size_t lo = 0, hi = cfg->ncals;

	while (lo < hi) { /* cals are by increasing id */
		size_t mid = lo + (hi - lo) / 2;

		if (cfg->cals[mid].id == calendar_id)
			return &cfg->cals[mid].cal;
		if (cfg->cals[mid].id < calendar_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void hd_sla_config_free(struct hd_sla_config *cfg)
{
	if (!cfg)
		return;
	hd_arena_release(&cfg->arena);
	free(cfg);
}
