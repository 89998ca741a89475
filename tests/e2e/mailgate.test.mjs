// mailgate.test.mjs — e-mail in through `heed mailgate` (the exact MTA pipe
// contract: 0 durable, 65 refused and quarantined, 75 try again), threading
// (signed Message-ID, known Message-ID, [#n], plus-address, strangers,
// closed tickets), deduplication, loop protection and bounces.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed, runHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';
import { mail, mailgate, all } from './lib/mail.mjs';

let h, api;
before(async () => {
  h = await startHeed({ conf: 'mail_from = support@example.com\nautoreply_max = 3\n' });
  api = checkedApi(h);
  const t = await api('POST', '/api/v1/teams', { body: { name: 'Support' } });
  assert.equal(t.status, 201, t.text);
});
after(async () => { await h.stop(); });

const tickets = async () => all(h, '/api/v1/tickets?limit=200');
const messages = async (id) => all(h, `/api/v1/tickets/${id}/messages`);
const events = async (id) => all(h, `/api/v1/tickets/${id}/events`);
const outbox = async (id) => all(h, `/api/v1/tickets/${id}/outbox`);
const ticket = async (id) => (await api('GET', `/api/v1/tickets/${id}`)).json;

/** Deliver and expect exit 0; the ticket the message ended up on. */
async function deliver(raw, args = ['--team', 'Support']) {
  const r = mailgate(h.data, raw, args);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '', 'mailgate prints nothing on stdout');
  const ts = await tickets();
  return ts[0];
}

async function ticketOf(messageId) {
  for (const t of await tickets()) {
    const ms = await messages(t.id);
    if (ms.some((m) => m.source_id === messageId)) return t;
  }
  return null;
}

test('a new e-mail: ticket in the team, customer with display name, message, acknowledgement threaded to it', async () => {
  const before = (await tickets()).length;
  const id = 'first-contact@client.example';
  await deliver(mail({ from: '"Ana Lima" <Ana@Example.com>', id, subject: 'Printer on fire' }));
  const t = await ticketOf(id);
  assert.ok(t, 'ticket found by its Message-ID');
  assert.equal((await tickets()).length, before + 1);
  assert.equal(t.subject, 'Printer on fire');
  assert.equal(t.channel, 'email');
  assert.equal(t.team_name, 'Support');
  assert.equal(t.status, 'new');
  assert.ok(t.first_response_due);
  const c = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.equal(c.name, 'Ana Lima');
  assert.deepEqual(c.identities.map((i) => i.value), ['ana@example.com']);
  const [m] = await messages(t.id);
  assert.equal(m.author, 'customer');
  assert.equal(m.source_id, id);
  assert.equal(m.has_raw, true);
  assert.match(m.text, /printer is on fire/);
  const [ack] = await outbox(t.id);
  assert.equal(ack.kind, 'ack');
  assert.equal(ack.to, 'ana@example.com');
  assert.equal(ack.in_reply_to, `<${id}>`);
  assert.equal(ack.auto_submitted, 'auto-replied');
  assert.match(ack.subject, new RegExp(`\\[#${t.id}\\]`));
  assert.match(ack.message_id, new RegExp(`^<heed\\.T${t.id}\\.[0-9a-f]+\\.[0-9a-f]+@example\\.com>$`));
  const types = (await events(t.id)).map((e) => e.type);
  assert.deepEqual(types, ['ticket.created', 'ack.queued', 'mail.received']);
});

test('re-delivery of the same message is a no-op, even with new Received lines', async () => {
  const id = 'dup@client.example';
  const raw = mail({ id, from: 'dup@example.com', subject: 'Twice' });
  await deliver(raw);
  const n = (await tickets()).length;
  await deliver(raw);
  await deliver(Buffer.concat([Buffer.from('Received: from mx2.example by mx.example; Mon, 23 Nov 2026 10:00:01 +0000\r\n'), raw]));
  assert.equal((await tickets()).length, n);
  const t = await ticketOf(id);
  assert.equal((await messages(t.id)).length, 1);
  assert.equal((await outbox(t.id)).length, 1, 'one acknowledgement');
});

