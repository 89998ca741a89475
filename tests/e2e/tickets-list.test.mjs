// tickets-list.test.mjs — GET /tickets with every filter (status, active,
// team incl. none, assignee incl. me and none, customer, priority), their
// combinations, validation, and cursor pagination across pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed, runHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
const t = {}; // t1..t6
let teamA, teamB, agent2, agent2Token, c1, c2;

async function mk(name, body, token) {
  const r = await api('POST', '/api/v1/tickets', { body: { message: { text: name }, subject: name, ...body }, token });
  assert.equal(r.status, 201, r.text);
  t[name] = r.json;
  return r.json;
}

before(async () => {
  h = await startHeed();
  api = checkedApi(h);
  teamA = (await api('POST', '/api/v1/teams', { body: { name: 'Team A' } })).json;
  teamB = (await api('POST', '/api/v1/teams', { body: { name: 'Team B' } })).json;
  agent2 = (await api('POST', '/api/v1/agents', { body: { name: 'Agent Two', email: 'two@example.com' } })).json;
  const out = runHeed(['token', 'create', '--data', h.data, '--agent', 'two@example.com']);
  assert.equal(out.status, 0, out.stderr);
  agent2Token = out.stdout.trim().split('\n').at(-1);
  c1 = (await api('POST', '/api/v1/customers', { body: { name: 'C One', email: 'c1@example.com' } })).json;
  c2 = (await api('POST', '/api/v1/customers', { body: { name: 'C Two', email: 'c2@example.com' } })).json;

  await mk('t1', { requester: { customer_id: c1.id }, team: teamA.id, assignee_id: 1, priority: 'high' });
  await mk('t2', { requester: { email: 'c1@example.com' }, team: 'Team B', assignee_id: agent2.id, priority: 'low' });
  await api('PATCH', `/api/v1/tickets/${t.t2.id}`, { body: { status: 'pending' } });
  await mk('t3', { requester: { customer_id: c2.id } });
  await api('PATCH', `/api/v1/tickets/${t.t3.id}`, { body: { status: 'solved' } });
  await mk('t4', { requester: { customer_id: c2.id }, team_id: teamA.id, priority: 'urgent' });
  await api('PATCH', `/api/v1/tickets/${t.t4.id}`, { body: { status: 'closed', close_reason: 'spam' } });
  await mk('t5', { requester: { customer_id: c1.id }, assignee_id: 1 });
  await api('PATCH', `/api/v1/tickets/${t.t5.id}`, { body: { status: 'on_hold' } });
  await mk('t6', { requester: { customer_id: c2.id }, team: 'Team B', priority: 'high' }, agent2Token);
  await api('PATCH', `/api/v1/tickets/${t.t6.id}`, { body: { assignee_id: agent2.id } });
  const rep = await api('POST', `/api/v1/tickets/${t.t6.id}/messages`, { body: { text: 'on it' }, token: agent2Token });
  assert.equal(rep.status, 201);
});
after(async () => { await h.stop(); });

async function list(q, token) {
  const r = await api('GET', `/api/v1/tickets${q ? '?' + q : ''}`, { token });
  assert.equal(r.status, 200, `${q}: ${r.text}`);
  return r.json;
}
const names = (page) => page.items.map((x) => Object.keys(t).find((k) => t[k].id === x.id) || `#${x.id}`);

test('no filter: every ticket, newest first, with its current state', async () => {
  const p = await list('');
  assert.deepEqual(names(p), ['t6', 't5', 't4', 't3', 't2', 't1']);
  assert.equal(p.next_after, null);
  const byName = Object.fromEntries(p.items.map((x, i) => [names(p)[i], x]));
  assert.equal(byName.t6.status, 'open');
  assert.equal(byName.t6.assignee_name, 'Agent Two');
  assert.equal(byName.t6.team_name, 'Team B');
  assert.equal(byName.t2.customer_name, 'C One');
  // list items are whole tickets, less what only a single ticket carries
  // (its tags and running SLA clocks: one more query per ticket)
  const one = (await api('GET', `/api/v1/tickets/${t.t1.id}`)).json;
  assert.ok(Array.isArray(one.tags) && Array.isArray(one.sla.clocks));
  delete one.tags;
  delete one.sla.clocks;
  assert.deepEqual(byName.t1, one, 'list items are whole tickets');
});

test('status filter: each status, and active', async () => {
  for (const [s, want] of [['new', ['t1']], ['open', ['t6']], ['pending', ['t2']], ['on_hold', ['t5']],
    ['solved', ['t3']], ['closed', ['t4']], ['active', ['t6', 't5', 't2', 't1']]]) {
    assert.deepEqual(names(await list(`status=${s}`)), want, s);
  }
});

test('team filter: by id, none; unknown team is an empty list', async () => {
  assert.deepEqual(names(await list(`team=${teamA.id}`)), ['t4', 't1']);
  assert.deepEqual(names(await list(`team=${teamB.id}`)), ['t6', 't2']);
  assert.deepEqual(names(await list('team=none')), ['t5', 't3']);
  assert.deepEqual(names(await list('team=999999')), []);
});

