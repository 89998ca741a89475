// people.test.mjs — teams, agents, agents/me, tokens; what only an
// administrator may do; `heed token create` while the server runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed, runHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
let agent; // a non-admin agent, created through the API
let agentToken; // their token, from `heed token create`

before(async () => {
  h = await startHeed();
  api = checkedApi(h);
});
after(async () => { await h.stop(); });

test('admin creates an agent; `heed token create --agent` prints a working token on its last line', async () => {
  const r = await api('POST', '/api/v1/agents', { body: { name: 'Alice Agent', email: ' Alice@Example.com ', password: 'correct horse battery' } });
  assert.equal(r.status, 201, r.text);
  agent = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/agents/${agent.id}`);
  assert.equal(agent.email, 'alice@example.com');
  assert.equal(agent.role, 'agent');
  assert.equal(agent.active, true);
  assert.deepEqual(agent.team_ids, []);
  assert.equal(agent.password, undefined);

  const out = runHeed(['token', 'create', '--data', h.data, '--agent', 'alice@example.com', '--name', 'e2e']);
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  agentToken = lines.at(-1).trim();
  assert.match(agentToken, /^hd_[A-Za-z0-9_-]{20,}$/);
  const me = await api('GET', '/api/v1/agents/me', { token: agentToken });
  assert.equal(me.status, 200);
  assert.deepEqual(me.json, agent);

  const unknown = runHeed(['token', 'create', '--data', h.data, '--agent', 'nobody@example.com']);
  assert.notEqual(unknown.status, 0);
  assert.ok(unknown.stderr.length > 0);
  const dflt = runHeed(['token', 'create', '--data', h.data]);
  assert.equal(dflt.status, 0, dflt.stderr);
  const adminMe = await api('GET', '/api/v1/agents/me', { token: dflt.stdout.trim().split('\n').at(-1) });
  assert.equal(adminMe.json.role, 'admin', 'default: the first administrator');
});

test('a non-admin agent gets 403 on every admin write and may read', async () => {
  assert.ok(agentToken);
  const tok = { token: agentToken };
  const team = (await api('POST', '/api/v1/teams', { body: { name: 'Admins Only' } })).json;
  for (const [m, p, body] of [
    ['POST', '/api/v1/teams', { name: 'Sneaky' }],
    ['PATCH', `/api/v1/teams/${team.id}`, { name: 'Renamed' }],
    ['POST', '/api/v1/agents', { name: 'Mallory', email: 'mallory@example.com' }],
    ['PATCH', '/api/v1/agents/1', { name: 'Pwned' }],
    ['PATCH', `/api/v1/agents/${agent.id}`, { role: 'admin' }],
    ['PATCH', `/api/v1/agents/${agent.id}`, { active: false }],
    ['POST', '/api/v1/tokens', { name: 'for admin', agent_id: 1 }],
  ]) {
    const r = await api(m, p, { body, ...tok });
    assert.equal(r.status, 403, `${m} ${p} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.type, '/problems/forbidden');
  }
  assert.equal((await api('GET', `/api/v1/teams/${team.id}`)).json.name, 'Admins Only');
  assert.equal((await api('GET', '/api/v1/agents/1')).json.name, 'Administrator');
  assert.equal((await api('GET', `/api/v1/agents/${agent.id}`)).json.role, 'agent');
  for (const p of ['/api/v1/teams', `/api/v1/teams/${team.id}`, '/api/v1/agents', '/api/v1/agents/1', '/api/v1/tickets', '/api/v1/customers', '/api/v1/organizations']) {
    const r = await api('GET', p, tok);
    assert.equal(r.status, 200, p);
  }
  // an agent may change their own name and password, and make tokens for themselves
  let r = await api('PATCH', `/api/v1/agents/${agent.id}`, { body: { name: 'Alice A.', password: 'another long password' }, ...tok });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Alice A.');
  r = await api('POST', '/api/v1/tokens', { body: { name: 'laptop' }, ...tok });
  assert.equal(r.status, 201);
  assert.equal(r.json.agent_id, agent.id);
  r = await api('POST', '/api/v1/tokens', { body: { name: 'self by id', agent_id: agent.id }, ...tok });
  assert.equal(r.status, 201);
  const me = await api('GET', '/api/v1/agents/me', { token: r.json.token });
  assert.equal(me.json.id, agent.id);
  // and work tickets: assignee=me is them
  const t = await api('POST', '/api/v1/tickets', { body: { subject: 'for alice', requester: { email: 'c@example.com' }, message: { text: 'x' }, assignee_id: agent.id }, ...tok });
  assert.equal(t.status, 201);
  const mine = await api('GET', '/api/v1/tickets?assignee=me', tok);
  assert.deepEqual(mine.json.items.map((x) => x.id), [t.json.id]);
  const ev = (await api('GET', `/api/v1/tickets/${t.json.id}/events`, tok)).json.items[0];
  assert.equal(ev.actor_id, agent.id);
  assert.equal(ev.actor_name, 'Alice A.');
});