test('a different message that reuses a Message-ID is not dropped', async () => {
  const id = 'reused@client.example';
  await deliver(mail({ id, from: 'reuse@example.com', subject: 'One', body: 'first text' }));
  const n = (await tickets()).length;
  await deliver(mail({ id, from: 'reuse@example.com', subject: 'Two', body: 'other text' }));
  assert.equal((await tickets()).length, n + 1);
});

test('a message without Message-ID is stored, and its re-delivery is still recognised', async () => {
  const raw = mail({ id: null, from: 'noid@example.com', subject: 'No id' });
  const n = (await tickets()).length;
  await deliver(raw);
  await deliver(raw);
  assert.equal((await tickets()).length, n + 1);
});

test('replies join their ticket: our signed Message-ID, [#n] in the subject, the plus-address, a known Message-ID', async () => {
  const first = 'thread-start@client.example';
  await deliver(mail({ id: first, from: 'bo@example.com', subject: 'Login broken' }));
  const t = await ticketOf(first);
  const ack = (await outbox(t.id))[0];
  const n = (await tickets()).length;

  await deliver(mail({ from: 'bo@example.com', subject: 'Re: Login broken', inReplyTo: ack.message_id, references: `<${first}> ${ack.message_id}` }));
  await deliver(mail({ from: 'bo@example.com', subject: `Re: [#${t.id}] Login broken (tag only)` }));
  await deliver(mail({ from: 'bo@example.com', to: `support+${t.id}@example.com`, subject: 'plus only' }));
  await deliver(mail({ from: 'bo@example.com', subject: 'known id only', references: `<${first}>` }));
  assert.equal((await tickets()).length, n, 'no new ticket');
  const ms = await messages(t.id);
  assert.equal(ms.length, 5);
  assert.ok(ms.every((m) => m.author === 'customer'));
  assert.equal((await outbox(t.id)).length, 1, 'replies get no second acknowledgement');
  const why = (await events(t.id)).filter((e) => e.type === 'mail.received').map((e) => e.data.why);
  assert.deepEqual(why, ['no ticket reference', 'reply to our message', 'ticket tag in the subject',
    'ticket plus-address', 'reply to an earlier message']);
});

test('a forged or foreign heed Message-ID names no ticket', async () => {
  await deliver(mail({ id: 'victim@client.example', from: 'victim@example.com', subject: 'Mine' }));
  const t = await ticketOf('victim@client.example');
  const ack = (await outbox(t.id))[0];
  const forged = ack.message_id.replace(/\.([0-9a-f])([0-9a-f]+)@/, (all, a, b) => `.${a === '0' ? '1' : '0'}${b}@`);
  const n = (await tickets()).length;
  await deliver(mail({ from: 'victim@example.com', subject: 'Re: something', inReplyTo: forged }));
  assert.equal((await tickets()).length, n + 1, 'a new ticket, not a merge');
});

test('a stranger replying to a ticket starts a linked ticket; a Cc participant joins it', async () => {
  const first = 'cc-start@client.example';
  await deliver(mail({ id: first, from: 'cara@example.com', cc: 'Dan <dan@example.com>', subject: 'Invoice wrong' }));
  const t = await ticketOf(first);
  // Dan was on the mail: his reply joins
  await deliver(mail({ from: 'dan@example.com', subject: `Re: [#${t.id}] Invoice wrong` }));
  assert.equal((await messages(t.id)).length, 2);
  // Eve was not: a new ticket linked to the old one
  const n = (await tickets()).length;
  await deliver(mail({ id: 'eve@client.example', from: 'eve@example.com', subject: `Re: [#${t.id}] Invoice wrong` }));
  assert.equal((await tickets()).length, n + 1);
  const linked = await ticketOf('eve@client.example');
  assert.notEqual(linked.id, t.id);
  assert.equal(linked.related_id, t.id);
  assert.equal(linked.related_kind, 'linked');
  const ev = (await events(t.id)).find((e) => e.type === 'ticket.linked');
  assert.equal(ev.data.ticket_id, linked.id);
  assert.equal(ev.data.kind, 'linked');
  assert.equal((await messages(t.id)).length, 2, 'nothing merged into the old ticket');
});

