/*
 * people.c — teams (with their members and lead), agents and API tokens.
 */
#include <stddef.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/timeutil.h"
#include "util/banned.h"

static void read_id(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	*(int64_t *)item = sqlite3_column_int64(s, 0);
}

_Static_assert(offsetof(struct hd_team, id) == 0, "load_ids reads the id at offset 0");
_Static_assert(offsetof(struct hd_agent, id) == 0, "load_ids reads the id at offset 0");

/* For each of n records of `size` bytes, collect the ids `sql` gives for
 * the record's id (an int64 at offset 0) into the int64 array and count at
 * offsets `arr` and `cnt`. */
static int load_ids(struct hd_store *st, const char *sql, void *items, size_t n, size_t size,
		    size_t arr, size_t cnt, struct hd_arena *a, struct hd_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		char *item = (char *)items + i * size;

		rc = hd_db_query_id(st, sql, *(int64_t *)item, sizeof(int64_t), read_id,
				    (void **)(item + arr), (size_t *)(item + cnt), a, err);
	}
	return rc;
}

/* ---- teams -------------------------------------------------------------- */

struct team_ctx {
	const char *name;
	struct hd_idem *idem;
	int64_t id, now;
	const int64_t *ids;
	size_t n;
	int set_lead;
	int64_t lead_id;
};

/* Inside a write: make x->ids[0..x->n) the members of team x->id. */
static int set_members(struct hd_conn *c, struct team_ctx *x, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "DELETE FROM team_members WHERE team_id = ?1", err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_step(s);
	hd_db_done(s);
	for (size_t i = 0; i < x->n && !rc; i++) {
		int step;

		s = hd_db_stmt(c,
			       "INSERT OR IGNORE INTO team_members (team_id, agent_id) "
			       "SELECT ?1, id FROM agents WHERE id = ?2",
			       err);
		if (!s)
			return HD_EIO;
		sqlite3_bind_int64(s, 1, x->id);
		sqlite3_bind_int64(s, 2, x->ids[i]);
		step = sqlite3_step(s);
		if (step != SQLITE_DONE) {
			rc = hd_db_error(c, step, err);
		} else if (!sqlite3_changes(c->db)) {
			/* Either a duplicate in the list (ignored) or no such agent. */
			int dup = 0;

			for (size_t j = 0; j < i; j++)
				dup |= x->ids[j] == x->ids[i];
			if (!dup)
				rc = hd_err_set(err, HD_EINVAL, "member_ids", "there is no agent %lld",
						(long long)x->ids[i]);
		}
		hd_db_done(s);
	}
	return rc;
}

/* Inside a write: make x->lead_id (an active agent; 0: none) the lead of
 * team x->id. */
static int set_lead(struct hd_conn *c, struct team_ctx *x, struct hd_err *err)
{
	sqlite3_stmt *s;
	int rc = x->lead_id ? hd_db_require(c, "SELECT 1 FROM agents WHERE id = ?1 AND active = 1",
					    x->lead_id, HD_EINVAL, "lead_id", "active agent", err)
			    : 0,
	    step;

	if (rc)
		return rc;
	s = hd_db_stmt(c, "UPDATE teams SET lead_id = ?2 WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	hd_db_bind_id(s, 2, x->lead_id);
	step = sqlite3_step(s);
	hd_db_done(s);
	return step == SQLITE_DONE ? 0 : hd_db_error(c, step, err);
}

static int team_create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct team_ctx *x = arg;
	sqlite3_stmt *s;
	int rc = hd_idem_check(c, x->idem, &x->id, err), step;

	if (rc)
		return rc < 0 ? rc : 0;
	s = hd_db_stmt(c, "INSERT INTO teams (name, created_at) VALUES (?1, ?2)", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, x->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, x->now);
	step = sqlite3_step(s);
	if ((step & 0xff) == SQLITE_CONSTRAINT)
		rc = hd_err_set(err, HD_ECONFLICT, "name", "a team named \"%s\" exists", x->name);
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	else
		x->id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	rc = rc || !x->ids ? rc : set_members(c, x, err);
	rc = rc || !x->set_lead ? rc : set_lead(c, x, err);
	return rc ? rc : hd_idem_save(c, x->idem, x->id, x->now, err);
}

