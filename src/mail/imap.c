/*
 * imap.c — reading one IMAP folder by UID with libcurl (see imap.h).
 *
 * libcurl 7.88 gives us the connection, TLS, STARTTLS and SASL, but its IMAP
 * client is line-oriented. For a CURLOPT_CUSTOMREQUEST only the untagged
 * lines reach the write callback; the contents of a literal ({n} bytes of
 * message) reach at most the header callback, a line inside it that starts
 * with the command's tag ends the command early, and responses of more than
 * about 16 KB fail. So `UID FETCH n BODY.PEEK[]` cannot be sent as a custom
 * request. Only libcurl's own URL fetch (imap://host/folder;UID=n) reads a
 * literal by its byte count and delivers it intact. That fetch sends
 * `UID FETCH n BODY[]`, which sets \Seen in a mailbox opened with SELECT —
 * but not in one opened with EXAMINE (RFC 3501 6.3.2). So this module keeps
 * the folder EXAMINEd:
 *
 *   - every custom request carries the folder in its URL, so libcurl believes
 *     the folder is selected and sends the command as is (on a new
 *     connection libcurl first SELECTs it by itself);
 *   - ensure_examined() sends our own `EXAMINE folder`: the mailbox is
 *     read-only from then on, while libcurl thinks it is merely selected;
 *   - the URL fetch runs with a guard: the pre-request callback aborts it,
 *     before anything is sent, when the transfer had to set up a connection
 *     (on which libcurl would SELECT read-write first) — also when libcurl
 *     retries on a new connection by itself. The fetch then EXAMINEs again
 *     and retries.
 *
 * Moving needs a read-write mailbox, so hd_imap_move SELECTs and the next
 * fetch EXAMINEs again. The only flag this module ever sets is the \Deleted
 * of a COPY-based move.
 *
 * libcurl 7.88 also clips response lines longer than half its receive
 * buffer, silently: UID SEARCH works in windows whose "* SEARCH" line stays
 * far below that.
 *
 * Must never: put the password in a URL, send a command built from
 * unchecked bytes (imap_folder.c refuses CR, LF and controls in folder
 * names), or fetch a message while the folder may be open read-write.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "mail/imap.h"
#include "mail/imap_folder.h"
#include "util/err.h"
#include "util/sbuf.h"
#include "util/banned.h"

#define DEFAULT_TIMEOUT_MS 30000L
#define LINE_MAX_BYTES     (1024 * 1024) /* one untagged response line */
#define RECV_BUFFER        (256 * 1024)  /* libcurl 7.88 clips lines over half of this */
#define SEARCH_WINDOW      4000u         /* UID values per UID SEARCH: lines < 45 KB */
#define URL_MAX            4096
#define CMD_MAX            2048

/* What the server has open on the current connection, as far as we know. */
enum imap_mode {
	MODE_UNKNOWN,  /* new or failed connection: libcurl may have SELECTed */
	MODE_EXAMINED, /* read-only: fetching cannot set \Seen */
	MODE_SELECTED, /* read-write: needed for MOVE, COPY, STORE */
};

/* Called for each untagged line of a custom request, without its CRLF. */
typedef int (*line_fn)(struct hd_imap *im, const char *line, size_t len);

struct hd_imap {
	CURL *curl;
	char base_url[URL_MAX];   /* "imap://host:port/" */
	char folder_url[URL_MAX]; /* base_url + the escaped folder */
	char folder_arg[CMD_MAX]; /* the folder as a quoted IMAP string */
	enum imap_mode mode;
	uint32_t uidvalidity; /* from the last EXAMINE/SELECT on this connection */
	uint32_t uidnext;     /* 0: not reported */
	uint32_t caller_uv;   /* the UIDVALIDITY the caller last saw or named */
	int caps_known, cap_move, cap_uidplus, cap_esearch;

	/* State of the request in flight (reset by run()). */
	line_fn on_line;
	struct hd_sbuf line;  /* untagged line being assembled */
	struct hd_sbuf *body; /* URL fetch target */
	int sink_err;         /* a callback failed: its HD_E* code */
	int guard;            /* abort if the request needs a new connection */
	int setup_lines;      /* lines read since the start or the last prereq_cb */
	int fresh;            /* a connection was set up for this request */
	int tripped;          /* the guard aborted the request */
	int retry;            /* worth repeating after EXAMINE (guard, stray FETCH) */
	char refusal[256];    /* the last tagged NO or BAD line */
	char curl_msg[CURL_ERROR_SIZE];
	char why[240]; /* why the last step failed */