test('a reply reopens a solved ticket; a reply to a closed ticket starts a follow-up', async () => {
  const first = 'solve-me@client.example';
  await deliver(mail({ id: first, from: 'fay@example.com', subject: 'Reset password' }));
  const t = await ticketOf(first);
  assert.equal((await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'solved' } })).status, 200);
  await deliver(mail({ from: 'fay@example.com', subject: `Re: [#${t.id}] Reset password`, body: 'Still broken' }));
  let now = await ticket(t.id);
  assert.equal(now.status, 'open');
  assert.equal(now.reopen_count, 1);
  assert.equal((await api('PATCH', `/api/v1/tickets/${t.id}`, { body: { status: 'closed', close_reason: 'duplicate' } })).status, 200);
  await deliver(mail({ id: 'after-close@client.example', from: 'fay@example.com', subject: `Re: [#${t.id}] Reset password` }));
  now = await ticket(t.id);
  assert.equal(now.status, 'closed');
  const f = await ticketOf('after-close@client.example');
  assert.equal(f.related_id, t.id);
  assert.equal(f.related_kind, 'follow_up');
});

test('an internal note by --action note, and display text without the quoted history', async () => {
  const first = 'note-target@client.example';
  await deliver(mail({ id: first, from: 'gus@example.com', subject: 'Refund' }));
  const t = await ticketOf(first);
  await deliver(mail({ from: 'gus@example.com', subject: `Fwd: [#${t.id}] Refund` }), ['--action', 'note']);
  await deliver(mail({
    from: 'gus@example.com', subject: `Re: [#${t.id}] Refund`,
    body: 'Thanks, that worked.\r\n\r\nOn Mon, 23 Nov 2026, Support wrote:\r\n> Please try again.\r\n> Regards\r\n',
  }));
  const ms = await messages(t.id);
  assert.equal(ms[1].visibility, 'internal');
  assert.equal(ms[2].visibility, 'public');
  assert.match(ms[2].text, /> Please try again/);
  assert.equal(ms[2].display_text.trim(), 'Thanks, that worked.');
});

test('automatic mail gets a ticket but never an automatic reply', async () => {
  const cases = {
    'Auto-Submitted': ['auto-replied', 'Auto-Submitted'],
    'Precedence': ['bulk', 'Precedence'],
    'List-Id': ['<news.example.com>', 'List-Id'],
    'X-Loop': ['helpdesk@example.org', 'X-Loop'],
    'X-Heed-Loop': ['support@other.example', 'loop header'],
    'X-Auto-Response-Suppress': ['All', 'X-Auto-Response-Suppress'],
    'Return-Path': ['<>', 'empty return path'],
  };
  let i = 0;
  for (const [header, [value, reason]] of Object.entries(cases)) {
    const id = `auto-${++i}@client.example`;
    await deliver(mail({ id, from: `robot${i}@example.com`, headers: { [header]: value } }));
    const t = await ticketOf(id);
    assert.ok(t, header);
    assert.equal((await outbox(t.id)).length, 0, `${header}: no acknowledgement`);
    const skip = (await events(t.id)).find((e) => e.type === 'ack.skipped');
    assert.ok(skip.data.reason.includes(reason), `${header}: ${skip.data.reason}`);
  }
  const id = 'daemon@client.example';
  await deliver(mail({ id, from: 'MAILER-DAEMON@mx.example.com', subject: 'hello' }));
  assert.equal((await outbox((await ticketOf(id)).id)).length, 0);
});

