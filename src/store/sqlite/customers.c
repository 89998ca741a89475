/*
 * customers.c — customers, their identities and organizations (G5: one
 * customer, many identities, one story).
 *
 * An identity (kind, value) belongs to exactly one customer; the UNIQUE
 * constraint is the arbiter, so two concurrent requests for a new address
 * can never create two customers (the second resolves to the first).
 */
#include <string.h>

#include <jansson.h>

#include "store/sqlite/internal.h"
#include "util/timeutil.h"
#include "util/banned.h"

int hd_identity_insert(struct hd_conn *c, int64_t customer_id, enum hd_idkind kind,
		       const char *value, int64_t now, int64_t *iid, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO identities (customer_id, kind, value, created_at) "
				     "VALUES (?1, ?2, ?3, ?4)",
				     err);
	int rc = 0, step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, customer_id);
	sqlite3_bind_text(s, 2, hd_idkind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	step = sqlite3_step(s);
	if (step == SQLITE_CONSTRAINT || (step & 0xff) == SQLITE_CONSTRAINT)
		rc = hd_err_set(err, HD_ECONFLICT, "identities",
				"the %s %s already belongs to a customer", hd_idkind_name(kind),
				value);
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	else if (iid)
		*iid = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc;
}

static int insert_customer(struct hd_conn *c, const char *name, int64_t org, const char *notes,
			   int64_t now, int64_t *id, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO customers (name, organization_id, notes, "
				     "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, name ? name : "", -1, SQLITE_STATIC);
	hd_db_bind_id(s, 2, org);
	sqlite3_bind_text(s, 3, notes ? notes : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else
		*id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc;
}

int hd_customer_resolve(struct hd_conn *c, const struct hd_requester *r, int64_t now,
			int64_t *customer_id, struct hd_err *err)
{
	sqlite3_stmt *s;
	int rc = 0, found = 0;

	if (r->customer_id) {
		*customer_id = r->customer_id;
		return hd_db_require(c, "SELECT 1 FROM customers WHERE id = ?1", r->customer_id,
				     HD_EINVAL, "requester.customer_id", "customer", err);
	}
	s = hd_db_stmt(c, "SELECT customer_id FROM identities WHERE kind = ?1 AND value = ?2", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, hd_idkind_name(r->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*customer_id = sqlite3_column_int64(s, 0);
		found = 1;
	}
	hd_db_done(s);
	if (found) {
		/* Learn a display name we did not know yet. */
		if (r->name && r->name[0]) {
			s = hd_db_stmt(c,
				       "UPDATE customers SET name = ?2, updated_at = ?3 "
				       "WHERE id = ?1 AND name = ''",
				       err);
			if (!s)
				return HD_EIO;
			sqlite3_bind_int64(s, 1, *customer_id);
			sqlite3_bind_text(s, 2, r->name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 3, now);
			sqlite3_step(s);
			hd_db_done(s);
		}
		return 0;
	}
	rc = insert_customer(c, r->name, 0, NULL, now, customer_id, err);
	return rc ? rc : hd_identity_insert(c, *customer_id, r->kind, r->value, now, NULL, err);
}

/* ---- create / get / update / list -------------------------------------- */

struct ccreate_ctx {
	const struct hd_customer_new *in;
	struct hd_idem *idem;
	int64_t now, id;
};

static int customer_create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct ccreate_ctx *x = arg;
	int rc = hd_idem_check(c, x->idem, &x->id, err);

	if (rc)
		return rc < 0 ? rc : 0;
	if (x->in->organization_id)
		rc = hd_db_require(c, "SELECT 1 FROM organizations WHERE id = ?1",
				   x->in->organization_id, HD_EINVAL, "organization_id",
				   "organization", err);
	if (rc)
		return rc;
	rc = insert_customer(c, x->in->name, x->in->organization_id, x->in->notes, x->now, &x->id,
			     err);
	for (size_t i = 0; i < x->in->nidentities && !rc; i++)
		rc = hd_identity_insert(c, x->id, x->in->identities[i].kind,
					x->in->identities[i].value, x->now, NULL, err);
	return rc ? rc : hd_idem_save(c, x->idem, x->id, x->now, err);
}

int hd_store_customer_create(struct hd_store *st, const struct hd_actor *who,
			     const struct hd_customer_new *in, struct hd_idem *idem, int64_t *id,
			     struct hd_err *err)
{
	struct ccreate_ctx x = { in, idem, hd_now_ms(), 0 };
	int rc;

	(void)who;
	rc = hd_writer_run(st, customer_create_job, &x, err);
	*id = x.id;
	return rc;
}

#define CUSTOMER_SELECT                                                                        \
	"SELECT c.id, c.name, c.organization_id, o.name, c.notes, c.created_at, c.updated_at " \
	"FROM customers c LEFT JOIN organizations o ON o.id = c.organization_id "

static void read_customer(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_customer *cu = item;

	cu->id = sqlite3_column_int64(s, 0);
	cu->name = hd_db_text(s, 1, a);
	cu->organization_id = sqlite3_column_int64(s, 2);
	cu->organization_name = hd_db_text(s, 3, a);
	cu->notes = hd_db_text(s, 4, a);
	cu->created_at = sqlite3_column_int64(s, 5);
	cu->updated_at = sqlite3_column_int64(s, 6);
}

static void read_identity(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_identity *id = item;

	id->id = sqlite3_column_int64(s, 0);
	id->customer_id = sqlite3_column_int64(s, 1);
	id->kind = hd_idkind_parse((const char *)sqlite3_column_text(s, 2));
	id->value = hd_db_text(s, 3, a);
	id->created_at = sqlite3_column_int64(s, 4);
	id->bounced_at = sqlite3_column_int64(s, 5);
	id->bounce_reason = hd_db_text(s, 6, a);
}

/* Fill the identities of cs[0..n). */
static int load_identities(struct hd_conn *c, struct hd_customer *cs, size_t n,
			   struct hd_arena *a, struct hd_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_stmt *s = hd_db_stmt(c,
					     "SELECT id, customer_id, kind, value, created_at, bounced_at, bounce_reason "
					     "FROM identities WHERE customer_id = ?1 ORDER BY id",
					     err);

		if (!s)
			return HD_EIO;
		sqlite3_bind_int64(s, 1, cs[i].id);
		rc = hd_db_collect(c, s, sizeof(struct hd_identity), 0, read_identity,
				   (void **)&cs[i].identities, &cs[i].nidentities, NULL, a, err);
	}
	return rc;
}

int hd_store_customer_get(struct hd_store *st, int64_t id, struct hd_customer *out,
			  struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	s = hd_db_stmt(c, CUSTOMER_SELECT "WHERE c.id = ?1", err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_int64(s, 1, id);
		rc = hd_db_get(c, s, read_customer, out, a, "customer", id, err);
		rc = rc ? rc : load_identities(c, out, 1, a, err);
	}
	hd_db_release(st, c);
	return rc;
}

struct cupdate_ctx {
	int64_t id;
	const struct hd_customer_patch *p;
	int64_t now;
};

static int customer_update_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct cupdate_ctx *x = arg;
	const struct hd_customer_patch *p = x->p;
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE customers SET "
				     "name = CASE WHEN ?2 THEN ?3 ELSE name END, "
				     "organization_id = CASE WHEN ?4 THEN ?5 ELSE organization_id END, "
				     "notes = CASE WHEN ?6 THEN ?7 ELSE notes END, updated_at = ?8 "
				     "WHERE id = ?1",
				     err);
	int rc = 0, step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_int(s, 2, p->set_name);
	hd_db_bind_text(s, 3, p->name ? p->name : "");
	sqlite3_bind_int(s, 4, p->set_organization);
	hd_db_bind_id(s, 5, p->organization_id);
	sqlite3_bind_int(s, 6, p->set_notes);
	hd_db_bind_text(s, 7, p->notes ? p->notes : "");
	sqlite3_bind_int64(s, 8, x->now);
	step = sqlite3_step(s);
	if ((step & 0xff) == SQLITE_CONSTRAINT)
		rc = hd_err_set(err, HD_EINVAL, "organization_id", "there is no such organization");
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	else if (sqlite3_changes(c->db) == 0)
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no customer %lld",
				(long long)x->id);
	hd_db_done(s);
	return rc;
}

