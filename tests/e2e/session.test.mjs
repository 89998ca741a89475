// session.test.mjs — signing in to the web app: POST/GET/DELETE
// /api/v1/session and DELETE /api/v1/sessions; the cookie's attributes;
// CSRF tokens on writes made with the cookie (Bearer tokens unaffected);
// sign-out and sign-out everywhere; rate limits on failed sign-ins (429 +
// Retry-After); idle and absolute session ends (test clock); a deactivated
// agent's session refused at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

const HOUR = 3600 * 1000;
const PW = 'correct horse battery staple';

let h, api, clockBuilt = true;
let bob; // an agent with a password

before(async () => {
  h = await startHeed();
  api = checkedApi(h);
  const r = await h.api('POST', '/api/v1/test/clock', { body: { advance_ms: 0 } });
  clockBuilt = r.status === 200;
  bob = (await api('POST', '/api/v1/agents', { body: { name: 'Bob Agent', email: 'bob@example.com', password: PW } })).json;
});
after(async () => { await h.stop(); });

/** An agent with a password, made by the admin: its id. */
async function newAgent(email) {
  const r = await api('POST', '/api/v1/agents', { body: { name: email.split('@')[0], email, password: PW } });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

/** POST /session; `ip` (optional) poses as a client behind a local proxy. */
async function signIn(email, password, ip) {
  const headers = ip ? { 'x-forwarded-for': `10.9.9.9, ${ip}` } : {};
  const r = await api('POST', '/api/v1/session', { token: null, body: { email, password }, headers });
  const sc = r.headers.get('set-cookie');
  const m = sc && /^heed_session=([^;]+);/.exec(sc);
  return { ...r, setCookie: sc, cookie: m ? m[1] : null, csrf: r.json?.csrf_token };
}

/** Request options for the cookie of session `s` (with its CSRF token when `csrf`). */
function as(s, { csrf = false, body, headers = {} } = {}) {
  const hs = { cookie: `heed_session=${s.cookie}`, ...headers };
  if (csrf === true) hs['x-csrf-token'] = s.csrf;
  else if (typeof csrf === 'string') hs['x-csrf-token'] = csrf;
  return { token: null, headers: hs, body };
}

async function advance(ms) {
  const r = await api('POST', '/api/v1/test/clock', { body: { advance_ms: ms } });
  assert.equal(r.status, 200, r.text);
}

test('sign in: 201 with the agent, a CSRF token and a session cookie with the right attributes', async () => {
  const s = await signIn('  Bob@Example.com ', PW);
  assert.equal(s.status, 201, s.text);
  const me = await api('GET', '/api/v1/agents/me', { token: null, headers: { cookie: `heed_session=${s.cookie}` } });
  assert.deepEqual(s.json.agent, me.json);
  assert.equal(s.json.agent.id, bob.id);
  assert.match(s.csrf, /^[A-Za-z0-9_-]{43}$/);
  const attrs = s.setCookie.split(';').map((x) => x.trim());
  assert.match(attrs[0], /^heed_session=hs_[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(attrs.slice(1), ['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${30 * 86400}`]);
  assert.ok(!/secure/i.test(s.setCookie), 'no Secure without https');
  // every sign-in is a new session with its own tokens
  const s2 = await signIn('bob@example.com', PW);
  assert.notEqual(s2.cookie, s.cookie);
  assert.notEqual(s2.csrf, s.csrf);
});

test('the cookie is Secure when public_url is https', async () => {
  const hs = await startHeed({ conf: 'public_url = https://desk.example.com\n' });
  try {
    const r = await hs.api('POST', '/api/v1/session', { token: null, body: { email: 'admin@example.com', password: hs.password } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('set-cookie'), /; SameSite=Strict; Max-Age=\d+; Secure$/);
    const cookie = /^heed_session=([^;]+)/.exec(r.headers.get('set-cookie'))[1];
    const out = await hs.api('DELETE', '/api/v1/session', { token: null, headers: { cookie: `heed_session=${cookie}`, 'x-csrf-token': r.json.csrf_token } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie'), /Max-Age=0; Secure$/);
  } finally { await hs.stop(); }
});

test('wrong password, unknown e-mail, inactive agent, no password: the same 401', async () => {
  const carol = await newAgent('carol@example.com');
  await api('PATCH', `/api/v1/agents/${carol}`, { body: { active: false } });
  await api('POST', '/api/v1/agents', { body: { name: 'No Password', email: 'nopw@example.com' } });
  const answers = [];
  for (const [email, pw] of [['bob@example.com', 'wrong password!'], ['nobody@example.com', PW],
    ['carol@example.com', PW], ['nopw@example.com', PW]]) {
    const r = await signIn(email, pw);
    assert.equal(r.status, 401, `${email}: ${r.text}`);
    assert.equal(r.setCookie, null);
    answers.push(r.json);
  }
  for (const a of answers) assert.deepEqual(a, answers[0]);
  assert.equal(answers[0].type, '/problems/unauthorized');
  // bad input is a 422 naming the field; unknown fields are refused
  for (const [body, field] of [[{ email: 'bob@example.com' }, 'password'], [{ password: PW }, 'email'],
    [{ email: 'not an address', password: PW }, 'email'], [{ email: 'bob@example.com', password: PW, remember: true }, 'remember']]) {
    const r = await api('POST', '/api/v1/session', { token: null, body });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.field, field);
  }
});

test('GET /session: the agent and CSRF token for a valid cookie only', async () => {
  const s = await signIn('bob@example.com', PW);
  let r = await api('GET', '/api/v1/session', as(s));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, s.json);
  r = await api('GET', '/api/v1/session', { token: null });
  assert.equal(r.status, 401);
  r = await api('GET', '/api/v1/session'); // the admin's Bearer token alone
  assert.equal(r.status, 401);
  r = await api('GET', '/api/v1/session', as({ cookie: 'hs_not-a-real-session-token-at-all' }));
  assert.equal(r.status, 401);
  // with both, the session answers
  r = await api('GET', '/api/v1/session', { headers: { cookie: `heed_session=${s.cookie}` } });
  assert.equal(r.status, 200);
  assert.equal(r.json.agent.id, bob.id);
});

test('with the cookie, every write needs the CSRF token (403 without, 2xx with); reads do not', async () => {
  const s = await signIn('bob@example.com', PW);
  const ticket = { subject: 'Via the web app', requester: { email: 'web@example.com' }, message: { text: 'hi' } };
  for (const csrf of [false, 'x'.repeat(43), s.csrf.slice(0, 42)]) {
    const r = await api('POST', '/api/v1/tickets', as(s, { csrf, body: ticket }));
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.type, '/problems/csrf');
    assert.match(r.json.detail, /missing or wrong CSRF token/);
  }
  assert.equal((await api('GET', '/api/v1/tickets?customer=1', as(s))).status, 200);
  let r = await api('POST', '/api/v1/tickets', as(s, { csrf: true, body: ticket }));
  assert.equal(r.status, 201, r.text);
  const t = r.json;
  assert.equal((await api('GET', `/api/v1/tickets/${t.id}/events`, as(s))).json.items[0].actor_id, bob.id);

  r = await api('PATCH', `/api/v1/tickets/${t.id}`, as(s, { body: { priority: 'high' } }));
  assert.equal(r.status, 403);
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, as(s, { csrf: true, body: { priority: 'high' } }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.priority, 'high');

  const cust = (await api('POST', '/api/v1/customers', as(s, { csrf: true, body: { name: 'Dee', identities: [{ kind: 'email', value: 'dee@example.com' }, { kind: 'phone', value: '+441234567890' }] } }))).json;
  const iid = cust.identities.find((i) => i.kind === 'phone').id;
  r = await api('DELETE', `/api/v1/customers/${cust.id}/identities/${iid}`, as(s));
  assert.equal(r.status, 403);
  r = await api('DELETE', `/api/v1/customers/${cust.id}/identities/${iid}`, as(s, { csrf: true }));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.identities.map((i) => i.kind), ['email']);
  // another session's CSRF token does not fit
  const other = await signIn('bob@example.com', PW);
  r = await api('POST', '/api/v1/tickets', as(s, { csrf: other.csrf, body: ticket }));
  assert.equal(r.status, 403);
});

test('Bearer tokens need no CSRF token, also when a cookie comes along', async () => {
  const s = await signIn('bob@example.com', PW);
  const ticket = { subject: 'Via the API', requester: { email: 'api@example.com' }, message: { text: 'hi' } };
  let r = await api('POST', '/api/v1/tickets', { body: ticket });
  assert.equal(r.status, 201, r.text);
  r = await api('POST', '/api/v1/tickets', { body: ticket, headers: { cookie: `heed_session=${s.cookie}` } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await api('GET', `/api/v1/tickets/${r.json.id}/events`)).json.items[0].actor_id, 1, 'the token\'s agent, not the cookie\'s');
  r = await api('POST', '/api/v1/tickets', { token: 'hd_wrong-token-xxxxxxxxxxxxxxxxxxx', body: ticket, headers: { cookie: `heed_session=${s.cookie}` } });
  assert.equal(r.status, 401, 'a bad Bearer token does not fall back to the cookie');
  r = await api('GET', '/api/v1/tickets', { token: null });
  assert.equal(r.status, 401);
});

test('sign out: 204 clears the cookie and ends this session only', async () => {
  const s = await signIn('bob@example.com', PW);
  const keep = await signIn('bob@example.com', PW);
  assert.equal((await api('GET', '/api/v1/tickets', as(s))).status, 200);
  let r = await api('DELETE', '/api/v1/session', as(s));
  assert.equal(r.status, 403, 'sign-out needs the CSRF token too');
  r = await api('DELETE', '/api/v1/session', as(s, { csrf: true }));
  assert.equal(r.status, 204, r.text);
  assert.equal(r.headers.get('set-cookie'), 'heed_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  assert.equal((await api('GET', '/api/v1/session', as(s))).status, 401);
  assert.equal((await api('GET', '/api/v1/tickets', as(s))).status, 401);
  assert.equal((await api('DELETE', '/api/v1/session', as(s, { csrf: true }))).status, 401);
  assert.equal((await api('GET', '/api/v1/session', as(keep))).status, 200);
  // with a Bearer token there is no session to end
  assert.equal((await api('DELETE', '/api/v1/session')).status, 401);
});

test('sign out everywhere: every session of the agent ends, others stay', async () => {
  const dan = await newAgent('dan@example.com');
  const laptop = await signIn('dan@example.com', PW);
  const phone = await signIn('dan@example.com', PW);
  const bobs = await signIn('bob@example.com', PW);
  for (const s of [laptop, phone]) assert.equal((await api('GET', '/api/v1/session', as(s))).json.agent.id, dan);
  let r = await api('DELETE', '/api/v1/sessions', as(laptop));
  assert.equal(r.status, 403);
  r = await api('DELETE', '/api/v1/sessions', as(laptop, { csrf: true }));
  assert.equal(r.status, 204, r.text);
  assert.match(r.headers.get('set-cookie'), /^heed_session=; .*Max-Age=0$/);
  assert.equal((await api('GET', '/api/v1/session', as(laptop))).status, 401);
  assert.equal((await api('GET', '/api/v1/tickets', as(phone))).status, 401);
  assert.equal((await api('GET', '/api/v1/session', as(bobs))).status, 200);
  // a new sign-in works again; an integration can sign its agent out everywhere
  const again = await signIn('dan@example.com', PW);
  assert.equal(again.status, 201);
  r = await api('DELETE', '/api/v1/sessions'); // the admin's token: the admin's sessions
  assert.equal(r.status, 204);
  assert.equal((await api('GET', '/api/v1/session', as(again))).status, 200);
});

test('a deactivated agent\'s session is refused at once', async () => {
  const erin = await newAgent('erin@example.com');
  const s = await signIn('erin@example.com', PW);
  assert.equal((await api('GET', '/api/v1/tickets', as(s))).status, 200); // now cached
  assert.equal((await api('PATCH', `/api/v1/agents/${erin}`, { body: { active: false } })).status, 200);
  assert.equal((await api('GET', '/api/v1/tickets', as(s))).status, 401);
  assert.equal((await api('GET', '/api/v1/session', as(s))).status, 401);
});

test('failed sign-ins: 10 per e-mail per 15 minutes, then 429 with Retry-After; success clears', async (t) => {
  await newAgent('frank@example.com');
  const ip = '192.0.2.10';
  for (let i = 0; i < 9; i++) assert.equal((await signIn('frank@example.com', 'wrong password', ip)).status, 401);
  assert.equal((await signIn('frank@example.com', PW, ip)).status, 201, 'a success clears the count');
  for (let i = 0; i < 10; i++) {
    const r = await signIn('frank@example.com', 'wrong password', `192.0.2.${20 + i}`);
    assert.equal(r.status, 401, `failure ${i + 1}`);
  }
  let r = await signIn('FRANK@example.com', PW, '192.0.2.99'); // even the right password, from elsewhere
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.type, '/problems/too-many-requests');
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(wait > 14 * 60 && wait <= 15 * 60, `Retry-After ${wait}`);
  assert.equal(r.setCookie, null);
  assert.equal((await signIn('bob@example.com', PW, '192.0.2.99')).status, 201, 'other e-mails are not limited');
  if (!clockBuilt) return t.skip('test clock not built');
  await advance(15 * 60 * 1000);
  assert.equal((await signIn('frank@example.com', PW)).status, 201, 'the window has passed');
});

test('failed sign-ins: 50 per client address per 15 minutes, then 429 for any e-mail', async () => {
  const ip = '198.51.100.7';
  const emails = [];
  for (let i = 0; i < 6; i++) emails.push(`nobody${i}@example.com`);
  let n = 0;
  for (const e of emails) {
    for (let i = 0; i < 9 && n < 50; i++, n++) {
      const r = await signIn(e, 'wrong password', ip);
      assert.equal(r.status, 401, `failure ${n + 1}: ${r.text}`);
    }
  }
  assert.equal(n, 50);
  const r = await signIn('bob@example.com', PW, ip);
  assert.equal(r.status, 429, r.text);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.equal((await signIn('bob@example.com', PW, '198.51.100.8')).status, 201, 'other addresses are not limited');
  // X-Forwarded-For from a loopback peer is the client address: a garbled one is ignored
  const g = await api('POST', '/api/v1/session', { token: null, body: { email: 'bob@example.com', password: PW }, headers: { 'x-forwarded-for': 'not an address' } });
  assert.equal(g.status, 201);
});

test('a session ends after 12 idle hours; use keeps it alive, up to 30 days', async (t) => {
  if (!clockBuilt) return t.skip('test clock not built');
  const idle = await signIn('bob@example.com', PW);
  const busy = await signIn('bob@example.com', PW);
  await advance(11 * HOUR);
  assert.equal((await api('GET', '/api/v1/session', as(busy))).status, 200);
  await advance(11 * HOUR);
  assert.equal((await api('GET', '/api/v1/session', as(idle))).status, 401, 'idle for 22 hours');
  assert.equal((await api('GET', '/api/v1/tickets', as(busy))).status, 200, 'used 11 hours ago');
  // used every 11 hours it lives until 30 days after sign-in (22 hours are gone)
  let hours = 22;
  while (hours + 11 < 30 * 24 - 1) {
    await advance(11 * HOUR);
    hours += 11;
    const r = await api('GET', '/api/v1/session', as(busy));
    assert.equal(r.status, 200, `after ${hours} hours`);
  }
  await advance((30 * 24 - 1 - hours) * HOUR);
  assert.equal((await api('GET', '/api/v1/session', as(busy))).status, 200, 'an hour before 30 days');
  await advance(HOUR);
  assert.equal((await api('GET', '/api/v1/session', as(busy))).status, 401, '30 days after sign-in');
  const fresh = await signIn('bob@example.com', PW);
  assert.equal(fresh.status, 201);
  await advance(12 * HOUR + 1000);
  assert.equal((await api('POST', '/api/v1/tickets', as(fresh, { csrf: true, body: { subject: 'late', requester: { email: 'l@example.com' }, message: { text: 'x' } } }))).status, 401);
});
