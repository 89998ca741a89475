// api.js — the portal's one way to talk to heed: the customer portal's routes
// of the public REST API (/api/v1/portal/..., docs/api.md "Customer
// portal"), with the portal cookie (credentials: 'same-origin') and, on
// every write, the portal session's CSRF token. Errors are RFC 9457
// problems, thrown as ApiError with the server's `detail` as the message.

let csrfToken = null;
let onUnauthorized = null;

/** Remember the CSRF token of the portal session (null when signed out). */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when a request of a signed-in customer answers 401 (session ended). */
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

/** A fresh Idempotency-Key, so a form sent twice opens one ticket. */
export function newIdempotencyKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * portal('POST', '/tickets', { body }) calls /api/v1/portal/tickets → the
 * parsed JSON (or null). opts: { body, idempotencyKey, quiet401 }.
 */
export async function portal(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  const res = await fetch('/api/v1/portal' + path, {
    method, headers, body, credentials: 'same-origin', cache: 'no-store',
  });
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { /* not JSON */ }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, json);
  }
  return json;
}

/** Every item of a portal list, following next_after (at most `max`). */
export async function portalAll(path, max = 500) {
  const items = [];
  let after = null;
  do {
    const page = await portal('GET', `${path}?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.items);
    after = page.next_after;
  } while (after !== null && after !== undefined && items.length < max);
  return items;
}
