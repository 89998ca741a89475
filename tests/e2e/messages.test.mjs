// messages.test.mjs — replies, internal notes, customer messages, the
// lifecycle they drive, attachments (exact bytes), message/event paging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startHeed } from './lib/heed.mjs';
import { checkedApi, checkResponse } from './lib/openapi.mjs';

let h, api;
before(async () => { h = await startHeed(); api = checkedApi(h); });
after(async () => { await h.stop(); });

async function newTicket(extra = {}) {
  const r = await api('POST', '/api/v1/tickets', {
    body: { subject: 'Help', requester: { email: 'cust@example.com', name: 'Cust' }, message: { text: 'first' }, ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const get = async (id) => (await api('GET', `/api/v1/tickets/${id}`)).json;
const post = (id, body, opts = {}) => api('POST', `/api/v1/tickets/${id}/messages`, { body, ...opts });
const events = async (id) => (await api('GET', `/api/v1/tickets/${id}/events`)).json.items;

/** GET an attachment as bytes, checked against the document. */
async function download(id, token = h.token) {
  const res = await fetch(`${h.base}/api/v1/attachments/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('latin1');
  let json = null;
  try { json = JSON.parse(buf.toString('utf8')); } catch { /* binary */ }
  const r = { status: res.status, headers: res.headers, text, json, buf };
  checkResponse('GET', '/api/v1/attachments/{id}', r);
  return r;
}

test('an internal note is no first response and changes no status', async () => {
  const t = await newTicket();
  const r = await post(t.id, { text: 'checking the warehouse', visibility: 'internal' });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), `/api/v1/tickets/${t.id}/messages`);
  assert.equal(r.json.visibility, 'internal');
  assert.equal(r.json.author, 'agent');
  assert.equal(r.json.author_id, 1);
  assert.equal(r.json.author_name, 'Administrator');
  assert.equal(r.json.ticket_id, t.id);
  const now = await get(t.id);
  assert.equal(now.status, 'new');
  assert.equal(now.first_response_at, null);
  assert.equal(now.message_count, 2);
  assert.equal(now.version, t.version + 1);
  const ev = (await events(t.id)).at(-1);
  assert.equal(ev.type, 'message.added');
  assert.deepEqual(ev.data, { message_id: r.json.id, author: 'agent', visibility: 'internal', attachments: 0 });
});

test('the first public reply is the first response and opens the ticket; later ones do not move it', async () => {
  const t = await newTicket();
  const r1 = await post(t.id, { text: 'We are on it.', html: '<p>We are on it.</p>' });
  assert.equal(r1.status, 201);
  assert.equal(r1.json.html, '<p>We are on it.</p>');
  assert.equal(r1.json.visibility, 'public');
  let now = await get(t.id);
  assert.equal(now.status, 'open');
  assert.equal(now.first_response_at, r1.json.created_at);
  const evs = await events(t.id);
  assert.deepEqual(evs.slice(-3).map((e) => e.type), ['message.added', 'ticket.updated', 'reply.queued']);
  assert.deepEqual(evs.at(-2).data, { before: { status: 'new' }, after: { status: 'open' } });
  // the public reply goes out by e-mail, threaded and from the agent
  const reply = (await api('GET', `/api/v1/tickets/${t.id}/outbox`)).json.items.at(-1);
  assert.deepEqual(evs.at(-1).data, { outbox_id: reply.id, message_id: r1.json.id, to: 'cust@example.com', mail_id: reply.message_id, address_bounced: false });
  assert.equal(reply.kind, 'reply');
  assert.equal(reply.subject, `[#${t.id}] Help`);
  assert.equal(reply.body_text, 'We are on it.');
  assert.equal(reply.body_html, '<p>We are on it.</p>');
  assert.equal(reply.auto_submitted, null);
  assert.equal(reply.status, 'queued');
  await new Promise((ok) => setTimeout(ok, 5));
  const r2 = await post(t.id, { text: 'Update: shipped.' });
  now = await get(t.id);
  assert.equal(now.first_response_at, r1.json.created_at, 'first response stays the first');
  assert.equal(now.message_count, 3);
  assert.deepEqual((await events(t.id)).slice(-2).map((e) => e.type), ['message.added', 'reply.queued'], 'no status change, no ticket.updated');
  assert.ok(r2.json.id > r1.json.id);
});

test('customer messages: pending -> open, solved -> reopened (reopen_count + 1); internal customer message refused', async () => {
  const t = await newTicket();
  await post(t.id, { text: 'Can you send a photo?' });
  await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'pending' } });
  let r = await post(t.id, { text: 'here it is', author: 'customer' });
  assert.equal(r.status, 201);
  assert.equal(r.json.author, 'customer');
  assert.equal(r.json.author_id, t.customer_id);
  assert.equal(r.json.author_name, 'Cust');
  let now = await get(t.id);
  assert.equal(now.status, 'open');
  assert.equal(now.reopen_count, 0);
  let ev = (await events(t.id)).at(-1);
  assert.deepEqual(ev.data, { before: { status: 'pending' }, after: { status: 'open' } });

  await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'solved' } });
  r = await post(t.id, { text: 'it broke again', author: 'customer' });
  assert.equal(r.status, 201);
  now = await get(t.id);
  assert.equal(now.status, 'open');
  assert.equal(now.reopen_count, 1);
  assert.equal(now.solved_at, null);
  ev = (await events(t.id)).at(-1);
  assert.equal(ev.type, 'ticket.updated');
  assert.deepEqual(ev.data, { before: { status: 'solved' }, after: { status: 'open' }, reopened: true });

  // an agent's reply or note on a solved ticket does not reopen it
  await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'solved' } });
  await post(t.id, { text: 'glad to help' });
  await post(t.id, { text: 'note', visibility: 'internal' });
  now = await get(t.id);
  assert.equal(now.status, 'solved');
  assert.equal(now.reopen_count, 1);

  r = await post(t.id, { text: 'secret', author: 'customer', visibility: 'internal' });
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'visibility');

  // a customer message on a new ticket leaves it new and is no first response
  const t2 = await newTicket();
  await post(t2.id, { text: 'more details', author: 'customer' });
  const n2 = await get(t2.id);
  assert.equal(n2.status, 'new');
  assert.equal(n2.first_response_at, null);
});

