// mail-out.test.mjs — mail going out through a real SMTP server (the sink):
// acknowledgements and agent replies with their headers and threading,
// retries with the same Message-ID after temporary failures, permanent
// failures recorded on the ticket, and a customer's answer to our reply
// finding its ticket again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';
import { startSmtpSink, failFirst } from './lib/smtp-sink.mjs';
import { mail, mailgate, all, eventually } from './lib/mail.mjs';

let h, api, sink;
before(async () => {
  sink = await startSmtpSink();
  h = await startHeed({
    conf: `mail_from = help@acme.example\ndesk_name = "Acme Support"\nsmtp_host = 127.0.0.1\n` +
      `smtp_port = ${sink.port}\noutbox_retry_seconds = 1\n`,
  });
  api = checkedApi(h);
});
after(async () => { await h.stop(); await sink.stop(); });

const outbox = async (id) => all(h, `/api/v1/tickets/${id}/outbox`);
const events = async (id) => all(h, `/api/v1/tickets/${id}/events`);

async function newTicket(email, subject = 'Where is my parcel?') {
  const r = await api('POST', '/api/v1/tickets', {
    body: { subject, requester: { email, name: 'Zoë Müller' }, message: { text: 'It has been two weeks.' } },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the acknowledgement goes out at once with our headers, and the outbox says sent', async () => {
  const t = await newTicket('zoe@example.com');
  const m = await sink.waitFor((x) => x.to.includes('zoe@example.com'), 10000);
  const [ack] = await outbox(t.id);
  const p = m.parsed;
  assert.equal(m.from, 'help@acme.example');
  assert.equal(p.messageId, ack.message_id);
  assert.match(p.subject, new RegExp(`\\[#${t.id}\\]`));
  assert.equal(p.headers.get('auto-submitted'), 'auto-generated');
  assert.equal(p.headers.get('x-heed-loop'), 'help@acme.example');
  assert.equal(p.headers.get('precedence'), 'bulk');
  assert.equal(p.from.value[0].name, 'Acme Support');
  assert.equal(p.to.value[0].address, 'zoe@example.com');
  assert.match(p.text, /two weeks/);
  const sent = await eventually(async () => (await outbox(t.id))[0].status === 'sent' && (await outbox(t.id))[0], 5000, 'sent');
  assert.equal(sent.attempts, 1);
  assert.ok(sent.sent_at);
  const ev = (await events(t.id)).find((e) => e.type === 'mail.sent');
  assert.deepEqual(ev.data, { outbox_id: ack.id, kind: 'ack', to: 'zoe@example.com', attempts: 1 });
});

test('an agent reply: text + HTML, from the agent, threaded, and the customer answer comes back to the ticket', async () => {
  const t = await newTicket('yuki@example.com', 'Broken hinge');
  const ack = await sink.waitFor((x) => x.to.includes('yuki@example.com'), 10000);
  const r = await api('POST', `/api/v1/tickets/${t.id}/messages`, {
    body: { text: 'We are sending a new hinge today.', html: '<p>We are sending a <b>new hinge</b> today.</p>' },
  });
  assert.equal(r.status, 201);
  const m = await sink.waitFor((x) => x.to.includes('yuki@example.com') && /new hinge/.test(x.parsed.text || ''), 10000);
  const p = m.parsed;
  assert.equal(p.from.value[0].name, 'Administrator (Acme Support)');
  assert.equal(p.subject, `[#${t.id}] Broken hinge`);
  assert.match(p.html, /<b>new hinge<\/b>/);
  assert.match(p.text, /We are sending a new hinge today\./);
  assert.equal(p.headers.get('auto-submitted'), undefined, 'a person wrote this');
  assert.equal(p.headers.get('x-heed-loop'), 'help@acme.example');
  const reply = (await outbox(t.id)).find((o) => o.kind === 'reply');
  assert.equal(p.messageId, reply.message_id);
  assert.ok(ack.parsed.messageId);

  // the customer answers from their mail program: In-Reply-To our reply
  const g = mailgate(h.data, mail({
    from: 'Yuki <yuki@example.com>', to: 'help@acme.example', subject: `Re: ${p.subject.replace(/\[#\d+\] /, '')}`,
    inReplyTo: p.messageId, references: p.messageId, body: 'Thank you!\r\n',
  }));
  assert.equal(g.status, 0, g.stderr);
  const ms = await all(h, `/api/v1/tickets/${t.id}/messages`);
  assert.equal(ms.at(-1).author, 'customer');
  assert.equal(ms.at(-1).text.trim(), 'Thank you!');
});

test('temporary failures are retried with the same Message-ID until accepted', async () => {
  sink.setBehaviour({ failData: failFirst(2, 451) });
  try {
    const t = await newTicket('retry@example.com');
    const m = await sink.waitFor((x) => x.to.includes('retry@example.com'), 20000);
    const ob = await eventually(async () => { const o = (await outbox(t.id))[0]; return o.status === 'sent' && o; }, 5000, 'sent');
    assert.equal(ob.attempts, 3);
    assert.equal(m.parsed.messageId, ob.message_id);
    const refused = sink.events.filter((e) => e.type === 'data' && e.code === 451);
    assert.equal(refused.length, 2);
  } finally {
    sink.setBehaviour({ failData: null });
  }
});

test('a server that is down is retried; mail is delivered when it is back', async () => {
  await sink.down();
  let t;
  try {
    t = await newTicket('outage@example.com');
    await eventually(async () => (await outbox(t.id))[0].attempts >= 1, 10000, 'a failed attempt');
    const o = (await outbox(t.id))[0];
    assert.equal(o.status, 'queued');
    assert.ok(o.last_error);
  } finally {
    await sink.up();
  }
  await sink.waitFor((x) => x.to.includes('outage@example.com'), 20000);
  await eventually(async () => (await outbox(t.id))[0].status === 'sent', 5000, 'sent');
});

test('a permanent failure is recorded on the ticket and never retried', async () => {
  sink.setBehaviour({ failRcpt: (addr) => (addr === 'nobody@example.com' ? 550 : 0) });
  try {
    const t = await newTicket('nobody@example.com');
    const o = await eventually(async () => { const x = (await outbox(t.id))[0]; return x.status === 'failed' && x; }, 10000, 'failed');
    assert.equal(o.attempts, 1);
    assert.match(o.last_error, /550/);
    const ev = (await events(t.id)).find((e) => e.type === 'mail.failed');
    assert.equal(ev.data.to, 'nobody@example.com');
    assert.match(ev.data.error, /550/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await outbox(t.id))[0].attempts, 1, 'not retried');
  } finally {
    sink.setBehaviour({ failRcpt: null });
  }
});

test('mail queued by mailgate (another process) is sent by the server', async () => {
  const g = mailgate(h.data, mail({ from: 'viaGate@example.com', to: 'help@acme.example', subject: 'From the MTA' }));
  assert.equal(g.status, 0, g.stderr);
  const m = await sink.waitFor((x) => x.to.includes('viagate@example.com'), 10000);
  assert.equal(m.parsed.headers.get('auto-submitted'), 'auto-replied');
  assert.match(m.parsed.headers.get('in-reply-to') || '', /@client\.example>/);
});
