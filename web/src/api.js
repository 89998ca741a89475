// api.js — the one way the app talks to heed: the public REST API under
// /api/v1, with the session cookie (credentials: 'same-origin') and, on every
// request that changes something, the session's CSRF token.
//
// Errors are RFC 9457 problems; they are thrown as ApiError with the
// server's `detail` as the message, so screens can show it as it is.

let csrfToken = null;
let onUnauthorized = null;

/** Remember the CSRF token of the session (null when signed out). */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** Whether a session is known (signed in). */
export function signedIn() {
  return csrfToken !== null;
}

/** Called with no arguments when a request answers 401 (session ended). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || null;
  }
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; this does not). */
export function newIdempotencyKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Call the API: api('GET', '/tickets?status=active') → parsed JSON (or null).
 * opts: { body (object, sent as JSON), headers, idempotencyKey, quiet401, keepalive }.
 * Throws ApiError for an error answer, TypeError when the network failed.
 */
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  const res = await fetch('/api/v1' + path, {
    method, headers, body, credentials: 'same-origin', cache: 'no-store', keepalive: !!opts.keepalive,
  });
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { /* not JSON: keep null */ }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, json);
  }
  return json;
}

/** Every item of a list, following next_after (at most `max` items). */
export async function apiAll(path, max = 2000) {
  const items = [];
  let after = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page = await api('GET', `${path}${sep}limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.items);
    after = page.next_after;
  } while (after !== null && after !== undefined && items.length < max);
  return items;
}
