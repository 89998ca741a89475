// portal.test.mjs — the customer portal's API through the real binary: the
// public web form (reference and due time at once, the acknowledgement
// mailed), signing in with a link mailed through a real SMTP server (the
// sink), a customer's own tickets only (another's answers 404), no internal
// note ever, replies that reopen, confirming a solution, promises and
// call-back requests, links that expire or were used, the portal cookie and
// the agents' credentials kept apart, CSRF on writes, and the rate limits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';
import { startSmtpSink } from './lib/smtp-sink.mjs';

let h, api, sink, clockBuilt = true;
const MIN = 60000;

before(async () => {
  sink = await startSmtpSink();
  h = await startHeed({
    conf: `first_response_minutes = 60\npublic_url = http://help.acme.example\n` +
      `smtp_host = 127.0.0.1\nsmtp_port = ${sink.port}\noutbox_retry_seconds = 1\n`,
  });
  api = checkedApi(h);
  const r = await h.api('POST', '/api/v1/test/clock', { body: { advance_ms: 0 } });
  clockBuilt = r.status === 200;
});
after(async () => { await h.stop(); await sink.stop(); });

let seq = 0;
const uniq = (p) => `${p}-${Date.now().toString(36)}-${++seq}`;
// Each test gets its own client address (heed trusts X-Forwarded-For from
// loopback), so the per-address limits of one test do not touch another.
const ipOf = () => `192.0.2.${++seq % 250 + 1}`;

/** A public portal call (no credentials). */
function pub(method, path, body, ip, headers = {}) {
  return api(method, path, { token: null, body, headers: { 'x-forwarded-for': ip, ...headers } });
}

/** A signed-in customer's call: the portal cookie, and the CSRF token on writes. */
function as(s, method, path, body, opts = {}) {
  const headers = { cookie: `heed_portal=${s.cookie}` };
  if (method !== 'GET' && opts.csrf !== false) headers['x-csrf-token'] = s.csrf;
  return api(method, path, { token: null, body, headers: { ...headers, ...(opts.headers || {}) } });
}

async function formTicket(email, ip = ipOf(), extra = {}) {
  const r = await pub('POST', '/api/v1/portal/tickets',
    { email, name: 'Pat Portal', subject: uniq('Broken'), text: 'It broke again.', ...extra }, ip);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const seen = new Set();
/** Ask for a sign-in link for `email` and take the token from the mail. */
async function linkFor(email, ip = ipOf()) {
  const r = await pub('POST', '/api/v1/portal/magic-link', { email }, ip);
  assert.equal(r.status, 202, r.text);
  const m = await sink.waitFor((x) => x.to.includes(email) && /sign-in link/.test(x.parsed.subject) &&
    !seen.has(x), 10000);
  seen.add(m);
  const t = /http:\/\/help\.acme\.example\/portal\/signin\/([A-Za-z0-9._-]+)/.exec(m.parsed.text);
  assert.ok(t, m.parsed.text);
  return t[1];
}

async function signIn(email) {
  const token = await linkFor(email);
  const r = await pub('POST', '/api/v1/portal/session', { token }, ipOf());
  assert.equal(r.status, 201, r.text);
  const c = /heed_portal=([^;]+);/.exec(r.headers.get('set-cookie'));
  assert.ok(c, r.headers.get('set-cookie'));
  return { cookie: c[1], csrf: r.json.csrf_token, customer: r.json.customer };
}

async function agentTicket(email, channel) {
  const r = await api('POST', '/api/v1/tickets', {
    body: { subject: uniq('by phone'), requester: { email }, message: { text: 'Called in.' },
      ...(channel ? { channel } : {}) },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the web form: 201 with the reference and the due time at once, a web ticket, the ack mailed', async () => {
  const email = `${uniq('form')}@example.com`;
  const before = Date.now();
  const r = await formTicket(email);
  assert.equal(r.reference, `#${r.ticket_id}`);
  const due = Date.parse(r.first_response_due);
  assert.ok(Math.abs(due - before - 60 * MIN) < 10 * MIN, r.first_response_due);
  const t = (await api('GET', `/api/v1/tickets/${r.ticket_id}`)).json;
  assert.equal(t.channel, 'web');
  assert.equal(t.first_response_due, r.first_response_due);
  const ob = (await api('GET', `/api/v1/tickets/${r.ticket_id}/outbox`)).json.items;
  assert.equal(ob.length, 1);
  assert.equal(ob[0].kind, 'ack');
  assert.equal(ob[0].to, email);
  const ack = await sink.waitFor((x) => x.to.includes(email), 10000);
  assert.match(ack.parsed.subject, new RegExp(`#${r.ticket_id}`));
  const ev = (await api('GET', `/api/v1/tickets/${r.ticket_id}/events`)).json.items;
  assert.equal(ev[0].data.created_by, 'customer');
});

test('the web form honours Idempotency-Key and refuses bad input', async () => {
  const ip = ipOf();
  const body = { email: `${uniq('idem')}@example.com`, subject: 'Once', text: 'Only once.' };
  const key = uniq('key');
  const a = await pub('POST', '/api/v1/portal/tickets', body, ip, { 'idempotency-key': key });
  const b = await pub('POST', '/api/v1/portal/tickets', body, ip, { 'idempotency-key': key });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(b.json.ticket_id, a.json.ticket_id);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  const bad = await pub('POST', '/api/v1/portal/tickets', { email: 'not-an-address', subject: 'x', text: 'y' }, ip);
  assert.equal(bad.status, 422, bad.text);
  const extra = await pub('POST', '/api/v1/portal/tickets', { ...body, priority: 'urgent' }, ip);
  assert.equal(extra.status, 422, extra.text);
});

test('sign in by mailed link: the session, own tickets on every channel, newest first', async () => {
  const email = `${uniq('list')}@example.com`;
  const f = await formTicket(email);
  const a = await agentTicket(email, 'phone');
  const s = await signIn(email);
  assert.equal(s.customer.name, 'Pat Portal');
  assert.equal(s.csrf.length, 43);
  const me = await as(s, 'GET', '/api/v1/portal/session');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.customer.id, s.customer.id);
  const list = await as(s, 'GET', '/api/v1/portal/tickets');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((t) => t.id), [a.id, f.ticket_id]);
  const [pa, pf] = list.json.items;
  assert.equal(pa.channel, 'phone');
  assert.equal(pf.reference, `#${f.ticket_id}`);
  assert.equal(pf.status, 'new');
  assert.equal(pf.first_response_due, f.first_response_due);
  assert.ok(pf.sla_next_due);
  assert.equal(pf.reopen_count, 0);
  const one = await as(s, 'GET', `/api/v1/portal/tickets/${f.ticket_id}`);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.subject, pf.subject);
});