int hd_store_team_create_led(struct hd_store *st, const char *name, const int64_t *members,
			     size_t nmembers, int64_t lead_id, struct hd_idem *idem, int64_t *id,
			     struct hd_err *err)
{
	struct team_ctx x = {
		name, idem, 0, hd_now_ms(), members, nmembers, lead_id != 0, lead_id,
	};
	int rc = hd_writer_run(st, team_create_job, &x, err);

	*id = x.id;
	return rc;
}

int hd_store_team_create(struct hd_store *st, const char *name, const int64_t *members,
			 size_t nmembers, struct hd_idem *idem, int64_t *id, struct hd_err *err)
{
	return hd_store_team_create_led(st, name, members, nmembers, 0, idem, id, err);
}

static void read_team(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_team *t = item;

	t->id = sqlite3_column_int64(s, 0);
	t->name = hd_db_text(s, 1, a);
	t->created_at = sqlite3_column_int64(s, 2);
	t->lead_id = sqlite3_column_int64(s, 3);
}

/* All teams (id 0) or the one with `id`, with their members. */
static int team_query(struct hd_store *st, int64_t id, struct hd_team **out, size_t *n,
		      struct hd_arena *a, struct hd_err *err)
{
	int rc = hd_db_query_id(st,
				"SELECT id, name, created_at, lead_id FROM teams "
				"WHERE ?1 = 0 OR id = ?1 ORDER BY name",
				id, sizeof(**out), read_team, (void **)out, n, a, err);

	return rc ? rc
		  : load_ids(st,
			     "SELECT agent_id FROM team_members WHERE team_id = ?1 "
			     "ORDER BY agent_id",
			     *out, *n, sizeof(**out), offsetof(struct hd_team, member_ids),
			     offsetof(struct hd_team, nmembers), a, err);
}

int hd_store_team_get(struct hd_store *st, int64_t id, struct hd_team *out, struct hd_arena *a,
		      struct hd_err *err)
{
	struct hd_team *t;
	size_t n;
	int rc = team_query(st, id ? id : -1, &t, &n, a, err);

	if (rc)
		return rc;
	if (!n)
		return hd_err_set(err, HD_ENOTFOUND, NULL, "there is no team %lld", (long long)id);
	*out = t[0];
	return 0;
}

int hd_store_team_list(struct hd_store *st, struct hd_team **out, size_t *n, struct hd_arena *a,
		       struct hd_err *err)
{
	return team_query(st, 0, out, n, a, err);
}

int hd_store_team_find(struct hd_store *st, const char *name, int64_t *id, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT id FROM teams WHERE name = ?1", err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		else
			rc = hd_err_set(err, HD_ENOTFOUND, "team", "there is no team named \"%s\"",
					name);
	}
	hd_db_done(s);
	hd_db_release(st, c);
	return rc;
}

/* Inside a write: rename team x->id to x->name. */
static int rename_team(struct hd_conn *c, struct team_ctx *x, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "UPDATE teams SET name = ?2 WHERE id = ?1", err);
	int rc = 0, step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_text(s, 2, x->name, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if ((step & 0xff) == SQLITE_CONSTRAINT)
		rc = hd_err_set(err, HD_ECONFLICT, "name", "a team named \"%s\" exists", x->name);
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	hd_db_done(s);
	return rc;
}

static int team_update_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct team_ctx *x = arg;
	int rc = hd_db_require(c, "SELECT 1 FROM teams WHERE id = ?1", x->id, HD_ENOTFOUND, NULL,
			       "team", err);

	rc = rc || !x->name ? rc : rename_team(c, x, err);
	rc = rc || !x->ids ? rc : set_members(c, x, err);
	return rc || !x->set_lead ? rc : set_lead(c, x, err);
}