test('listing messages: all by default, visibility=public hides notes, oldest first, paged', async () => {
  const t = await newTicket();
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const r = await post(t.id, { text: `m${i}`, visibility: i % 2 ? 'internal' : 'public' });
    ids.push(r.json.id);
  }
  let r = await api('GET', `/api/v1/tickets/${t.id}/messages`);
  assert.deepEqual(r.json.items.map((m) => m.text), ['first', 'm0', 'm1', 'm2', 'm3', 'm4']);
  r = await api('GET', `/api/v1/tickets/${t.id}/messages?visibility=all`);
  assert.equal(r.json.items.length, 6);
  r = await api('GET', `/api/v1/tickets/${t.id}/messages?visibility=public`);
  assert.deepEqual(r.json.items.map((m) => m.text), ['first', 'm0', 'm2', 'm4']);
  assert.ok(r.json.items.every((m) => m.visibility === 'public'));
  r = await api('GET', `/api/v1/tickets/${t.id}/messages?visibility=internal`);
  assert.equal(r.status, 422);
  assert.equal(r.json.field, 'visibility');

  // pages of 2
  const seen = [];
  let after = '';
  for (let page = 0; page < 10; page++) {
    r = await api('GET', `/api/v1/tickets/${t.id}/messages?limit=2${after}`);
    assert.equal(r.status, 200);
    assert.ok(r.json.items.length <= 2);
    seen.push(...r.json.items.map((m) => m.text));
    if (r.json.next_after === null) break;
    assert.equal(r.json.next_after, r.json.items.at(-1).id);
    after = `&after=${r.json.next_after}`;
  }
  assert.deepEqual(seen, ['first', 'm0', 'm1', 'm2', 'm3', 'm4']);
  r = await api('GET', `/api/v1/tickets/${t.id}/messages?limit=2&visibility=public&after=${ids[0]}`);
  assert.deepEqual(r.json.items.map((m) => m.text), ['m2', 'm4']);
  for (const q of ['limit=0', 'limit=201', 'limit=x', 'limit=-1', 'after=x', 'after=0', 'limit=']) {
    r = await api('GET', `/api/v1/tickets/${t.id}/messages?${q}`);
    assert.equal(r.status, 422, q);
  }
  r = await api('GET', `/api/v1/tickets/${t.id}/messages?limit=200`);
  assert.equal(r.status, 200);
});