test('teams: create with members, get, list by name, rename, replace members, duplicate 409', async () => {
  const a2 = (await api('POST', '/api/v1/agents', { body: { name: 'Bob Agent', email: 'bob.agent@example.com', role: 'agent' } })).json;
  let r = await api('POST', '/api/v1/teams', { body: { name: 'Zulu Support', member_ids: [1, a2.id] } });
  assert.equal(r.status, 201, r.text);
  const team = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/teams/${team.id}`);
  assert.deepEqual([...team.member_ids].sort((x, y) => x - y), [1, a2.id]);
  r = await api('GET', `/api/v1/agents/${a2.id}`);
  assert.deepEqual(r.json.team_ids, [team.id]);
  r = await api('GET', `/api/v1/teams/${team.id}`);
  assert.deepEqual(r.json, team);
  await api('POST', '/api/v1/teams', { body: { name: 'Alpha Support' } });
  r = await api('GET', '/api/v1/teams');
  const names = r.json.items.map((t) => t.name);
  assert.deepEqual(names, [...names].sort());
  assert.equal(r.json.next_after, null);

  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { name: 'Yankee Support' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'Yankee Support');
  assert.equal(r.json.member_ids.length, 2);
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { member_ids: [a2.id] } });
  assert.deepEqual(r.json.member_ids, [a2.id]);
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { member_ids: [] } });
  assert.deepEqual(r.json.member_ids, []);
  assert.deepEqual((await api('GET', `/api/v1/agents/${a2.id}`)).json.team_ids, []);

  r = await api('POST', '/api/v1/teams', { body: { name: 'Alpha Support' } });
  assert.equal(r.status, 409);
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { name: 'Alpha Support' } });
  assert.equal(r.status, 409);
  for (const [m, p, body, field] of [
    ['POST', '/api/v1/teams', {}, 'name'],
    ['POST', '/api/v1/teams', { name: '' }, 'name'],
    ['POST', '/api/v1/teams', { name: 'n'.repeat(201) }, 'name'],
    ['POST', '/api/v1/teams', { name: 'X', member_ids: 'all' }, 'member_ids'],
    ['POST', '/api/v1/teams', { name: 'X', member_ids: [0] }, 'member_ids'],
    ['POST', '/api/v1/teams', { name: 'X', member_ids: ['1'] }, 'member_ids'],
    ['POST', '/api/v1/teams', { name: 'X', lead: 1 }, 'lead'],
    ['PATCH', `/api/v1/teams/${team.id}`, { name: 5 }, 'name'],
    ['PATCH', `/api/v1/teams/${team.id}`, { member_ids: [999999] }, 'member_ids'],
    ['PATCH', `/api/v1/teams/${team.id}`, { colour: 'red' }, 'colour'],
  ]) {
    r = await api(m, p, { body });
    assert.equal(r.status, 422, `${m} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.field, field, `${m} ${JSON.stringify(body)}: ${r.text}`);
  }
  r = await api('GET', '/api/v1/teams/999999');
  assert.equal(r.status, 404);
  r = await api('PATCH', '/api/v1/teams/999999', { body: { name: 'Nope' } });
  assert.equal(r.status, 404);
});

test('a refused team create or change changes nothing (one transaction)', async () => {
  const team = (await api('POST', '/api/v1/teams', { body: { name: 'Whole Team' } })).json;
  let r = await api('POST', '/api/v1/teams', { body: { name: 'Ghost Team', member_ids: [999999] } });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'member_ids');
  const names = (await api('GET', '/api/v1/teams')).json.items.map((t) => t.name);
  assert.ok(!names.includes('Ghost Team'), 'a refused team is not half-created');
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { name: 'Half Renamed', member_ids: [999999] } });
  assert.equal(r.status, 422);
  assert.equal((await api('GET', `/api/v1/teams/${team.id}`)).json.name, 'Whole Team', 'a refused change changes nothing');
});

