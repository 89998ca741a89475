// concurrency.test.mjs — many requests at once: idempotent retries make one
// resource, concurrent changes are all applied (and each recorded once),
// If-Match lets exactly one of a race win, one address is one customer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
// autoreply_max high: many tickets from one address are acknowledged here
before(async () => { h = await startHeed({ conf: 'autoreply_max = 1000\n' }); api = checkedApi(h); });
after(async () => { await h.stop(); });

const N = 20;
const all = (f) => Promise.all(Array.from({ length: N }, (_, i) => f(i)));
const count = (xs, f) => xs.filter(f).length;

test('20 concurrent identical POSTs with one Idempotency-Key make exactly one ticket (and one ack)', async () => {
  const body = { subject: 'double click', requester: { email: 'dc@example.com', name: 'DC' }, message: { text: 'once' } };
  const rs = await all(() => api('POST', '/api/v1/tickets', { body, headers: { 'idempotency-key': 'dc-1' } }));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  const ids = new Set(rs.map((r) => r.json.id));
  assert.equal(ids.size, 1, `one ticket, got ${[...ids]}`);
  assert.equal(count(rs, (r) => r.headers.get('idempotent-replayed') === 'true'), N - 1);
  const id = rs[0].json.id;
  const c = await api('GET', `/api/v1/customers/${rs[0].json.customer_id}/tickets`);
  assert.deepEqual(c.json.items.map((x) => x.id), [id]);
  const ob = await api('GET', `/api/v1/tickets/${id}/outbox`);
  assert.equal(ob.json.items.length, 1, 'one acknowledgement');
  const ev = await api('GET', `/api/v1/tickets/${id}/events`);
  assert.deepEqual(ev.json.items.map((e) => e.type), ['ticket.created', 'ack.queued']);
});

