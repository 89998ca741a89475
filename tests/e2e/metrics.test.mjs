// metrics.test.mjs — GET /api/v1/metrics/...: every route on an empty desk
// (shapes, zeros and nulls, the default period), the strict query string
// (unknown and repeated parameters, bad values: 422 naming the parameter),
// groups, a first worked ticket showing up, and on a desk seeded with
// `heed seed --days` that every grouping adds up to the total. Every answer is checked
// against docs/openapi.yaml. (The values of a walk through real tickets
// are checked in commitments.test.mjs; the arithmetic in
// tests/unit/store/test_metrics.c.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed, runHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
const DAY = 86400 * 1000;
const ROUTES = ['summary', 'first_response', 'next_response', 'resolution', 'sla', 'reopens',
  'closes', 'promises', 'backlog'];
const EMPTY_DURATION = { count: 0, mean_ms: null, median_ms: null, p75_ms: null, p90_ms: null,
  p95_ms: null, p99_ms: null, min_ms: null, max_ms: null };

before(async () => {
  h = await startHeed();
  api = checkedApi(h);
});
after(async () => { await h.stop(); });

async function get(route, q = '') {
  const r = await api('GET', `/api/v1/metrics/${route}${q ? '?' + q : ''}`);
  assert.equal(r.status, 200, `${route}?${q}: ${r.text}`);
  return r.json;
}

test('an empty desk: every route answers zeros and nulls over the last 30 days', async () => {
  const before = Date.now();
  for (const route of ROUTES) {
    const m = await get(route);
    const from = Date.parse(m.from), to = Date.parse(m.to);
    assert.equal(to - from, 30 * DAY, route);
    assert.ok(to >= before - 1000 && to <= Date.now() + 1000, `${route}: to is now`);
    assert.equal(m.time, 'business');
    assert.equal(m.group_by, null);
    assert.deepEqual(m.groups, []);
  }
  const s = (await get('summary')).total;
  assert.deepEqual(s, {
    first_response: EMPTY_DURATION, resolution: EMPTY_DURATION, reopen_rate: null,
    sla_attainment: null, promise_kept_rate: null, confirmed_close_rate: null, backlog: 0,
    overdue_promises: 0,
  });
  assert.deepEqual((await get('next_response')).total, { next_response: EMPTY_DURATION });
  assert.deepEqual((await get('resolution')).total,
    { first_resolution: EMPTY_DURATION, full_resolution: EMPTY_DURATION });
  const sla = (await get('sla')).total.sla;
  for (const k of ['first_response', 'next_response', 'periodic_update', 'resolution', 'all']) {
    assert.deepEqual(sla[k], { met: 0, breached: 0, cancelled: 0, attainment: null }, k);
  }
  assert.deepEqual((await get('reopens')).total.reopens,
    { solved: 0, reopened: 0, reopens: 0, reopen_rate: null });
  assert.deepEqual((await get('closes')).total.closes, {
    closed: 0, confirmed: 0, unconfirmed: 0, reason: 0, spam: 0, duplicate: 0, merged: 0,
    confirmed_rate: null,
  });
  assert.deepEqual((await get('promises')).total.promises,
    { kept: 0, broken: 0, kept_rate: null, overdue: 0 });
  assert.deepEqual((await get('backlog')).total.backlog, {
    total: 0, by_status: { new: 0, open: 0, pending: 0, on_hold: 0 },
    by_age: { under_1h: 0, '1h_8h': 0, '8h_24h': 0, '1d_3d': 0, '3d_7d': 0, '7d_30d': 0, over_30d: 0 },
  });
});

test('the period, time and group_by are echoed; every grouping of every route answers', async () => {
  const m = await get('first_response', 'from=2026-01-05T00:00:00Z&to=2026-01-12T00:00:00%2B02:00&time=calendar');
  assert.equal(m.from, '2026-01-05T00:00:00.000Z');
  assert.equal(m.to, '2026-01-11T22:00:00.000Z');
  assert.equal(m.time, 'calendar');
  assert.equal((await get('sla', 'from=2026-01-05T00:00:00Z')).to.length, 24, 'to defaults to now');
  for (const route of ROUTES) {
    for (const g of ['team', 'agent', 'channel', 'priority', 'day', 'week']) {
      if (route === 'backlog' && (g === 'day' || g === 'week')) continue;
      const r = await get(route, `group_by=${g}`);
      assert.equal(r.group_by, g);
      assert.ok(Array.isArray(r.groups));
    }
  }
  // empty filters are no filters, like the ticket list
  assert.equal((await get('summary', 'team=&agent=&channel=&priority=&group_by=&time=')).group_by, null);
});