test('assignee filter: by id, me (for each caller), none', async () => {
  assert.deepEqual(names(await list('assignee=me')), ['t5', 't1']);
  assert.deepEqual(names(await list('assignee=me', agent2Token)), ['t6', 't2']);
  assert.deepEqual(names(await list(`assignee=${agent2.id}`)), ['t6', 't2']);
  assert.deepEqual(names(await list('assignee=1', agent2Token)), ['t5', 't1']);
  assert.deepEqual(names(await list('assignee=none')), ['t4', 't3']);
});

test('customer and priority filters, and combinations', async () => {
  assert.deepEqual(names(await list(`customer=${c1.id}`)), ['t5', 't2', 't1']);
  assert.deepEqual(names(await list(`customer=${c2.id}`)), ['t6', 't4', 't3']);
  assert.deepEqual(names(await list('customer=999999')), []);
  assert.deepEqual(names(await list('priority=high')), ['t6', 't1']);
  assert.deepEqual(names(await list('priority=urgent')), ['t4']);
  assert.deepEqual(names(await list('priority=normal')), ['t5', 't3']);
  assert.deepEqual(names(await list('priority=low')), ['t2']);
  assert.deepEqual(names(await list(`status=active&team=${teamA.id}`)), ['t1']);
  assert.deepEqual(names(await list(`customer=${c2.id}&priority=urgent`)), ['t4']);
  assert.deepEqual(names(await list('status=active&assignee=none')), []);
  assert.deepEqual(names(await list(`status=active&assignee=me&team=none`)), ['t5']);
  assert.deepEqual(names(await list(`customer=${c1.id}&team=${teamB.id}&assignee=${agent2.id}&priority=low&status=pending`)), ['t2']);
  assert.deepEqual(names(await list('status=&team=&assignee=&customer=&priority=')), ['t6', 't5', 't4', 't3', 't2', 't1'], 'empty filters are no filters');
});

test('filter validation: 422 naming the parameter', async () => {
  for (const [q, field] of [
    ['status=done', 'status'], ['status=ACTIVE', 'status'], ['priority=critical', 'priority'],
    ['team=abc', 'team'], ['team=me', 'team'], ['team=0', 'team'], ['team=-1', 'team'],
    ['assignee=you', 'assignee'], ['assignee=1.5', 'assignee'], ['customer=none', 'customer'], ['customer=x', 'customer'],
    ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=ten', 'limit'], ['after=x', 'after'], ['after=0', 'after'],
    ['after=1234567890123456789', 'after'],
  ]) {
    const r = await api('GET', `/api/v1/tickets?${q}`);
    assert.equal(r.status, 422, `${q}: ${r.text}`);
    assert.equal(r.json.field, field, q);
  }
});

test('pagination: pages of any size cover every ticket once, newest first; default 50, max 200', async () => {
  for (let i = 0; i < 55; i++) {
    const r = await api('POST', '/api/v1/tickets', { body: { subject: `bulk ${i}`, requester: { customer_id: c1.id }, message: { text: 'x' }, created_by: 'agent' } });
    assert.equal(r.status, 201);
  }
  const all = (await list('limit=200')).items.map((x) => x.id);
  assert.equal(all.length, 61);
  assert.deepEqual(all, [...all].sort((a, b) => b - a), 'newest first');
  for (const size of [1, 7, 50, 61, 100]) {
    const seen = [];
    let after = '';
    let pages = 0;
    for (;;) {
      const p = await list(`limit=${size}${after}`);
      pages++;
      assert.ok(p.items.length <= size);
      seen.push(...p.items.map((x) => x.id));
      if (p.next_after === null) break;
      assert.equal(p.next_after, p.items.at(-1).id, 'the cursor is the last id');
      after = `&after=${p.next_after}`;
      assert.ok(pages < 100);
    }
    assert.deepEqual(seen, all, `limit=${size}`);
    assert.equal(pages, Math.ceil(61 / size), `limit=${size}: no empty last page (next_after is null on the last one)`);
  }
  const dflt = await list('');
  assert.equal(dflt.items.length, 50);
  assert.equal(dflt.next_after, dflt.items[49].id);
  // a filtered walk
  const active = [];
  let after = '';
  for (;;) {
    const p = await list(`status=active&customer=${c1.id}&limit=4${after}`);
    active.push(...p.items.map((x) => x.id));
    if (p.next_after === null) break;
    after = `&after=${p.next_after}`;
  }
  const want = (await list(`status=active&customer=${c1.id}&limit=200`)).items.map((x) => x.id);
  assert.equal(want.length, 55 + 3);
  assert.deepEqual(active, want);
  // after= any id, even one that does not match the filter
  const p = await list(`after=${t.t3.id}`);
  assert.deepEqual(names(p), ['t2', 't1']);
});