int hd_store_team_update_led(struct hd_store *st, int64_t id, const char *name,
			     const int64_t *members, size_t nmembers, int set_lead, int64_t lead_id,
			     struct hd_err *err)
{
	struct team_ctx x = { name, NULL, id, 0, members, nmembers, set_lead, lead_id };

	return hd_writer_run(st, team_update_job, &x, err);
}

int hd_store_team_update(struct hd_store *st, int64_t id, const char *name,
			 const int64_t *members, size_t nmembers, struct hd_err *err)
{
	return hd_store_team_update_led(st, id, name, members, nmembers, 0, 0, err);
}

/* ---- agents ------------------------------------------------------------- */

struct agent_ctx {
	const struct hd_agent_new *in;
	const struct hd_agent_patch *p;
	struct hd_idem *idem;
	int64_t id, now;
};

static int agent_create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct agent_ctx *x = arg;
	sqlite3_stmt *s;
	int rc = hd_idem_check(c, x->idem, &x->id, err), step;

	if (rc)
		return rc < 0 ? rc : 0;
	s = hd_db_stmt(c,
		       "INSERT INTO agents (name, email, role, password_hash, created_at) "
		       "VALUES (?1, ?2, ?3, ?4, ?5)",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, x->in->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, x->in->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hd_role_name(x->in->role), -1, SQLITE_STATIC);
	hd_db_bind_text(s, 4, x->in->password_hash);
	sqlite3_bind_int64(s, 5, x->now);
	step = sqlite3_step(s);
	if ((step & 0xff) == SQLITE_CONSTRAINT)
		rc = hd_err_set(err, HD_ECONFLICT, "email", "an agent with e-mail %s exists",
				x->in->email);
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	else
		x->id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc ? rc : hd_idem_save(c, x->idem, x->id, x->now, err);
}

int hd_store_agent_create(struct hd_store *st, const struct hd_agent_new *in,
			  struct hd_idem *idem, int64_t *id, struct hd_err *err)
{
	struct agent_ctx x = { in, NULL, idem, 0, hd_now_ms() };
	int rc = hd_writer_run(st, agent_create_job, &x, err);

	*id = x.id;
	return rc;
}

static void read_agent(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_agent *ag = item;

	ag->id = sqlite3_column_int64(s, 0);
	ag->name = hd_db_text(s, 1, a);
	ag->email = hd_db_text(s, 2, a);
	ag->role = hd_role_parse((const char *)sqlite3_column_text(s, 3));
	ag->active = sqlite3_column_int(s, 4);
	ag->created_at = sqlite3_column_int64(s, 5);
}

/* All agents (id 0) or the one with `id`, with their teams. */
static int agent_query(struct hd_store *st, int64_t id, struct hd_agent **out, size_t *n,
		       struct hd_arena *a, struct hd_err *err)
{
	int rc = hd_db_query_id(st,
				"SELECT id, name, email, role, active, created_at FROM agents "
				"WHERE ?1 = 0 OR id = ?1 ORDER BY name",
				id, sizeof(**out), read_agent, (void **)out, n, a, err);

	return rc ? rc
		  : load_ids(st,
			     "SELECT team_id FROM team_members WHERE agent_id = ?1 "
			     "ORDER BY team_id",
			     *out, *n, sizeof(**out), offsetof(struct hd_agent, team_ids),
			     offsetof(struct hd_agent, nteams), a, err);
}

int hd_store_agent_get(struct hd_store *st, int64_t id, struct hd_agent *out, struct hd_arena *a,
		       struct hd_err *err)
{
	struct hd_agent *ag;
	size_t n;
	int rc = agent_query(st, id ? id : -1, &ag, &n, a, err);

	if (rc)
		return rc;
	if (!n)
		return hd_err_set(err, HD_ENOTFOUND, NULL, "there is no agent %lld", (long long)id);
	*out = ag[0];
	return 0;
}

int hd_store_agent_list(struct hd_store *st, struct hd_agent **out, size_t *n, struct hd_arena *a,
			struct hd_err *err)
{
	return agent_query(st, 0, out, n, a, err);
}