test('the query string is strict: 422 naming the parameter', async () => {
  for (const [q, field, route = 'summary'] of [
    ['foo=1', 'foo'], ['limit=5', 'limit'], ['team=1&team=2', 'team'], ['from=x&from=y', 'from'],
    ['from=yesterday', 'from'], ['to=2026-13-01T00:00:00Z', 'to'], ['from=2026-01-01', 'from'],
    ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['from=1969-12-01T00:00:00Z&to=1970-01-02T00:00:00Z', 'from'],
    ['from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['time=wall', 'time'], ['time=BUSINESS', 'time'], ['group_by=month', 'group_by'],
    ['group_by=team,agent', 'group_by'], ['team=abc', 'team'], ['team=me', 'team'], ['team=0', 'team'],
    ['agent=you', 'agent'], ['agent=-3', 'agent'], ['channel=fax', 'channel'],
    ['priority=critical', 'priority'], ['group_by=day', 'group_by', 'backlog'],
    ['group_by=week', 'group_by', 'backlog'], ['bogus=', 'bogus', 'sla'],
  ]) {
    const r = await api('GET', `/api/v1/metrics/${route}?${q}`);
    assert.equal(r.status, 422, `${route}?${q}: ${r.text}`);
    assert.equal(r.json.field, field, q);
  }
});

test('metrics need a token', async () => {
  for (const route of ROUTES) {
    const r = await api('GET', `/api/v1/metrics/${route}`, { token: null });
    assert.equal(r.status, 401, route);
  }
  const r = await api('POST', '/api/v1/metrics/summary', { body: {} });
  assert.equal(r.status, 405);
});

test('a worked ticket shows up: its first reply, and the backlog by team', async () => {
  const team = (await api('POST', '/api/v1/teams', { body: { name: 'Metrics Team' } })).json;
  const t = await api('POST', '/api/v1/tickets', {
    body: {
      subject: 'Where is my parcel?', team_id: team.id, priority: 'high',
      requester: { email: 'metrics-customer@example.com', name: 'Grace Hopper' },
      message: { text: 'It has been a week.' },
    },
  });
  assert.equal(t.status, 201, t.text);
  let b = (await get('backlog', 'group_by=team')).total.backlog;
  assert.equal(b.total, 1);
  assert.equal(b.by_status.new, 1);
  assert.equal(b.by_age.under_1h, 1);
  const reply = await api('POST', `/api/v1/tickets/${t.json.id}/messages`, { body: { text: 'On its way.' } });
  assert.equal(reply.status, 201, reply.text);
  const fr = await get('first_response', `team=${team.id}&group_by=priority&time=calendar`);
  assert.equal(fr.total.first_response.count, 1);
  assert.ok(fr.total.first_response.median_ms >= 0);
  assert.equal(fr.total.first_response.median_ms, fr.total.first_response.max_ms);
  assert.deepEqual(fr.groups.map((g) => [g.key, g.first_response.count]), [['high', 1]]);
  assert.equal((await get('first_response', 'team=none')).total.first_response.count, 0);
  const byTeam = await get('summary', 'group_by=team');
  assert.deepEqual(byTeam.groups.map((g) => g.key), [team.id]);
  assert.equal(byTeam.groups[0].backlog, 1);
  assert.equal(byTeam.groups[0].first_response.count, 1);
  const byDay = await get('summary', 'group_by=day');
  assert.equal(byDay.groups.length, 1);
  assert.equal(byDay.groups[0].backlog, null, 'the backlog is now: not per day');
  assert.equal(byDay.groups[0].key, new Date(Math.floor(Date.now() / DAY) * DAY).toISOString());
  b = (await get('backlog', `team=${team.id}`)).total.backlog;
  assert.equal(b.total, 1);
  assert.equal(b.by_status.new + b.by_status.open, 1);
});

// Sum every counter of a figures object (nested), and durations' counts.
function counters(fig, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(fig)) {
    const key = prefix + k;
    if (v && typeof v === 'object') {
      if ('median_ms' in v) out[key + '.count'] = (out[key + '.count'] || 0) + v.count;
      else counters(v, key + '.', out);
    } else if (Number.isInteger(v) && !/rate|attainment/.test(k)) {
      out[key] = (out[key] || 0) + v;
    }
  }
  return out;
}

test('a seeded desk (heed seed --days): every grouping of every route adds up to its total', async () => {
  const h2 = await startHeed();
  try {
    const api2 = checkedApi(h2);
    const seed = runHeed(['seed', '--data', h2.data, '--tickets', '600', '--messages', '1', '--days', '6', '--teams', '3']);
    assert.equal(seed.status, 0, seed.stderr);
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 7 * DAY).toISOString();
    const q = `from=${from}&to=${to}`;
    const s = (await api2('GET', `/api/v1/metrics/summary?${q}`)).json.total;
    assert.ok(s.first_response.count > 400, JSON.stringify(s));
    assert.ok(s.resolution.count > 300);
    assert.ok(s.first_response.median_ms <= s.first_response.p90_ms);
    assert.ok(s.first_response.min_ms <= s.first_response.median_ms);
    for (const k of ['reopen_rate', 'sla_attainment', 'promise_kept_rate', 'confirmed_close_rate']) {
      assert.ok(s[k] > 0 && s[k] <= 1, `${k}: ${s[k]}`); // 6 days: no unconfirmed close yet
    }
    for (const route of ROUTES) {
      const total = (await api2('GET', `/api/v1/metrics/${route}?${q}`)).json.total;
      for (const g of ['team', 'agent', 'channel', 'priority', 'day', 'week']) {
        if (route === 'backlog' && (g === 'day' || g === 'week')) continue;
        const r = (await api2('GET', `/api/v1/metrics/${route}?${q}&group_by=${g}`)).json;
        const keys = r.groups.map((x) => x.key);
        assert.deepEqual(keys, [...new Set(keys)], `${route} by ${g}: keys once each`);
        const sum = {};
        for (const grp of r.groups) {
          const { key, ...fig } = grp;
          counters(fig, '', sum);
        }
        const want = counters(total);
        for (const [k, v] of Object.entries(want)) {
          // "now" counts (backlog, overdue) are not split into days or weeks
          if ((g === 'day' || g === 'week') && /backlog|overdue/.test(k)) continue;
          assert.equal(sum[k] || 0, v, `${route} by ${g}: ${k}`);
        }
      }
    }
    const b = (await api2('GET', '/api/v1/metrics/backlog')).json.total.backlog;
    assert.equal(Object.values(b.by_status).reduce((x, y) => x + y), b.total);
    assert.equal(Object.values(b.by_age).reduce((x, y) => x + y), b.total);
  } finally {
    await h2.stop();
  }
});
