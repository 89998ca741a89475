// live.test.mjs — live updates: GET /api/v1/stream (Server-Sent Events of
// ticket events, within 1 s of the API call; Last-Event-ID / ?after resume
// with exactly the missed events; ?ticket filter; events of other processes
// (heed mailgate); 401; a session cookie; the stream cap with
// 503 and a hung-up client freeing its place) and presence on a ticket for
// collision notices (POST/GET /api/v1/tickets/{id}/presence, pushed on the
// stream as `event: presence`); the server stops promptly, ASan quiet, with
// streams open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi, checkResponse } from './lib/openapi.mjs';
import { mail, mailgate } from './lib/mail.mjs';

let h, api;

before(async () => { h = await startHeed(); api = checkedApi(h); });
after(async () => { await h.stop(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Parse one SSE message block into { id, event, data, comment }. */
function parseBlock(block) {
  const m = { id: null, event: 'message', data: null, comments: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) m.comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) m.id = line.slice(4);
    else if (line.startsWith('event: ')) m.event = line.slice(7);
    else if (line.startsWith('data: ')) m.data = JSON.parse(line.slice(6));
  }
  return m;
}

/**
 * Open GET /api/v1/stream. opts: { token (null: none), headers, query }.
 * Returns { res, msgs (messages with data, each with t = arrival time),
 * until(pred, ms), close(), ended } once the headers are in.
 */
async function openStream(opts = {}) {
  const ctrl = new AbortController();
  const tok = opts.token === undefined ? h.token : opts.token;
  const headers = { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(opts.headers || {}) };
  const base = opts.base || h.base;
  const res = await fetch(`${base}/api/v1/stream${opts.query || ''}`, { headers, signal: ctrl.signal });
  const s = { res, msgs: [], done: false };
  if (res.status !== 200) {
    s.text = await res.text();
    return s;
  }
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  s.ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const m = parseBlock(buf.slice(0, i));
          buf = buf.slice(i + 2);
          if (m.data) s.msgs.push({ ...m, t: performance.now() });
        }
      }
    } catch { /* aborted or cut */ }
    s.done = true;
  })();
  s.close = () => ctrl.abort();
  /** The first message matching `pred`, waiting up to `ms`. */
  s.until = async (pred, ms = 3000) => {
    const end = performance.now() + ms;
    for (;;) {
      const m = s.msgs.find(pred);
      if (m) return m;
      if (performance.now() > end || s.done) assert.fail(`no matching stream message in ${ms} ms: ${JSON.stringify(s.msgs.map((x) => [x.id, x.event]))}`);
      await sleep(5);
    }
  };
  return s;
}