	/* Per-command results filled by the line handlers. */
	uint32_t *found; /* UID SEARCH results of one window */
	size_t nfound, capfound;
	uint32_t esearch_min;
	int seen_expunge, seen_copyuid, seen_fetch;
};

/* ------------------------------------------------------------------ */
/* libcurl callbacks                                                   */
/* ------------------------------------------------------------------ */

/* Every response line libcurl reads (not literal contents). Lines before the
 * pre-request callback belong to a connection being set up. */
static size_t header_cb(char *data, size_t size, size_t nitems, void *userp)
{
	struct hd_imap *im = userp;
	size_t n = size * nitems, len = n, rest;
	const char *sp = memchr(data, ' ', n);

	im->setup_lines++;
	if (!sp || data[0] == '*' || data[0] == '+')
		return n;
	/* Keep a tagged NO or BAD: after a failed request libcurl logs out,
	 * and the OK of that LOGOUT must not hide the reason. */
	rest = n - (size_t)(sp - data);
	if ((rest >= 4 && !memcmp(sp, " NO ", 4)) || (rest >= 5 && !memcmp(sp, " BAD ", 5))) {
		while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
			len--;
		if (len >= sizeof(im->refusal))
			len = sizeof(im->refusal) - 1;
		memcpy(im->refusal, data, len);
		im->refusal[len] = '\0';
	}
	return n;
}

/* Untagged lines of a custom request, or the message of a URL fetch. */
static size_t write_cb(char *data, size_t size, size_t nitems, void *userp)
{
	struct hd_imap *im = userp;
	size_t n = size * nitems, i = 0;
	int rc = 0;

	if (im->body) {
		rc = hd_sbuf_add(im->body, data, n);
		goto out;
	}
	while (i < n && !rc) {
		const char *nl = memchr(data + i, '\n', n - i);
		size_t take = nl ? (size_t)(nl - (data + i)) : n - i;

		rc = hd_sbuf_add(&im->line, data + i, take);
		i += take;
		if (!nl || rc)
			break;
		i++;
		if (im->line.len && im->line.buf[im->line.len - 1] == '\r')
			im->line.buf[--im->line.len] = '\0';
		if (im->on_line)
			rc = im->on_line(im, im->line.buf, im->line.len);
		hd_sbuf_reset(&im->line);
	}
out:
	if (rc) {
		im->sink_err = rc;
		return 0;
	}
	return n;
}

/* Runs when the connection is ready, before the command is sent; again if
 * libcurl retries the command on a new connection within one perform. Lines
 * read since the start or since the last call were a greeting and login. */
