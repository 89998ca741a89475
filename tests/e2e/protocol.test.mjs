// protocol.test.mjs — what every endpoint shares: health, authentication,
// routing (404/405 + Allow, HEAD, trailing slash), media types (415), bad
// JSON (400), Idempotency-Key on every POST, common headers, search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed, runHeed } from './lib/heed.mjs';
import { checkedApi, checkResponse, doc, operations } from './lib/openapi.mjs';

let h, api;
let agentToken;
before(async () => {
  h = await startHeed();
  api = checkedApi(h);
  const a = await api('POST', '/api/v1/agents', { body: { name: 'Second Agent', email: 'second@example.com' } });
  assert.equal(a.status, 201);
  agentToken = runHeed(['token', 'create', '--data', h.data, '--agent', 'second@example.com']).stdout.trim().split('\n').at(-1);
  // something for every {id} to point at
  const t = await api('POST', '/api/v1/tickets', { body: { subject: 'seed', requester: { email: 'seed@example.com' }, message: { text: 'seed', attachments: [{ filename: 'a.txt', content_base64: 'YQ==' }] } } });
  assert.equal(t.status, 201);
  await api('POST', '/api/v1/organizations', { body: { name: 'Seed Org' } });
  await api('POST', '/api/v1/teams', { body: { name: 'Seed Team' } });
});
after(async () => { await h.stop(); });

const concrete = (template) => '/api/v1' + template.replace(/\{[^}]+\}/g, '1');

test('health: public, ok, version and schema version; with or without a token', async () => {
  const r = await api('GET', '/api/v1/health', { token: null });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.schema_version, 6);
  const v = runHeed(['version']).stdout.trim();
  assert.equal(v, `heed ${r.json.version}`);
  assert.equal((await api('GET', '/api/v1/health', { token: 'garbage-token' })).status, 200);
  assert.equal((await api('GET', '/api/v1/health')).status, 200);
});

test('every other operation needs a valid token: 401 problem without, with a bad one, with another scheme', async () => {
  const variants = [
    {},
    { headers: { authorization: 'Basic YWRtaW46cGFzc3dvcmQ=' } },
    { headers: { authorization: 'Bearer' } },
    { headers: { authorization: 'Bearer ' } },
    { headers: { authorization: 'Bearer short' } },
    { headers: { authorization: 'Bearer hd_thisisnotarealtokenatallbutlongenough' } },
    { headers: { authorization: `Bearer ${h.token}x` } },
    { headers: { authorization: `Bearer ${'a'.repeat(300)}` } },
    { headers: { authorization: h.token } },
  ];
  for (const op of operations()) {
    const [method, template] = op.split(' ');
    const sec = doc.paths[template][method.toLowerCase()].security;
    if (Array.isArray(sec) && sec.length === 0) continue; // public: /health, signing in
    for (const v of variants) {
      const r = await h.api(method, concrete(template), { token: null, ...v, body: method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' } });
      checkResponse(method, concrete(template), r);
      assert.equal(r.status, 401, `${op} ${JSON.stringify(v)}: ${r.text}`);
      assert.equal(r.json.type, '/problems/unauthorized');
    }
  }
  // the scheme is case-insensitive, extra spaces are fine
  let r = await api('GET', '/api/v1/agents/me', { token: null, headers: { authorization: `bearer ${h.token}` } });
  assert.equal(r.status, 200);
  r = await api('GET', '/api/v1/agents/me', { token: null, headers: { authorization: `Bearer   ${h.token}` } });
  assert.equal(r.status, 200);
});

test('unknown paths are 404 problems; a trailing slash is forgiven', async () => {
  // ('/' and other paths outside /api/ are the web app's: web.test.mjs)
  for (const p of ['/api', '/api/v1', '/api/v1/', '/api/v2/tickets', '/api/v1/ticket', '/api/v1/tickets/1/nope',
    '/api/v1/tickets/1/messages/1', '/api/v1/agents/you', '/api/v1/tickets//1', '/api/v1/TICKETS', '/api/v1/customers/1/identities',
    '/api/v1/customers/1/identities/x', '/api/v1/tickets/1/events/', '/api/v1/health/x']) {
    const r = await api('GET', p);
    if (p === '/api/v1/customers/1/identities') { assert.equal(r.status, 405, p); continue; }
    if (p === '/api/v1/tickets/1/events/') { assert.equal(r.status, 200, p); continue; }
    assert.equal(r.status, 404, `${p}: ${r.text}`);
  }
  assert.equal((await api('GET', '/api/v1/tickets/')).status, 200);
  assert.equal((await api('GET', '/api/v1/health/', { token: null })).status, 200);
});

test('a known path with another method is 405 with an Allow header listing the documented methods', async () => {
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const m of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS']) {
      if (item[m.toLowerCase()]) continue;
      const r = await api(m, concrete(template), { body: m === 'GET' || m === 'OPTIONS' || m === 'DELETE' ? undefined : { x: 1 } });
      assert.equal(r.status, 405, `${m} ${template}: ${r.text}`);
    }
  }
  // before authentication: the method is wrong whoever asks
  const r = await api('DELETE', '/api/v1/tickets/1', { token: null });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, PATCH');
  const odd = await h.api('BREW', '/api/v1/tickets');
  checkResponse('BREW', '/api/v1/tickets', odd);
  assert.equal(odd.status, 405);
});