test('at most autoreply_max acknowledgements per address per window', async () => {
  const ids = [];
  for (let i = 0; i < 5; i++) {
    ids.push(`burst-${i}@client.example`);
    await deliver(mail({ id: ids[i], from: 'burst@example.com', subject: `Burst ${i}` }));
  }
  let acks = 0;
  for (const id of ids) acks += (await outbox((await ticketOf(id)).id)).length;
  assert.equal(acks, 3);
  const last = await ticketOf(ids[4]);
  const skip = (await events(last.id)).find((e) => e.type === 'ack.skipped');
  assert.match(skip.data.reason, /too many automatic replies/);
});

test('a bounce marks the address, is noted on its ticket, and starts no ticket', async () => {
  const first = 'will-bounce@client.example';
  await deliver(mail({ id: first, from: 'gone@example.com', subject: 'Hello' }));
  const t = await ticketOf(first);
  const ack = (await outbox(t.id))[0];
  const n = (await tickets()).length;
  const boundary = 'BOUNDARY';
  const dsn = Buffer.from([
    'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
    'To: support@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 23 Nov 2026 10:05:00 +0000',
    'Message-ID: <bounce-1@mx.example.com>',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'I\'m sorry to have to inform you that your message could not be delivered.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    'Final-Recipient: rfc822; gone@example.com',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address rejected',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: support@example.com',
    'To: gone@example.com',
    `Message-ID: ${ack.message_id}`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n'));
  await deliver(dsn);
  assert.equal((await tickets()).length, n, 'no ticket for a bounce');
  const c = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.ok(c.identities[0].bounced_at);
  assert.match(c.identities[0].bounce_reason, /5\.1\.1/);
  const ev = (await events(t.id)).find((e) => e.type === 'mail.bounced');
  assert.equal(ev.data.address, 'gone@example.com');
  assert.equal(ev.data.identity_marked, true);
  // no automatic mail goes to a bouncing address any more
  const r = await api('POST', '/api/v1/tickets', { body: { subject: 'again', requester: { email: 'gone@example.com' }, message: { text: 'x' } } });
  assert.equal(r.status, 201);
  const skip = (await events(r.json.id)).find((e) => e.type === 'ack.skipped');
  assert.match(skip.data.reason, /bounced/);
});

test('refused messages exit 65 with the reason and are kept in the quarantine', async () => {
  const before = (await all(h, '/api/v1/mail/quarantine')).length;
  const noSender = Buffer.from('To: support@example.com\r\nSubject: who am I\r\n\r\nbody\r\n');
  let r = mailgate(h.data, noSender);
  assert.equal(r.status, 65);
  assert.match(r.stderr, /sender/);
  r = mailgate(h.data, Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 10]));
  assert.equal(r.status, 65);
  r = mailgate(h.data, mail({ from: 'big@example.com', body: 'x'.repeat(5000) }), [], { HEED_MAX_EMAIL_BYTES: '2048' });
  assert.equal(r.status, 65);
  assert.match(r.stderr, /too big|exceeds|larger/i);
  const q = await all(h, '/api/v1/mail/quarantine');
  assert.equal(q.length, before + 3);
  assert.ok(q.every((x) => x.source === 'mailgate' && x.reason.length > 0 && /^[0-9a-f]{64}$/.test(x.raw_sha256)));
  const agent = await api('POST', '/api/v1/agents', { body: { name: 'Plain', email: 'plain@example.com' } });
  const tok = await api('POST', '/api/v1/tokens', { body: { agent_id: agent.json.id, name: 't' } });
  assert.equal((await h.api('GET', '/api/v1/mail/quarantine', { token: tok.json.token })).status, 403);
});

