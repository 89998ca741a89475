// promises.test.mjs — promises made to customers (G3): recording one, the
// notice that tells the customer, listing and filtering, marking kept or
// broken (and what is refused), idempotency, call-back requests owned by a
// team, and — with the test clock — the reminder and the escalation the
// timer thread sends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
const HOUR = 3600 * 1000;
const MIN = 60 * 1000;
const iso = (ms) => new Date(ms).toISOString();
const ms = (s) => Date.parse(s);
let seq = 0;
const uniq = (p = 'x') => `${p}${Date.now().toString(36)}${++seq}`;

before(async () => {
  h = await startHeed();
  api = checkedApi(h);
});
after(async () => { await h.stop(); });

async function newTicket(a, extra = {}) {
  const r = await a('POST', '/api/v1/tickets', {
    body: {
      subject: 'Printer on fire',
      requester: { email: `${uniq('cust')}@example.com`, name: 'Ada Lovelace' },
      message: { text: 'It smokes.' },
      ...extra,
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function newAgent(a, name) {
  const r = await a('POST', '/api/v1/agents', { body: { name, email: `${uniq('agent')}@example.com` } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function promise(a, tid, body, opts = {}) {
  return a('POST', `/api/v1/tickets/${tid}/promises`, { body, ...opts });
}

async function events(a, tid) {
  const r = await a('GET', `/api/v1/tickets/${tid}/events`);
  assert.equal(r.status, 200);
  return r.json.items;
}

async function outbox(a, tid) {
  const r = await a('GET', `/api/v1/tickets/${tid}/outbox`);
  assert.equal(r.status, 200);
  return r.json.items;
}

test('record a promise: 201 with every field, reminder 30 minutes ahead, event, notice to the customer', async () => {
  const t = await newTicket(api);
  const due = Date.now() + 2 * 24 * HOUR;
  const before0 = Date.now();
  const r = await promise(api, t.id, { kind: 'callback', due_at: iso(due), description: 'with the replacement drum' });
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/promises/${p.id}`);
  assert.equal(p.ticket_id, t.id);
  assert.equal(p.kind, 'callback');
  assert.equal(p.channel, 'phone', 'a call-back is kept on the phone by default');
  assert.equal(p.description, 'with the replacement drum');
  assert.equal(ms(p.due_at), due);
  assert.equal(ms(p.remind_at), due - 30 * MIN);
  assert.equal(p.owner_id, 1, 'the caller owns it');
  assert.equal(p.owner_team_id, null);
  assert.equal(p.requested_by, 'agent');
  assert.equal(p.created_by, 1);
  assert.equal(p.status, 'open');
  assert.equal(p.overdue, false);
  assert.equal(p.note, null);
  assert.ok(ms(p.created_at) >= before0 - 1000);
  for (const k of ['resolved_at', 'reminded_at', 'overdue_at']) assert.equal(p[k], null, k);

  const got = await api('GET', `/api/v1/promises/${p.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, p);

  const ev = (await events(api, t.id)).filter((e) => e.type === 'promise.created');
  assert.equal(ev.length, 1);
  assert.equal(ev[0].actor_kind, 'agent');
  assert.equal(ev[0].actor_id, 1);
  assert.deepEqual(ev[0].data, {
    promise_id: p.id, kind: 'callback', channel: 'phone', due_at: p.due_at, remind_at: p.remind_at,
    owner_id: 1, owner_team_id: null, requested_by: 'agent', notice_queued: true,
  });

  const mail = (await outbox(api, t.id)).filter((o) => o.kind === 'promise');
  assert.equal(mail.length, 1);
  const cust = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.equal(mail[0].to, cust.identities[0].value);
  const when = new Date(due);
  const day = when.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  assert.match(mail[0].subject, new RegExp(`^\\[#${t.id}\\] We will call you back by ${day} `));
  assert.match(mail[0].subject, / UTC$/);
  assert.match(mail[0].body_text, /^Hello Ada Lovelace,\n\nWe will call you back by /);
  assert.match(mail[0].body_text, /What we promised: with the replacement drum/);
  assert.match(mail[0].body_text, new RegExp(`ticket #${t.id}`));
  assert.equal(mail[0].auto_submitted, 'auto-generated');
});

test('channel, owner and kind: given values are kept; the default channel is the ticket\'s', async () => {
  const t = await newTicket(api, { channel: 'chat' });
  const a = await newAgent(api, 'Owen Owner');
  let r = await promise(api, t.id, { kind: 'update', due_at: iso(Date.now() + HOUR), owner_id: a.id });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.channel, 'chat');
  assert.equal(r.json.owner_id, a.id);
  assert.equal(r.json.created_by, 1);
  r = await promise(api, t.id, { kind: 'fix', due_at: iso(Date.now() + 10 * MIN), channel: 'email' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.channel, 'email');
  // due sooner than the reminder lead time: reminded at once
  assert.ok(Math.abs(ms(r.json.remind_at) - ms(r.json.created_at)) < 2000, r.json.remind_at);
  const mail = (await outbox(api, t.id)).filter((o) => o.kind === 'promise');
  assert.equal(mail.length, 2);
  assert.match(mail[0].subject, /We will send you an update in the chat by /);
  assert.match(mail[1].subject, /We will have a fix for you by /);
});

test('a customer without an e-mail address gets no mail; the event says so', async () => {
  const r0 = await api('POST', '/api/v1/tickets', {
    body: { subject: 'Phone only', requester: { phone: `+4420${Date.now() % 1e8}` }, message: { text: 'hi' }, channel: 'phone' },
  });
  assert.equal(r0.status, 201, r0.text);
  const r = await promise(api, r0.json.id, { kind: 'callback', due_at: iso(Date.now() + HOUR) });
  assert.equal(r.status, 201, r.text);
  assert.equal((await outbox(api, r0.json.id)).filter((o) => o.kind === 'promise').length, 0);
  const ev = (await events(api, r0.json.id)).find((e) => e.type === 'promise.created');
  assert.equal(ev.data.notice_queued, false);
});

test('invalid promises are 422 naming the field; unknown tickets 404', async () => {
  const t = await newTicket(api);
  const soon = iso(Date.now() + HOUR);
  for (const [body, field] of [
    [{ due_at: soon }, 'kind'],
    [{ kind: 'promise', due_at: soon }, 'kind'],
    [{ kind: 'callback' }, 'due_at'],
    [{ kind: 'callback', due_at: 'tomorrow' }, 'due_at'],
    [{ kind: 'callback', due_at: iso(Date.now() - MIN) }, 'due_at'],
    [{ kind: 'callback', due_at: iso(Date.now() + 400 * 24 * HOUR) }, 'due_at'],
    [{ kind: 'callback', due_at: soon, channel: 'pigeon' }, 'channel'],
    [{ kind: 'callback', due_at: soon, owner_id: 999999 }, 'owner_id'],
    [{ kind: 'callback', due_at: soon, owner_id: 'me' }, 'owner_id'],
    [{ kind: 'callback', due_at: soon, description: 'x'.repeat(2001) }, 'description'],
    [{ kind: 'callback', due_at: soon, colour: 'red' }, 'colour'],
  ]) {
    const r = await promise(api, t.id, body);
    assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.type, '/problems/invalid');
    assert.equal(r.json.field, field, JSON.stringify(body).slice(0, 80));
  }
  const none = await promise(api, 99999999, { kind: 'callback', due_at: soon });
  assert.equal(none.status, 404);
  assert.equal((await api('GET', '/api/v1/tickets/99999999/promises')).status, 404);
  assert.equal((await api('GET', '/api/v1/promises/99999999')).status, 404);
  assert.equal((await api('PATCH', '/api/v1/promises/99999999', { body: { status: 'kept' } })).status, 404);
  // nothing was recorded
  assert.deepEqual((await api('GET', `/api/v1/tickets/${t.id}/promises`)).json.items, []);
  assert.equal((await events(api, t.id)).filter((e) => e.type.startsWith('promise.')).length, 0);
});

test('kept and broken: a broken promise needs a note; a resolved one is final (409)', async () => {
  const t = await newTicket(api);
  const p1 = (await promise(api, t.id, { kind: 'update', due_at: iso(Date.now() + HOUR) })).json;
  const p2 = (await promise(api, t.id, { kind: 'fix', due_at: iso(Date.now() + HOUR) })).json;

  for (const [body, field] of [
    [{ status: 'broken' }, 'note'],
    [{ status: 'broken', note: '' }, 'note'],
    [{ status: 'open' }, 'status'],
    [{ status: 'done' }, 'status'],
    [{ note: 'x' }, 'status'],
    [{ status: 'kept', why: 'x' }, 'why'],
  ]) {
    const r = await api('PATCH', `/api/v1/promises/${p1.id}`, { body });
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.field, field, JSON.stringify(body));
  }

  let r = await api('PATCH', `/api/v1/promises/${p1.id}`, { body: { status: 'kept', note: 'sent the tracking number' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'kept');
  assert.equal(r.json.note, 'sent the tracking number');
  assert.ok(r.json.resolved_at);
  assert.equal(r.json.overdue, false);

  r = await api('PATCH', `/api/v1/promises/${p2.id}`, { body: { status: 'broken', note: 'the vendor slipped' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'broken');

  for (const [id, body] of [
    [p1.id, { status: 'broken', note: 'changed my mind' }],
    [p1.id, { status: 'kept' }],
    [p1.id, { status: 'open' }],
    [p2.id, { status: 'kept' }],
  ]) {
    r = await api('PATCH', `/api/v1/promises/${id}`, { body });
    assert.equal(r.status, 409, `${id} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.type, '/problems/conflict');
  }
  assert.equal((await api('GET', `/api/v1/promises/${p1.id}`)).json.status, 'kept');

  const ev = (await events(api, t.id)).filter((e) => e.type === 'promise.kept' || e.type === 'promise.broken');
  assert.deepEqual(ev.map((e) => e.type), ['promise.kept', 'promise.broken']);
  assert.deepEqual(ev[0].data, { promise_id: p1.id, note: 'sent the tracking number', due_at: p1.due_at, late: false });
  assert.equal(ev[1].data.note, 'the vendor slipped');
  assert.equal(ev[0].actor_id, 1);
});

test('lists: a ticket\'s oldest first, everyone\'s newest first, filters and paging', async () => {
  const t = await newTicket(api);
  const a = await newAgent(api, 'Lia List');
  const ids = [];
  for (const [kind, owner, hours] of [['callback', null, 5], ['update', a.id, 3], ['fix', a.id, 30]]) {
    const r = await promise(api, t.id, { kind, due_at: iso(Date.now() + hours * HOUR), owner_id: owner });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  await api('PATCH', `/api/v1/promises/${ids[1]}`, { body: { status: 'kept' } });

  let r = await api('GET', `/api/v1/tickets/${t.id}/promises`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.map((p) => p.id), ids);
  assert.equal(r.json.next_after, null);
  r = await api('GET', `/api/v1/tickets/${t.id}/promises?limit=2`);
  assert.deepEqual(r.json.items.map((p) => p.id), ids.slice(0, 2));
  assert.equal(r.json.next_after, ids[1]);
  r = await api('GET', `/api/v1/tickets/${t.id}/promises?after=${ids[1]}`);
  assert.deepEqual(r.json.items.map((p) => p.id), [ids[2]]);

  r = await api('GET', `/api/v1/promises?owner=${a.id}`);
  assert.deepEqual(r.json.items.map((p) => p.id), [ids[2], ids[1]]);
  r = await api('GET', `/api/v1/promises?owner=${a.id}&status=open`);
  assert.deepEqual(r.json.items.map((p) => p.id), [ids[2]]);
  r = await api('GET', `/api/v1/promises?owner=${a.id}&due_before=${encodeURIComponent(iso(Date.now() + 10 * HOUR))}`);
  assert.deepEqual(r.json.items.map((p) => p.id), [ids[1]]);
  r = await api('GET', '/api/v1/promises?owner=me&status=open');
  assert.ok(r.json.items.some((p) => p.id === ids[0]));
  assert.ok(r.json.items.every((p) => p.owner_id === 1 && p.status === 'open'));
  r = await api('GET', '/api/v1/promises?limit=1');
  assert.equal(r.json.items.length, 1);
  const first = r.json.items[0].id;
  r = await api('GET', `/api/v1/promises?limit=1&after=${first}`);
  assert.ok(r.json.items[0].id < first);

  for (const q of ['status=late', 'owner=you', 'team=x', 'due_before=soon', 'limit=0', 'after=-1']) {
    r = await api('GET', `/api/v1/promises?${q}`);
    assert.equal(r.status, 422, q);
  }
});

test('a retried create with the same Idempotency-Key records one promise', async () => {
  const t = await newTicket(api);
  const body = { kind: 'update', due_at: iso(Date.now() + HOUR) };
  const key = uniq('idem');
  const r1 = await promise(api, t.id, body, { headers: { 'Idempotency-Key': key } });
  const r2 = await promise(api, t.id, body, { headers: { 'Idempotency-Key': key } });
  assert.equal(r1.status, 201);
  assert.equal(r2.status, 201);
  assert.equal(r2.headers.get('idempotent-replayed'), 'true');
  assert.equal(r2.json.id, r1.json.id);
  const r3 = await promise(api, t.id, { ...body, kind: 'fix' }, { headers: { 'Idempotency-Key': key } });
  assert.equal(r3.status, 409);
  assert.equal((await api('GET', `/api/v1/tickets/${t.id}/promises`)).json.items.length, 1);
  assert.equal((await outbox(api, t.id)).filter((o) => o.kind === 'promise').length, 1);
});

test('a call-back request becomes a promise owned by the ticket\'s team; the phone joins the customer', async () => {
  // teams are another suite's business: unchecked here
  const team = (await h.api('POST', '/api/v1/teams', { body: { name: uniq('Callbacks ') } })).json;
  const t = await newTicket(api, { team_id: team.id });
  const phone = `+44 20 7946 ${String(Date.now() % 10000).padStart(4, '0')}`;
  const before0 = Date.now();
  let r = await api('POST', `/api/v1/tickets/${t.id}/callback-requests`, { body: { phone, note: 'after 3pm please' } });
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/promises/${p.id}`);
  assert.equal(p.kind, 'callback');
  assert.equal(p.channel, 'phone');
  assert.equal(p.requested_by, 'customer');
  assert.equal(p.owner_id, null);
  assert.equal(p.owner_team_id, team.id);
  const digits = phone.replace(/ /g, '');
  assert.equal(p.description, `The customer asked to be called back on ${digits}.\nafter 3pm please`);
  // due in callback_due_minutes (default 240)
  assert.ok(ms(p.due_at) >= before0 + 240 * MIN - 1000 && ms(p.due_at) <= Date.now() + 240 * MIN + 1000, p.due_at);

  const cust = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.ok(cust.identities.some((i) => i.kind === 'phone' && i.value === digits), JSON.stringify(cust.identities));
  const ev = (await events(api, t.id)).find((e) => e.type === 'promise.created');
  assert.equal(ev.data.requested_by, 'customer');
  assert.equal(ev.data.phone_identity, 'added');
  const mail = (await outbox(api, t.id)).find((o) => o.kind === 'promise');
  assert.match(mail.body_text, /we have received your request to be called back\. We will call you back by /);

  r = await api('GET', `/api/v1/promises?team=${team.id}`);
  assert.deepEqual(r.json.items.map((x) => x.id), [p.id]);

  // the same number again: known; at a preferred time
  const pref = Date.now() + 26 * HOUR;
  r = await api('POST', `/api/v1/tickets/${t.id}/callback-requests`, { body: { phone, preferred_at: iso(pref) } });
  assert.equal(r.status, 201, r.text);
  assert.equal(ms(r.json.due_at), pref);
  assert.equal(r.json.description, `The customer asked to be called back on ${digits}.`);
  const ev2 = (await events(api, t.id)).filter((e) => e.type === 'promise.created');
  assert.equal(ev2.at(-1).data.phone_identity, 'known');

  // no body members at all is fine: no phone, due by default
  r = await api('POST', `/api/v1/tickets/${t.id}/callback-requests`, { body: {} });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.description, 'The customer asked to be called back.');
});

test('a call-back request on a ticket without a team is owned by its assignee; bad requests are 422', async () => {
  const a = await newAgent(api, 'Asha Assignee');
  const t = await newTicket(api, { assignee_id: a.id });
  let r = await api('POST', `/api/v1/tickets/${t.id}/callback-requests`, { body: { note: 'any time' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.owner_id, a.id);
  assert.equal(r.json.owner_team_id, null);
  for (const [body, field] of [
    [{ phone: 'call me' }, 'phone'],
    [{ preferred_at: iso(Date.now() - HOUR) }, 'preferred_at'],
    [{ preferred_at: 'noon' }, 'preferred_at'],
    [{ note: 'x'.repeat(2001) }, 'note'],
    [{ email: 'a@b.c' }, 'email'],
  ]) {
    r = await api('POST', `/api/v1/tickets/${t.id}/callback-requests`, { body });
    assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 60)}: ${r.text}`);
    assert.equal(r.json.field, field);
  }
  r = await api('POST', '/api/v1/tickets/99999999/callback-requests', { body: {} });
  assert.equal(r.status, 404);
});

test('a closed ticket takes no new promises (409); its open promises stay open', async (t0) => {
  const t = await newTicket(api);
  const p = (await promise(api, t.id, { kind: 'update', due_at: iso(Date.now() + HOUR) })).json;
  // closing needs a reason where the lifecycle asks for one
  for (const body of [{ status: 'closed', close_reason: 'duplicate' }, { status: 'closed' }]) {
    const r = await h.api('PATCH', `/api/v1/tickets/${t.id}`, { body });
    if (r.status === 200) break;
  }
  const status = (await api('GET', `/api/v1/tickets/${t.id}`)).json.status;
  if (status !== 'closed') { t0.skip('no way to close a ticket through the API'); return; }
  const r = await promise(api, t.id, { kind: 'update', due_at: iso(Date.now() + HOUR) });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.type, '/problems/conflict');
  const again = (await api('GET', `/api/v1/promises/${p.id}`)).json;
  assert.equal(again.status, 'open');
  // and it can still be marked
  assert.equal((await api('PATCH', `/api/v1/promises/${p.id}`, { body: { status: 'kept' } })).status, 200);
});

// ---- timers (need the test clock: POST /api/v1/test/clock) ----------------

/** Poll `fn` until it returns a truthy value (or time out). */
async function until(fn, what, timeoutMs = 8000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the reminder goes to the owner before the due time; the escalation to the assignee and the owner after it', async (t) => {
  // own server: moving its clock must not disturb the tests above
  const hc = await startHeed();
  try {
    const capi = checkedApi(hc);
    const probe = await hc.api('POST', '/api/v1/test/clock', { body: { advance_ms: 0 } });
    if (probe.status === 404) { t.skip('test clock not built'); return; }
    assert.equal(probe.status, 200, probe.text);
    let now = ms(probe.json.now);

    const owner = await newAgent(capi, 'Olga Owner');
    const assignee = await newAgent(capi, 'Aziz Assignee');
    const tk = await newTicket(capi, { assignee_id: assignee.id });
    const due = now + 2 * HOUR;
    const p = (await promise(capi, tk.id, { kind: 'callback', due_at: iso(due), owner_id: owner.id })).json;
    assert.equal(ms(p.remind_at), due - 30 * MIN);
    // one that is kept in time never reminds anyone
    const kept = (await promise(capi, tk.id, { kind: 'update', due_at: iso(due) })).json;
    assert.equal((await capi('PATCH', `/api/v1/promises/${kept.id}`, { body: { status: 'kept' } })).status, 200);

    let r = await hc.api('POST', '/api/v1/test/clock', { body: { advance_ms: 2 * HOUR - 29 * MIN } });
    assert.equal(r.status, 200, r.text);
    now = ms(r.json.now);
    assert.ok(now >= due - 29 * MIN);
    const reminded = await until(async () => {
      const x = (await capi('GET', `/api/v1/promises/${p.id}`)).json;
      return x.reminded_at ? x : null;
    }, 'the reminder');
    assert.equal(reminded.overdue_at, null);
    assert.equal(reminded.overdue, false);
    let ev = await events(capi, tk.id);
    const rem = ev.filter((e) => e.type === 'promise.reminded');
    assert.equal(rem.length, 1, 'exactly one reminder, none for the kept promise');
    assert.equal(rem[0].actor_kind, 'system');
    assert.deepEqual(rem[0].data, { promise_id: p.id, due_at: p.due_at, notified_id: owner.id });
    let notes = (await outbox(capi, tk.id)).filter((o) => o.kind === 'notify');
    assert.equal(notes.length, 1);
    assert.equal(notes[0].to, owner.email);
    assert.match(notes[0].subject, new RegExp(`^\\[#${tk.id}\\] Promise due soon: call the customer back`));

    r = await hc.api('POST', '/api/v1/test/clock', { body: { advance_ms: 30 * MIN } });
    assert.equal(r.status, 200);
    const late = await until(async () => {
      const x = (await capi('GET', `/api/v1/promises/${p.id}`)).json;
      return x.overdue_at ? x : null;
    }, 'the escalation');
    assert.equal(late.status, 'open');
    assert.equal(late.overdue, true);
    ev = await events(capi, tk.id);
    const od = ev.filter((e) => e.type === 'promise.overdue');
    assert.equal(od.length, 1);
    assert.deepEqual(od[0].data, { promise_id: p.id, due_at: p.due_at, notified_ids: [assignee.id, owner.id] });
    notes = (await outbox(capi, tk.id)).filter((o) => o.kind === 'notify');
    assert.deepEqual(notes.slice(1).map((o) => o.to).sort(), [assignee.email, owner.email].sort());
    assert.ok(notes.slice(1).every((o) => /Promise overdue/.test(o.subject)));
    r = await capi('GET', '/api/v1/promises?status=open&due_before=' + encodeURIComponent(iso(now + HOUR)));
    assert.ok(r.json.items.some((x) => x.id === p.id && x.overdue));

    // marked late: recorded as late, nothing fires any more
    r = await capi('PATCH', `/api/v1/promises/${p.id}`, { body: { status: 'broken', note: 'no answer on the phone' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.overdue, false);
    ev = await events(capi, tk.id);
    assert.equal(ev.find((e) => e.type === 'promise.broken').data.late, true);
  } finally {
    await hc.stop();
  }
});

test('a team-owned call-back reminds whoever leads the ticket; resolving before the due time cancels the escalation', async (t) => {
  const hc = await startHeed();
  try {
    const capi = checkedApi(hc);
    const probe = await hc.api('POST', '/api/v1/test/clock', { body: { advance_ms: 0 } });
    if (probe.status === 404) { t.skip('test clock not built'); return; }
    const now = ms(probe.json.now);
    const lead = await newAgent(capi, 'Lee Lead');
    const team = (await hc.api('POST', '/api/v1/teams', { body: { name: 'Phones', member_ids: [lead.id] } })).json;
    const tk = await newTicket(capi, { team_id: team.id, assignee_id: lead.id });
    const p = (await capi('POST', `/api/v1/tickets/${tk.id}/callback-requests`, {
      body: { preferred_at: iso(now + HOUR) },
    })).json;
    assert.equal(p.owner_team_id, team.id);
    await hc.api('POST', '/api/v1/test/clock', { body: { advance_ms: 31 * MIN } });
    await until(async () => (await capi('GET', `/api/v1/promises/${p.id}`)).json.reminded_at, 'the reminder');
    const rem = (await events(capi, tk.id)).find((e) => e.type === 'promise.reminded');
    assert.equal(rem.data.notified_id, lead.id);

    assert.equal((await capi('PATCH', `/api/v1/promises/${p.id}`, { body: { status: 'kept', note: 'called' } })).status, 200);
    await hc.api('POST', '/api/v1/test/clock', { body: { advance_ms: 2 * HOUR } });
    await new Promise((res) => setTimeout(res, 1500));
    const after1 = (await capi('GET', `/api/v1/promises/${p.id}`)).json;
    assert.equal(after1.overdue_at, null);
    assert.equal((await events(capi, tk.id)).filter((e) => e.type === 'promise.overdue').length, 0);
  } finally {
    await hc.stop();
  }
});
