// sla-policies.test.mjs — business-hours calendars and SLA policies through
// the API: create, read back in canonical form, change, order, delete;
// every kind of bad input; what only an administrator may do; a calendar
// in use cannot go; business-time arithmetic across a weekend and both
// daylight-saving changes (Europe/Berlin, 2026); team leads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
let agentToken; // a non-admin agent's token

const WEEKDAYS = { start: '09:00', end: '17:00' };
const berlin = (extra = {}) => ({
  name: 'Berlin office',
  time_zone: 'Europe/Berlin',
  hours: {
    monday: [WEEKDAYS], tuesday: [WEEKDAYS], wednesday: [WEEKDAYS],
    thursday: [WEEKDAYS], friday: [WEEKDAYS], saturday: [], sunday: [],
  },
  ...extra,
});

before(async () => {
  h = await startHeed();
  api = checkedApi(h);
  const agent = (await api('POST', '/api/v1/agents', { body: { name: 'Plain Agent', email: 'plain@example.com' } })).json;
  agentToken = (await api('POST', '/api/v1/tokens', { body: { name: 'e2e', agent_id: agent.id } })).json.token;
});
after(async () => { await h.stop(); });

// Expect a 422 problem naming `field`.
async function invalid(method, path, body, field) {
  const r = await api(method, path, { body });
  assert.equal(r.status, 422, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
  assert.equal(r.json.field, field, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
  return r;
}

test('calendars: create, canonical form, get, list, change, idempotent create', async () => {
  const body = berlin({
    name: 'Berlin Office',
    hours: { friday: [{ start: '13:00', end: '17:00' }, { start: '08:00', end: '12:00' }], monday: [WEEKDAYS] },
    holidays: ['2026-12-25', '2026-01-01', '2026-12-25'],
    closures: [{ from: '2026-07-01T12:00:00+02:00', to: '2026-07-01T18:00:00+02:00', reason: 'Summer party' },
      { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' }],
  });
  let r = await api('POST', '/api/v1/calendars', { body });
  assert.equal(r.status, 201, r.text);
  const cal = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/calendars/${cal.id}`);
  assert.equal(cal.name, 'Berlin Office');
  assert.equal(cal.time_zone, 'Europe/Berlin');
  assert.deepEqual(cal.hours, {
    monday: [WEEKDAYS], tuesday: [], wednesday: [], thursday: [],
    friday: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }], saturday: [], sunday: [],
  }, 'every day, intervals sorted');
  assert.deepEqual(cal.holidays, ['2026-01-01', '2026-12-25'], 'sorted, repeats dropped');
  assert.deepEqual(cal.closures, [
    { from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z', reason: null },
    { from: '2026-07-01T10:00:00.000Z', to: '2026-07-01T16:00:00.000Z', reason: 'Summer party' },
  ], 'sorted, in UTC');
  assert.equal(cal.created_at, cal.updated_at);

  assert.deepEqual((await api('GET', `/api/v1/calendars/${cal.id}`)).json, cal);
  r = await api('POST', '/api/v1/calendars', { body: berlin({ name: 'Amsterdam', time_zone: 'Europe/Amsterdam' }) });
  assert.equal(r.status, 201, r.text);
  const list = (await api('GET', '/api/v1/calendars')).json;
  assert.deepEqual(list.items.map((c) => c.name), ['Amsterdam', 'Berlin Office']);
  assert.equal(list.next_after, null);

  // PATCH replaces the members it gives; null resets holidays and closures
  r = await api('PATCH', `/api/v1/calendars/${cal.id}`, { body: { name: 'Berlin', holidays: ['2026-12-24'], closures: null } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Berlin');
  assert.deepEqual(r.json.holidays, ['2026-12-24']);
  assert.deepEqual(r.json.closures, []);
  assert.deepEqual(r.json.hours, cal.hours, 'untouched');
  assert.ok(r.json.updated_at >= cal.updated_at);
  assert.equal(r.json.created_at, cal.created_at);

  // a retried create with the same key creates nothing new
  const key = { 'idempotency-key': 'cal-once' };
  const first = await api('POST', '/api/v1/calendars', { body: berlin({ name: 'Once' }), headers: key });
  assert.equal(first.status, 201);
  const again = await api('POST', '/api/v1/calendars', { body: berlin({ name: 'Once' }), headers: key });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.json.id, first.json.id);
  const other = await api('POST', '/api/v1/calendars', { body: berlin({ name: 'Twice' }), headers: key });
  assert.equal(other.status, 409);

  // names are unique regardless of case
  r = await api('POST', '/api/v1/calendars', { body: berlin({ name: 'AMSTERDAM' }) });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.field, 'name');
  r = await api('PATCH', `/api/v1/calendars/${cal.id}`, { body: { name: 'amsterdam' } });
  assert.equal(r.status, 409);
  assert.equal((await api('GET', '/api/v1/calendars/999999')).status, 404);
  assert.equal((await api('PATCH', '/api/v1/calendars/999999', { body: { name: 'x' } })).status, 404);
  assert.equal((await api('DELETE', '/api/v1/calendars/999999')).status, 404);
});

test('calendars: bad zones, hours, dates and fields are refused with the field at fault', async () => {
  const P = '/api/v1/calendars';
  for (const zone of ['Mars/Olympus_Mons', '/etc/passwd', 'Europe/../Berlin', 'UTC+01:00', '', 'Europe//Berlin', 5]) {
    await invalid('POST', P, berlin({ name: `zone ${zone}`, time_zone: zone }), 'time_zone');
  }
  const day = (monday) => berlin({ name: 'bad hours', hours: { monday } });
  await invalid('POST', P, day([{ start: '09:00', end: '12:00' }, { start: '11:00', end: '17:00' }]), 'hours'); // overlap
  await invalid('POST', P, day([{ start: '12:00', end: '09:00' }]), 'hours'); // ends before it starts
  await invalid('POST', P, day([{ start: '09:00', end: '09:00' }]), 'hours'); // empty
  await invalid('POST', P, day([{ start: '25:00', end: '26:00' }]), 'hours');
  await invalid('POST', P, day([{ start: '9:00', end: '17:00' }]), 'hours');
  await invalid('POST', P, day([{ start: '09:60', end: '17:00' }]), 'hours');
  await invalid('POST', P, day([{ start: '24:00', end: '24:00' }]), 'hours'); // 24:00 only ends
  await invalid('POST', P, day([{ start: '09:00' }]), 'hours');
  await invalid('POST', P, day([{ start: '09:00', end: '17:00', lunch: '12:00' }]), 'lunch');
  await invalid('POST', P, day(Array.from({ length: 9 }, (_, i) => ({ start: `0${i}:00`, end: `0${i}:30` }))), 'hours');
  await invalid('POST', P, day('09:00-17:00'), 'hours');
  await invalid('POST', P, berlin({ name: 'x', hours: { funday: [] } }), 'funday');
  await invalid('POST', P, berlin({ name: 'x', hours: [] }), 'hours');
  await invalid('POST', P, berlin({ name: 'x', holidays: ['2026-02-30'] }), 'holidays');
  await invalid('POST', P, berlin({ name: 'x', holidays: ['25.12.2026'] }), 'holidays');
  await invalid('POST', P, berlin({ name: 'x', holidays: '2026-12-25' }), 'holidays');
  await invalid('POST', P, berlin({ name: 'x', closures: [{ from: '2026-07-02T00:00:00Z', to: '2026-07-01T00:00:00Z' }] }), 'closures');
  await invalid('POST', P, berlin({ name: 'x', closures: [{ from: '2026-07-01T00:00:00Z', to: '2026-07-03T00:00:00Z' }, { from: '2026-07-02T00:00:00Z', to: '2026-07-04T00:00:00Z' }] }), 'closures');
  await invalid('POST', P, berlin({ name: 'x', closures: [{ from: 'yesterday', to: '2026-07-01T00:00:00Z' }] }), 'closures');
  await invalid('POST', P, berlin({ name: 'x', closures: [{ from: '2026-07-01T00:00:00Z' }] }), 'closures');
  await invalid('POST', P, berlin({ name: 'x', colour: 'blue' }), 'colour');
  await invalid('POST', P, berlin({ name: 'x', id: 4 }), 'id');
  await invalid('POST', P, berlin({ name: '' }), 'name');
  await invalid('POST', P, berlin({ name: 'n'.repeat(128) }), 'name');
  await invalid('POST', P, { name: 'no zone', hours: {} }, 'time_zone');
  await invalid('POST', P, { name: 'no hours', time_zone: 'UTC' }, 'hours');
  let r = await api('POST', P, { body: '{"name": ' });
  assert.equal(r.status, 400);
  r = await api('POST', P, { body: '[1]' });
  assert.equal(r.status, 400);

  const cal = (await api('POST', P, { body: berlin({ name: 'Patch target' }) })).json;
  await invalid('PATCH', `${P}/${cal.id}`, { time_zone: 'Nowhere/Special' }, 'time_zone');
  await invalid('PATCH', `${P}/${cal.id}`, { hours: { monday: [{ start: '10:00', end: '09:00' }] } }, 'hours');
  await invalid('PATCH', `${P}/${cal.id}`, { name: null }, 'name');
  await invalid('PATCH', `${P}/${cal.id}`, { position: 1 }, 'position');
  r = await api('PATCH', `${P}/${cal.id}`, { body: {} });
  assert.equal(r.status, 422);
  assert.deepEqual((await api('GET', `${P}/${cal.id}`)).json, cal, 'refused changes change nothing');
  // nothing refused was created
  const names = (await api('GET', P)).json.items.map((c) => c.name);
  assert.ok(!names.includes('x') && !names.includes('bad hours'), names.join());
});

const policy = (extra = {}) => ({ name: 'Standard', targets: { first_response: 240, resolution: 2880 }, ...extra });

test('SLA policies: canonical form, order by position, insert, move and delete renumber', async () => {
  const P = '/api/v1/sla-policies';
  const team = (await api('POST', '/api/v1/teams', { body: { name: 'SLA Team' } })).json;
  const org = (await api('POST', '/api/v1/organizations', { body: { name: 'SLA Org' } })).json;
  const cal = (await api('POST', '/api/v1/calendars', { body: berlin({ name: 'SLA hours' }) })).json;

  let r = await api('POST', P, { body: policy() });
  assert.equal(r.status, 201, r.text);
  const standard = r.json;
  assert.equal(r.headers.get('location'), `${P}/${standard.id}`);
  assert.deepEqual({ ...standard, id: 0, created_at: 0, updated_at: 0 }, {
    id: 0, name: 'Standard', position: 1,
    conditions: { priority: [], channel: [], team_id: [], organization_id: [], tags: [] },
    targets: { first_response: 240, next_response: null, periodic_update: null, resolution: 2880 },
    calendar_id: null, pause_in: ['pending', 'on_hold'], warn_before: null,
    on_warning: [], on_breach: [], created_at: 0, updated_at: 0,
  });

  const urgentBody = {
    name: 'Urgent', position: 1,
    conditions: { priority: ['urgent', 'high', 'urgent'], channel: ['email'], team_id: [team.id], organization_id: [org.id], tags: ['vip'] },
    targets: { first_response: 60, next_response: 120, periodic_update: 240, resolution: 1440 },
    calendar_id: cal.id, pause_in: ['on_hold'], warn_before: 15,
    on_warning: [{ action: 'notify_lead' }],
    on_breach: [{ action: 'raise_priority' }, { action: 'set_team', team_id: team.id }, { action: 'add_tag', tag: 'sla-breached' }],
  };
  r = await api('POST', P, { body: urgentBody });
  assert.equal(r.status, 201, r.text);
  const urgent = r.json;
  assert.equal(urgent.position, 1);
  assert.deepEqual(urgent.conditions, { priority: ['high', 'urgent'], channel: ['email'], team_id: [team.id], organization_id: [org.id], tags: ['vip'] });
  assert.deepEqual(urgent.targets, urgentBody.targets);
  assert.equal(urgent.calendar_id, cal.id);
  assert.deepEqual(urgent.pause_in, ['on_hold']);
  assert.equal(urgent.warn_before, 15);
  assert.deepEqual(urgent.on_warning, [{ action: 'notify_lead' }]);
  assert.deepEqual(urgent.on_breach, [{ action: 'raise_priority' }, { action: 'set_team', team_id: team.id }, { action: 'add_tag', tag: 'sla-breached' }]);

  const low = (await api('POST', P, { body: policy({ name: 'Low', conditions: { priority: ['low'] }, pause_in: [] }) })).json;
  assert.equal(low.position, 3);
  assert.deepEqual(low.pause_in, []);
  const mid = (await api('POST', P, { body: policy({ name: 'Middle', position: 2 }) })).json;
  assert.equal(mid.position, 2);
  const far = (await api('POST', P, { body: policy({ name: 'Far', position: 99 }) })).json;
  assert.equal(far.position, 5, 'past the end: last');

  const order = async () => (await api('GET', P)).json.items.map((p) => [p.name, p.position]);
  assert.deepEqual(await order(), [['Urgent', 1], ['Middle', 2], ['Standard', 3], ['Low', 4], ['Far', 5]]);

  // move down, move up, move past the end
  r = await api('PATCH', `${P}/${urgent.id}`, { body: { position: 4 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.position, 4);
  assert.deepEqual(r.json.conditions, urgent.conditions, 'a move changes nothing else');
  assert.deepEqual(await order(), [['Middle', 1], ['Standard', 2], ['Low', 3], ['Urgent', 4], ['Far', 5]]);
  await api('PATCH', `${P}/${far.id}`, { body: { position: 1 } });
  assert.deepEqual(await order(), [['Far', 1], ['Middle', 2], ['Standard', 3], ['Low', 4], ['Urgent', 5]]);
  await api('PATCH', `${P}/${mid.id}`, { body: { position: 1000 } });
  assert.deepEqual(await order(), [['Far', 1], ['Standard', 2], ['Low', 3], ['Urgent', 4], ['Middle', 5]]);

  // PATCH replaces members; null resets to the default
  r = await api('PATCH', `${P}/${urgent.id}`, { body: { warn_before: null, pause_in: null, on_breach: null, targets: { resolution: 600 } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.warn_before, null);
  assert.deepEqual(r.json.pause_in, ['pending', 'on_hold']);
  assert.deepEqual(r.json.on_breach, []);
  assert.deepEqual(r.json.targets, { first_response: null, next_response: null, periodic_update: null, resolution: 600 });
  assert.equal(r.json.calendar_id, cal.id);
  assert.equal(r.json.position, 4);

  // delete: the ones after move up
  r = await api('DELETE', `${P}/${standard.id}`);
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  assert.deepEqual(await order(), [['Far', 1], ['Low', 2], ['Urgent', 3], ['Middle', 4]]);
  assert.equal((await api('GET', `${P}/${standard.id}`)).status, 404);
  assert.equal((await api('DELETE', `${P}/${standard.id}`)).status, 404);
  assert.equal((await api('PATCH', `${P}/${standard.id}`, { body: { name: 'Ghost' } })).status, 404);

  // names are unique regardless of case
  r = await api('POST', P, { body: policy({ name: 'LOW' }) });
  assert.equal(r.status, 409);
  r = await api('PATCH', `${P}/${far.id}`, { body: { name: 'low' } });
  assert.equal(r.status, 409);
  assert.deepEqual(await order(), [['Far', 1], ['Low', 2], ['Urgent', 3], ['Middle', 4]], 'a refused move changes nothing');

  // idempotent create
  const key = { 'idempotency-key': 'pol-once' };
  const a = await api('POST', P, { body: policy({ name: 'Keyed' }), headers: key });
  const b = await api('POST', P, { body: policy({ name: 'Keyed' }), headers: key });
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.json.id, a.json.id);
  assert.equal((await api('GET', P)).json.items.filter((p) => p.name === 'Keyed').length, 1);
});

test('SLA policies: bad input and unknown ids are refused with the field at fault', async () => {
  const P = '/api/v1/sla-policies';
  const cases = [
    [{ targets: { first_response: 60 } }, 'name'],
    [{ name: 'x' }, 'targets'],
    [policy({ name: 'x', targets: {} }), 'targets'],
    [policy({ name: 'x', targets: { first_response: 0 } }), 'first_response'],
    [policy({ name: 'x', targets: { first_response: 525601 } }), 'first_response'],
    [policy({ name: 'x', targets: { first_response: 1.5 } }), 'first_response'],
    [policy({ name: 'x', targets: { first_response: '60' } }), 'first_response'],
    [policy({ name: 'x', targets: { time_to_coffee: 5 } }), 'time_to_coffee'],
    [policy({ name: 'x', conditions: { priority: ['asap'] } }), 'priority'],
    [policy({ name: 'x', conditions: { channel: ['pigeon'] } }), 'channel'],
    [policy({ name: 'x', conditions: { team_id: [999999] } }), 'conditions'],
    [policy({ name: 'x', conditions: { team_id: [0] } }), 'team_id'],
    [policy({ name: 'x', conditions: { organization_id: [999999] } }), 'conditions'],
    [policy({ name: 'x', conditions: { tags: ['t'.repeat(64)] } }), 'tags'],
    [policy({ name: 'x', conditions: { tags: [''] } }), 'tags'],
    [policy({ name: 'x', conditions: { tags: ['VIP'] } }), 'tags'],
    [policy({ name: 'x', conditions: { tags: ['two words'] } }), 'tags'],
    [policy({ name: 'x', on_breach: [{ action: 'add_tag', tag: 'Late!' }] }), 'on_breach'],
    [policy({ name: 'x', conditions: { team: [1] } }), 'team'],
    [policy({ name: 'x', conditions: [] }), 'conditions'],
    [policy({ name: 'x', calendar_id: 999999 }), 'calendar_id'],
    [policy({ name: 'x', calendar_id: 'Berlin' }), 'calendar_id'],
    [policy({ name: 'x', pause_in: ['lunch'] }), 'pause_in'],
    [policy({ name: 'x', warn_before: 0 }), 'warn_before'],
    [policy({ name: 'x', position: 0 }), 'position'],
    [policy({ name: 'x', on_breach: [{ action: 'set_team' }] }), 'on_breach'],
    [policy({ name: 'x', on_breach: [{ action: 'set_team', team_id: 999999 }] }), 'on_breach'],
    [policy({ name: 'x', on_breach: [{ action: 'add_tag' }] }), 'on_breach'],
    [policy({ name: 'x', on_breach: [{ action: 'raise_priority', tag: 'x' }] }), 'on_breach'],
    [policy({ name: 'x', on_warning: [{ action: 'page_the_ceo' }] }), 'on_warning'],
    [policy({ name: 'x', on_warning: [{ action: 'notify_lead', loudly: true }] }), 'loudly'],
    [policy({ name: 'x', on_warning: Array(9).fill({ action: 'notify_lead' }) }), 'on_warning'],
    [policy({ name: 'x', colour: 'red' }), 'colour'],
  ];
  for (const [body, field] of cases) await invalid('POST', P, body, field);
  assert.ok(!(await api('GET', P)).json.items.some((p) => p.name === 'x'), 'nothing was created');

  const p = (await api('POST', P, { body: policy({ name: 'Patchable' }) })).json;
  await invalid('PATCH', `${P}/${p.id}`, { calendar_id: 999999 }, 'calendar_id');
  await invalid('PATCH', `${P}/${p.id}`, { targets: null }, 'targets');
  await invalid('PATCH', `${P}/${p.id}`, { on_breach: [{ action: 'set_team', team_id: 999999 }] }, 'on_breach');
  assert.deepEqual((await api('GET', `${P}/${p.id}`)).json, p);
});

test('only administrators change calendars and policies; every agent reads them', async () => {
  const tok = { token: agentToken };
  const cal = (await api('POST', '/api/v1/calendars', { body: berlin({ name: 'Admins only' }) })).json;
  const pol = (await api('POST', '/api/v1/sla-policies', { body: policy({ name: 'Admins only' }) })).json;
  for (const [m, p, body] of [
    ['POST', '/api/v1/calendars', berlin({ name: 'Sneaky' })],
    ['PATCH', `/api/v1/calendars/${cal.id}`, { name: 'Renamed' }],
    ['DELETE', `/api/v1/calendars/${cal.id}`],
    ['POST', '/api/v1/sla-policies', policy({ name: 'Sneaky' })],
    ['PATCH', `/api/v1/sla-policies/${pol.id}`, { position: 1 }],
    ['DELETE', `/api/v1/sla-policies/${pol.id}`],
  ]) {
    const r = await api(m, p, { body, ...tok });
    assert.equal(r.status, 403, `${m} ${p}: ${r.text}`);
    assert.equal(r.json.type, '/problems/forbidden');
  }
  for (const p of ['/api/v1/calendars', `/api/v1/calendars/${cal.id}`, '/api/v1/sla-policies',
    `/api/v1/sla-policies/${pol.id}`, `/api/v1/calendars/${cal.id}/business-time?from=2026-03-02T08:00:00Z&minutes=60`]) {
    const r = await api('GET', p, tok);
    assert.equal(r.status, 200, `${p}: ${r.text}`);
  }
  assert.equal((await api('GET', `/api/v1/calendars/${cal.id}`)).json.name, 'Admins only');
  assert.equal((await api('GET', '/api/v1/calendars', { token: null })).status, 401);
});

test('a calendar a policy counts in cannot be deleted until the policy lets go', async () => {
  const cal = (await api('POST', '/api/v1/calendars', { body: berlin({ name: 'In use' }) })).json;
  const pol = (await api('POST', '/api/v1/sla-policies', { body: policy({ name: 'Uses it', calendar_id: cal.id }) })).json;
  let r = await api('DELETE', `/api/v1/calendars/${cal.id}`);
  assert.equal(r.status, 409, r.text);
  assert.equal((await api('GET', `/api/v1/calendars/${cal.id}`)).status, 200);
  r = await api('PATCH', `/api/v1/sla-policies/${pol.id}`, { body: { calendar_id: null } });
  assert.equal(r.json.calendar_id, null);
  r = await api('DELETE', `/api/v1/calendars/${cal.id}`);
  assert.equal(r.status, 204, r.text);
  assert.equal((await api('GET', `/api/v1/calendars/${cal.id}`)).status, 404);
  // the policy cannot name it any more
  await invalid('PATCH', `/api/v1/sla-policies/${pol.id}`, { calendar_id: cal.id }, 'calendar_id');
});

test('business time across a weekend and the daylight-saving changes (Europe/Berlin)', async () => {
  const cal = (await api('POST', '/api/v1/calendars', { body: berlin({ name: 'Business time', holidays: ['2026-04-03'] }) })).json;
  const bt = async (query) => {
    const r = await api('GET', `/api/v1/calendars/${cal.id}/business-time?${query}`);
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    return r.json;
  };
  // Friday 27 March 16:00 CET + 2 h: one hour on Friday, then the clocks go
  // forward on Sunday; Monday 09:00 CEST + 1 h = 10:00 CEST = 08:00Z.
  assert.deepEqual(await bt('from=2026-03-27T15:00:00Z&minutes=120'), { due: '2026-03-30T08:00:00.000Z' });
  assert.deepEqual(await bt('from=2026-03-27T16:00:00%2B01:00&to=2026-03-30T10:00:00%2B02:00'), { business_ms: 2 * 3600000 });
  // ends exactly at closing time: Friday 17:00, not Monday
  assert.deepEqual(await bt('from=2026-03-27T15:00:00Z&minutes=60'), { due: '2026-03-27T16:00:00.000Z' });
  // 0 minutes: the next open instant (Saturday -> Monday 09:00 CEST)
  assert.deepEqual(await bt('from=2026-03-28T12:00:00Z&minutes=0'), { due: '2026-03-30T07:00:00.000Z' });
  // Good Friday (3 April) is a holiday: Thursday 16:00 CEST + 2 h -> Monday 10:00
  assert.deepEqual(await bt('from=2026-04-02T14:00:00Z&minutes=120'), { due: '2026-04-06T08:00:00.000Z' });
  // a whole week: five days of eight hours
  assert.deepEqual(await bt('from=2026-03-30T00:00:00Z&to=2026-04-06T00:00:00Z'), { business_ms: 4 * 8 * 3600000 });
  assert.deepEqual(await bt('from=2026-03-30T00:00:00Z&to=2026-03-30T00:00:00Z'), { business_ms: 0 });

  // around the clock: the autumn Sunday has 25 hours, the spring one 23
  const h24 = { start: '00:00', end: '24:00' };
  const always = (await api('POST', '/api/v1/calendars', { body: {
    name: 'Always', time_zone: 'Europe/Berlin',
    hours: Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, [h24]])),
  } })).json;
  const night = (await api('POST', '/api/v1/calendars', { body: {
    name: 'Sunday night', time_zone: 'Europe/Berlin', hours: { sunday: [{ start: '01:00', end: '05:00' }] },
  } })).json;
  const at = async (c, query) => (await api('GET', `/api/v1/calendars/${c.id}/business-time?${query}`)).json;
  // Sunday 25 October 2026, 00:00 CEST to Monday 00:00 CET
  assert.deepEqual(await at(always, 'from=2026-10-24T22:00:00Z&to=2026-10-25T23:00:00Z'), { business_ms: 25 * 3600000 });
  // Sunday 29 March 2026, 00:00 CET to Monday 00:00 CEST
  assert.deepEqual(await at(always, 'from=2026-03-28T23:00:00Z&to=2026-03-29T22:00:00Z'), { business_ms: 23 * 3600000 });
  // 01:00-05:00 local: 3 hours when 02:00-03:00 is skipped, 5 when 02:00-03:00 repeats
  assert.deepEqual(await at(night, 'from=2026-03-28T23:00:00Z&to=2026-03-29T22:00:00Z'), { business_ms: 3 * 3600000 });
  assert.deepEqual(await at(night, 'from=2026-10-24T22:00:00Z&to=2026-10-25T23:00:00Z'), { business_ms: 5 * 3600000 });
  // 2 business hours from Sunday 01:00 CEST (23:00Z) in October: 01:00-02:00 CEST, then 02:00-03:00 CEST
  assert.deepEqual(await at(night, 'from=2026-10-24T23:00:00Z&minutes=120'), { due: '2026-10-25T01:00:00.000Z' });

  // a calendar that never opens has no due time
  const closed = (await api('POST', '/api/v1/calendars', { body: { name: 'Never open', time_zone: 'UTC', hours: {} } })).json;
  assert.deepEqual(await at(closed, 'from=2026-01-01T00:00:00Z&minutes=1'), { due: null });
  assert.deepEqual(await at(closed, 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z'), { business_ms: 0 });

  const P = `/api/v1/calendars/${cal.id}/business-time`;
  for (const [q, field] of [
    ['minutes=5', 'from'],
    ['from=monday&minutes=5', 'from'],
    ['from=2026-03-27T15:00:00Z', 'minutes'],
    ['from=2026-03-27T15:00:00Z&minutes=5&to=2026-03-28T00:00:00Z', 'minutes'],
    ['from=2026-03-27T15:00:00Z&minutes=-5', 'minutes'],
    ['from=2026-03-27T15:00:00Z&minutes=525601', 'minutes'],
    ['from=2026-03-27T15:00:00Z&minutes=ten', 'minutes'],
    ['from=2026-03-27T15:00:00Z&to=2026-03-26T15:00:00Z', 'to'],
    ['from=2026-03-27T15:00:00Z&to=2046-03-26T15:00:00Z', 'to'],
    ['from=2026-03-27T15:00:00Z&to=tomorrow', 'to'],
    ['from=9999-12-30T00:00:00Z&minutes=525600', 'minutes'], // past year 9999
  ]) {
    const r = await api('GET', `${P}?${q}`);
    assert.equal(r.status, 422, `${q}: ${r.text}`);
    assert.equal(r.json.field, field, `${q}: ${r.text}`);
  }
  assert.equal((await api('GET', '/api/v1/calendars/999999/business-time?from=2026-03-27T15:00:00Z&minutes=5')).status, 404);
});

test('team leads: set on create and change, an active agent only, null clears', async () => {
  const lead = (await api('POST', '/api/v1/agents', { body: { name: 'Lea Lead', email: 'lea@example.com' } })).json;
  const gone = (await api('POST', '/api/v1/agents', { body: { name: 'Gone Agent', email: 'gone@example.com' } })).json;
  await api('PATCH', `/api/v1/agents/${gone.id}`, { body: { active: false } });

  let r = await api('POST', '/api/v1/teams', { body: { name: 'Led Team', lead_id: lead.id } });
  assert.equal(r.status, 201, r.text);
  const team = r.json;
  assert.equal(team.lead_id, lead.id);
  assert.deepEqual((await api('GET', `/api/v1/teams/${team.id}`)).json, team);
  r = await api('POST', '/api/v1/teams', { body: { name: 'Leaderless' } });
  assert.equal(r.json.lead_id, null);

  await invalid('POST', '/api/v1/teams', { name: 'Ghost Led', lead_id: gone.id }, 'lead_id');
  await invalid('POST', '/api/v1/teams', { name: 'Ghost Led', lead_id: 999999 }, 'lead_id');
  await invalid('POST', '/api/v1/teams', { name: 'Ghost Led', lead_id: 'lea' }, 'lead_id');
  assert.ok(!(await api('GET', '/api/v1/teams')).json.items.some((t) => t.name === 'Ghost Led'), 'nothing created');

  await invalid('PATCH', `/api/v1/teams/${team.id}`, { name: 'Renamed Led', lead_id: gone.id }, 'lead_id');
  r = await api('GET', `/api/v1/teams/${team.id}`);
  assert.equal(r.json.name, 'Led Team', 'a refused change changes nothing');
  assert.equal(r.json.lead_id, lead.id);
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { name: 'Still Led' } });
  assert.equal(r.json.lead_id, lead.id, 'kept when not given');
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { lead_id: null } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.lead_id, null);
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { lead_id: 1 } });
  assert.equal(r.json.lead_id, 1);
  r = await api('PATCH', `/api/v1/teams/${team.id}`, { body: { lead_id: lead.id }, token: agentToken });
  assert.equal(r.status, 403);
});
