// tickets.test.mjs — creating tickets (customer- and agent-facing, every kind
// of requester), the acknowledgement in the outbox, the event timeline,
// reading and changing tickets, If-Match, and create-time validation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
const T0 = Date.now();

before(async () => {
  h = await startHeed({ conf: 'first_response_minutes = 60\n' });
  api = checkedApi(h);
});
after(async () => { await h.stop(); });

const ms = (s) => Date.parse(s);
let seq = 0;
const uniq = (p = 'x') => `${p}${Date.now().toString(36)}${++seq}`;

async function newTicket(body, opts = {}) {
  const r = await api('POST', '/api/v1/tickets', { body, ...opts });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function events(id) {
  const r = await api('GET', `/api/v1/tickets/${id}/events`);
  assert.equal(r.status, 200);
  return r.json.items;
}

async function outbox(id) {
  const r = await api('GET', `/api/v1/tickets/${id}/outbox`);
  assert.equal(r.status, 200);
  return r.json.items;
}

test('a customer writes in by e-mail: ticket, customer, message, acknowledgement, events', async () => {
  const before = Date.now();
  const r = await api('POST', '/api/v1/tickets', {
    body: {
      subject: 'My order #42 never arrived',
      requester: { email: '  Ann.Lee@Example.COM ', name: 'Ann Lee' },
      message: { text: 'Hello,\nI ordered on Monday.\n\nStill nothing.' },
    },
  });
  const afterT = Date.now();
  assert.equal(r.status, 201);
  const t = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/tickets/${t.id}`);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.headers.get('idempotent-replayed'), null);
  assert.equal(t.subject, 'My order #42 never arrived');
  assert.equal(t.status, 'new');
  assert.equal(t.priority, 'normal');
  assert.equal(t.channel, 'api');
  assert.equal(t.team_id, null);
  assert.equal(t.assignee_id, null);
  assert.equal(t.customer_name, 'Ann Lee');
  assert.equal(t.message_count, 1);
  assert.equal(t.reopen_count, 0);
  assert.equal(t.version, 1);
  assert.equal(t.first_response_at, null);
  assert.equal(t.solved_at, null);
  assert.equal(t.closed_at, null);
  assert.ok(ms(t.created_at) >= before - 5 && ms(t.created_at) <= afterT + 5);
  assert.equal(t.updated_at, t.created_at);
  // first_response_minutes = 60 in heed.conf
  assert.equal(ms(t.first_response_due) - ms(t.created_at), 60 * 60000);

  const c = await api('GET', `/api/v1/customers/${t.customer_id}`);
  assert.equal(c.status, 200);
  assert.equal(c.json.name, 'Ann Lee');
  assert.deepEqual(c.json.identities.map((i) => [i.kind, i.value]), [['email', 'ann.lee@example.com']]);

  const m = await api('GET', `/api/v1/tickets/${t.id}/messages`);
  assert.equal(m.status, 200);
  assert.equal(m.json.items.length, 1);
  assert.equal(m.json.next_after, null);
  const msg = m.json.items[0];
  assert.equal(msg.author, 'customer');
  assert.equal(msg.author_id, t.customer_id);
  assert.equal(msg.author_name, 'Ann Lee');
  assert.equal(msg.visibility, 'public');
  assert.equal(msg.text, 'Hello,\nI ordered on Monday.\n\nStill nothing.');
  assert.equal(msg.ticket_id, t.id);
  assert.deepEqual(msg.attachments, []);

  const ob = await outbox(t.id);
  assert.equal(ob.length, 1);
  const ack = ob[0];
  assert.equal(ack.kind, 'ack');
  assert.equal(ack.ticket_id, t.id);
  assert.equal(ack.to, 'ann.lee@example.com');
  assert.equal(ack.status, 'queued');
  assert.equal(ack.attempts, 0);
  assert.equal(ack.subject, `[#${t.id}] We have received your request: My order #42 never arrived`);
  assert.match(ack.body_text, /^Hello Ann Lee,\n/);
  assert.ok(ack.body_text.includes(`opened ticket #${t.id}`), ack.body_text);
  assert.ok(ack.body_text.includes('Test Desk'), 'signed with the desk name');
  assert.ok(ack.body_text.includes(`[#${t.id}]`));
  assert.ok(ack.body_text.includes('> Hello,\n> I ordered on Monday.\n>\n> Still nothing.\n'), ack.body_text);
  // the due time, in words, e.g. "Monday 23 November 2026, 20:01 UTC"
  const due = new Date(ms(t.first_response_due));
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];
  const words = `${days[due.getUTCDay()]} ${due.getUTCDate()} ${months[due.getUTCMonth()]} ` +
    `${due.getUTCFullYear()}, ${String(due.getUTCHours()).padStart(2, '0')}:` +
    `${String(due.getUTCMinutes()).padStart(2, '0')} UTC`;
  assert.ok(ack.body_text.includes(words), `ack names the due time ${words}:\n${ack.body_text}`);
  assert.equal(ack.created_at, t.created_at, 'written in the same transaction');

  const ev = await events(t.id);
  assert.deepEqual(ev.map((e) => e.type), ['ticket.created', 'ack.queued']);
  assert.equal(ev[0].actor_kind, 'agent');
  assert.equal(ev[0].actor_id, 1);
  assert.equal(ev[0].actor_name, 'Administrator');
  assert.deepEqual(ev[0].data, {
    subject: 'My order #42 never arrived', status: 'new', priority: 'normal', channel: 'api',
    team_id: null, assignee_id: null, customer_id: t.customer_id, created_by: 'customer',
    message_id: msg.id,
  });
  assert.equal(ev[1].actor_kind, 'system');
  assert.equal(ev[1].actor_id, null);
  assert.deepEqual(ev[1].data, { outbox_id: ack.id, to: 'ann.lee@example.com', message_id: ack.message_id, first_response_due: t.first_response_due });
  assert.equal(ack.auto_submitted, 'auto-generated', 'an API ticket is not a reply to a mail');
});

test('the same address in another case is the same customer; a known name is kept', async () => {
  const a = await newTicket({ subject: 'one', requester: { email: 'bob@example.org', name: 'Bob' }, message: { text: 'a' } });
  const b = await newTicket({ subject: 'two', requester: { email: 'BOB@EXAMPLE.ORG', name: 'Robert' }, message: { text: 'b' } });
  assert.equal(b.customer_id, a.customer_id);
  assert.equal(b.customer_name, 'Bob');
  const ct = await api('GET', `/api/v1/customers/${a.customer_id}/tickets`);
  assert.deepEqual(ct.json.items.map((t) => t.id), [b.id, a.id]);
});

test('a customer without a name learns it from a later ticket', async () => {
  const e = `${uniq('anon')}@example.net`;
  const a = await newTicket({ subject: 'one', requester: { email: e }, message: { text: 'a' } });
  assert.equal(a.customer_name, '');
  const o = await outbox(a.id);
  assert.match(o[0].body_text, /^Hello,\n/);
  const b = await newTicket({ subject: 'two', requester: { email: e, name: 'Named Later' }, message: { text: 'b' } });
  assert.equal(b.customer_id, a.customer_id);
  assert.equal(b.customer_name, 'Named Later');
});

test('an agent opens a ticket on a customer\'s behalf: open, answered, no acknowledgement', async () => {
  const t = await newTicket({
    subject: 'Call-back about invoice', requester: { email: 'carol@example.com', name: 'Carol' },
    message: { text: 'I called Carol about her invoice.' }, created_by: 'agent', channel: 'phone',
    priority: 'high',
  });
  assert.equal(t.status, 'open');
  assert.equal(t.channel, 'phone');
  assert.equal(t.priority, 'high');
  assert.equal(t.first_response_due, null);
  assert.ok(t.first_response_at);
  assert.equal(t.first_response_at, t.created_at);
  assert.deepEqual(await outbox(t.id), []);
  const ev = await events(t.id);
  assert.deepEqual(ev.map((e) => e.type), ['ticket.created']);
  assert.equal(ev[0].data.created_by, 'agent');
  assert.equal(ev[0].data.status, 'open');
  const m = await api('GET', `/api/v1/tickets/${t.id}/messages`);
  assert.equal(m.json.items[0].author, 'agent');
  assert.equal(m.json.items[0].author_id, 1);
  assert.equal(m.json.items[0].author_name, 'Administrator');
});

test('a customer known only by phone gets no e-mail: ack.skipped instead', async () => {
  const t = await newTicket({
    subject: 'Phone caller', requester: { phone: '+44 (20) 7946-0958', name: 'Dan' },
    message: { text: 'left a voicemail' }, channel: 'phone',
  });
  assert.equal(t.status, 'new');
  const c = await api('GET', `/api/v1/customers/${t.customer_id}`);
  assert.deepEqual(c.json.identities.map((i) => [i.kind, i.value]), [['phone', '+442079460958']]);
  assert.deepEqual(await outbox(t.id), []);
  const ev = await events(t.id);
  assert.deepEqual(ev.map((e) => e.type), ['ticket.created', 'ack.skipped']);
  assert.equal(ev[1].actor_kind, 'system');
  assert.equal(typeof ev[1].data.reason, 'string');
  // the same number written differently is the same customer
  const t2 = await newTicket({ subject: 'again', requester: { phone: '+442079460958' }, message: { text: 'x' } });
  assert.equal(t2.customer_id, t.customer_id);
});

test('a customer by handle, and by customer_id (acknowledged at their first e-mail)', async () => {
  const t = await newTicket({ subject: 'DM', requester: { handle: '@Eve_Social' }, message: { text: 'hi' }, channel: 'social' });
  const c = await api('GET', `/api/v1/customers/${t.customer_id}`);
  assert.deepEqual(c.json.identities.map((i) => [i.kind, i.value]), [['handle', '@eve_social']]);
  assert.deepEqual((await events(t.id)).map((e) => e.type), ['ticket.created', 'ack.skipped']);

  const cust = await api('POST', '/api/v1/customers', {
    body: { name: 'Frank', identities: [{ kind: 'phone', value: '+15550001111' }, { kind: 'email', value: 'frank@example.com' }] },
  });
  assert.equal(cust.status, 201);
  const t2 = await newTicket({ subject: 'by id', requester: { customer_id: cust.json.id }, message: { text: 'x' } });
  assert.equal(t2.customer_id, cust.json.id);
  assert.equal(t2.customer_name, 'Frank');
  const ob = await outbox(t2.id);
  assert.equal(ob.length, 1);
  assert.equal(ob[0].to, 'frank@example.com');
  assert.match(ob[0].body_text, /^Hello Frank,/);
});

test('team by name and by id, assignee, channel on create', async () => {
  const team = await api('POST', '/api/v1/teams', { body: { name: 'Billing' } });
  assert.equal(team.status, 201);
  const t = await newTicket({ subject: 's', requester: { email: 'g@example.com' }, message: { text: 'x' }, team: 'Billing', assignee_id: 1, channel: 'email' });
  assert.equal(t.team_id, team.json.id);
  assert.equal(t.team_name, 'Billing');
  assert.equal(t.assignee_id, 1);
  assert.equal(t.assignee_name, 'Administrator');
  assert.equal(t.channel, 'email');
  const t2 = await newTicket({ subject: 's', requester: { email: 'g@example.com' }, message: { text: 'x' }, team: team.json.id });
  assert.equal(t2.team_id, team.json.id);
  const t3 = await newTicket({ subject: 's', requester: { email: 'g@example.com' }, message: { text: 'x' }, team_id: team.json.id });
  assert.equal(t3.team_id, team.json.id);
  const ev = await events(t.id);
  assert.equal(ev[0].data.team_id, team.json.id);
  assert.equal(ev[0].data.assignee_id, 1);
});

test('GET a ticket: ETag is the version; unknown and malformed ids are 404', async () => {
  const t = await newTicket({ subject: 'get me', requester: { email: 'h@example.com' }, message: { text: 'x' } });
  const r = await api('GET', `/api/v1/tickets/${t.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('etag'), `"${t.version}"`);
  assert.deepEqual(r.json, t);
  const slash = await api('GET', `/api/v1/tickets/${t.id}/`);
  assert.equal(slash.status, 200);
  for (const bad of ['999999', 'abc', '0', '-1', '1.5', '01x', '1234567890123456789', '1e3', ' 1']) {
    const x = await api('GET', `/api/v1/tickets/${bad}`);
    assert.equal(x.status, 404, `GET /tickets/${bad}: ${x.text}`);
    assert.equal(x.json.type, '/problems/not-found');
  }
  for (const sub of ['messages', 'events', 'outbox']) {
    const x = await api('GET', `/api/v1/tickets/999999/${sub}`);
    assert.equal(x.status, 404, sub);
  }
  const p = await api('PATCH', '/api/v1/tickets/999999', { body: { priority: 'low' } });
  assert.equal(p.status, 404);
  const m = await api('POST', '/api/v1/tickets/999999/messages', { body: { text: 'x' } });
  assert.equal(m.status, 404);
});

test('PATCH each field, with a ticket.updated event listing before and after', async () => {
  const team = await api('POST', '/api/v1/teams', { body: { name: 'Shipping' } });
  const t = await newTicket({ subject: 'patch me', requester: { email: 'i@example.com' }, message: { text: 'x' } });
  let v = t.version;

  const steps = [
    [{ subject: 'patched subject' }, { subject: 'patch me' }, { subject: 'patched subject' }],
    [{ priority: 'urgent' }, { priority: 'normal' }, { priority: 'urgent' }],
    [{ team: 'Shipping' }, { team_id: null }, { team_id: team.json.id }],
    [{ team: null }, { team_id: team.json.id }, { team_id: null }],
    [{ team: team.json.id }, { team_id: null }, { team_id: team.json.id }],
    [{ team_id: null }, { team_id: team.json.id }, { team_id: null }],
    [{ team_id: team.json.id }, { team_id: null }, { team_id: team.json.id }],
    [{ assignee_id: 1 }, { assignee_id: null }, { assignee_id: 1 }],
    [{ assignee_id: null }, { assignee_id: 1 }, { assignee_id: null }],
    [{ status: 'pending' }, { status: 'new' }, { status: 'pending' }],
  ];
  for (const [body, b, a] of steps) {
    const r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body });
    assert.equal(r.status, 200, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.version, v + 1, JSON.stringify(body));
    assert.equal(r.headers.get('etag'), `"${v + 1}"`);
    v++;
    const ev = (await events(t.id)).at(-1);
    assert.equal(ev.type, 'ticket.updated');
    assert.equal(ev.actor_kind, 'agent');
    assert.deepEqual(ev.data, { before: b, after: a }, JSON.stringify(body));
  }
  const now = (await api('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.subject, 'patched subject');
  assert.equal(now.priority, 'urgent');
  assert.equal(now.team_id, team.json.id);
  assert.equal(now.team_name, 'Shipping');
  assert.equal(now.assignee_id, null);
  assert.equal(now.status, 'pending');
  assert.ok(ms(now.updated_at) >= ms(now.created_at));

  // several at once -> one event
  const n0 = (await events(t.id)).length;
  const r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'low', assignee_id: 1, subject: 'both' } });
  assert.equal(r.status, 200);
  const evs = await events(t.id);
  assert.equal(evs.length, n0 + 1);
  assert.deepEqual(evs.at(-1).data.after, { priority: 'low', assignee_id: 1, subject: 'both' });

  // a change that changes nothing: same version, no event
  const same = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'low', subject: 'both' } });
  assert.equal(same.status, 200);
  assert.equal(same.json.version, r.json.version);
  assert.equal((await events(t.id)).length, n0 + 1);

  // merge-patch media type is accepted too
  const mp = await api('PATCH', `/api/v1/tickets/${t.id}`, {
    body: JSON.stringify({ priority: 'high' }), headers: { 'content-type': 'application/merge-patch+json' },
  });
  assert.equal(mp.status, 200);
  assert.equal(mp.json.priority, 'high');
});

test('PATCH validation: 422 for wrong types, unknown fields, unknown team/agent, empty change', async () => {
  const t = await newTicket({ subject: 'v', requester: { email: 'j@example.com' }, message: { text: 'x' } });
  const cases = [
    [{}, null],
    [{ nonsense: 1 }, 'nonsense'],
    [{ subject: '' }, 'subject'],
    [{ subject: 'x'.repeat(501) }, 'subject'],
    [{ subject: 5 }, 'subject'],
    [{ subject: 'a\u0001b' }, 'subject'],
    [{ status: 'done' }, 'status'],
    [{ status: 3 }, 'status'],
    [{ priority: 'critical' }, 'priority'],
    [{ priority: true }, 'priority'],
    [{ team: 'No Such Team' }, 'team'],
    [{ team: 999999 }, 'team'],
    [{ team: 0 }, 'team'],
    [{ team: -3 }, 'team'],
    [{ team: true }, 'team'],
    [{ team: ['a'] }, 'team'],
    [{ team_id: 'x' }, 'team_id'],
    [{ team_id: 0 }, 'team_id'],
    [{ team_id: 999999 }, 'team'],
    [{ assignee_id: 999999 }, 'assignee'],
    [{ assignee_id: -1 }, 'assignee_id'],
    [{ assignee_id: 1.5 }, 'assignee_id'],
    [{ assignee_id: '1' }, 'assignee_id'],
  ];
  for (const [body, field] of cases) {
    const r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body });
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.type, '/problems/invalid');
    if (field) assert.equal(r.json.field, field, JSON.stringify(body));
  }
  const g = await api('GET', `/api/v1/tickets/${t.id}`);
  assert.equal(g.json.version, t.version, 'nothing changed');
});

test('status transitions: solved, reopen by PATCH counts, closed is final, never back to new', async () => {
  const t = await newTicket({ subject: 'st', requester: { email: 'k@example.com' }, message: { text: 'x' } });
  let r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'new' } });
  assert.equal(r.status, 200, 'new -> new is no change');
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'on_hold' } });
  assert.equal(r.json.status, 'on_hold');
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'new' } });
  assert.equal(r.status, 409);
  assert.equal(r.json.type, '/problems/conflict');
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'solved' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'solved');
  assert.ok(r.json.solved_at);
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'open' } });
  assert.equal(r.json.status, 'open');
  assert.equal(r.json.solved_at, null);
  assert.equal(r.json.reopen_count, 1);
  let ev = (await events(t.id)).at(-1);
  assert.deepEqual(ev.data, { before: { status: 'solved', reopen_count: 0 }, after: { status: 'open', reopen_count: 1 } });
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'solved' } });
  const solvedAt = r.json.solved_at;
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'closed' } });
  assert.equal(r.status, 409, 'the customer closes a solved ticket, not the agent');
  r = await api('POST', `/api/v1/tickets/${t.id}/confirmation`, { body: { answer: 'yes' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.close_kind, 'confirmed');
  assert.equal(r.json.reopen_count, 1, 'closing a solved ticket is no reopen');
  assert.equal(r.json.solved_at, solvedAt);
  assert.ok(r.json.closed_at);
  const closed = r.json;
  for (const body of [{ status: 'open' }, { status: 'new' }, { priority: 'high' }, { subject: 'changed' },
    { assignee_id: 1 }, { status: 'closed', priority: 'high' }, { status: 'closed', subject: 'sneaky' }]) {
    r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body });
    assert.equal(r.status, 409, `closed ticket, ${JSON.stringify(body)}: ${r.text}`);
  }
  r = await api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: 'late reply' } });
  assert.equal(r.status, 409);
  r = await api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: 'late reply', author: 'customer' } });
  assert.equal(r.status, 201, 'the customer writing again starts a follow-up');
  assert.notEqual(r.json.ticket_id, t.id);
  r = await api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: 'late note', visibility: 'internal' } });
  assert.equal(r.status, 409);
  const g = await api('GET', `/api/v1/tickets/${t.id}`);
  assert.deepEqual(g.json, closed, 'a closed ticket does not change');
});

test('If-Match: the current version applies, an old one is 412, malformed is 422, * always applies', async () => {
  const t = await newTicket({ subject: 'im', requester: { email: 'l@example.com' }, message: { text: 'x' } });
  const etag = (await api('GET', `/api/v1/tickets/${t.id}`)).headers.get('etag');
  let r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'high' }, headers: { 'if-match': etag } });
  assert.equal(r.status, 200);
  const etag2 = r.headers.get('etag');
  assert.notEqual(etag2, etag);
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'low' }, headers: { 'if-match': etag } });
  assert.equal(r.status, 412);
  assert.equal(r.json.type, '/problems/precondition-failed');
  assert.equal((await api('GET', `/api/v1/tickets/${t.id}`)).json.priority, 'high');
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'low' }, headers: { 'if-match': '"999"' } });
  assert.equal(r.status, 412);
  for (const bad of ['3', '"abc"', '""', 'W/"2"', '"0"']) {
    r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'low' }, headers: { 'if-match': bad } });
    assert.equal(r.status, 422, `If-Match ${bad}: ${r.text}`);
    assert.equal(r.json.field, 'If-Match');
  }
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'low' }, headers: { 'if-match': '*' } });
  assert.equal(r.status, 200);
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'normal' }, headers: { 'if-match': r.headers.get('etag') } });
  assert.equal(r.status, 200);
  // a message changes the version too
  const before = r.headers.get('etag');
  await api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: 'note', visibility: 'internal' } });
  r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'high' }, headers: { 'if-match': before } });
  assert.equal(r.status, 412, 'a message bumps the version');
});

test('create validation: every field, wrong types, unknown fields, limits', async () => {
  const ok = { subject: 's', requester: { email: 'm@example.com' }, message: { text: 'x' } };
  const w = (patch) => ({ ...ok, ...patch });
  const cases = [
    [{ requester: ok.requester, message: ok.message }, 'subject'],
    [w({ subject: '' }), 'subject'],
    [w({ subject: null }), 'subject'],
    [w({ subject: 'x'.repeat(501) }), 'subject'],
    [w({ subject: 42 }), 'subject'],
    [w({ subject: ['a'] }), 'subject'],
    [w({ subject: 'line\nbreak' }), 'subject'],
    [w({ subject: 'nul\u0000byte' }), 'subject'],
    [w({ subject: 'del\u007f' }), 'subject'],
    [{ subject: 's', message: ok.message }, 'requester'],
    [w({ requester: 'm@example.com' }), 'requester'],
    [w({ requester: {} }), 'requester'],
    [w({ requester: { name: 'only a name' } }), 'requester'],
    [w({ requester: { email: 'a@example.com', phone: '+4412345678' } }), 'requester'],
    [w({ requester: { email: 'a@example.com', customer_id: 1 } }), 'requester'],
    [w({ requester: { email: 'not an address' } }), 'email'],
    [w({ requester: { email: 'no-at-sign' } }), 'email'],
    [w({ requester: { email: 'two@@example.com' } }), 'email'],
    [w({ requester: { email: 'a@b..com' } }), 'email'],
    [w({ requester: { email: '' } }), 'email'],
    [w({ requester: { email: 7 } }), 'email'],
    [w({ requester: { email: 'x'.repeat(320) + '@example.com' } }), 'email'],
    [w({ requester: { phone: '12' } }), 'phone'],
    [w({ requester: { phone: '+44 abc 123' } }), 'phone'],
    [w({ requester: { handle: 'a\tb' } }), 'handle'],
    [w({ requester: { customer_id: 0 } }), 'customer_id'],
    [w({ requester: { customer_id: 'x' } }), 'customer_id'],
    [w({ requester: { customer_id: 999999 } }), 'requester.customer_id'],
    [w({ requester: { email: 'a@example.com', name: 5 } }), 'name'],
    [w({ requester: { email: 'a@example.com', name: 'n'.repeat(201) } }), 'name'],
    [w({ requester: { email: 'a@example.com', emial: 'x' } }), 'emial'],
    [{ subject: 's', requester: ok.requester }, 'message'],
    [w({ message: 'text' }), 'message'],
    [w({ message: {} }), 'text'],
    [w({ message: { text: '' } }), 'text'],
    [w({ message: { text: 5 } }), 'text'],
    [w({ message: { text: 'x', html: 5 } }), 'html'],
    [w({ message: { text: 'x', txt: 'y' } }), 'txt'],
    [w({ message: { text: 'x', attachments: 'a' } }), 'attachments'],
    [w({ message: { text: 'x', attachments: ['a'] } }), 'attachments'],
    [w({ message: { text: 'x', attachments: [{ content_base64: 'aGk=' }] } }), 'filename'],
    [w({ message: { text: 'x', attachments: [{ filename: 'a', content_base64: 'not base64!' }] } }), 'content_base64'],
    [w({ message: { text: 'x', attachments: [{ filename: 'a' }] } }), 'content_base64'],
    [w({ message: { text: 'x', attachments: [{ filename: '../etc/passwd', content_base64: 'aGk=' }] } }), 'filename'],
    [w({ message: { text: 'x', attachments: [{ filename: 'a\\b', content_base64: 'aGk=' }] } }), 'filename'],
    [w({ message: { text: 'x', attachments: [{ filename: 'a', content_base64: 'aGk=', size: 2 }] } }), 'size'],
    [w({ message: { text: 'x', attachments: [{ filename: 'a', content_type: 'x', content_base64: 'aGk=' }] } }), 'content_type'],
    [w({ message: { text: 'x', attachments: Array.from({ length: 51 }, (_, i) => ({ filename: `f${i}`, content_base64: '' })) } }), 'attachments'],
    [w({ priority: 'critical' }), 'priority'],
    [w({ priority: 1 }), 'priority'],
    [w({ channel: 'fax' }), 'channel'],
    [w({ created_by: 'system' }), 'created_by'],
    [w({ created_by: 'robot' }), 'created_by'],
    [w({ team: 'No Such Team' }), 'team'],
    [w({ team: 999999 }), 'team'],
    [w({ team: 0 }), 'team'],
    [w({ team: true }), 'team'],
    [w({ team_id: 999999 }), 'team'],
    [w({ team_id: 'Billing' }), 'team_id'],
    [w({ assignee_id: 999999 }), 'assignee'],
    [w({ assignee_id: 0 }), 'assignee_id'],
    [w({ status: 'open' }), 'status'],
    [w({ id: 5 }), 'id'],
  ];
  const before = (await api('GET', '/api/v1/tickets?limit=1')).json.items[0]?.id;
  for (const [body, field] of cases) {
    const r = await api('POST', '/api/v1/tickets', { body });
    assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 200)}: ${r.text}`);
    assert.equal(r.json.type, '/problems/invalid');
    assert.equal(r.json.field, field, `${JSON.stringify(body).slice(0, 200)}: ${r.text}`);
    assert.ok(r.json.detail, 'a problem explains itself');
  }
  const afterId = (await api('GET', '/api/v1/tickets?limit=1')).json.items[0]?.id;
  assert.equal(afterId, before, 'no ticket was created by a refused request');
});