async function newTicket(subject = 'Help') {
  const r = await api('POST', '/api/v1/tickets', {
    body: { subject, requester: { email: 'cust@example.com', name: 'Cust' }, message: { text: 'first' } },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** Every event id > after, over all tickets, in order ({ id, type }). */
async function eventsAfter(after) {
  const tickets = (await api('GET', '/api/v1/tickets?limit=200')).json.items;
  const all = [];
  for (const t of tickets) {
    const es = (await api('GET', `/api/v1/tickets/${t.id}/events?after=${after}&limit=200`)).json.items;
    all.push(...es.map((e) => ({ id: e.id, type: e.type })));
  }
  return all.sort((a, b) => a.id - b.id);
}

test('a stream gets ticket.created and message.added within 1 s of the API call', async () => {
  const s = await openStream();
  assert.equal(s.res.status, 200);
  assert.match(s.res.headers.get('content-type'), /^text\/event-stream/);
  assert.equal(s.res.headers.get('cache-control'), 'no-store');

  let t0 = performance.now();
  const t = await newTicket('Live one');
  const tApi = performance.now();
  const created = await s.until((m) => m.event === 'ticket.created' && m.data.ticket_id === t.id, 1000);
  const lat1 = created.t - t0;
  assert.deepEqual(Object.keys(created.data).sort(), ['actor_id', 'actor_kind', 'at', 'id', 'ticket_id', 'type']);
  assert.equal(created.id, String(created.data.id));
  assert.equal(created.data.type, 'ticket.created');
  assert.equal(created.data.actor_kind, 'agent');
  assert.equal(created.data.actor_id, 1);

  t0 = performance.now();
  const r = await api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: 'a reply' } });
  assert.equal(r.status, 201, r.text);
  const added = await s.until((m) => m.event === 'message.added' && m.data.ticket_id === t.id, 1000);
  const lat2 = added.t - t0;
  assert.ok(!('text' in added.data), 'no message text on the stream');
  console.log(`live latency (from the start of the API call): ticket.created ${lat1.toFixed(1)} ms ` +
    `(${(created.t - tApi).toFixed(1)} ms relative to its response), message.added ${lat2.toFixed(1)} ms`);
  assert.ok(lat1 < 1000 && lat2 < 1000);
  // ids only grow
  const ids = s.msgs.filter((m) => m.id).map((m) => Number(m.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  s.close();
});

test('a stream without Last-Event-ID starts at the newest event', async () => {
  await newTicket('before the stream');
  const s = await openStream();
  const t = await newTicket('after the stream');
  await s.until((m) => m.event === 'ticket.created' && m.data.ticket_id === t.id);
  assert.ok(s.msgs.every((m) => m.data.ticket_id === t.id), JSON.stringify(s.msgs));
  s.close();
});

test('Last-Event-ID (or ?after) resumes with exactly the missed events, in order', async () => {
  const a = await openStream();
  const t1 = await newTicket('resume 1');
  const seen = await a.until((m) => m.event === 'ticket.created' && m.data.ticket_id === t1.id);
  a.close();
  const last = Number(seen.id);

  // missed while disconnected
  const t2 = await newTicket('resume 2');
  assert.equal((await api('POST', `/api/v1/tickets/${t1.id}/messages`, { body: { text: 'while away' } })).status, 201);
  assert.equal((await api('PATCH', `/api/v1/tickets/${t2.id}`, { body: { priority: 'high' } })).status, 200);
  const want = await eventsAfter(last);
  const top = want[want.length - 1].id;
  assert.ok(want.some((e) => e.type === 'message.added') && want.some((e) => e.type === 'ticket.updated'));

  for (const opts of [{ headers: { 'last-event-id': String(last) } }, { query: `?after=${last}` }]) {
    const b = await openStream(opts);
    await b.until((m) => Number(m.id) === top);
    const got = b.msgs.filter((m) => m.id && Number(m.id) <= top).map((m) => ({ id: Number(m.id), type: m.event }));
    assert.deepEqual(got, want);
    b.close();
  }

  const bad = await fetch(`${h.base}/api/v1/stream`, { headers: { authorization: `Bearer ${h.token}`, 'last-event-id': 'x1' } });
  const text = await bad.text();
  assert.equal(bad.status, 400);
  checkResponse('GET', '/api/v1/stream', { status: bad.status, headers: bad.headers, text, json: JSON.parse(text) });
});

test('?ticket= keeps a stream to one ticket, presence included', async () => {
  const t1 = await newTicket('watched');
  const s = await openStream({ query: `?ticket=${t1.id}` });
  const t2 = await newTicket('not watched');
  assert.equal((await api('POST', `/api/v1/tickets/${t2.id}/presence`, { body: { state: 'viewing' } })).status, 200);
  assert.equal((await api('POST', `/api/v1/tickets/${t1.id}/messages`, { body: { text: 'here' } })).status, 201);
  await s.until((m) => m.event === 'message.added');
  assert.ok(s.msgs.every((m) => m.data.ticket_id === t1.id), JSON.stringify(s.msgs));
  s.close();
  const bad = await openStream({ query: '?ticket=abc' });
  assert.equal(bad.status ?? bad.res.status, 422);
});

test('presence: two agents on one ticket see each other; "left" removes', async () => {
  const bob = (await api('POST', '/api/v1/agents', { body: { name: 'Bob Agent', email: 'bob@example.com' } })).json;
  const bobTok = (await api('POST', '/api/v1/tokens', { body: { name: 'bob', agent_id: bob.id } })).json.token;
  const asBob = { token: bobTok };
  const t = await newTicket('two agents');
  const adminStream = await openStream({ query: `?ticket=${t.id}` });
  const bobStream = await openStream({ token: bobTok, query: `?ticket=${t.id}` });

  let r = await api('POST', `/api/v1/tickets/${t.id}/presence`, { body: { state: 'viewing' } });
  assert.equal(r.status, 200, r.text);
  const seenByBob = await bobStream.until((m) => m.event === 'presence' && m.data.agent_id === 1);
  assert.deepEqual(seenByBob.data, { ticket_id: t.id, agent_id: 1, agent_name: 'Administrator', state: 'viewing' });
  assert.equal(seenByBob.id, null, 'presence carries no event id');

  r = await api('POST', `/api/v1/tickets/${t.id}/presence`, { body: { state: 'replying' }, ...asBob });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => [i.agent_id, i.state, !!i.me]), [[1, 'viewing', false], [bob.id, 'replying', true]]);
  const seenByAdmin = await adminStream.until((m) => m.event === 'presence' && m.data.agent_id === bob.id);
  assert.equal(seenByAdmin.data.state, 'replying');
  assert.equal(seenByAdmin.data.agent_name, 'Bob Agent');

  r = await api('GET', `/api/v1/tickets/${t.id}/presence`);
  assert.deepEqual(r.json.items.map((i) => [i.agent_id, i.agent_name, i.state, !!i.me]),
    [[bob.id, 'Bob Agent', 'replying', false], [1, 'Administrator', 'viewing', true]]);
  assert.ok(r.json.items.every((i) => !Number.isNaN(Date.parse(i.since))));

  r = await api('POST', `/api/v1/tickets/${t.id}/presence`, { body: { state: 'left' }, ...asBob });
  assert.equal(r.status, 200);
  await adminStream.until((m) => m.event === 'presence' && m.data.agent_id === bob.id && m.data.state === 'left');
  r = await api('GET', `/api/v1/tickets/${t.id}/presence`, asBob);
  assert.deepEqual(r.json.items.map((i) => [i.agent_id, i.state, !!i.me]), [[1, 'viewing', false]]);

  // bad input, unknown ticket
  r = await api('POST', `/api/v1/tickets/${t.id}/presence`, { body: { state: 'typing' } });
  assert.equal(r.status, 422);
  r = await api('POST', '/api/v1/tickets/999999/presence', { body: { state: 'viewing' } });
  assert.equal(r.status, 404);
  r = await api('GET', '/api/v1/tickets/999999/presence');
  assert.equal(r.status, 404);
  adminStream.close();
  bobStream.close();
});