test('events: paged oldest first, after= cursor, every change recorded in order', async () => {
  const t = await newTicket();
  await post(t.id, { text: 'a' });
  await post(t.id, { text: 'b', visibility: 'internal' });
  await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'high' } });
  const all = await events(t.id);
  assert.deepEqual(all.map((e) => e.type),
    ['ticket.created', 'ack.queued', 'message.added', 'ticket.updated', 'reply.queued', 'message.added', 'ticket.updated']);
  assert.ok(all.every((e, i) => i === 0 || e.id > all[i - 1].id));
  assert.ok(all.every((e) => e.ticket_id === t.id));
  const p1 = await api('GET', `/api/v1/tickets/${t.id}/events?limit=4`);
  assert.equal(p1.json.items.length, 4);
  assert.equal(p1.json.next_after, p1.json.items[3].id);
  const p2 = await api('GET', `/api/v1/tickets/${t.id}/events?limit=4&after=${p1.json.next_after}`);
  assert.deepEqual([...p1.json.items, ...p2.json.items], all);
  assert.equal(p2.json.next_after, null);
  const bad = await api('GET', `/api/v1/tickets/${t.id}/events?limit=500`);
  assert.equal(bad.status, 422);
  const ob = await api('GET', `/api/v1/tickets/${t.id}/outbox?limit=abc`);
  assert.equal(ob.status, 422);
});