test('limits at the edge are accepted: 500-byte subject, 200-byte name, multi-byte text', async () => {
  const subject = 'é'.repeat(250); // 500 bytes
  const t = await newTicket({ subject, requester: { email: 'n@example.com', name: 'n'.repeat(200) }, message: { text: 'tab\tand\r\nnewline ✓ 😀' } });
  assert.equal(t.subject, subject);
  const r = await api('POST', '/api/v1/tickets', { body: { subject: subject + 'a', requester: { email: 'n@example.com' }, message: { text: 'x' } } });
  assert.equal(r.status, 422, 'limits are in bytes');
  const m = await api('GET', `/api/v1/tickets/${t.id}/messages`);
  assert.equal(m.json.items[0].text, 'tab\tand\r\nnewline ✓ 😀');
});

test('acknowledgement edge cases: customer_id with phone only, agent-opened phone ticket, a long request is shortened', async () => {
  const phoneOnly = (await api('POST', '/api/v1/customers', { body: { name: 'Phone Only', phone: '+3161234567' } })).json;
  const a = await newTicket({ subject: 'by id, no mail', requester: { customer_id: phoneOnly.id }, message: { text: 'x' } });
  assert.deepEqual(await outbox(a.id), []);
  assert.deepEqual((await events(a.id)).map((e) => e.type), ['ticket.created', 'ack.skipped']);

  const b = await newTicket({ subject: 'agent call', requester: { phone: '+3161234567' }, message: { text: 'x' }, created_by: 'agent' });
  assert.equal(b.customer_id, phoneOnly.id);
  assert.deepEqual((await events(b.id)).map((e) => e.type), ['ticket.created'], 'no ack owed, none skipped');

  const long = Array.from({ length: 300 }, (_, i) => `line ${i} of a very long complaint`).join('\n');
  const c = await newTicket({ subject: 'long', requester: { email: 'long@example.com' }, message: { text: long } });
  const ack = (await outbox(c.id))[0];
  assert.ok(ack.body_text.includes('> line 0 of a very long complaint\n'));
  assert.ok(!ack.body_text.includes('line 299 of'), 'the quote is capped');
  assert.ok(ack.body_text.includes('> [...] (shortened; we have your full message)'), ack.body_text.slice(-300));
  assert.ok(ack.body_text.length < long.length);
  const full = await api('GET', `/api/v1/tickets/${c.id}/messages`);
  assert.equal(full.json.items[0].text, long, 'the message itself is whole');

  // an acknowledgement goes to the address the customer wrote from
  const two = (await api('POST', '/api/v1/customers', { body: { name: 'Two Mails', identities: [{ kind: 'email', value: 'first@example.com' }, { kind: 'email', value: 'second@example.com' }] } })).json;
  const d = await newTicket({ subject: 'from second', requester: { email: 'Second@Example.com' }, message: { text: 'x' } });
  assert.equal(d.customer_id, two.id);
  assert.equal((await outbox(d.id))[0].to, 'second@example.com');
  const e = await newTicket({ subject: 'by id', requester: { customer_id: two.id }, message: { text: 'x' } });
  assert.equal((await outbox(e.id))[0].to, 'first@example.com', 'by id: the first address');
});

