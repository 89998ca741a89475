// durability.test.mjs — nothing accepted is lost (G2): what heed answered
// 2xx for survives a restart, Idempotency-Keys are remembered across it, and
// a graceful stop in the middle of a burst of writes loses no answered one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
before(async () => { h = await startHeed(); api = checkedApi(h); });
after(async () => { await h.stop(); });

test('everything answered survives a restart; Idempotency-Keys and tokens too', async () => {
  const bytes = Buffer.from('durable bytes \u0000\u00ff', 'latin1');
  const body = { subject: 'Survive', requester: { email: 'dur@example.com', name: 'Dur' }, message: { text: 'keep me', attachments: [{ filename: 'd.bin', content_base64: bytes.toString('base64') }] } };
  const t = await api('POST', '/api/v1/tickets', { body, headers: { 'idempotency-key': 'durable-1' } });
  assert.equal(t.status, 201);
  const reply = await api('POST', `/api/v1/tickets/${t.json.id}/messages`, { body: { text: 'reply' } });
  const tok = (await api('POST', '/api/v1/tokens', { body: { name: 'durable' } })).json.token;
  const before = {
    ticket: (await api('GET', `/api/v1/tickets/${t.json.id}`)).json,
    messages: (await api('GET', `/api/v1/tickets/${t.json.id}/messages`)).json,
    events: (await api('GET', `/api/v1/tickets/${t.json.id}/events`)).json,
    outbox: (await api('GET', `/api/v1/tickets/${t.json.id}/outbox`)).json,
    customer: (await api('GET', `/api/v1/customers/${t.json.customer_id}`)).json,
  };
  const oldPort = h.port;
  await h.restart();
  assert.notEqual(h.base, null);
  assert.equal((await api('GET', '/api/v1/health', { token: null })).status, 200);
  assert.ok(oldPort > 0);
  assert.deepEqual((await api('GET', `/api/v1/tickets/${t.json.id}`)).json, before.ticket);
  assert.deepEqual((await api('GET', `/api/v1/tickets/${t.json.id}/messages`)).json, before.messages);
  assert.deepEqual((await api('GET', `/api/v1/tickets/${t.json.id}/events`)).json, before.events);
  assert.deepEqual((await api('GET', `/api/v1/tickets/${t.json.id}/outbox`)).json, before.outbox);
  assert.deepEqual((await api('GET', `/api/v1/customers/${t.json.customer_id}`)).json, before.customer);
  const att = before.messages.items[0].attachments[0];
  const res = await fetch(`${h.base}/api/v1/attachments/${att.id}`, { headers: { authorization: `Bearer ${h.token}` } });
  const got = Buffer.from(await res.arrayBuffer());
  assert.ok(got.equals(bytes));
  assert.equal(createHash('sha256').update(got).digest('hex'), att.sha256);
  assert.equal(reply.status, 201);

  const again = await api('POST', '/api/v1/tickets', { body, headers: { 'idempotency-key': 'durable-1' } });
  assert.equal(again.status, 201);
  assert.equal(again.json.id, t.json.id);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  const other = await api('POST', '/api/v1/tickets', { body: { ...body, subject: 'other' }, headers: { 'idempotency-key': 'durable-1' } });
  assert.equal(other.status, 409);
  assert.equal((await api('GET', '/api/v1/agents/me', { token: tok })).status, 200, 'tokens survive');
});

test('a graceful stop during a burst of writes loses none that were answered', async () => {
  const sent = [];
  for (let i = 0; i < 40; i++) {
    sent.push(h.api('POST', '/api/v1/tickets', {
      body: { subject: `burst ${i}`, requester: { email: `burst${i}@example.com` }, message: { text: `burst ${i}` } },
      headers: { 'idempotency-key': `burst-${i}` },
    }).then((r) => ({ i, r }), (e) => ({ i, e })));
  }
  await new Promise((ok) => setTimeout(ok, 30));
  const restarting = h.restart();
  const results = await Promise.all(sent);
  await restarting;
  const answered = results.filter((x) => x.r && x.r.status === 201);
  for (const x of results) {
    if (x.r) assert.ok(x.r.status === 201 || x.r.status === 503, `${x.r.status} ${x.r.text}`);
  }
  for (const { i, r } of answered) {
    const g = await api('GET', `/api/v1/tickets/${r.json.id}`);
    assert.equal(g.status, 200, `answered ticket ${i} is there after the restart`);
    assert.equal(g.json.subject, `burst ${i}`);
    assert.equal((await api('GET', `/api/v1/tickets/${r.json.id}/outbox`)).json.items.length, 1, 'with its ack');
  }
  // a retry of every request, answered or not, with its key: exactly one ticket each
  for (let i = 0; i < 40; i++) {
    const r = await api('POST', '/api/v1/tickets', {
      body: { subject: `burst ${i}`, requester: { email: `burst${i}@example.com` }, message: { text: `burst ${i}` } },
      headers: { 'idempotency-key': `burst-${i}` },
    });
    assert.equal(r.status, 201);
    const prior = answered.find((x) => x.i === i);
    if (prior) {
      assert.equal(r.json.id, prior.r.json.id);
      assert.equal(r.headers.get('idempotent-replayed'), 'true');
    }
    const c = (await api('GET', `/api/v1/customers?q=burst${i}@example.com`)).json.items;
    assert.equal(c.length, 1);
    assert.equal((await api('GET', `/api/v1/customers/${c[0].id}/tickets`)).json.items.length, 1, `one ticket for burst ${i}`);
  }
});