static int prereq_cb(void *userp, char *primary_ip, char *local_ip, int primary_port,
                     int local_port)
{
	struct hd_imap *im = userp;
	int fresh = im->setup_lines > 0;

	im->setup_lines = 0;
	if (!fresh)
		return CURL_PREREQFUNC_OK;
	im->fresh = 1;
	if (im->guard) {
		im->tripped = 1;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

/* ------------------------------------------------------------------ */
/* One request                                                         */
/* ------------------------------------------------------------------ */

/* The server's words from the last refusal, without the tag. */
static const char *server_text(const struct hd_imap *im)
{
	const char *sp = strchr(im->refusal, ' ');

	return sp ? sp + 1 : im->refusal;
}

static int map_curl(struct hd_imap *im, CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_ABORTED_BY_CALLBACK: return HD_EBUSY;
	case CURLE_LOGIN_DENIED:
		/* libcurl 7.88 also reports a failed SELECT of its own this way */
		return strstr(im->curl_msg, "Select") ? HD_ENOTFOUND : HD_EDENIED;
	case CURLE_USE_SSL_FAILED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_URL_MALFORMAT: return HD_EINVAL;
	case CURLE_REMOTE_FILE_NOT_FOUND: return HD_ENOTFOUND;
	case CURLE_OUT_OF_MEMORY: return HD_ENOMEM;
	default: return HD_EIO; /* CURLE_QUOTE_ERROR: the server said NO or BAD */
	}
}

/* Errors of a reused connection that the server has closed meanwhile. */
static int stale_connection(CURLcode cc)
{
	return cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING;
}

/* Perform one request on the shared handle: the custom command `custom` on
 * `url`, untagged lines to `on_line`; or, with `custom` NULL, libcurl's URL
 * fetch of `url` into `body`. 0 or an HD_E* code with the reason in im->why.
 * A request on a reused connection that turns out to be dead is repeated
 * once on a new one; a guarded one is not (a new connection trips the guard)
 * but sets im->retry, as does a tripped guard. */
static int run(struct hd_imap *im, const char *what, const char *url, const char *custom,
               line_fn on_line, struct hd_sbuf *body, int guard)
{
	CURLcode cc = CURLE_OK;
	int rc = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		im->on_line = on_line;
		im->body = body;
		im->sink_err = 0;
		im->guard = guard;
		im->setup_lines = im->fresh = im->tripped = im->retry = 0;
		im->refusal[0] = im->curl_msg[0] = '\0';
		hd_sbuf_reset(&im->line);
		if (body)
			hd_sbuf_reset(body);
		curl_easy_setopt(im->curl, CURLOPT_URL, url);
		curl_easy_setopt(im->curl, CURLOPT_CUSTOMREQUEST, custom);
		cc = curl_easy_perform(im->curl);
		if (cc == CURLE_OK)
			break;
		im->mode = MODE_UNKNOWN;
		if (im->tripped || im->fresh || im->sink_err || guard || !stale_connection(cc))
			break;
	}
	im->body = NULL;
	im->on_line = NULL;
	im->retry = im->tripped || cc == CURLE_WEIRD_SERVER_REPLY ||
	            (guard && !im->fresh && stale_connection(cc));
	if (im->fresh && cc == CURLE_OK)
		im->mode = MODE_UNKNOWN; /* libcurl may have SELECTed on its own */
	if (cc == CURLE_OK)
		return 0;
	if (im->sink_err) {
		rc = im->sink_err;
		snprintf(im->why, sizeof(im->why), "%s: %s", what,
		         rc == HD_ETOOBIG ? "response larger than allowed"
		                          : "response could not be handled");
	} else if (im->tripped) {
		rc = HD_EBUSY;
		snprintf(im->why, sizeof(im->why), "%s: connection was reopened", what);
	} else {
		rc = map_curl(im, cc);
		snprintf(im->why, sizeof(im->why), "%s: %.100s%s%.100s", what,
		         im->curl_msg[0] ? im->curl_msg : curl_easy_strerror(cc),
		         im->refusal[0] ? ": " : "", im->refusal[0] ? server_text(im) : "");
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Response lines                                                      */
/* ------------------------------------------------------------------ */

/* Parse a decimal uint32 at `*p`, advancing it; 0 when there is none. */
static int parse_u32(const char **p, const char *end, uint32_t *v)
{
	uint64_t n = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return 0;
	while (s < end && *s >= '0' && *s <= '9') {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > UINT32_MAX)
			return 0;
		s++;
	}
	*p = s;
	*v = (uint32_t)n;
	return 1;
}

static int has_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(line, prefix, n) == 0;
}

/* "* OK [UIDVALIDITY n]" and "* OK [UIDNEXT n]" of EXAMINE and SELECT. */
static int on_select_line(struct hd_imap *im, const char *line, size_t len)
{
	const char *end = line + len, *p;

	if (has_prefix(line, len, "* OK [UIDVALIDITY ")) {
		p = line + 18;
		if (!parse_u32(&p, end, &im->uidvalidity))
			im->uidvalidity = 0;
	} else if (has_prefix(line, len, "* OK [UIDNEXT ")) {
		p = line + 14;
		if (!parse_u32(&p, end, &im->uidnext))
			im->uidnext = 0;
	}
	return 0;
}

/* "* SEARCH 4 7 9": collected into im->found. */
static int on_search_line(struct hd_imap *im, const char *line, size_t len)
{
	const char *p = line + 8, *end = line + len;

	if (!has_prefix(line, len, "* SEARCH"))
		return 0;
	while (p < end) {
		uint32_t uid;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (!parse_u32(&p, end, &uid))
			return HD_EIO;
		if (im->nfound == im->capfound) {
			size_t cap = im->capfound ? im->capfound * 2 : 1024;
			uint32_t *grown;

			if (cap > 4 * SEARCH_WINDOW + 16)
				return HD_ETOOBIG; /* a window cannot hold more UIDs */
			grown = realloc(im->found, cap * sizeof(*grown));
			if (!grown)
				return HD_ENOMEM;
			im->found = grown;
			im->capfound = cap;
		}
		im->found[im->nfound++] = uid;
	}
	return 0;
}