test('20 concurrent identical message POSTs with one key make one message', async () => {
  const t = (await api('POST', '/api/v1/tickets', { body: { subject: 'm', requester: { email: 'm@example.com' }, message: { text: 'x' } } })).json;
  const rs = await all(() => api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: 'reply once' }, headers: { 'idempotency-key': 'reply-1' } }));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  assert.equal(new Set(rs.map((r) => r.json.id)).size, 1);
  const now = (await api('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.message_count, 2);
  const msgs = (await api('GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
  assert.equal(count(msgs, (m) => m.text === 'reply once'), 1);
});

test('20 concurrent PATCHes are all applied, each with its own version and event', async () => {
  const t = (await api('POST', '/api/v1/tickets', { body: { subject: 'p', requester: { email: 'p@example.com' }, message: { text: 'x' } } })).json;
  const rs = await all((i) => api('PATCH', `/api/v1/tickets/${t.id}`, { body: { subject: `subject ${i}` } }));
  for (const r of rs) assert.equal(r.status, 200, r.text);
  // each answer is the ticket as it was just after (or, under group commit, a
  // little after) that change: a version in range whose ETag matches its body
  for (const r of rs) {
    assert.ok(r.json.version > t.version && r.json.version <= t.version + N, String(r.json.version));
    assert.equal(r.headers.get('etag'), `"${r.json.version}"`);
  }
  const now = (await api('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.version, t.version + N);
  const ev = (await api('GET', `/api/v1/tickets/${t.id}/events?limit=200`)).json.items.filter((e) => e.type === 'ticket.updated');
  assert.equal(ev.length, N);
  // the events chain: each one's "before" is the previous one's "after"
  let prev = 'p';
  for (const e of ev) {
    assert.equal(e.data.before.subject, prev);
    prev = e.data.after.subject;
  }
  assert.equal(prev, now.subject);
});

test('20 concurrent messages are all added; message_count and events match', async () => {
  const t = (await api('POST', '/api/v1/tickets', { body: { subject: 'msgs', requester: { email: 'ms@example.com' }, message: { text: 'x' } } })).json;
  const rs = await all((i) => api('POST', `/api/v1/tickets/${t.id}/messages`, {
    body: { text: `message ${i}`, visibility: i % 3 ? 'public' : 'internal', author: i % 5 === 4 && i % 3 ? 'customer' : undefined },
  }));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  assert.equal(new Set(rs.map((r) => r.json.id)).size, N);
  const now = (await api('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.message_count, N + 1);
  assert.equal(now.status, 'open');
  assert.ok(now.first_response_at);
  const msgs = (await api('GET', `/api/v1/tickets/${t.id}/messages?limit=200`)).json.items;
  assert.equal(msgs.length, N + 1);
  const ev = (await api('GET', `/api/v1/tickets/${t.id}/events?limit=200`)).json.items;
  assert.equal(count(ev, (e) => e.type === 'message.added'), N);
  assert.equal(count(ev, (e) => e.type === 'ticket.updated'), 1, 'new -> open happened once');
  assert.deepEqual(new Set(ev.filter((e) => e.type === 'message.added').map((e) => e.data.message_id)), new Set(rs.map((r) => r.json.id)));
});

test('If-Match races: of 20 PATCHes against one version exactly one wins, the rest get 412', async () => {
  const t = (await api('POST', '/api/v1/tickets', { body: { subject: 'race', requester: { email: 'r@example.com' }, message: { text: 'x' } } })).json;
  const etag = `"${t.version}"`;
  const rs = await all((i) => api('PATCH', `/api/v1/tickets/${t.id}`, { body: { subject: `winner ${i}` }, headers: { 'if-match': etag } }));
  assert.equal(count(rs, (r) => r.status === 200), 1, rs.map((r) => r.status).join(','));
  assert.equal(count(rs, (r) => r.status === 412), N - 1);
  const winner = rs.find((r) => r.status === 200).json;
  const now = (await api('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.subject, winner.subject);
  assert.equal(now.version, t.version + 1);
});

test('concurrent tickets from one new address (in different cases) make one customer', async () => {
  const rs = await all((i) => api('POST', '/api/v1/tickets', {
    body: { subject: `hello ${i}`, requester: { email: i % 2 ? 'New.Person@Example.com' : 'new.person@example.com', name: 'New Person' }, message: { text: 'x' } },
  }));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  const customers = new Set(rs.map((r) => r.json.customer_id));
  assert.equal(customers.size, 1, `one customer, got ${[...customers]}`);
  const found = (await api('GET', '/api/v1/customers?q=new.person@example.com')).json.items;
  assert.equal(found.length, 1);
  assert.equal(found[0].identities.length, 1);
  const ts = (await api('GET', `/api/v1/customers/${found[0].id}/tickets?limit=200`)).json.items;
  assert.equal(ts.length, N);
  for (const r of rs) {
    const ob = (await api('GET', `/api/v1/tickets/${r.json.id}/outbox`)).json.items;
    assert.equal(ob.length, 1, 'each ticket acknowledged once');
  }
});

test('concurrent creates of one identity: exactly one wins, the rest are 409', async () => {
  const rs = await all((i) => api('POST', '/api/v1/customers', { body: { name: `Claimant ${i}`, email: 'contested@example.com' } }));
  assert.equal(count(rs, (r) => r.status === 201), 1, rs.map((r) => r.status).join(','));
  assert.equal(count(rs, (r) => r.status === 409), N - 1);
  const cs = await all((i) => api('POST', '/api/v1/customers', { body: { name: `Holder ${i}` } }));
  const adds = await Promise.all(cs.map((c) => api('POST', `/api/v1/customers/${c.json.id}/identities`, { body: { kind: 'handle', value: '@contested' } })));
  assert.equal(count(adds, (r) => r.status === 201), 1, adds.map((r) => r.status).join(','));
  assert.equal(count(adds, (r) => r.status === 409), N - 1);
  const found = (await api('GET', '/api/v1/customers?q=@contested')).json.items;
  assert.equal(found.length, 1);
});

test('a mixed burst of reads and writes answers every request correctly', async () => {
  const t = (await api('POST', '/api/v1/tickets', { body: { subject: 'burst', requester: { email: 'b@example.com' }, message: { text: 'x' } } })).json;
  const ops = [];
  for (let i = 0; i < 60; i++) {
    const k = i % 6;
    if (k === 0) ops.push(api('GET', `/api/v1/tickets/${t.id}`));
    else if (k === 1) ops.push(api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: `b${i}`, visibility: 'internal' } }));
    else if (k === 2) ops.push(api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: ['low', 'normal', 'high', 'urgent'][i % 4] } }));
    else if (k === 3) ops.push(api('GET', '/api/v1/tickets?status=active&limit=5'));
    else if (k === 4) ops.push(api('GET', `/api/v1/search?q=burst`));
    else ops.push(api('POST', '/api/v1/tickets', { body: { subject: `burst ${i}`, requester: { email: `b${i}@example.com` }, message: { text: 'y' } } }));
  }
  const rs = await Promise.all(ops);
  for (const r of rs) assert.ok(r.status === 200 || r.status === 201, `${r.status} ${r.text}`);
  const now = (await api('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.message_count, 1 + 10);
});