test('HEAD answers like GET without a body', async () => {
  const r = await api('HEAD', '/api/v1/tickets/1');
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal((await api('HEAD', '/api/v1/tickets/999999')).status, 404);
  assert.equal((await api('HEAD', '/api/v1/health', { token: null })).status, 200);
});

test('every response says Cache-Control: no-store and X-Content-Type-Options: nosniff', async () => {
  for (const [m, p, o] of [['GET', '/api/v1/health', { token: null }], ['GET', '/api/v1/tickets', {}], ['GET', '/api/v1/nope', {}],
    ['POST', '/api/v1/tickets', { body: '{' }], ['GET', '/api/v1/attachments/1', {}], ['GET', '/api/v1/tickets', { token: null }]]) {
    const r = await api(m, p, o);
    assert.equal(r.headers.get('cache-control'), 'no-store', `${m} ${p}`);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${m} ${p}`);
  }
});

const bodyOps = [
  ['POST', '/api/v1/tickets'],
  ['PATCH', '/api/v1/tickets/1'],
  ['POST', '/api/v1/tickets/1/messages'],
  ['POST', '/api/v1/customers'],
  ['PATCH', '/api/v1/customers/1'],
  ['POST', '/api/v1/customers/1/identities'],
  ['POST', '/api/v1/organizations'],
  ['POST', '/api/v1/teams'],
  ['PATCH', '/api/v1/teams/1'],
  ['POST', '/api/v1/agents'],
  ['PATCH', '/api/v1/agents/1'],
  ['POST', '/api/v1/tokens'],
];

test('a body that is not JSON is 415, whatever the endpoint', async () => {
  for (const [m, p] of bodyOps) {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'json']) {
      const r = await api(m, p, { body: '{"name":"x"}', headers: { 'content-type': ct } });
      assert.equal(r.status, 415, `${m} ${p} ${ct}: ${r.text}`);
      assert.equal(r.json.type, '/problems/unsupported-media-type');
    }
    const ok = await api(m, p, { body: '{}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.notEqual(ok.status, 415, `${m} ${p} with charset`);
  }
});

test('malformed JSON, non-object JSON and empty bodies are 400 problems, whatever the endpoint', async () => {
  const bodies = ['{', '{"subject": }', 'nul', '{"a":1}{"b":2}', '{"a":1,}', "{'a':1}", '[]', '[{"subject":"x"}]',
    '"a string"', '42', 'true', 'null', '{"a":1,"a":2}', '\u00ff\u00fe', '{"a":"\\ud800"}'];
  for (const [m, p] of bodyOps) {
    for (const b of bodies) {
      const r = await api(m, p, { body: b });
      assert.equal(r.status, 400, `${m} ${p} ${JSON.stringify(b)}: ${r.text}`);
      assert.equal(r.json.type, '/problems/malformed');
    }
    const empty = await api(m, p, { body: '' });
    assert.equal(empty.status, 400, `${m} ${p} empty body`);
    const none = await h.api(m, p, { headers: { 'content-type': 'application/json' } });
    checkResponse(m, p, none);
    assert.equal(none.status, 400, `${m} ${p} no body`);
  }
  const r = await api('POST', '/api/v1/tickets', { body: '{\n  "subject": "x",\n  oops\n}' });
  assert.match(r.json.detail, /line 3/);
});

test('Idempotency-Key must be 1..255 printable characters without spaces', async () => {
  const body = { name: 'Key Org' };
  for (const key of ['a'.repeat(256), 'has space', 'tab\tkey', 'ünï']) {
    const r = await api('POST', '/api/v1/organizations', { body, headers: { 'idempotency-key': key } });
    assert.equal(r.status, 400, JSON.stringify(key));
    assert.equal(r.json.field, 'Idempotency-Key');
  }
  const r = await api('POST', '/api/v1/organizations', { body, headers: { 'idempotency-key': '~'.repeat(255) } });
  assert.equal(r.status, 201);
});

test('Idempotency-Key on every POST: a retry replays (201, Idempotent-Replayed), a different body is 409', async () => {
  const c0 = (await api('POST', '/api/v1/customers', { body: { name: 'Idem Customer' } })).json;
  const ops = [
    ['/api/v1/tickets', { subject: 'idem', requester: { email: 'idem@example.com' }, message: { text: 'once' } }, { subject: 'idem 2', requester: { email: 'idem@example.com' }, message: { text: 'once' } }, '/api/v1/tickets'],
    ['/api/v1/tickets/1/messages', { text: 'only once please' }, { text: 'something else' }, '/api/v1/tickets/1/messages'],
    ['/api/v1/customers', { name: 'Idem Person', email: 'idem.person@example.com' }, { name: 'Idem Person 2' }, '/api/v1/customers?q=idem'],
    [`/api/v1/customers/${c0.id}/identities`, { kind: 'handle', value: '@idem' }, { kind: 'handle', value: '@idem2' }, null],
    ['/api/v1/organizations', { name: 'Idem Org' }, { name: 'Idem Org 2' }, '/api/v1/organizations'],
    ['/api/v1/teams', { name: 'Idem Team', member_ids: [1] }, { name: 'Idem Team 2' }, '/api/v1/teams'],
    ['/api/v1/agents', { name: 'Idem Agent', email: 'idem.agent@example.com' }, { name: 'Idem Agent', email: 'idem.agent2@example.com' }, '/api/v1/agents'],
  ];
  let n = 0;
  for (const [path, body, other, listPath] of ops) {
    const key = `key-${++n}-${Date.now()}`;
    const headers = { 'idempotency-key': key };
    const count = async () => listPath ? (await api('GET', listPath)).json.items.length : null;
    const before = await count();
    const first = await api('POST', path, { body, headers });
    assert.equal(first.status, 201, `${path}: ${first.text}`);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const mid = await count();
    if (listPath) assert.equal(mid, before + 1, path);
    for (let i = 0; i < 2; i++) {
      const again = await api('POST', path, { body, headers });
      assert.equal(again.status, 201, `${path} replay: ${again.text}`);
      assert.equal(again.headers.get('idempotent-replayed'), 'true', path);
      assert.deepEqual(again.json, path.endsWith('/messages') ? again.json : first.json, path);
      assert.equal(again.json.id, first.json.id, path);
      assert.equal(again.headers.get('location'), first.headers.get('location'));
    }
    assert.equal(await count(), mid, `${path}: a replay creates nothing`);
    const diff = await api('POST', path, { body: other, headers });
    assert.equal(diff.status, 409, `${path} same key, other body: ${diff.text}`);
    assert.equal(diff.json.field, 'Idempotency-Key');
    const elsewhere = await api('POST', '/api/v1/organizations', { body: { name: `Elsewhere ${n}` }, headers });
    assert.equal(elsewhere.status, 409, `${path}: the same key on another endpoint`);
    assert.equal(await count(), mid);
  }
  // the identity replay did not add a second identity
  const c = (await api('GET', `/api/v1/customers/${c0.id}`)).json;
  assert.deepEqual(c.identities.map((i) => i.value), ['@idem']);
  // the team replay kept its members
  const teams = (await api('GET', '/api/v1/teams')).json.items.filter((t) => t.name === 'Idem Team');
  assert.equal(teams.length, 1);
  assert.deepEqual(teams[0].member_ids, [1]);
});

test('Idempotency-Keys are per agent; a refused request does not use up its key', async () => {
  const headers = { 'idempotency-key': 'shared-key' };
  const body = { subject: 'per agent', requester: { email: 'pa@example.com' }, message: { text: 'x' } };
  const a = await api('POST', '/api/v1/tickets', { body, headers });
  const b = await api('POST', '/api/v1/tickets', { body, headers, token: agentToken });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.notEqual(a.json.id, b.json.id);
  assert.equal(b.headers.get('idempotent-replayed'), null);

  const k = { 'idempotency-key': 'after-a-422' };
  const bad = await api('POST', '/api/v1/tickets', { body: { ...body, priority: 'nope' }, headers: k });
  assert.equal(bad.status, 422);
  const good = await api('POST', '/api/v1/tickets', { body, headers: k });
  assert.equal(good.status, 201, 'the key was not remembered for the refused request');
  assert.equal(good.headers.get('idempotent-replayed'), null);
});

test('search: ranked hits with snippets; snippet_html escapes HTML and marks matches', async () => {
  const mk = async (subject, text) => (await api('POST', '/api/v1/tickets', { body: { subject, requester: { email: 'search@example.com' }, message: { text } } })).json;
  const weak = await mk('Printer trouble', 'The office printer jams. ' + 'Lorem ipsum dolor sit amet. '.repeat(40) + 'Also a zebra sticker.');
  const strong = await mk('Zebra label printer', 'My zebra printer prints zebra stripes on every zebra label.');
  const xss = await mk('Script question', 'Why does <script>alert("kumquat & co")</script> show up?');
  let r = await api('GET', '/api/v1/search?q=zebra');
  assert.equal(r.status, 200);
  assert.equal(r.json.q, 'zebra');
  const ids = r.json.items.map((x) => x.ticket_id);
  assert.ok(ids.includes(strong.id) && ids.includes(weak.id), JSON.stringify(r.json));
  assert.ok(ids.indexOf(strong.id) < ids.indexOf(weak.id), 'the better match ranks first');
  for (let i = 1; i < r.json.items.length; i++) assert.ok(r.json.items[i - 1].rank <= r.json.items[i].rank, 'ordered by rank');
  const hit = r.json.items.find((x) => x.ticket_id === strong.id);
  assert.equal(hit.subject, 'Zebra label printer');
  assert.equal(hit.status, 'new');
  assert.match(hit.snippet_html, /<mark>zebra<\/mark>/i);
  assert.ok(!hit.snippet.includes('<mark>'));

  r = await api('GET', '/api/v1/search?q=kumquat');
  assert.equal(r.json.items.length, 1);
  const x = r.json.items[0];
  assert.equal(x.ticket_id, xss.id);
  assert.ok(!x.snippet_html.includes('<script'), x.snippet_html);
  assert.ok(x.snippet_html.includes('&lt;script&gt;'), x.snippet_html);
  assert.ok(x.snippet_html.includes('&quot;') && x.snippet_html.includes('&amp;'), x.snippet_html);
  assert.ok(x.snippet_html.includes('<mark>kumquat</mark>'), x.snippet_html);
  assert.ok(x.snippet.includes('<script>alert("'), 'the plain snippet is plain text');
  assert.equal(x.snippet_html.replace(/<\/?mark>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'), x.snippet);

  r = await api('GET', '/api/v1/search?q=ZEBRA%20printer');
  assert.ok(r.json.items.some((i) => i.ticket_id === strong.id));
  r = await api('GET', '/api/v1/search?q=zeb*');
  assert.ok(r.json.items.some((i) => i.ticket_id === strong.id), 'zeb* is a prefix');
  r = await api('GET', '/api/v1/search?q=zeb');
  assert.ok(!r.json.items.some((i) => i.ticket_id === strong.id), 'zeb alone is a word');
  r = await api('GET', `/api/v1/search?q=${encodeURIComponent('"zebra printer"')}`);
  assert.deepEqual(r.json.items.map((i) => i.ticket_id), [strong.id], 'a phrase');
  r = await api('GET', '/api/v1/search?q=zebra&limit=1');
  assert.equal(r.json.items.length, 1);
  r = await api('GET', '/api/v1/search?q=nothingmatchesthis');
  assert.deepEqual(r.json.items, []);
  for (const q of ['"', '*', 'AND', 'OR NOT', '(', 'NEAR(a b)', 'a:b', '^x', '""""', "'", '-', 'zebra"', '\\', '%00', '🦓', 'a'.repeat(2000)]) {
    r = await api('GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
    assert.ok(r.status === 200 || r.status === 422, `q=${q}: ${r.status} ${r.text}`);
  }
  for (const q of ['', 'limit=5', 'q=%22%22', 'q=***', 'q=%20', 'q=zebra&limit=0', 'q=zebra&limit=101', 'q=zebra&limit=x', 'q=zebra&limit=']) {
    r = await api('GET', `/api/v1/search?${q}`);
    assert.equal(r.status, 422, q);
  }
});

test('a body over max_body_bytes is 413; an attachment over max_attachment_bytes is 413', async () => {
  const small = await startHeed({ conf: 'max_body_bytes = 8192\nmax_attachment_bytes = 2048\n' });
  try {
    const sapi = checkedApi(small);
    const big = { subject: 's', requester: { email: 'big@example.com' }, message: { text: 'x'.repeat(9000) } };
    let r = await sapi('POST', '/api/v1/tickets', { body: big });
    assert.equal(r.status, 413, r.text);
    assert.equal(r.json.type, '/problems/too-big');
    r = await sapi('PATCH', '/api/v1/tickets/1', { body: { subject: 'x'.repeat(9000) } });
    assert.equal(r.status, 413);
    r = await sapi('POST', '/api/v1/customers', { body: { notes: 'n'.repeat(100000) }, token: null });
    assert.ok(r.status === 413 || r.status === 401, 'too big, or unauthorised');

    // no Content-Length: the body is streamed (chunked) past the limit
    const stream = new ReadableStream({
      start(c) { for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(i ? 'x'.repeat(1000) : '{"subject":"')); c.close(); },
    });
    const res = await fetch(`${small.base}/api/v1/tickets`, { method: 'POST', body: stream, duplex: 'half', headers: { authorization: `Bearer ${small.token}`, 'content-type': 'application/json' } });
    const text = await res.text();
    const sr = { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
    checkResponse('POST', '/api/v1/tickets', sr);
    assert.equal(sr.status, 413, text);

    // just under the limit is fine
    const fill = 8192 - JSON.stringify({ subject: 's', requester: { email: 'big@example.com' }, message: { text: '' } }).length;
    r = await sapi('POST', '/api/v1/tickets', { body: { subject: 's', requester: { email: 'big@example.com' }, message: { text: 'y'.repeat(fill) } } });
    assert.equal(r.status, 201, r.text);
    const tid = r.json.id;

    const att = (n) => ({ text: 'file', attachments: [{ filename: 'f.bin', content_base64: Buffer.alloc(n, 7).toString('base64') }] });
    r = await sapi('POST', `/api/v1/tickets/${tid}/messages`, { body: att(2049) });
    assert.equal(r.status, 413, r.text);
    assert.equal(r.json.type, '/problems/too-big');
    r = await sapi('POST', '/api/v1/tickets', { body: { subject: 's', requester: { email: 'big@example.com' }, message: att(3000) } });
    assert.equal(r.status, 413);
    r = await sapi('POST', `/api/v1/tickets/${tid}/messages`, { body: att(2048) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.attachments[0].size, 2048);
    // every endpoint that takes a body refuses one over the limit, before anything else
    for (const [m, p] of bodyOps) {
      r = await sapi(m, p, { body: { name: 'n'.repeat(9000) } });
      assert.equal(r.status, 413, `${m} ${p}: ${r.text}`);
    }
    // the server still works after refusing
    assert.equal((await sapi('GET', `/api/v1/tickets/${tid}`)).json.message_count, 2);
  } finally {
    await small.stop();
  }
});

// Over 16 KiB heed answers 431 with a problem document. Past libmicrohttpd's
// per-connection buffer (32 KiB, kept small because it is cleared for every
// request) the library answers 431 itself, with its own HTML (docs/api.md).
test('an oversized request header is refused with a 4xx problem document, not a bare HTML page', async () => {
  const r = await h.api('GET', '/api/v1/tickets', { headers: { 'x-filler': 'a'.repeat(24000) } });
  assert.ok(r.status >= 400 && r.status < 500, String(r.status));
  assert.equal(r.headers.get('content-type'), 'application/problem+json', `every error is a problem document: ${r.status} ${r.text.slice(0, 200)}`);
  assert.equal(r.json.status, r.status);
  const ok = await api('GET', '/api/v1/tickets?limit=1');
  assert.equal(ok.status, 200, 'the server keeps serving');
});

test('search follows changes: a new subject is found, the old one is not; hits show the current status', async () => {
  const t = (await api('POST', '/api/v1/tickets', { body: { subject: 'Quokka enclosure', requester: { email: 'zoo@example.com' }, message: { text: 'The fence is broken.' } } })).json;
  let r = await api('GET', '/api/v1/search?q=quokka');
  const subjectHit = r.json.items.find((x) => x.ticket_id === t.id);
  assert.ok(subjectHit, JSON.stringify(r.json));
  assert.equal(subjectHit.message_id, null, 'a subject hit names no message');
  assert.equal(subjectHit.snippet_html, '<mark>Quokka</mark> enclosure');
  r = await api('GET', '/api/v1/search?q=fence');
  const msgHit = r.json.items.find((x) => x.ticket_id === t.id);
  assert.ok(msgHit && msgHit.message_id > 0);

  await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { subject: 'Wombat enclosure', status: 'pending' } });
  r = await api('GET', '/api/v1/search?q=quokka');
  assert.deepEqual(r.json.items.filter((x) => x.ticket_id === t.id), [], 'the old subject is gone from the index');
  r = await api('GET', '/api/v1/search?q=wombat');
  const hit = r.json.items.find((x) => x.ticket_id === t.id);
  assert.ok(hit, 'the new subject is indexed');
  assert.equal(hit.subject, 'Wombat enclosure');
  assert.equal(hit.status, 'pending');
  // other changes keep the subject findable
  await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'high' } });
  await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'low' } });
  r = await api('GET', '/api/v1/search?q=wombat');
  assert.equal(r.json.items.filter((x) => x.ticket_id === t.id && x.message_id === null).length, 1, 'exactly one subject hit');
  // replies are searchable at once, internal notes too (agents search)
  await api('POST', `/api/v1/tickets/${t.id}/messages`, { body: { text: 'Ordered a new capybara gate.', visibility: 'internal' } });
  r = await api('GET', '/api/v1/search?q=capybara');
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.items[0].ticket_id, t.id);
});

test('search limit: 20 hits by default, up to 100; outbox paging past the end is empty', async () => {
  let last;
  for (let i = 0; i < 23; i++) {
    last = (await api('POST', '/api/v1/tickets', { body: { subject: `axolotl tank ${i}`, requester: { email: `axo${i}@example.com` }, message: { text: 'water' } } })).json;
  }
  let r = await api('GET', '/api/v1/search?q=axolotl');
  assert.equal(r.json.items.length, 20);
  r = await api('GET', '/api/v1/search?q=axolotl&limit=100');
  assert.equal(r.json.items.length, 23);
  assert.equal(new Set(r.json.items.map((x) => x.ticket_id)).size, 23);
  const ob = (await api('GET', `/api/v1/tickets/${last.id}/outbox`)).json;
  assert.equal(ob.items.length, 1);
  assert.equal(ob.next_after, null);
  r = await api('GET', `/api/v1/tickets/${last.id}/outbox?after=${ob.items[0].id}`);
  assert.deepEqual(r.json, { items: [], next_after: null });
  r = await api('GET', `/api/v1/tickets/${last.id}/outbox?limit=1`);
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.next_after, null);
});