/* "* ESEARCH (TAG "A005") UID MIN 17": the MIN, if any. */
static int on_esearch_line(struct hd_imap *im, const char *line, size_t len)
{
	const char *end = line + len, *p;

	if (!has_prefix(line, len, "* ESEARCH "))
		return 0;
	for (p = line; p + 5 <= end; p++) {
		if (!strncasecmp(p, " MIN ", 5)) {
			p += 5;
			if (!parse_u32(&p, end, &im->esearch_min))
				im->esearch_min = 0;
			break;
		}
	}
	return 0;
}

static int has_cap(const char *line, size_t len, const char *cap)
{
	size_t n = strlen(cap);

	for (const char *p = line + 1; p + n <= line + len; p++) {
		if (p[-1] == ' ' && strncasecmp(p, cap, n) == 0 &&
		    (p + n == line + len || p[n] == ' '))
			return 1;
	}
	return 0;
}

static int on_capability_line(struct hd_imap *im, const char *line, size_t len)
{
	if (!has_prefix(line, len, "* CAPABILITY "))
		return 0;
	im->caps_known = 1;
	im->cap_move = has_cap(line, len, "MOVE");
	im->cap_uidplus = has_cap(line, len, "UIDPLUS");
	im->cap_esearch = has_cap(line, len, "ESEARCH");
	return 0;
}