test("another customer's ticket answers 404 on every route, like one that does not exist", async () => {
  const mine = `${uniq('mine')}@example.com`, theirs = `${uniq('theirs')}@example.com`;
  await formTicket(mine);
  const other = await formTicket(theirs);
  const s = await signIn(mine);
  for (const id of [other.ticket_id, 999999]) {
    for (const [m, p, b] of [['GET', ''], ['GET', '/messages'], ['GET', '/promises'],
      ['POST', '/messages', { text: 'hi' }], ['POST', '/confirmation', { answer: 'yes' }],
      ['POST', '/callback-requests', {}]]) {
      const r = await as(s, m, `/api/v1/portal/tickets/${id}${p}`, b);
      assert.equal(r.status, 404, `${m} ${id}${p}: ${r.text}`);
    }
  }
  const list = await as(s, 'GET', '/api/v1/portal/tickets');
  assert.ok(!list.json.items.some((t) => t.id === other.ticket_id));
  const msgs = (await api('GET', `/api/v1/tickets/${other.ticket_id}/messages`)).json.items;
  assert.equal(msgs.length, 1, 'nothing was added to the other ticket');
});

test('internal notes never appear; agents are named, the customer is "you"', async () => {
  const email = `${uniq('notes')}@example.com`;
  const f = await formTicket(email);
  let r = await api('POST', `/api/v1/tickets/${f.ticket_id}/messages`,
    { body: { text: 'SECRET internal remark', visibility: 'internal' } });
  assert.equal(r.status, 201, r.text);
  r = await api('POST', `/api/v1/tickets/${f.ticket_id}/messages`, { body: { text: 'We are on it.' } });
  assert.equal(r.status, 201, r.text);
  const s = await signIn(email);
  const m = await as(s, 'GET', `/api/v1/portal/tickets/${f.ticket_id}/messages`);
  assert.equal(m.status, 200, m.text);
  assert.deepEqual(m.json.items.map((x) => [x.author, x.author_name, x.text]),
    [['customer', 'you', 'It broke again.'], ['agent', 'Administrator', 'We are on it.']]);
  assert.ok(!m.text.includes('SECRET'));
});