int hd_store_customer_update(struct hd_store *st, const struct hd_actor *who, int64_t id,
			     const struct hd_customer_patch *p, struct hd_err *err)
{
	struct cupdate_ctx x = { id, p, hd_now_ms() };

	(void)who;
	return hd_writer_run(st, customer_update_job, &x, err);
}

int hd_store_customer_list(struct hd_store *st, const char *q, int64_t after, int limit,
			   struct hd_customer **out, size_t *n, int64_t *next, struct hd_arena *a,
			   struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	*out = NULL;
	*n = 0;
	*next = 0;
	if (rc)
		return rc;
	if (q)
		s = hd_db_stmt(c,
			       CUSTOMER_SELECT
			       "WHERE (c.name LIKE ?1 || '%' ESCAPE '\\' OR c.id IN "
			       "(SELECT customer_id FROM identities WHERE value >= ?2 AND "
			       "value < ?2 || char(1114111))) AND (?3 = 0 OR c.id < ?3) "
			       "ORDER BY c.id DESC LIMIT ?4",
			       err);
	else
		s = hd_db_stmt(c,
			       CUSTOMER_SELECT "WHERE (?3 = 0 OR c.id < ?3) ORDER BY c.id DESC "
					       "LIMIT ?4",
			       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	if (q) {
		char like[512];
		size_t o = 0;

		for (const char *p = q; *p && o + 2 < sizeof(like); p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				like[o++] = '\\';
			like[o++] = *p;
		}
		like[o] = '\0';
		sqlite3_bind_text(s, 1, like, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, q, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(s, 3, after);
	sqlite3_bind_int(s, 4, limit + 1);
	rc = hd_db_collect(c, s, sizeof(**out), limit, read_customer, (void **)out, n, next, a,
			   err);
	rc = rc ? rc : load_identities(c, *out, *n, a, err);
out:
	hd_db_release(st, c);
	return rc;
}

/* ---- identities --------------------------------------------------------- */

struct idadd_ctx {
	int64_t customer;
	const struct hd_identity_new *in;
	struct hd_idem *idem;
	int64_t now, iid;
};

static int customer_exists(struct hd_conn *c, int64_t id, struct hd_err *err)
{
	return hd_db_require(c, "SELECT 1 FROM customers WHERE id = ?1", id, HD_ENOTFOUND, NULL,
			     "customer", err);
}

static int identity_add_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct idadd_ctx *x = arg;
	int rc = hd_idem_check(c, x->idem, &x->iid, err);

	if (rc)
		return rc < 0 ? rc : 0;
	rc = customer_exists(c, x->customer, err);
	rc = rc ? rc
		: hd_identity_insert(c, x->customer, x->in->kind, x->in->value, x->now, &x->iid,
				     err);
	return rc ? rc : hd_idem_save(c, x->idem, x->iid, x->now, err);
}

int hd_store_identity_add(struct hd_store *st, const struct hd_actor *who, int64_t id,
			  const struct hd_identity_new *in, struct hd_idem *idem, int64_t *iid,
			  struct hd_err *err)
{
	struct idadd_ctx x = { id, in, idem, hd_now_ms(), 0 };
	int rc;

	(void)who;
	rc = hd_writer_run(st, identity_add_job, &x, err);
	*iid = x.iid;
	return rc;
}

struct idrm_ctx {
	int64_t customer, iid;
};

static int identity_remove_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct idrm_ctx *x = arg;
	sqlite3_stmt *s;
	int rc = customer_exists(c, x->customer, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c, "DELETE FROM identities WHERE id = ?1 AND customer_id = ?2", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->iid);
	sqlite3_bind_int64(s, 2, x->customer);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else if (sqlite3_changes(c->db) == 0)
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "customer %lld has no identity %lld",
				(long long)x->customer, (long long)x->iid);
	hd_db_done(s);
	return rc;
}