test('names shown on tickets follow renames of teams, agents and customers', async () => {
  const team = (await api('POST', '/api/v1/teams', { body: { name: 'Old Team Name' } })).json;
  const ag = (await api('POST', '/api/v1/agents', { body: { name: 'Old Agent Name', email: 'rename.agent@example.com' } })).json;
  const t = await newTicket({ subject: 'names', requester: { email: 'rename@example.com', name: 'Old Customer Name' }, message: { text: 'x' }, team: team.id, assignee_id: ag.id });
  await api('PATCH', `/api/v1/teams/${team.id}`, { body: { name: 'New Team Name' } });
  await api('PATCH', `/api/v1/agents/${ag.id}`, { body: { name: 'New Agent Name' } });
  await api('PATCH', `/api/v1/customers/${t.customer_id}`, { body: { name: 'New Customer Name' } });
  const now = (await api('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.team_name, 'New Team Name');
  assert.equal(now.assignee_name, 'New Agent Name');
  assert.equal(now.customer_name, 'New Customer Name');
  assert.equal(now.version, t.version, 'renaming others is no change to the ticket');
  const r = await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { team: 'Old Team Name' } });
  assert.equal(r.status, 422, 'the old name is gone');
  assert.equal((await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { team: 'New Team Name' } })).status, 200);
  // a deactivated agent cannot be assigned, but stays on tickets they had
  await api('PATCH', `/api/v1/agents/${ag.id}`, { body: { active: false } });
  const t2 = await newTicket({ subject: 'n2', requester: { email: 'rename@example.com' }, message: { text: 'x' } });
  const p = await api('PATCH', `/api/v1/tickets/${t2.id}`, { body: { assignee_id: ag.id } });
  assert.equal(p.status, 422);
  assert.equal(p.json.field, 'assignee');
  assert.equal((await api('GET', `/api/v1/tickets/${t.id}`)).json.assignee_id, ag.id);
});
