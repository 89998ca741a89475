/*
 * h_session.c — signing in to the web app: /api/v1/session (sign in, the
 * current session, sign out) and /api/v1/sessions (sign out everywhere).
 *
 * Signing in checks the password with argon2id (util/secret.h). An unknown
 * e-mail, an inactive agent and an agent without a password are checked
 * against a dummy hash, so they get the same answer as a wrong password
 * after the same work. The cookie holds a random token (only its SHA-256
 * is stored); the CSRF token goes in the JSON and must come back in
 * X-CSRF-Token on every write (auth.c).
 *
 * Failed sign-ins are limited in memory (util/ratelimit.h), per process:
 * at most LOGIN_MAX_EMAIL per e-mail address and LOGIN_MAX_IP per client
 * address in LOGIN_WINDOW_MS (the window starts at the first failure); past
 * that, 429 with Retry-After, without looking at the password. A success
 * clears the e-mail's count. Each attempt is counted before the password is
 * checked (and taken back if it was right), so concurrent attempts cannot
 * slip past the limit. The client address is the peer's, except that a
 * peer on the loopback interface (a reverse proxy on the same machine) is
 * taken at its word: the last address of X-Forwarded-For.
 *
 * A password check costs 64 MiB and tens of ms: at most PWCHECK_PARALLEL
 * run at once, the others wait.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "domain/identity.h"
#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "util/ratelimit.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define LOGIN_MAX_EMAIL 10
#define LOGIN_MAX_IP 50
#define LOGIN_WINDOW_MS (15 * 60 * 1000)
#define LOGIN_KEYS 16384 /* addresses and e-mails tracked at once, per table */
#define PWCHECK_PARALLEL 4
#define PASSWORD_MAX 1024

/* ---- process-wide state: limits, the dummy hash, the password gate ------ */

static struct hd_ratelimit by_email, by_ip;
static int limits_ready;
static char dummy_hash[HD_PWHASH_LEN];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_busy;

static void init_once(void)
{
	char pw[32];

	limits_ready = !hd_ratelimit_init(&by_email, LOGIN_MAX_EMAIL, LOGIN_WINDOW_MS, LOGIN_KEYS) &&
		       !hd_ratelimit_init(&by_ip, LOGIN_MAX_IP, LOGIN_WINDOW_MS, LOGIN_KEYS);
	hd_secret_password(pw, sizeof(pw));
	if (hd_secret_pwhash(pw, dummy_hash))
		dummy_hash[0] = '\0';
}

/* Whether `pw` is the password hashed in `hash` (0) or not (HD_EUNAUTH),
 * waiting for a free place among PWCHECK_PARALLEL. */
static int pwcheck(const char *hash, const char *pw)
{
	int rc;

	pthread_mutex_lock(&gate_mu);
	while (gate_busy >= PWCHECK_PARALLEL)
		pthread_cond_wait(&gate_cv, &gate_mu);
	gate_busy++;
	pthread_mutex_unlock(&gate_mu);
	rc = hd_secret_pwverify(hash, pw);
	pthread_mutex_lock(&gate_mu);
	gate_busy--;
	pthread_cond_signal(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	return rc;
}

/* ---- the client's address ---------------------------------------------- */

static int is_loopback(const struct sockaddr *sa)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) || (!memcmp(a->s6_addr, mapped, 12) &&
						   a->s6_addr[12] == 127);
	}
	return 0;
}

/* The last address of X-Forwarded-For into `out`; 0 when there is a
 * plausible one. */