int hd_store_identity_remove(struct hd_store *st, const struct hd_actor *who, int64_t id,
			     int64_t iid, struct hd_err *err)
{
	struct idrm_ctx x = { id, iid };

	(void)who;
	return hd_writer_run(st, identity_remove_job, &x, err);
}

/* ---- organizations ------------------------------------------------------ */

struct org_ctx {
	const char *name, *domain;
	struct hd_idem *idem;
	int64_t now, id;
};

static int org_create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct org_ctx *x = arg;
	sqlite3_stmt *s;
	int rc = hd_idem_check(c, x->idem, &x->id, err), step;

	if (rc)
		return rc < 0 ? rc : 0;
	s = hd_db_stmt(c, "INSERT INTO organizations (name, domain, created_at) VALUES (?1, ?2, ?3)",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, x->name, -1, SQLITE_STATIC);
	hd_db_bind_text(s, 2, x->domain);
	sqlite3_bind_int64(s, 3, x->now);
	step = sqlite3_step(s);
	if ((step & 0xff) == SQLITE_CONSTRAINT)
		rc = hd_err_set(err, HD_ECONFLICT, "name", "an organization named \"%s\" exists",
				x->name);
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	else
		x->id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc ? rc : hd_idem_save(c, x->idem, x->id, x->now, err);
}

int hd_store_org_create(struct hd_store *st, const char *name, const char *domain,
			struct hd_idem *idem, int64_t *id, struct hd_err *err)
{
	struct org_ctx x = { name, domain, idem, hd_now_ms(), 0 };
	int rc = hd_writer_run(st, org_create_job, &x, err);

	*id = x.id;
	return rc;
}

static void read_org(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_organization *o = item;

	o->id = sqlite3_column_int64(s, 0);
	o->name = hd_db_text(s, 1, a);
	o->domain = hd_db_text(s, 2, a);
	o->created_at = sqlite3_column_int64(s, 3);
}

/* All organizations (id 0) or the one with `id`. */
static int org_query(struct hd_store *st, int64_t id, struct hd_organization **out, size_t *n,
		     struct hd_arena *a, struct hd_err *err)
{
	return hd_db_query_id(st,
			      "SELECT id, name, domain, created_at FROM organizations "
			      "WHERE ?1 = 0 OR id = ?1 ORDER BY name",
			      id, sizeof(**out), read_org, (void **)out, n, a, err);
}

int hd_store_org_get(struct hd_store *st, int64_t id, struct hd_organization *out,
		     struct hd_arena *a, struct hd_err *err)
{
	struct hd_organization *o;
	size_t n;
	int rc = org_query(st, id ? id : -1, &o, &n, a, err);

	if (rc)
		return rc;
	if (!n)
		return hd_err_set(err, HD_ENOTFOUND, NULL, "there is no organization %lld",
				  (long long)id);
	*out = o[0];
	return 0;
}

int hd_store_org_list(struct hd_store *st, struct hd_organization **out, size_t *n,
		      struct hd_arena *a, struct hd_err *err)
{
	return org_query(st, 0, out, n, a, err);
}