/* Evidence that MOVE, COPY or STORE found the message. */
static int on_change_line(struct hd_imap *im, const char *line, size_t len)
{
	const char *p = line + 2, *end = line + len;
	uint32_t n;

	if (has_prefix(line, len, "* OK [COPYUID ")) {
		im->seen_copyuid = 1;
		return 0;
	}
	if (!has_prefix(line, len, "* ") || !parse_u32(&p, end, &n))
		return 0;
	if (has_prefix(p, (size_t)(end - p), " EXPUNGE"))
		im->seen_expunge = 1;
	else if (has_prefix(p, (size_t)(end - p), " FETCH"))
		im->seen_fetch = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Folder state                                                        */
/* ------------------------------------------------------------------ */

/* Open the folder with `verb` ("EXAMINE" or "SELECT") and note UIDVALIDITY. */
static int open_folder(struct hd_imap *im, const char *verb)
{
	char cmd[CMD_MAX + 16];
	int rc;

	snprintf(cmd, sizeof(cmd), "%s %s", verb, im->folder_arg);
	im->uidvalidity = im->uidnext = 0;
	rc = run(im, verb, im->folder_url, cmd, on_select_line, NULL, 0);
	if (rc == HD_EIO)
		rc = HD_ENOTFOUND; /* NO: no such folder, or not ours to read */
	if (rc)
		return rc;
	if (!im->uidvalidity) {
		snprintf(im->why, sizeof(im->why), "%s: the server reported no UIDVALIDITY", verb);
		return HD_EIO;
	}
	im->mode = verb[0] == 'E' ? MODE_EXAMINED : MODE_SELECTED;
	return 0;
}

static int ensure_examined(struct hd_imap *im)
{
	return im->mode == MODE_EXAMINED ? 0 : open_folder(im, "EXAMINE");
}

static int ensure_caps(struct hd_imap *im)
{
	int rc;

	if (im->caps_known)
		return 0;
	rc = run(im, "CAPABILITY", im->base_url, "CAPABILITY", on_capability_line, NULL, 0);
	if (!rc && !im->caps_known) {
		snprintf(im->why, sizeof(im->why), "CAPABILITY: no answer");
		rc = HD_EIO;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Public functions                                                    */
/* ------------------------------------------------------------------ */

static int valid_host(const char *host)
{
	if (!host || !*host)
		return 0;
	for (const char *p = host; *p; p++) {
		if (*p <= ' ' || *p == 0x7f || strchr("/@?#[]\\%", *p))
			return 0;
	}
	return 1;
}

int hd_imap_open(struct hd_imap **out, const struct hd_imap_conf *conf, struct hd_err *err)
{
	struct hd_imap *im = NULL;
	long timeout = conf->timeout_ms > 0 ? conf->timeout_ms : DEFAULT_TIMEOUT_MS;
	long secs = (timeout + 999) / 1000;
	int rc = 0, n, v6, port = conf->port;

	*out = NULL;
	if (!valid_host(conf->host) || conf->port < 0 || conf->port > 65535) {
		rc = hd_err_set(err, HD_EINVAL, "host", "IMAP host or port is not valid");
		goto out;
	}
	if (conf->tls < 0 || conf->tls > 2) {
		rc = hd_err_set(err, HD_EINVAL, "tls", "IMAP tls must be 0, 1 or 2");
		goto out;
	}
	im = calloc(1, sizeof(*im));
	if (!im || !(im->curl = curl_easy_init())) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	hd_sbuf_init(&im->line, LINE_MAX_BYTES);
	if (!port)
		port = conf->tls == 1 ? 993 : 143;
	v6 = strchr(conf->host, ':') != NULL; /* an IPv6 address goes in brackets */
	n = snprintf(im->base_url, sizeof(im->base_url), "%s://%s%s%s:%d/",
	             conf->tls == 1 ? "imaps" : "imap", v6 ? "[" : "", conf->host, v6 ? "]" : "",
	             port);
	if (n < 0 || (size_t)n >= sizeof(im->base_url)) {
		rc = hd_err_set(err, HD_EINVAL, "host", "IMAP host name is too long");
		goto out;
	}
	rc = hd_imap_folder_names(conf->folder ? conf->folder : "INBOX", im->base_url,
	                          im->folder_arg, sizeof(im->folder_arg), im->folder_url,
	                          sizeof(im->folder_url));
	if (rc) {
		rc = hd_err_set(err, rc, "folder", "IMAP folder name is not valid");
		goto out;
	}

	curl_easy_setopt(im->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(im->curl, CURLOPT_USERNAME, conf->user ? conf->user : "");
	curl_easy_setopt(im->curl, CURLOPT_PASSWORD, conf->password ? conf->password : "");
	curl_easy_setopt(im->curl, CURLOPT_USE_SSL,
	                 conf->tls == 2 ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (conf->insecure) {
		curl_easy_setopt(im->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(im->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	curl_easy_setopt(im->curl, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(im->curl, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	curl_easy_setopt(im->curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, secs);
	curl_easy_setopt(im->curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(im->curl, CURLOPT_LOW_SPEED_TIME, secs);
	curl_easy_setopt(im->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(im->curl, CURLOPT_BUFFERSIZE, (long)RECV_BUFFER);
	curl_easy_setopt(im->curl, CURLOPT_ERRORBUFFER, im->curl_msg);
	curl_easy_setopt(im->curl, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(im->curl, CURLOPT_HEADERDATA, im);
	curl_easy_setopt(im->curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(im->curl, CURLOPT_WRITEDATA, im);
	curl_easy_setopt(im->curl, CURLOPT_PREREQFUNCTION, prereq_cb);
	curl_easy_setopt(im->curl, CURLOPT_PREREQDATA, im);
	*out = im;
	im = NULL;
out:
	hd_imap_close(im);
	return rc;
}

void hd_imap_close(struct hd_imap *im)
{
	if (!im)
		return;
	if (im->curl)
		curl_easy_cleanup(im->curl);
	hd_sbuf_release(&im->line);
	free(im->found);
	free(im);
}

int hd_imap_status(struct hd_imap *im, uint32_t *uidvalidity, uint32_t *uidnext, struct hd_err *err)
{
	int rc = open_folder(im, "EXAMINE");

	if (rc)
		return hd_err_set(err, rc, NULL, "IMAP %s", im->why);
	*uidvalidity = im->caller_uv = im->uidvalidity;
	*uidnext = im->uidnext;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One UID SEARCH: the UIDs in [lo, hi] ("lo:*" when `open_end`), ascending,
 * appended to `uids` up to `max`; `*got` how many the window held. */
static int search_window(struct hd_imap *im, uint32_t lo, uint32_t hi, int open_end, uint32_t *uids,
                         size_t max, size_t *n, size_t *got)
{
	char cmd[64];
	uint32_t prev = 0;
	int rc;

	if (open_end)
		snprintf(cmd, sizeof(cmd), "UID SEARCH UID %lu:*", (unsigned long)lo);
	else
		snprintf(cmd, sizeof(cmd), "UID SEARCH UID %lu:%lu", (unsigned long)lo,
		         (unsigned long)hi);
	im->nfound = 0;
	rc = run(im, "UID SEARCH", im->folder_url, cmd, on_search_line, NULL, 0);
	if (rc)
		return rc;
	if (im->nfound > 1)
		qsort(im->found, im->nfound, sizeof(*im->found), cmp_u32);
	*got = 0;
	/* "lo:*" always matches the highest UID, even one below lo. */
	for (size_t i = 0; i < im->nfound; i++) {
		uint32_t u = im->found[i];

		if (u < lo || u > hi || u == prev)
			continue;
		prev = u;
		++*got;
		if (*n < max)
			uids[(*n)++] = u;
	}
	return 0;
}

/* The smallest UID >= lo into `*min` (0: none), with ESEARCH's MIN. */
static int search_min(struct hd_imap *im, uint32_t lo, uint32_t *min)
{
	char cmd[64];
	int rc;

	snprintf(cmd, sizeof(cmd), "UID SEARCH RETURN (MIN) UID %lu:*", (unsigned long)lo);
	im->esearch_min = 0;
	rc = run(im, "UID SEARCH", im->folder_url, cmd, on_esearch_line, NULL, 0);
	*min = im->esearch_min >= lo ? im->esearch_min : 0;
	return rc;
}

int hd_imap_search_after(struct hd_imap *im, uint32_t after, uint32_t *uids, size_t max, size_t *n,
                         struct hd_err *err)
{
	uint32_t lo = after + 1, hi, min;
	size_t got = 1;
	int rc = 0, last = 0;

	*n = 0;
	if (after == UINT32_MAX || max == 0)
		goto out;
	rc = ensure_examined(im);
	if (rc)
		goto out;
	/* Windows of SEARCH_WINDOW UID values keep each "* SEARCH" line within
	 * what libcurl reads intact. UIDs are stable, so windows stay correct
	 * while other clients expunge. The last window is open-ended so that
	 * messages that arrived after EXAMINE are found too. After an empty
	 * window, ESEARCH (when offered) jumps over the gap. */
	while (!last && *n < max) {
		if (!got && im->cap_esearch) {
			rc = search_min(im, lo, &min);
			if (rc || !min)
				break;
			lo = min;
		}
		last = !im->uidnext || im->uidnext - 1 < lo || im->uidnext - 1 - lo < SEARCH_WINDOW;
		hi = last ? UINT32_MAX : lo + SEARCH_WINDOW - 1;
		rc = search_window(im, lo, hi, last, uids, max, n, &got);
		if (rc)
			break;
		if (!got && !im->caps_known && (rc = ensure_caps(im)) != 0)
			break;
		lo = hi + 1;
	}
out:
	if (rc)
		return hd_err_set(err, rc, NULL, "IMAP %s", im->why);
	return 0;
}

int hd_imap_fetch(struct hd_imap *im, uint32_t uidvalidity, uint32_t uid, struct hd_sbuf *out,
                  struct hd_err *err)
{
	char url[URL_MAX + 32];
	int rc;

	assert(uid > 0);
	im->caller_uv = uidvalidity;
	hd_sbuf_reset(out);
	snprintf(url, sizeof(url), "%s;UID=%lu", im->folder_url, (unsigned long)uid);
	for (int attempt = 0;; attempt++) {
		rc = ensure_examined(im);
		if (rc)
			break;
		if (im->uidvalidity != uidvalidity) {
			snprintf(im->why, sizeof(im->why),
			         "UIDVALIDITY changed from %lu to %lu: the folder was renumbered",
			         (unsigned long)uidvalidity, (unsigned long)im->uidvalidity);
			rc = HD_ECONFLICT;
			break;
		}
		rc = run(im, "UID FETCH", url, NULL, NULL, out, 1);
		/* A new connection (guard) or an unsolicited FETCH that libcurl
		 * took for ours (weird reply): EXAMINE again and retry. */
		if (!rc || attempt >= 2 || !im->retry)
			break;
	}
	if (rc == HD_ENOTFOUND && im->uidvalidity == uidvalidity)
		snprintf(im->why, sizeof(im->why), "message UID %lu is not in the folder",
		         (unsigned long)uid);
	else if (rc == HD_ETOOBIG)
		snprintf(im->why, sizeof(im->why), "message UID %lu is larger than %zu bytes",
		         (unsigned long)uid, out->max ? out->max - 1 : 0);
	if (rc) {
		hd_sbuf_reset(out);
		return hd_err_set(err, rc, NULL, "IMAP %s", im->why);
	}
	return 0;
}

/* UID MOVE: COPYUID (UIDPLUS) or an EXPUNGE line shows that it moved. */
static int move_native(struct hd_imap *im, uint32_t uid, const char *dest)
{
	char cmd[CMD_MAX + 64];
	int rc;

	snprintf(cmd, sizeof(cmd), "UID MOVE %lu %s", (unsigned long)uid, dest);
	rc = run(im, "UID MOVE", im->folder_url, cmd, on_change_line, NULL, 0);
	return !rc && !im->seen_copyuid && !im->seen_expunge ? HD_ENOTFOUND : rc;
}

/* No MOVE: copy, flag \Deleted, expunge. STORE answers with the message's
 * FETCH line, which tells whether it was there. */
static int move_copy(struct hd_imap *im, uint32_t uid, const char *dest)
{
	char cmd[CMD_MAX + 64];
	int rc;

	snprintf(cmd, sizeof(cmd), "UID COPY %lu %s", (unsigned long)uid, dest);
	rc = run(im, "UID COPY", im->folder_url, cmd, on_change_line, NULL, 0);
	if (rc)
		return rc;
	snprintf(cmd, sizeof(cmd), "UID STORE %lu +FLAGS (\\Deleted)", (unsigned long)uid);
	rc = run(im, "UID STORE", im->folder_url, cmd, on_change_line, NULL, 0);
	if (rc || !im->seen_fetch)
		return rc ? rc : HD_ENOTFOUND;
	/* Without UIDPLUS, EXPUNGE also removes what other clients marked
	 * \Deleted in this folder: there is no narrower command. */
	if (im->cap_uidplus)
		snprintf(cmd, sizeof(cmd), "UID EXPUNGE %lu", (unsigned long)uid);
	else
		snprintf(cmd, sizeof(cmd), "EXPUNGE");
	return run(im, "EXPUNGE", im->folder_url, cmd, on_change_line, NULL, 0);
}

int hd_imap_move(struct hd_imap *im, uint32_t uid, const char *folder, struct hd_err *err)
{
	char dest[CMD_MAX];
	const char *field = NULL;
	int rc;

	assert(uid > 0);
	rc = hd_imap_folder_names(folder, NULL, dest, sizeof(dest), NULL, 0);
	if (rc) {
		snprintf(im->why, sizeof(im->why), "destination folder name is not valid");
		field = "folder";
		goto out;
	}
	rc = ensure_caps(im);
	if (!rc && im->mode != MODE_SELECTED)
		rc = open_folder(im, "SELECT");
	if (rc)
		goto out;
	/* UIDs name other messages once the folder was renumbered */
	if (im->caller_uv && im->uidvalidity != im->caller_uv) {
		snprintf(im->why, sizeof(im->why),
		         "UIDVALIDITY changed from %lu to %lu: not moving",
		         (unsigned long)im->caller_uv, (unsigned long)im->uidvalidity);
		rc = HD_ECONFLICT;
		goto out;
	}
	im->seen_copyuid = im->seen_expunge = im->seen_fetch = 0;
	rc = im->cap_move ? move_native(im, uid, dest) : move_copy(im, uid, dest);
	if (rc == HD_EIO && strstr(im->refusal, "TRYCREATE")) {
		/* the destination does not exist yet: create it, once */
		char cmd[CMD_MAX + 16];

		snprintf(cmd, sizeof(cmd), "CREATE %s", dest);
		rc = run(im, "CREATE", im->folder_url, cmd, NULL, NULL, 0);
		im->seen_copyuid = im->seen_expunge = im->seen_fetch = 0;
		if (!rc)
			rc = im->cap_move ? move_native(im, uid, dest) : move_copy(im, uid, dest);
	}
	if (rc == HD_ENOTFOUND) {
		snprintf(im->why, sizeof(im->why), "message UID %lu is not in the folder",
		         (unsigned long)uid);
	} else if (rc == HD_EIO && strstr(im->refusal, "TRYCREATE")) {
		snprintf(im->why, sizeof(im->why), "folder \"%s\" does not exist", folder);
		field = "folder";
		rc = HD_EINVAL;
	}
out:
	if (rc)
		return hd_err_set(err, rc, field, "IMAP %s", im->why);
	return 0;
}