test('message validation: 422 for every bad field; nothing is written', async () => {
  const t = await newTicket();
  const cases = [
    [{}, 'text'],
    [{ text: '' }, 'text'],
    [{ text: null }, 'text'],
    [{ text: 5 }, 'text'],
    [{ text: 'x', html: [] }, 'html'],
    [{ text: 'x', visibility: 'private' }, 'visibility'],
    [{ text: 'x', visibility: 1 }, 'visibility'],
    [{ text: 'x', author: 'system' }, 'author'],
    [{ text: 'x', author: 'bot' }, 'author'],
    [{ text: 'x', author_id: 1 }, 'author_id'],
    [{ text: 'x', attachments: {} }, 'attachments'],
    [{ text: 'x', attachments: [{ filename: '', content_base64: '' }] }, 'filename'],
    [{ text: 'x', attachments: [{ filename: 'f', content_base64: 'YW=J' }] }, 'content_base64'],
    [{ text: 'x', attachments: [{ filename: 'f', content_base64: 5 }] }, 'content_base64'],
    [{ text: 'x', attachments: [{ filename: 'f', content_base64: 'aGk=', extra: 1 }] }, 'extra'],
    [{ text: 'x', attachments: [{ filename: 'f', content_type: 'x'.repeat(256), content_base64: 'aGk=' }] }, 'content_type'],
    [{ text: 'x', attachments: [{ filename: 'f'.repeat(256), content_base64: 'aGk=' }] }, 'filename'],
    [{ text: 'x', attachments: [{ filename: 'a/b', content_base64: 'aGk=' }] }, 'filename'],
  ];
  for (const [body, field] of cases) {
    const r = await post(t.id, body);
    assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 150)}: ${r.text}`);
    assert.equal(r.json.field, field, `${JSON.stringify(body).slice(0, 150)}: ${r.text}`);
  }
  const now = await get(t.id);
  assert.equal(now.message_count, 1);
  assert.equal(now.version, t.version);
});

test('attachments round trip with exact bytes, on ticket create and on replies', async () => {
  const bin = randomBytes(70000);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const html = Buffer.from('<html><script>alert(1)</script></html>');
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  const r = await api('POST', '/api/v1/tickets', {
    body: {
      subject: 'files', requester: { email: 'files@example.com' },
      message: {
        text: 'see attached',
        attachments: [
          { filename: 'photo.bin', content_type: 'image/png', content_base64: bin.toString('base64') },
          { filename: 'bytes 0-255 ünïcode.dat', content_base64: all.toString('base64').replace(/(.{60})/g, '$1\r\n') },
          { filename: 'empty.txt', content_type: 'text/plain', content_base64: '' },
        ],
      },
    },
  });
  assert.equal(r.status, 201, r.text);
  const t = r.json;
  const m = (await api('GET', `/api/v1/tickets/${t.id}/messages`)).json.items[0];
  assert.equal(m.attachments.length, 3);
  const [a1, a2, a3] = m.attachments;
  assert.deepEqual({ ...a1, id: 0 }, { id: 0, filename: 'photo.bin', content_type: 'image/png', size: bin.length, sha256: sha(bin) });
  assert.deepEqual({ ...a2, id: 0 }, { id: 0, filename: 'bytes 0-255 ünïcode.dat', content_type: 'application/octet-stream', size: 256, sha256: sha(all) });
  assert.deepEqual({ ...a3, id: 0 }, { id: 0, filename: 'empty.txt', content_type: 'text/plain', size: 0, sha256: sha(Buffer.alloc(0)) });

  let d = await download(a1.id);
  assert.equal(d.status, 200);
  assert.ok(d.buf.equals(bin), 'exact bytes');
  assert.equal(d.headers.get('content-type'), 'image/png');
  assert.equal(d.headers.get('content-disposition'), "attachment; filename*=UTF-8''photo.bin");
  d = await download(a2.id);
  assert.ok(d.buf.equals(all));
  assert.equal(d.headers.get('content-disposition'),
    "attachment; filename*=UTF-8''" + encodeURIComponent('bytes 0-255 ünïcode.dat').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()));
  d = await download(a3.id);
  assert.equal(d.status, 200);
  assert.equal(d.buf.length, 0);

  // a reply with an HTML file: still a download
  const rep = await post(t.id, { text: 'here is the form', attachments: [{ filename: 'form.html', content_type: 'text/html', content_base64: html.toString('base64') }] });
  assert.equal(rep.status, 201);
  assert.equal(rep.json.attachments.length, 1);
  const ev = (await events(t.id)).find((e) => e.type === 'message.added' && e.data.message_id === rep.json.id);
  assert.equal(ev.data.attachments, 1);
  d = await download(rep.json.attachments[0].id);
  assert.ok(d.buf.equals(html));
  assert.match(d.headers.get('content-disposition'), /^attachment;/);
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');

  // the same bytes twice are two attachments with the same hash
  const again = await post(t.id, { text: 'again', attachments: [{ filename: 'copy.bin', content_base64: bin.toString('base64') }] });
  assert.equal(again.json.attachments[0].sha256, sha(bin));
  assert.notEqual(again.json.attachments[0].id, a1.id);
  d = await download(again.json.attachments[0].id);
  assert.ok(d.buf.equals(bin));

  d = await download(999999);
  assert.equal(d.status, 404);
  d = await download(a1.id, null);
  assert.equal(d.status, 401);
  d = await download(a1.id, 'hd_not_a_valid_token_at_all');
  assert.equal(d.status, 401);
});