test('events another process writes (heed mailgate) reach the stream within about a second', async () => {
  const s = await openStream();
  const t0 = performance.now();
  const r = mailgate(h.data, mail({ subject: 'From the mail pipe' }));
  assert.equal(r.status, 0, r.stderr);
  const m = await s.until((x) => x.event === 'ticket.created', 3000);
  console.log(`mailgate event on the stream after ${(m.t - t0).toFixed(0)} ms (the 1 s tick)`);
  s.close();
});

test('401 without credentials', async () => {
  const s = await openStream({ token: null });
  assert.equal(s.res.status, 401);
  checkResponse('GET', '/api/v1/stream', { status: 401, headers: s.res.headers, text: s.text, json: JSON.parse(s.text) });
  assert.equal((await api('GET', '/api/v1/tickets/1/presence', { token: null })).status, 401);
  assert.equal((await api('POST', '/api/v1/tickets/1/presence', { token: null, body: { state: 'viewing' } })).status, 401);
  const bad = await openStream({ token: 'not-a-real-token' });
  assert.equal(bad.res.status, 401);
});

test("the web app's session cookie opens a stream too (no CSRF token needed for it)", async () => {
  const pw = 'correct horse battery staple';
  assert.equal((await api('POST', '/api/v1/agents', { body: { name: 'Cookie Agent', email: 'cookie@example.com', password: pw } })).status, 201);
  const si = await api('POST', '/api/v1/session', { token: null, body: { email: 'cookie@example.com', password: pw } });
  assert.equal(si.status, 201, si.text);
  const cookie = /^heed_session=([^;]+);/.exec(si.headers.get('set-cookie'))[1];
  const s = await openStream({ token: null, headers: { cookie: `heed_session=${cookie}` } });
  assert.equal(s.res.status, 200);
  const t = await newTicket('seen through the cookie');
  await s.until((m) => m.event === 'ticket.created' && m.data.ticket_id === t.id);
  s.close();
});

test('the stream cap answers 503; a client that hangs up frees its place', async () => {
  const h2 = await startHeed({ env: { HEED_STREAM_MAX: '3' } });
  try {
    const open = [];
    for (let i = 0; i < 3; i++) {
      const s = await openStream({ base: h2.base, token: h2.token });
      assert.equal(s.res.status, 200);
      open.push(s);
    }
    const over = await openStream({ base: h2.base, token: h2.token });
    assert.equal(over.res.status, 503);
    assert.ok(Number(over.res.headers.get('retry-after')) > 0);
    assert.equal(over.res.headers.get('content-type'), 'application/problem+json');
    assert.equal(JSON.parse(over.text).type, '/problems/too-many-streams');

    open.shift().close();
    let again;
    for (let i = 0; i < 40; i++) { // the hang-up is noticed within about a second
      again = await openStream({ base: h2.base, token: h2.token });
      if (again.res.status === 200) break;
      await sleep(100);
    }
    assert.equal(again.res.status, 200);
    open.push(again);
    for (const s of open) s.close();
  } finally {
    await h2.stop();
  }
});

test('the server stops promptly with streams open (ASan quiet)', async () => {
  const h3 = await startHeed();
  const streams = [];
  for (const q of ['', '?ticket=1', '?after=0']) streams.push(await openStream({ base: h3.base, token: h3.token, query: q }));
  const t0 = performance.now();
  await h3.stop(); // throws on a sanitizer report or a bad exit
  const took = performance.now() - t0;
  console.log(`stop with 3 open streams: ${took.toFixed(0)} ms`);
  assert.ok(took < 10000);
  await Promise.all(streams.map((s) => s.ended));
  assert.ok(streams.every((s) => s.done));
});