test('agents: create validation, duplicate e-mail 409, list by name, get, admin changes, self-protection', async () => {
  let r = await api('POST', '/api/v1/agents', { body: { name: 'Carla Admin', email: 'carla@example.com', role: 'admin' } });
  assert.equal(r.status, 201);
  const carla = r.json;
  assert.equal(carla.role, 'admin');
  r = await api('POST', '/api/v1/agents', { body: { name: 'Carla Again', email: 'CARLA@example.com' } });
  assert.equal(r.status, 409);
  assert.equal(r.json.field, 'email');
  for (const [body, field] of [
    [{ email: 'x@example.com' }, 'name'],
    [{ name: 'X' }, 'email'],
    [{ name: 'X', email: 'not-an-email' }, 'email'],
    [{ name: 'X', email: 'x@example.com', role: 'owner' }, 'role'],
    [{ name: 'X', email: 'x@example.com', password: 'short' }, 'password'],
    [{ name: 'X', email: 'x@example.com', password: 'p'.repeat(201) }, 'password'],
    [{ name: 'X', email: 'x@example.com', active: true }, 'active'],
    [{ name: '', email: 'x@example.com' }, 'name'],
  ]) {
    r = await api('POST', '/api/v1/agents', { body });
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.field, field, JSON.stringify(body));
  }
  r = await api('GET', '/api/v1/agents');
  const names = r.json.items.map((a) => a.name);
  assert.deepEqual(names, [...names].sort());
  assert.ok(r.json.items.some((a) => a.id === carla.id));
  r = await api('GET', '/api/v1/agents/999999');
  assert.equal(r.status, 404);

  r = await api('PATCH', `/api/v1/agents/${carla.id}`, { body: { role: 'agent', name: 'Carla' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.role, 'agent');
  assert.equal(r.json.name, 'Carla');
  const tok = (await api('POST', '/api/v1/tokens', { body: { name: 'carla', agent_id: carla.id } })).json;
  assert.equal(tok.agent_id, carla.id);
  assert.equal((await api('GET', '/api/v1/agents/me', { token: tok.token })).json.id, carla.id);
  r = await api('PATCH', `/api/v1/agents/${carla.id}`, { body: { active: false } });
  assert.equal(r.status, 200);
  assert.equal(r.json.active, false);
  r = await api('GET', '/api/v1/agents/me', { token: tok.token });
  assert.equal(r.status, 401, 'a deactivated agent\'s token stops working');
  r = await api('POST', '/api/v1/tickets', { body: { subject: 's', requester: { email: 'q@example.com' }, message: { text: 'x' }, assignee_id: carla.id } });
  assert.equal(r.status, 422, 'an inactive agent cannot be assigned');
  assert.equal(r.json.field, 'assignee');
  r = await api('PATCH', `/api/v1/agents/${carla.id}`, { body: { active: true } });
  assert.equal(r.json.active, true);
  assert.equal((await api('GET', '/api/v1/agents/me', { token: tok.token })).status, 200);

  for (const body of [{ active: false }, { role: 'agent' }]) {
    r = await api('PATCH', '/api/v1/agents/1', { body });
    assert.equal(r.status, 409, `admin on themselves: ${JSON.stringify(body)}`);
  }
  for (const [body, field] of [
    [{ active: 'no' }, 'active'], [{ role: 'boss' }, 'role'], [{ password: 'short' }, 'password'],
    [{ email: 'new@example.com' }, 'email'], [{ name: '' }, 'name'],
  ]) {
    r = await api('PATCH', `/api/v1/agents/${carla.id}`, { body });
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.field, field);
  }
  r = await api('PATCH', '/api/v1/agents/999999', { body: { name: 'Nobody' } });
  assert.equal(r.status, 404);
  assert.equal((await api('GET', '/api/v1/agents/1')).json.role, 'admin');
});

test('tokens: for yourself, for another agent (admin), validation; the token works at once', async () => {
  let r = await api('POST', '/api/v1/tokens', { body: { name: 'ci' } });
  assert.equal(r.status, 201);
  assert.equal(r.json.agent_id, 1);
  assert.equal(r.json.name, 'ci');
  const t1 = r.json.token;
  r = await api('POST', '/api/v1/tokens', { body: { name: 'ci' } });
  assert.notEqual(r.json.token, t1, 'every token is new');
  assert.equal((await api('GET', '/api/v1/agents/me', { token: t1 })).json.id, 1);
  for (const [body, field] of [
    [{}, 'name'], [{ name: '' }, 'name'], [{ name: 1 }, 'name'], [{ name: 'x', agent_id: 'me' }, 'agent_id'],
    [{ name: 'x', agent_id: 0 }, 'agent_id'], [{ name: 'x', agent_id: 999999 }, 'agent'], [{ name: 'x', scope: 'all' }, 'scope'],
  ]) {
    r = await api('POST', '/api/v1/tokens', { body });
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.field, field, JSON.stringify(body));
  }
});