test('a reply reopens a solved ticket; confirming yes closes it; a reply then starts a follow-up', async () => {
  const email = `${uniq('life')}@example.com`;
  const f = await formTicket(email);
  const s = await signIn(email);
  const solve = async () => {
    const r = await api('PATCH', `/api/v1/tickets/${f.ticket_id}`, { body: { status: 'solved' } });
    assert.equal(r.status, 200, r.text);
  };
  await solve();
  let t = (await as(s, 'GET', `/api/v1/portal/tickets/${f.ticket_id}`)).json;
  assert.equal(t.status, 'solved');
  assert.equal(t.awaiting_confirmation, true);
  let r = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/messages`, { text: 'Still broken.' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.ticket_id, f.ticket_id);
  assert.equal(r.json.author_name, 'you');
  t = (await as(s, 'GET', `/api/v1/portal/tickets/${f.ticket_id}`)).json;
  assert.equal(t.status, 'open');
  assert.equal(t.reopen_count, 1);

  await solve();
  r = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/confirmation`, { answer: 'yes' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'closed');
  const ev = (await api('GET', `/api/v1/tickets/${f.ticket_id}/events`)).json.items
    .find((e) => e.type === 'resolution.confirmed');
  assert.equal(ev.actor_kind, 'customer');
  r = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/confirmation`, { answer: 'no' });
  assert.equal(r.status, 409, r.text);

  r = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/messages`, { text: 'It is back!' });
  assert.equal(r.status, 201, r.text);
  assert.notEqual(r.json.ticket_id, f.ticket_id);
  const fu = (await as(s, 'GET', `/api/v1/portal/tickets/${r.json.ticket_id}`)).json;
  assert.equal(fu.related_id, f.ticket_id);
  assert.equal(fu.related_kind, 'follow_up');
  const bad = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/confirmation`, { answer: 'maybe' });
  assert.equal(bad.status, 422, bad.text);
});

test('promises: the customer sees theirs and can ask for a call-back', async () => {
  const email = `${uniq('prom')}@example.com`;
  const f = await formTicket(email);
  const due = new Date(Date.now() + 3 * 3600 * 1000).toISOString();
  let r = await api('POST', `/api/v1/tickets/${f.ticket_id}/promises`,
    { body: { kind: 'update', due_at: due, description: 'We will tell you when the part ships.' } });
  assert.equal(r.status, 201, r.text);
  const s = await signIn(email);
  r = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/callback-requests`,
    { phone: '+44 20 7946 0000', note: 'Afternoons please' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.kind, 'callback');
  assert.equal(r.json.requested_by, 'customer');
  const p = await as(s, 'GET', `/api/v1/portal/tickets/${f.ticket_id}/promises`);
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json.items.map((x) => [x.kind, x.status]), [['update', 'open'], ['callback', 'open']]);
  assert.equal(Date.parse(p.json.items[0].due_at), Date.parse(due));
  assert.ok(!('note' in p.json.items[0]) && !('owner_id' in p.json.items[0]));
});

test('a link works once and for 30 minutes only; a forged one never', async () => {
  const email = `${uniq('once')}@example.com`;
  await formTicket(email);
  const token = await linkFor(email);
  let r = await pub('POST', '/api/v1/portal/session', { token }, ipOf());
  assert.equal(r.status, 201, r.text);
  r = await pub('POST', '/api/v1/portal/session', { token }, ipOf());
  assert.equal(r.status, 401, r.text);
  const forged = token.replace(/^\d+/, (n) => String(Number(n) + 1));
  r = await pub('POST', '/api/v1/portal/session', { token: forged }, ipOf());
  assert.equal(r.status, 401, r.text);
  r = await pub('POST', '/api/v1/portal/session', { token: 'nonsense' }, ipOf());
  assert.equal(r.status, 401, r.text);
});

test('an unknown address gets the same 202 and no mail', async () => {
  const known = `${uniq('known')}@example.com`, unknown = `${uniq('nobody')}@example.com`;
  await formTicket(known);
  const a = await pub('POST', '/api/v1/portal/magic-link', { email: known }, ipOf());
  const b = await pub('POST', '/api/v1/portal/magic-link', { email: unknown }, ipOf());
  assert.equal(a.status, 202);
  assert.equal(b.status, 202);
  assert.deepEqual(a.json, b.json);
  await sink.waitFor((x) => x.to.includes(known) && /sign-in/.test(x.parsed.subject), 10000);
  await new Promise((ok) => setTimeout(ok, 500));
  assert.ok(!sink.messages.some((x) => x.to.includes(unknown)));
});

