/*
 * schema.c — the SQLite schema as numbered migrations.
 *
 * PRAGMA user_version holds the number of migrations applied. Each migration
 * runs in its own transaction; a database newer than this binary is refused
 * rather than guessed at. Append new migrations; never edit an old one.
 *
 * Tickets keep an `active` column (status is new/open/pending/on_hold) so a
 * queue ("team X, not yet solved, newest first") is one index range scan.
 */
#include <stdio.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

/* The triggers that index new rows; bulk loads drop them and rebuild the
 * index at the end (hd_schema_fts_bulk), which is many times faster. */
#define FTS_INSERT_TRIGGERS_TICKETS                                                            \
	"CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN"                           \
	"  INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject); END;"
#define FTS_INSERT_TRIGGERS_MESSAGES                                                           \
	"CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"                         \
	"  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END;"

static const char *const migrations[] = {
	/* 1: the core */
	"CREATE TABLE organizations ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  domain TEXT,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE teams ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE agents ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('agent','admin')),"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  password_hash TEXT,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE team_members ("
	"  team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,"
	"  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (team_id, agent_id)) WITHOUT ROWID;"
	"CREATE INDEX team_members_agent ON team_members(agent_id);"
	"CREATE TABLE customers ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  organization_id INTEGER REFERENCES organizations(id),"
	"  notes TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX customers_name ON customers(name COLLATE NOCASE);"
	"CREATE TABLE identities ("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('email','phone','handle')),"
	"  value TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (kind, value));"
	"CREATE INDEX identities_customer ON identities(customer_id);"
	"CREATE INDEX identities_value ON identities(value);"
	"CREATE TABLE tickets ("
	"  id INTEGER PRIMARY KEY,"
	"  subject TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN "
	"    ('new','open','pending','on_hold','solved','closed')),"
	"  active INTEGER NOT NULL,"
	"  priority TEXT NOT NULL CHECK (priority IN ('low','normal','high','urgent')),"
	"  channel TEXT NOT NULL,"
	"  team_id INTEGER REFERENCES teams(id),"
	"  assignee_id INTEGER REFERENCES agents(id),"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  first_response_due INTEGER,"
	"  first_response_at INTEGER,"
	"  solved_at INTEGER,"
	"  closed_at INTEGER,"
	"  reopen_count INTEGER NOT NULL DEFAULT 0,"
	"  message_count INTEGER NOT NULL DEFAULT 0,"
	"  version INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX tickets_active ON tickets(active, id);"
	"CREATE INDEX tickets_status ON tickets(status, id);"
	"CREATE INDEX tickets_team ON tickets(team_id, active, id);"
	"CREATE INDEX tickets_team_status ON tickets(team_id, status, id);"
	"CREATE INDEX tickets_assignee ON tickets(assignee_id, active, id);"
	"CREATE INDEX tickets_customer ON tickets(customer_id, id);"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	"  author TEXT NOT NULL CHECK (author IN ('customer','agent','system')),"
	"  author_id INTEGER,"
	"  visibility TEXT NOT NULL CHECK (visibility IN ('public','internal')),"
	"  text TEXT NOT NULL,"
	"  html TEXT,"
	"  source_id TEXT,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX messages_ticket ON messages(ticket_id, id);"
	"CREATE INDEX messages_source ON messages(source_id) WHERE source_id IS NOT NULL;"
	"CREATE TABLE attachments ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL REFERENCES messages(id),"
	"  filename TEXT NOT NULL,"
	"  content_type TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL);"
	"CREATE INDEX attachments_message ON attachments(message_id);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL,"
	"  actor_kind TEXT NOT NULL,"
	"  actor_id INTEGER,"
	"  type TEXT NOT NULL,"
	"  data TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX events_ticket ON events(ticket_id, id);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER,"
	"  kind TEXT NOT NULL,"
	"  to_addr TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body_text TEXT NOT NULL,"
	"  body_html TEXT,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  last_error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER);"
	"CREATE INDEX outbox_due ON outbox(status, next_attempt_at);"
	"CREATE INDEX outbox_ticket ON outbox(ticket_id, id);"
	"CREATE TABLE api_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  agent_id INTEGER NOT NULL REFERENCES agents(id),"
	"  name TEXT NOT NULL,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"CREATE TABLE idempotency ("
	"  agent_id INTEGER NOT NULL,"
	"  key TEXT NOT NULL,"
	"  request_hash TEXT NOT NULL,"
	"  resource_id INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (agent_id, key)) WITHOUT ROWID;"
	/* Full-text search: external-content FTS5 tables kept by triggers. */
	"CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, content='tickets',"
	"  content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
	FTS_INSERT_TRIGGERS_TICKETS
	"CREATE TRIGGER tickets_fts_au AFTER UPDATE OF subject ON tickets BEGIN"
	"  INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);"
	"  INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject); END;"
	"CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN"
	"  INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);"
	"  END;"
	"CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages',"
	"  content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
	FTS_INSERT_TRIGGERS_MESSAGES
	"CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN"
	"  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);"
	"  END;",

	/* 2: the e-mail channel */
	/* installation secrets; mail_hmac_key signs our Message-IDs */
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"INSERT INTO settings VALUES ('mail_hmac_key', lower(hex(randomblob(32))));"
	/* display_text: the reply without quoted history (NULL: same as text);
	 * raw_sha256: the blob of the whole e-mail as received */
	"ALTER TABLE messages ADD COLUMN display_text TEXT;"
	"ALTER TABLE messages ADD COLUMN raw_sha256 TEXT;"
	/* every e-mail as received (accepted or quarantined), kept in the same
	 * transaction as what was made of it: no extra fsync per message */
	"CREATE TABLE mail_raw ("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  data BLOB NOT NULL);"
	/* one row per accepted e-mail: re-delivery of the same message is a no-op */
	"CREATE TABLE mail_seen ("
	"  message_id TEXT NOT NULL,"
	"  content_hash TEXT NOT NULL,"
	"  ticket_id INTEGER,"
	"  msg_id INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (message_id, content_hash)) WITHOUT ROWID;"
	/* mail heed will never accept, kept with the reason */
	"CREATE TABLE mail_quarantine ("
	"  id INTEGER PRIMARY KEY,"
	"  raw_sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (raw_sha256, source));"
	/* where each IMAP folder was read up to */
	"CREATE TABLE mailbox_state ("
	"  name TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	/* addresses a ticket's mail went to or came from besides the customer */
	"CREATE TABLE ticket_participants ("
	"  ticket_id INTEGER NOT NULL,"
	"  addr TEXT NOT NULL,"
	"  PRIMARY KEY (ticket_id, addr)) WITHOUT ROWID;"
	/* automatic replies sent, for the per-address rate limit */
	"CREATE TABLE autoreply_log (addr TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX autoreply_log_addr ON autoreply_log(addr, at);"
	"ALTER TABLE identities ADD COLUMN bounced_at INTEGER;"
	"ALTER TABLE identities ADD COLUMN bounce_reason TEXT;"
	/* a ticket started from mail about another one: follow_up (the other was
	 * closed) or linked (the sender was not on the other) */
	"ALTER TABLE tickets ADD COLUMN related_id INTEGER;"
	"ALTER TABLE tickets ADD COLUMN related_kind TEXT;"
	"ALTER TABLE outbox ADD COLUMN from_name TEXT;"
	"ALTER TABLE outbox ADD COLUMN in_reply_to TEXT;"
	"ALTER TABLE outbox ADD COLUMN refs TEXT;"
	"ALTER TABLE outbox ADD COLUMN auto_submitted TEXT;",

	/* 3: the commitments engine (docs/internals/commitments.md) */
	/* how a ticket was closed: confirmed (by the customer), unconfirmed
	 * (auto-close after the grace period) or reason (an agent closed it
	 * without solving: close_reason spam, duplicate or merged) */
	"ALTER TABLE tickets ADD COLUMN close_kind TEXT;"
	"ALTER TABLE tickets ADD COLUMN close_reason TEXT;"
	"ALTER TABLE tickets ADD COLUMN first_solved_at INTEGER;"
	/* the oldest public customer message no public agent reply answered yet,
	 * and the latest public agent reply: what next-response and periodic
	 * update clocks run from */
	"ALTER TABLE tickets ADD COLUMN unanswered_since INTEGER;"
	"ALTER TABLE tickets ADD COLUMN last_public_reply_at INTEGER;"
	/* the SLA policy in force, the earliest due time of its running clocks
	 * and their worst state (ok, warning, breached): queues read these */
	"ALTER TABLE tickets ADD COLUMN sla_policy_id INTEGER;"
	"ALTER TABLE tickets ADD COLUMN sla_next_due INTEGER;"
	"ALTER TABLE tickets ADD COLUMN sla_state TEXT;"
	/* per-ticket measurements in ms, calendar (_cal) and business (_bus)
	 * time; NULL until known (docs/metrics.md) */
	"ALTER TABLE tickets ADD COLUMN frt_cal INTEGER;"
	"ALTER TABLE tickets ADD COLUMN frt_bus INTEGER;"
	"ALTER TABLE tickets ADD COLUMN first_res_cal INTEGER;"
	"ALTER TABLE tickets ADD COLUMN first_res_bus INTEGER;"
	"ALTER TABLE tickets ADD COLUMN full_res_cal INTEGER;"
	"ALTER TABLE tickets ADD COLUMN full_res_bus INTEGER;"
	"CREATE INDEX tickets_created ON tickets(created_at);"
	"CREATE INDEX tickets_sla_due ON tickets(sla_next_due) WHERE sla_next_due IS NOT NULL;"
	"ALTER TABLE teams ADD COLUMN lead_id INTEGER REFERENCES agents(id);"
	"CREATE TABLE ticket_tags ("
	"  ticket_id INTEGER NOT NULL,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (ticket_id, tag)) WITHOUT ROWID;"
	"CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);"
	/* business-hours calendars and SLA policies: definitions as JSON text,
	 * validated by the domain before they are stored */
	"CREATE TABLE calendars ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  definition TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE sla_policies ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  position INTEGER NOT NULL,"
	"  definition TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	/* one row per SLA clock cycle; the running one of a ticket and metric
	 * has ended_at NULL. Times in ms; elapsed_ms is the time counted before
	 * running_since (NULL: paused). The dimensions are copied when the
	 * cycle ends, for attainment by team, agent, channel and priority. */
	"CREATE TABLE sla_clocks ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL,"
	"  metric TEXT NOT NULL CHECK (metric IN "
	"    ('first_response','next_response','periodic_update','resolution')),"
	"  policy_id INTEGER,"
	"  target_min INTEGER NOT NULL,"
	"  business INTEGER NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  elapsed_ms INTEGER NOT NULL DEFAULT 0,"
	"  running_since INTEGER,"
	"  due_at INTEGER,"
	"  warn_at INTEGER,"
	"  warned_at INTEGER,"
	"  breached_at INTEGER,"
	"  ended_at INTEGER,"
	"  outcome TEXT CHECK (outcome IN ('met','breached','cancelled')),"
	"  team_id INTEGER,"
	"  assignee_id INTEGER,"
	"  channel TEXT,"
	"  priority TEXT);"
	"CREATE UNIQUE INDEX sla_clocks_running ON sla_clocks(ticket_id, metric) "
	"  WHERE ended_at IS NULL;"
	"CREATE INDEX sla_clocks_ended ON sla_clocks(ended_at) WHERE ended_at IS NOT NULL;"
	/* every public agent reply that answered customer words: the samples of
	 * first and next response time */
	"CREATE TABLE responses ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('first','next')),"
	"  waited_cal INTEGER NOT NULL,"
	"  waited_bus INTEGER NOT NULL,"
	"  agent_id INTEGER,"
	"  team_id INTEGER,"
	"  channel TEXT NOT NULL,"
	"  priority TEXT NOT NULL);"
	"CREATE INDEX responses_at ON responses(at);"
	/* promises made to customers (G3) */
	"CREATE TABLE promises ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('callback','update','fix','other')),"
	"  channel TEXT,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  due_at INTEGER NOT NULL,"
	"  remind_at INTEGER,"
	"  owner_agent_id INTEGER REFERENCES agents(id),"
	"  owner_team_id INTEGER REFERENCES teams(id),"
	"  requested_by TEXT NOT NULL CHECK (requested_by IN ('agent','customer')),"
	"  created_by INTEGER,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','kept','broken')),"
	"  note TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  resolved_at INTEGER,"
	"  reminded_at INTEGER,"
	"  overdue_at INTEGER);"
	"CREATE INDEX promises_ticket ON promises(ticket_id, id);"
	"CREATE INDEX promises_resolved ON promises(resolved_at) WHERE resolved_at IS NOT NULL;"
	"CREATE INDEX promises_open ON promises(status, due_at);"
	/* durable timers: every due time heed must act on. A timer is deleted
	 * in the transaction that acts on it, so it fires exactly once. */
	"CREATE TABLE timers ("
	"  id INTEGER PRIMARY KEY,"
	"  due_at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ticket_id INTEGER NOT NULL,"
	"  ref_id INTEGER NOT NULL,"
	"  UNIQUE (kind, ref_id));"
	"CREATE INDEX timers_due ON timers(due_at);"
	"CREATE INDEX timers_ticket ON timers(ticket_id);",

	/* 4: what the metrics read (docs/internals/metrics.md): covering
	 * indexes, one per figure, ordered by the figure's own instant; and
	 * daily counts kept by triggers, so attainment and closes over whole
	 * days read one row per (day, kind, dimensions); the last two
	 * statements count the rows that were there before */
	"CREATE INDEX IF NOT EXISTS responses_metrics ON responses(kind, at, waited_bus, waited_cal, "
	"  team_id, agent_id, channel, priority); "
	"CREATE INDEX IF NOT EXISTS tickets_first_solved ON tickets(first_solved_at, first_res_bus, "
	"  first_res_cal, team_id, assignee_id, channel, priority) WHERE first_solved_at IS NOT NULL; "
	"CREATE INDEX IF NOT EXISTS tickets_solved ON tickets(solved_at, full_res_bus, full_res_cal, "
	"  reopen_count, team_id, assignee_id, channel, priority) WHERE solved_at IS NOT NULL; "
	"CREATE INDEX IF NOT EXISTS tickets_closes ON tickets(close_kind, closed_at, close_reason, "
	"  team_id, assignee_id, channel, priority) WHERE closed_at IS NOT NULL; "
	"CREATE INDEX IF NOT EXISTS tickets_backlog ON tickets(active, status, created_at, team_id, "
	"  assignee_id, channel, priority) WHERE active = 1; "
	"CREATE INDEX IF NOT EXISTS sla_clocks_attain ON sla_clocks(metric, outcome, ended_at, team_id, "
	"  assignee_id, channel, priority) WHERE ended_at IS NOT NULL; "
	"CREATE INDEX IF NOT EXISTS promises_outcomes ON promises(resolved_at, status, owner_team_id, "
	"  owner_agent_id) WHERE resolved_at IS NOT NULL; "
	"CREATE TABLE IF NOT EXISTS sla_daily ( "
	"  day INTEGER NOT NULL, "
	"  metric TEXT NOT NULL, "
	"  outcome TEXT NOT NULL, "
	"  team_id INTEGER NOT NULL, "
	"  assignee_id INTEGER NOT NULL, "
	"  channel TEXT NOT NULL, "
	"  priority TEXT NOT NULL, "
	"  n INTEGER NOT NULL, "
	"  PRIMARY KEY (day, metric, outcome, team_id, assignee_id, channel, priority)) WITHOUT ROWID; "
	"CREATE TRIGGER IF NOT EXISTS sla_daily_ai AFTER INSERT ON sla_clocks "
	"  WHEN new.ended_at IS NOT NULL AND new.outcome IS NOT NULL BEGIN "
	"  INSERT INTO sla_daily VALUES (new.ended_at / 86400000, new.metric, new.outcome, "
	"    coalesce(new.team_id, 0), coalesce(new.assignee_id, 0), coalesce(new.channel, ''), "
	"    coalesce(new.priority, ''), 1) "
	"    ON CONFLICT DO UPDATE SET n = n + 1; "
	"END; "
	"CREATE TRIGGER IF NOT EXISTS sla_daily_au AFTER UPDATE OF ended_at, outcome, metric, team_id, "
	"  assignee_id, channel, priority ON sla_clocks "
	"  WHEN old.ended_at IS NOT new.ended_at OR old.outcome IS NOT new.outcome "
	"    OR old.metric IS NOT new.metric OR old.team_id IS NOT new.team_id "
	"    OR old.assignee_id IS NOT new.assignee_id OR old.channel IS NOT new.channel "
	"    OR old.priority IS NOT new.priority BEGIN "
	"  UPDATE sla_daily SET n = n - 1 WHERE old.ended_at IS NOT NULL AND old.outcome IS NOT NULL "
	"    AND day = old.ended_at / 86400000 AND metric = old.metric AND outcome = old.outcome "
	"    AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) "
	"    AND channel = coalesce(old.channel, '') AND priority = coalesce(old.priority, ''); "
	"  INSERT INTO sla_daily SELECT new.ended_at / 86400000, new.metric, new.outcome, "
	"    coalesce(new.team_id, 0), coalesce(new.assignee_id, 0), coalesce(new.channel, ''), "
	"    coalesce(new.priority, ''), 1 "
	"    WHERE new.ended_at IS NOT NULL AND new.outcome IS NOT NULL "
	"    ON CONFLICT DO UPDATE SET n = n + 1; "
	"END; "
	"CREATE TRIGGER IF NOT EXISTS sla_daily_ad AFTER DELETE ON sla_clocks "
	"  WHEN old.ended_at IS NOT NULL AND old.outcome IS NOT NULL BEGIN "
	"  UPDATE sla_daily SET n = n - 1 WHERE day = old.ended_at / 86400000 "
	"    AND metric = old.metric AND outcome = old.outcome "
	"    AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) "
	"    AND channel = coalesce(old.channel, '') AND priority = coalesce(old.priority, ''); "
	"END; "
	"CREATE TABLE IF NOT EXISTS close_daily ( "
	"  day INTEGER NOT NULL, "
	"  close_kind TEXT NOT NULL, "
	"  close_reason TEXT NOT NULL, "
	"  team_id INTEGER NOT NULL, "
	"  assignee_id INTEGER NOT NULL, "
	"  channel TEXT NOT NULL, "
	"  priority TEXT NOT NULL, "
	"  n INTEGER NOT NULL, "
	"  PRIMARY KEY (day, close_kind, close_reason, team_id, assignee_id, channel, priority)) "
	"  WITHOUT ROWID; "
	"CREATE TRIGGER IF NOT EXISTS close_daily_ai AFTER INSERT ON tickets "
	"  WHEN new.closed_at IS NOT NULL AND new.close_kind IS NOT NULL BEGIN "
	"  INSERT INTO close_daily VALUES (new.closed_at / 86400000, new.close_kind, "
	"    coalesce(new.close_reason, ''), coalesce(new.team_id, 0), coalesce(new.assignee_id, 0), "
	"    new.channel, new.priority, 1) "
	"    ON CONFLICT DO UPDATE SET n = n + 1; "
	"END; "
	"CREATE TRIGGER IF NOT EXISTS close_daily_au AFTER UPDATE OF closed_at, close_kind, close_reason, "
	"  team_id, assignee_id, channel, priority ON tickets "
	"  WHEN (old.closed_at IS NOT NULL OR new.closed_at IS NOT NULL) "
	"    AND (old.closed_at IS NOT new.closed_at OR old.close_kind IS NOT new.close_kind "
	"    OR old.close_reason IS NOT new.close_reason OR old.team_id IS NOT new.team_id "
	"    OR old.assignee_id IS NOT new.assignee_id OR old.channel IS NOT new.channel "
	"    OR old.priority IS NOT new.priority) BEGIN "
	"  UPDATE close_daily SET n = n - 1 WHERE old.closed_at IS NOT NULL "
	"    AND old.close_kind IS NOT NULL AND day = old.closed_at / 86400000 "
	"    AND close_kind = old.close_kind AND close_reason = coalesce(old.close_reason, '') "
	"    AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) "
	"    AND channel = old.channel AND priority = old.priority; "
	"  INSERT INTO close_daily SELECT new.closed_at / 86400000, new.close_kind, "
	"    coalesce(new.close_reason, ''), coalesce(new.team_id, 0), coalesce(new.assignee_id, 0), "
	"    new.channel, new.priority, 1 "
	"    WHERE new.closed_at IS NOT NULL AND new.close_kind IS NOT NULL "
	"    ON CONFLICT DO UPDATE SET n = n + 1; "
	"END; "
	"CREATE TRIGGER IF NOT EXISTS close_daily_ad AFTER DELETE ON tickets "
	"  WHEN old.closed_at IS NOT NULL AND old.close_kind IS NOT NULL BEGIN "
	"  UPDATE close_daily SET n = n - 1 WHERE day = old.closed_at / 86400000 "
	"    AND close_kind = old.close_kind AND close_reason = coalesce(old.close_reason, '') "
	"    AND team_id = coalesce(old.team_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) "
	"    AND channel = old.channel AND priority = old.priority; "
	"END; "
	"INSERT INTO sla_daily SELECT ended_at / 86400000, metric, outcome, coalesce(team_id, 0), "
	"  coalesce(assignee_id, 0), coalesce(channel, ''), coalesce(priority, ''), count(*) "
	"  FROM sla_clocks WHERE ended_at IS NOT NULL AND outcome IS NOT NULL "
	"  GROUP BY 1, 2, 3, 4, 5, 6, 7 "
	"  ON CONFLICT DO UPDATE SET n = excluded.n; "
	"INSERT INTO close_daily SELECT closed_at / 86400000, close_kind, coalesce(close_reason, ''), "
	"  coalesce(team_id, 0), coalesce(assignee_id, 0), channel, priority, count(*) "
	"  FROM tickets WHERE closed_at IS NOT NULL AND close_kind IS NOT NULL "
	"  GROUP BY 1, 2, 3, 4, 5, 6, 7 "
	"  ON CONFLICT DO UPDATE SET n = excluded.n;",
	/* 5: web app sessions (sessions.c). Only the SHA-256 of the cookie's
	 * token is kept; expires_at is when the session ends (sliding). */
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  csrf_token TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  ip TEXT,"
	"  user_agent TEXT);"
	"CREATE INDEX sessions_agent ON sessions(agent_id);"
	"CREATE INDEX sessions_expires ON sessions(expires_at);",
	/* 6: the customer portal (portal.c): customers' sessions, apart from
	 * agents', and the sign-in links already used (each works once; a row
	 * is kept until its link would have expired anyway). */
	"CREATE TABLE portal_sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  csrf_token TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  ip TEXT,"
	"  user_agent TEXT);"
	"CREATE INDEX portal_sessions_customer ON portal_sessions(customer_id);"
	"CREATE INDEX portal_sessions_expires ON portal_sessions(expires_at);"
	"CREATE TABLE portal_links_used ("
	"  token_hash TEXT PRIMARY KEY,"
	"  used_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int hd_schema_fts_bulk(struct hd_conn *c, int start, struct hd_err *err)
{
	if (start)
		return hd_db_exec(c,
				  "DROP TRIGGER IF EXISTS tickets_fts_ai;"
				  "DROP TRIGGER IF EXISTS messages_fts_ai;",
				  err);
	return hd_db_exec(c,
			  "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild');"
			  "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');"
			  "DROP TRIGGER IF EXISTS tickets_fts_ai;"
			  "DROP TRIGGER IF EXISTS messages_fts_ai;" FTS_INSERT_TRIGGERS_TICKETS
				  FTS_INSERT_TRIGGERS_MESSAGES,
			  err);
}

int hd_schema_latest(void)
{
	return NMIGRATIONS;
}

/* PRAGMA user_version, read on `c`. */
static int schema_version(struct hd_conn *c, int *have, struct hd_err *err)
{
	sqlite3_stmt *s;

	*have = 0;
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return hd_db_error(c, sqlite3_errcode(c->db), err);
	if (sqlite3_step(s) == SQLITE_ROW)
		*have = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

int hd_schema_migrate(struct hd_conn *c, struct hd_err *err)
{
	int have = 0, rc;
	char sql[64];

	rc = schema_version(c, &have, err);
	if (rc)
		return rc;
	if (have > NMIGRATIONS)
		return hd_err_set(err, HD_EINVAL, NULL,
				  "the database has schema version %d but this heed knows only %d; "
				  "use a newer heed",
				  have, NMIGRATIONS);
	/* Several processes may start at once (heed serve and a burst of heed
	 * mailgate after an upgrade): the version is read again under the
	 * write lock, so each migration runs exactly once. */
	while (have < NMIGRATIONS && !rc) {
		rc = hd_db_exec(c, "BEGIN IMMEDIATE", err);
		rc = rc ? rc : schema_version(c, &have, err);
		if (!rc && have < NMIGRATIONS) {
			rc = hd_db_exec(c, migrations[have], err);
			snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", have + 1);
			rc = rc ? rc : hd_db_exec(c, sql, err);
		}
		rc = rc ? rc : hd_db_exec(c, "COMMIT", err);
		if (rc)
			hd_db_exec(c, "ROLLBACK", NULL);
	}
	return rc;
}