test('exit 75 (try again) when the message cannot be stored now; 64 on bad usage', async () => {
  let r = mailgate(h.data, mail(), ['--team', 'No Such Team']);
  assert.equal(r.status, 75);
  assert.match(r.stderr, /No Such Team/);
  r = mailgate(h.data + '-missing', mail());
  assert.equal(r.status, 75);
  r = mailgate(h.data, mail(), ['--action', 'shout']);
  assert.equal(r.status, 64);
  r = runHeed(['mailgate', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /EX_TEMPFAIL|75/);
});

test('a 3,000-byte subject is cut to 500 bytes at a character boundary; the mail is stored and acknowledged', async () => {
  const id = 'long-subject@client.example';
  await deliver(mail({ id, from: 'long@example.com', subject: 'é'.repeat(1500) }));
  const t = await ticketOf(id);
  assert.equal(Buffer.byteLength(t.subject), 500);
  assert.equal(t.subject, 'é'.repeat(250));
  assert.equal((await outbox(t.id)).length, 1);
});

test('Reply-To decides who a new ticket is for, never who may join one', async () => {
  // a web form: From is the site, Reply-To the customer
  const form = 'form@client.example';
  await deliver(mail({ id: form, from: 'Website <www@shop.example>', headers: { 'Reply-To': 'Hana <hana@example.com>' }, subject: 'Form' }));
  const t = await ticketOf(form);
  const c = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.deepEqual(c.identities.map((i) => i.value), ['hana@example.com']);
  assert.equal((await outbox(t.id))[0].to, 'hana@example.com');
  // someone else claims to be Hana through Reply-To: not merged
  const spoof = 'spoof@client.example';
  await deliver(mail({ id: spoof, from: 'mallory@evil.example', headers: { 'Reply-To': 'hana@example.com' }, subject: `Re: [#${t.id}] Form` }));
  assert.equal((await messages(t.id)).length, 1, 'nothing appended to her ticket');
  const other = await ticketOf(spoof);
  assert.equal(other.related_kind, 'linked');
});

test('a forged delivery report marks no address; a real one is cleared when the address writes again', async () => {
  await deliver(mail({ id: 'kim-1@client.example', from: 'kim@example.com', subject: 'Hi' }));
  const t = await ticketOf('kim-1@client.example');
  const dsn = (returned) => Buffer.from([
    'From: mallory@evil.example', 'To: support@example.com', 'Subject: Delivery Status Notification (Failure)',
    `Message-ID: <dsn-${Math.random()}@evil.example>`, 'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '',
    '--B', 'Content-Type: text/plain', '', 'failed', '',
    '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; x', '',
    'Final-Recipient: rfc822; kim@example.com', 'Action: failed', 'Status: 5.1.1', '',
    '--B', 'Content-Type: text/rfc822-headers', '', 'To: kim@example.com', `Message-ID: ${returned}`, '', '--B--', ''].join('\r\n'));
  await deliver(dsn('<made-up@evil.example>'));
  let c = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.equal(c.identities[0].bounced_at, null, 'a report about mail we never sent marks nothing');
  await deliver(dsn((await outbox(t.id))[0].message_id));
  c = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.ok(c.identities[0].bounced_at);
  await deliver(mail({ from: 'kim@example.com', subject: `Re: [#${t.id}] Hi` }));
  c = (await api('GET', `/api/v1/customers/${t.customer_id}`)).json;
  assert.equal(c.identities[0].bounced_at, null, 'writing again clears the mark');
});

test('--action note on a new ticket: its first message is an internal note, not acknowledged', async () => {
  const id = 'note-new@client.example';
  await deliver(mail({ id, from: 'agent.fwd@example.com', subject: 'FYI' }), ['--action', 'note']);
  const t = await ticketOf(id);
  const [m] = await messages(t.id);
  assert.equal(m.visibility, 'internal');
  assert.equal((await outbox(t.id)).length, 0);
});

test('Message-IDs we cannot quote (8-bit, very long) never stop the acknowledgement', async () => {
  for (const id of ['café@client.example', `${'x'.repeat(300)}@client.example`]) {
    await deliver(mail({ id, from: 'odd@example.com', subject: 'odd id' }));
    const t = await ticketOf(id);
    const [ack] = await outbox(t.id);
    assert.equal(ack.in_reply_to, null);
  }
});