static int agent_update_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct agent_ctx *x = arg;
	const struct hd_agent_patch *p = x->p;
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE agents SET "
				     "name = CASE WHEN ?2 THEN ?3 ELSE name END, "
				     "role = CASE WHEN ?4 THEN ?5 ELSE role END, "
				     "active = CASE WHEN ?6 THEN ?7 ELSE active END, "
				     "password_hash = CASE WHEN ?8 THEN ?9 ELSE password_hash END "
				     "WHERE id = ?1",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_int(s, 2, p->set_name);
	hd_db_bind_text(s, 3, p->name ? p->name : "");
	sqlite3_bind_int(s, 4, p->set_role);
	sqlite3_bind_text(s, 5, hd_role_name(p->set_role ? p->role : HD_ROLE_AGENT), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int(s, 6, p->set_active);
	sqlite3_bind_int(s, 7, p->active);
	sqlite3_bind_int(s, 8, p->set_password);
	hd_db_bind_text(s, 9, p->password_hash);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else if (!sqlite3_changes(c->db))
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no agent %lld", (long long)x->id);
	hd_db_done(s);
	return rc;
}

int hd_store_agent_update(struct hd_store *st, int64_t id, const struct hd_agent_patch *p,
			  struct hd_err *err)
{
	struct agent_ctx x = { NULL, p, NULL, id, 0 };
	int rc = hd_writer_run(st, agent_update_job, &x, err);

	/* A role or an active flag may have changed: credentials cached from
	 * before are no longer to be trusted. */
	atomic_fetch_add(&st->auth_epoch, 1);
	return rc;
}

uint64_t hd_store_auth_epoch(struct hd_store *st)
{
	return atomic_load(&st->auth_epoch);
}

int hd_store_agent_password(struct hd_store *st, const char *email, int64_t *id, char **hash,
			    struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "SELECT id, password_hash FROM agents WHERE email = ?1 AND active = 1 "
		       "AND password_hash IS NOT NULL",
		       err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_text(s, 1, email, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*id = sqlite3_column_int64(s, 0);
			*hash = (char *)hd_db_text(s, 1, a);
		} else {
			rc = hd_err_set(err, HD_EUNAUTH, NULL, "unknown e-mail or wrong password");
		}
	}
	hd_db_done(s);
	hd_db_release(st, c);
	return rc;
}

/* ---- API tokens --------------------------------------------------------- */

struct token_ctx {
	int64_t agent;
	const char *name, *hash;
	int64_t id, now;
};

static int token_create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct token_ctx *x = arg;
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO api_tokens (agent_id, name, token_hash, created_at) "
				     "SELECT id, ?2, ?3, ?4 FROM agents WHERE id = ?1",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->agent);
	sqlite3_bind_text(s, 2, x->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, x->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, x->now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else if (!sqlite3_changes(c->db))
		rc = hd_err_set(err, HD_EINVAL, "agent", "there is no agent %lld",
				(long long)x->agent);
	else
		x->id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc;
}

int hd_store_token_create(struct hd_store *st, int64_t agent_id, const char *name,
			  const char *token_hash, int64_t *id, struct hd_err *err)
{
	struct token_ctx x = { agent_id, name, token_hash, 0, hd_now_ms() };
	int rc = hd_writer_run(st, token_create_job, &x, err);

	*id = x.id;
	return rc;
}

int hd_store_token_lookup(struct hd_store *st, const char *token_hash, struct hd_actor *who,
			  struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "SELECT a.id, a.role FROM api_tokens t JOIN agents a ON a.id = t.agent_id "
		       "WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND a.active = 1",
		       err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			who->kind = HD_AUTHOR_AGENT;
			who->id = sqlite3_column_int64(s, 0);
			who->role = hd_role_parse((const char *)sqlite3_column_text(s, 1));
		} else {
			rc = hd_err_set(err, HD_EUNAUTH, NULL, "the API token is not valid");
		}
	}
	hd_db_done(s);
	hd_db_release(st, c);
	return rc;
}