static int forwarded_for(struct hd_req *r, char *out, size_t len)
{
	const char *xff = hd_req_header(r, "X-Forwarded-For"), *p;
	size_t n;

	if (!xff)
		return -1;
	p = strrchr(xff, ',');
	p = p ? p + 1 : xff;
	p += strspn(p, " \t");
	n = strcspn(p, " \t");
	if (n == 0 || n >= len || p[n + strspn(p + n, " \t")] != '\0' ||
	    strspn(p, "0123456789abcdefABCDEF.:") != n)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

void hd_req_client_address(struct hd_req *r, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	socklen_t salen;

	snprintf(out, len, "unknown");
	if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return;
	if (is_loopback(sa) && !forwarded_for(r, out, len))
		return;
	salen = sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (getnameinfo(sa, salen, out, (socklen_t)len, NULL, 0, NI_NUMERICHOST))
		snprintf(out, len, "unknown");
}

/* ---- answers ------------------------------------------------------------ */

/* Set-Cookie for `token`, living `max_age` seconds ("" and 0: clear it).
 * Secure when heed is reached over https (public_url). */
static void set_cookie(struct hd_req *r, struct hd_res *res, const char *token, long long max_age)
{
	int secure = !strncasecmp(r->app->cfg->public_url, "https://", 8);

	snprintf(res->cookie, sizeof(res->cookie),
		 HD_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
		 max_age, secure ? "; Secure" : "");
}

/* {"agent": <agent agent_id>, "csrf_token": csrf} with `status`. */
static int answer(struct hd_req *r, struct hd_res *res, unsigned status, int64_t agent_id,
		  const char *csrf)
{
	struct hd_agent a;
	struct hd_err err = { 0 };
	struct hd_jw w;

	if (hd_store_agent_get(r->app->store, agent_id, &a, &r->arena, &err)) {
		hd_res_err(res, &err);
		return -1;
	}
	hd_jw_init(&w, HD_OUT_MAX);
	hd_jw_obj(&w);
	hd_jw_key(&w, "agent");
	hd_out_agent(&w, &a);
	hd_jw_kstr(&w, "csrf_token", csrf);
	hd_jw_obj_end(&w);
	hd_res_jw(res, status, &w);
	return res->status == status ? 0 : -1;
}

static void too_many(struct hd_res *res, int64_t wait_ms)
{
	char detail[160];

	res->retry_after = (int)((wait_ms + 999) / 1000);
	snprintf(detail, sizeof(detail),
		 "too many failed sign-ins for this e-mail address or from this client; try "
		 "again in %d minute(s)",
		 (res->retry_after + 59) / 60);
	hd_res_problem(res, 429, "too-many-requests", "Too many requests", detail, NULL);
}

/* ---- signing in ---------------------------------------------------------- */

/* Count a sign-in attempt for `email` from `ip` at `now`; non-zero (with
 * 429 answered) when either has used up its window. */
static int attempt(struct hd_res *res, const char *email, const char *ip, int64_t now)
{
	int64_t wait;

	if (hd_ratelimit_hit(&by_email, email, now, &wait)) {
		too_many(res, wait);
		return -1;
	}
	if (hd_ratelimit_hit(&by_ip, ip, now, &wait)) {
		hd_ratelimit_undo(&by_email, email, now);
		too_many(res, wait);
		return -1;
	}
	return 0;
}

/* 0 with the agent's id when `pw` is the password of the active agent with
 * `email`; HD_EUNAUTH (after the same work) when it is not. */
static int check_password(struct hd_req *r, const char *email, const char *pw, int64_t *id,
			  struct hd_err *err)
{
	char *hash = NULL;
	int rc = hd_store_agent_password(r->app->store, email, id, &hash, &r->arena, err);

	if (rc && rc != HD_EUNAUTH)
		return rc;
	if (pwcheck(rc ? dummy_hash : hash, pw) || rc)
		return hd_err_set(err, HD_EUNAUTH, NULL, "unknown e-mail or wrong password");
	return 0;
}

/* Start a session for agent `id`: the row, the cookie and the answer. */
static void start_session(struct hd_req *r, struct hd_res *res, int64_t id, const char *ip,
			  int64_t now)
{
	char token[64], hash[HD_HASH_HEX_LEN + 1], csrf[64];
	struct hd_session_new in = { .agent_id = id, .token_hash = hash, .csrf_token = csrf,
				     .ip = ip, .user_agent = hd_req_header(r, "User-Agent"),
				     .now = now };
	struct hd_err err = { 0 };
	int64_t sid;

	hd_secret_token("hs_", token, sizeof(token));
	hd_secret_sha256_hex(token, strlen(token), hash);
	hd_secret_token("", csrf, sizeof(csrf));
	if (hd_store_session_create(r->app->store, &in, &sid, &err)) {
		if (err.code == HD_EUNAUTH)
			hd_res_problem(res, 401, "unauthorized", "Unauthorized",
				       "unknown e-mail or wrong password", NULL);
		else
			hd_res_err(res, &err);
		return;
	}
	if (!answer(r, res, 201, id, csrf))
		set_cookie(r, res, token, HD_SESSION_MAX_MS / 1000);
}

void hd_h_session_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "email", "password", NULL };
	struct hd_err err = { 0 };
	char email[HD_IDENTITY_MAX], ip[HD_SESSION_IP_MAX + 1];
	const char *raw, *pw;
	json_t *root;
	int64_t id = 0, now = hd_now_ms();
	int rc;

	pthread_once(&once, init_once);
	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a sign-in", &err) ||
	    hd_in_str(root, "email", 1, 1, HD_IDENTITY_MAX - 1, 0, &raw, &err) ||
	    hd_in_str(root, "password", 1, 1, PASSWORD_MAX, 0, &pw, &err) ||
	    hd_identity_normalize(HD_IDKIND_EMAIL, raw, email, "email", &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	if (!limits_ready) {
		hd_err_set(&err, HD_ENOMEM, NULL, "out of memory");
		hd_res_err(res, &err);
		goto out;
	}
	hd_req_client_address(r, ip, sizeof(ip));
	if (attempt(res, email, ip, now))
		goto out;
	rc = check_password(r, email, pw, &id, &err);
	if (rc == HD_EUNAUTH) { /* the attempt stays counted */
		hd_res_problem(res, 401, "unauthorized", "Unauthorized",
			       "unknown e-mail or wrong password", NULL);
	} else if (rc) { /* our failure, not the caller's */
		hd_ratelimit_undo(&by_email, email, now);
		hd_ratelimit_undo(&by_ip, ip, now);
		hd_res_err(res, &err);
	} else {
		hd_ratelimit_clear(&by_email, email);
		hd_ratelimit_undo(&by_ip, ip, now);
		start_session(r, res, id, ip, now);
	}
out:
	json_decref(root);
}

/* ---- the current session, signing out ------------------------------------ */

void hd_h_session_get(struct hd_req *r, struct hd_res *res)
{
	/* Only the cookie answers here, also when a Bearer token came along. */
	if (!r->session.id && hd_auth_session(r, res))
		return;
	answer(r, res, 200, r->session.who.id, r->session.csrf_token);
}

void hd_h_session_delete(struct hd_req *r, struct hd_res *res)
{
	struct hd_err err = { 0 };

	if (!r->session.id) {
		hd_res_problem(res, 401, "unauthorized", "Unauthorized",
			       "there is no session to end: this needs the session cookie", NULL);
		return;
	}
	if (hd_store_session_delete(r->app->store, r->session.id, &err)) {
		hd_res_err(res, &err);
		return;
	}
	res->status = 204;
	set_cookie(r, res, "", 0);
}

void hd_h_sessions_delete(struct hd_req *r, struct hd_res *res)
{
	struct hd_err err = { 0 };

	if (hd_store_session_delete_agent(r->app->store, r->who.id, NULL, &err)) {
		hd_res_err(res, &err);
		return;
	}
	res->status = 204;
	set_cookie(r, res, "", 0);
}