test('portal and agent credentials are kept apart', async () => {
  const email = `${uniq('apart')}@example.com`;
  const f = await formTicket(email);
  const s = await signIn(email);
  let r = await as(s, 'GET', '/api/v1/tickets');
  assert.equal(r.status, 401, r.text);
  r = await as(s, 'GET', `/api/v1/tickets/${f.ticket_id}`);
  assert.equal(r.status, 401, r.text);
  r = await api('GET', '/api/v1/portal/tickets'); // the admin's Bearer token
  assert.equal(r.status, 401, r.text);
  r = await api('GET', `/api/v1/portal/tickets/${f.ticket_id}`);
  assert.equal(r.status, 401, r.text);
  // an agent's session cookie is not a portal cookie either
  const login = await api('POST', '/api/v1/session', { token: null, body: { email: 'admin@example.com', password: h.password } });
  assert.equal(login.status, 201, login.text);
  const agentCookie = /heed_session=([^;]+);/.exec(login.headers.get('set-cookie'))[1];
  r = await api('GET', '/api/v1/portal/tickets', { token: null, headers: { cookie: `heed_session=${agentCookie}` } });
  assert.equal(r.status, 401, r.text);
  r = await api('GET', '/api/v1/portal/session', { token: null, headers: { cookie: `heed_portal=${agentCookie}` } });
  assert.equal(r.status, 401, r.text);
});

test('portal writes need the CSRF token; signing out ends the session', async () => {
  const email = `${uniq('csrf')}@example.com`;
  const f = await formTicket(email);
  const s = await signIn(email);
  let r = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/messages`, { text: 'no token' }, { csrf: false });
  assert.equal(r.status, 403, r.text);
  r = await as(s, 'POST', `/api/v1/portal/tickets/${f.ticket_id}/messages`, { text: 'wrong token' },
    { headers: { 'x-csrf-token': 'x'.repeat(43) } });
  assert.equal(r.status, 403, r.text);
  r = await as(s, 'DELETE', '/api/v1/portal/session', undefined, { csrf: false });
  assert.equal(r.status, 403, r.text);
  r = await as(s, 'DELETE', '/api/v1/portal/session');
  assert.equal(r.status, 204, r.text);
  assert.match(r.headers.get('set-cookie'), /heed_portal=;.*Max-Age=0/);
  r = await as(s, 'GET', '/api/v1/portal/tickets');
  assert.equal(r.status, 401, r.text);
  const msgs = (await api('GET', `/api/v1/tickets/${f.ticket_id}/messages`)).json.items;
  assert.equal(msgs.length, 1, 'refused writes wrote nothing');
});

test('rate limits: links per address and per client, web-form tickets per client', async () => {
  const email = `${uniq('flood')}@example.com`;
  let r;
  for (let i = 0; i < 5; i++) {
    r = await pub('POST', '/api/v1/portal/magic-link', { email }, ipOf());
    assert.equal(r.status, 202, r.text);
  }
  r = await pub('POST', '/api/v1/portal/magic-link', { email }, ipOf());
  assert.equal(r.status, 429, r.text);
  assert.ok(Number(r.headers.get('retry-after')) > 0);

  const ip = '198.51.100.7';
  for (let i = 0; i < 20; i++) {
    r = await pub('POST', '/api/v1/portal/magic-link', { email: `${uniq('x')}@example.com` }, ip);
    assert.equal(r.status, 202, r.text);
  }
  r = await pub('POST', '/api/v1/portal/magic-link', { email: `${uniq('x')}@example.com` }, ip);
  assert.equal(r.status, 429, r.text);

  const fip = '198.51.100.8';
  for (let i = 0; i < 20; i++) await formTicket(`${uniq('many')}@example.com`, fip);
  r = await pub('POST', '/api/v1/portal/tickets', { email: 'one-more@example.com', subject: 's', text: 't' }, fip);
  assert.equal(r.status, 429, r.text);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
});

// Last: moving heed's clock forward would disturb the tests after it.
test('a link expires after 30 minutes (test clock)', { skip: !clockBuilt && 'built without -Dtest_clock' }, async () => {
  const email = `${uniq('late')}@example.com`;
  await formTicket(email);
  const late = await linkFor(email);
  const fresh = await linkFor(email);
  const c = await api('POST', '/api/v1/test/clock', { body: { advance_ms: 29 * MIN } });
  assert.equal(c.status, 200, c.text);
  let r = await pub('POST', '/api/v1/portal/session', { token: fresh }, ipOf());
  assert.equal(r.status, 201, r.text);
  await api('POST', '/api/v1/test/clock', { body: { advance_ms: 2 * MIN } });
  r = await pub('POST', '/api/v1/portal/session', { token: late }, ipOf());
  assert.equal(r.status, 401, r.text);
  assert.match(r.json.detail, /expired/);
});
