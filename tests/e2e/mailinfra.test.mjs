// mailinfra.test.mjs — the mail servers the e-mail channel tests run against
// work on their own: a private Dovecot (lib/dovecot.mjs) and an SMTP sink
// (lib/smtp-sink.mjs), and a private Postfix piping to a command
// (lib/postfix.mjs, root only). No heed here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import tls from 'node:tls';
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, chownSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, groupAlive } from './lib/dovecot.mjs';
import { startSmtpSink, failFirst } from './lib/smtp-sink.mjs';
import { startPostfix, postfixUnavailable, ownerOf } from './lib/postfix.mjs';
import { smtpSend } from './lib/smtp-client.mjs';

const raw = (subject, body = 'Hello there.') => Buffer.from(
  `From: Cust <cust@example.com>\r\nTo: support@example.com\r\nSubject: ${subject}\r\n` +
  `Message-ID: <${subject.replace(/\W/g, '')}@example.com>\r\nDate: Mon, 2 Jun 2025 10:00:00 +0000\r\n` +
  `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);

/** Resolves with the error code of a connection attempt ('ECONNREFUSED') or 'connected'. */
const tryConnect = (port) => new Promise((ok) => {
  const s = connect({ host: '127.0.0.1', port });
  s.on('connect', () => { s.destroy(); ok('connected'); });
  s.on('error', (e) => ok(e.code));
});

// ---------------------------------------------------------------- Dovecot

let d;
before(async () => {
  d = await startDovecot({ users: [{ user: 'support', password: 's3cret' }, { user: 'sales@example.com', password: 'pw2' }] });
});
after(async () => { await d?.stop(); });

test('dovecot: private instance on 127.0.0.1, passwords checked', async () => {
  assert.equal(d.host, '127.0.0.1');
  assert.ok(d.port > 0);
  const c = await d.client('support');
  assert.ok(c.authenticated);
  await c.logout();
  await assert.rejects(d.client('support', { auth: { user: 'support', pass: 'wrong' } }));
  const c2 = await d.client('sales@example.com');
  await c2.logout();
});

test('dovecot: an appended message is visible with its UID, bytes and flags', async () => {
  const m1 = raw('first');
  const a1 = await d.append('support', 'INBOX', m1);
  const a2 = await d.append('support', 'INBOX', raw('second'), ['\\Seen']);
  assert.ok(a1.uid >= 1);
  assert.equal(a2.uid, a1.uid + 1);
  assert.equal(a2.uidValidity, a1.uidValidity);
  const list = await d.list('support', 'INBOX');
  const got1 = list.find((m) => m.uid === a1.uid);
  assert.deepEqual(got1.raw, m1);
  assert.equal(got1.seen, false);
  assert.deepEqual(got1.flags, []);
  assert.equal(list.find((m) => m.uid === a2.uid).seen, true);
  await d.setSeen('support', 'INBOX', a1.uid);
  assert.equal((await d.list('support', 'INBOX')).find((m) => m.uid === a1.uid).seen, true);
  const st = await d.status('support', 'INBOX');
  assert.equal(st.uidValidity, a1.uidValidity);
  assert.equal(st.uidNext, a2.uid + 1);
  assert.equal(st.unseen, 0);
  // Other folders and users are separate mailboxes.
  const f = await d.append('support', 'Escalations', raw('third'));
  assert.equal(f.uid, 1);
  assert.equal((await d.list('support', 'Escalations')).length, 1);
  assert.equal((await d.list('sales@example.com', 'INBOX')).length, 0);
});

test('dovecot: resetUidValidity gives a new UIDVALIDITY and keeps the mail', async () => {
  await d.append('support', 'Reset', raw('r1'));
  await d.append('support', 'Reset', raw('r2'));
  const before = await d.status('support', 'Reset');
  const neu = await d.resetUidValidity('support', 'Reset');
  const now = await d.status('support', 'Reset');
  assert.notEqual(now.uidValidity, before.uidValidity);
  assert.equal(now.uidValidity, neu);
  assert.equal(now.messages, 2);
  const subjects = (await d.list('support', 'Reset')).map((m) => /Subject: (\w+)/.exec(m.raw.toString())[1]);
  assert.deepEqual(subjects.sort(), ['r1', 'r2']);
  // New mail gets UIDs under the new UIDVALIDITY; other folders are untouched.
  const a = await d.append('support', 'Reset', raw('r3'));
  assert.equal(a.uidValidity, neu);
  assert.equal((await d.status('support', 'INBOX')).messages, 2);
});

test('dovecot: down refuses connections, up/restart keep port, mail, UIDs and UIDVALIDITY', async () => {
  const a = await d.append('support', 'Outage', raw('kept'));
  const port = d.port;
  const c = await d.client('support');
  await c.mailboxOpen('Outage');
  const closed = new Promise((ok) => c.once('close', ok));
  await d.down({ kill: true });
  await closed; // an open session is cut off
  assert.equal(await tryConnect(port), 'ECONNREFUSED');
  await d.up();
  assert.equal(d.port, port);
  await d.restart(); // the clean shutdown path too
  assert.equal(d.port, port);
  const st = await d.status('support', 'Outage');
  assert.equal(st.uidValidity, a.uidValidity);
  const list = await d.list('support', 'Outage');
  assert.deepEqual(list.map((m) => m.uid), [a.uid]);
});

test('dovecot: implicit TLS listener with a self-signed certificate; stop leaves no process', async () => {
  const t = await startDovecot({ users: [{ user: 'u', password: 'p' }], tls: true });
  const pid = t.pid;
  try {
    const greeting = await new Promise((ok, fail) => {
      const s = tls.connect({ host: '127.0.0.1', port: t.tlsPort, ca: t.certPem, servername: 'localhost' });
      s.on('data', (x) => { ok({ text: String(x), authorized: s.authorized }); s.destroy(); });
      s.on('error', fail);
    });
    assert.equal(greeting.authorized, true);
    assert.match(greeting.text, /^\* OK .*ready/);
    const ct = await t.client('u', { secure: true, port: t.tlsPort, tls: { ca: t.certPem, servername: 'localhost' } });
    await ct.logout();
  } finally {
    await t.stop();
  }
  assert.equal(groupAlive(pid), false);
});

// -------------------------------------------------------------- SMTP sink

const mail = (subject) =>
  `From: desk@heed.test\nTo: cust@example.com\nSubject: ${subject}\nMessage-ID: <${subject}@heed.test>\n\nBody of ${subject}\n.starts with a dot\n`;

let sink;
before(async () => { sink = await startSmtpSink(); });
after(async () => { await sink?.stop(); });

test('smtp sink: receives a message with envelope, raw bytes and parsed form', async () => {
  const codes = await smtpSend(sink.port, {
    from: 'desk@heed.test', to: ['cust@example.com', 'cc@example.com'], data: mail('hello'),
    auth: { user: 'desk', pass: 'anything' },
  });
  assert.deepEqual(codes, { greeting: 220, ehlo: 250, auth: 235, mail: 250, rcpt: [250, 250], data: 354, end: 250 });
  const m = await sink.waitFor((x) => x.parsed?.subject === 'hello');
  assert.equal(m.from, 'desk@heed.test');
  assert.deepEqual(m.to, ['cust@example.com', 'cc@example.com']);
  assert.equal(m.auth, 'desk');
  assert.equal(m.parsed.messageId, '<hello@heed.test>');
  assert.match(m.parsed.text, /^Body of hello\n\.starts with a dot/);
  assert.match(m.raw.toString(), /\r\n\.starts with a dot\r\n/); // dot-unstuffed
  await assert.rejects(sink.waitFor((x) => x.parsed?.subject === 'never', 100), /no matching message/);
});

test('smtp sink: 550 for one recipient, 4xx at RCPT and DATA, then success', async () => {
  sink.setBehaviour({ failRcpt: (a) => (a === 'gone@example.com' ? 550 : a === 'busy@example.com' ? 450 : 0) });
  let c = await smtpSend(sink.port, { from: 'desk@heed.test', to: ['gone@example.com', 'ok@example.com', 'busy@example.com'], data: mail('partial') });
  assert.deepEqual(c.rcpt, [550, 250, 450]);
  assert.equal(c.end, 250);
  assert.deepEqual((await sink.waitFor((x) => x.parsed?.subject === 'partial')).to, ['ok@example.com']);

  sink.setBehaviour({ failRcpt: null, failData: failFirst(2, 451) });
  const before = sink.messages.length;
  c = await smtpSend(sink.port, { from: 'desk@heed.test', to: ['cust@example.com'], data: mail('retry') });
  assert.equal(c.end, 451);
  c = await smtpSend(sink.port, { from: 'desk@heed.test', to: ['cust@example.com'], data: mail('retry') });
  assert.equal(c.end, 451);
  assert.equal(sink.messages.length, before); // refused mail is not kept
  c = await smtpSend(sink.port, { from: 'desk@heed.test', to: ['cust@example.com'], data: mail('retry') });
  assert.equal(c.end, 250);
  assert.deepEqual(sink.events.filter((e) => e.type === 'data').slice(-3).map((e) => e.code), [451, 451, 250]);

  sink.setBehaviour({ failData: () => ({ code: 554, message: 'Rejected as spam' }), failMail: null });
  c = await smtpSend(sink.port, { from: 'desk@heed.test', to: ['cust@example.com'], data: mail('spam') });
  assert.equal(c.end, 554);
  sink.setBehaviour({ failData: null, failMail: () => 421 });
  c = await smtpSend(sink.port, { from: 'desk@heed.test', to: ['cust@example.com'], data: mail('x') });
  assert.equal(c.mail, 421);
  sink.setBehaviour({ failMail: null });
});

test('smtp sink: refuses at the greeting, when down, and with wrong credentials', async () => {
  sink.setBehaviour({ failConnect: () => 421 });
  let c = await smtpSend(sink.port, { from: 'a@b.c', to: ['x@y.z'], data: mail('g') });
  assert.equal(c.greeting, 421);
  sink.setBehaviour({ failConnect: null });

  const port = sink.port;
  await sink.down();
  assert.equal(await tryConnect(port), 'ECONNREFUSED');
  await sink.up();
  assert.equal(sink.port, port);
  c = await smtpSend(port, { from: 'a@b.c', to: ['x@y.z'], data: mail('back') });
  assert.equal(c.end, 250);

  sink.setBehaviour({ auth: { user: 'desk', pass: 'right' }, requireAuth: true });
  c = await smtpSend(port, { from: 'a@b.c', to: ['x@y.z'], data: mail('noauth') });
  assert.equal(c.mail, 530);
  c = await smtpSend(port, { from: 'a@b.c', to: ['x@y.z'], data: mail('badauth'), auth: { user: 'desk', pass: 'wrong' } });
  assert.equal(c.auth, 535);
  c = await smtpSend(port, { from: 'a@b.c', to: ['x@y.z'], data: mail('goodauth'), auth: { user: 'desk', pass: 'right' } });
  assert.equal(c.end, 250);
  assert.equal((await sink.waitFor((x) => x.parsed?.subject === 'goodauth')).auth, 'desk');
  sink.setBehaviour({ auth: null, requireAuth: false });
});

// ---------------------------------------------------------------- Postfix

test('postfix: a private instance pipes mail to a command; exit codes decide sent, deferred, bounced',
  { skip: postfixUnavailable() || false }, async () => {
    // The command stands in for `heed mailgate`: it keeps each message, and
    // fails as the recipient's local part says (75 once, then succeeds).
    const out = mkdtempSync(join(tmpdir(), 'heed-pipe-out-'));
    const pipeUser = ownerOf('mail');
    chownSync(out, pipeUser.uid, pipeUser.gid); // pipe(8) never runs a command as root
    const cmd = join(out, 'gate.sh');
    writeFileSync(cmd, `#!/bin/sh
sender="$1"; rcpt="$2"; dir=$(dirname "$0")
case "$rcpt" in
  tempfail@*) if [ ! -e "$dir/failed-once" ]; then : > "$dir/failed-once"; echo "database busy" >&2; exit 75; fi ;;
  perm@*) echo "no such team" >&2; exit 67 ;;
  crash@*) exit 1 ;;
esac
{ echo "X-Test-Env: $GATE_ENV"; cat; } > "$dir/msg-$(echo "$rcpt" | cut -d@ -f1)"
`);
    chmodSync(cmd, 0o755);
    const pf = await startPostfix({ argv: [cmd, '${sender}', '${recipient}'], user: 'mail', domains: ['heed.test'], env: { GATE_ENV: 'set' } });
    try {
      let c = await smtpSend(pf.port, { from: 'cust@example.com', to: ['ok@heed.test', 'tempfail@heed.test'], data: mail('via-postfix') });
      assert.equal(c.end, 250);
      await pf.waitForLog(/to=<ok@heed\.test>.*status=sent/);
      const got = readFileSync(join(out, 'msg-ok'), 'utf8');
      assert.match(got, /^X-Test-Env: set\nReturn-Path: <cust@example\.com>\n/);
      assert.match(got, /\nSubject: via-postfix\n/);
      await pf.waitForLog(/to=<tempfail@heed\.test>.*status=deferred/);
      assert.equal(pf.queue()[0]?.recipients[0]?.address, 'tempfail@heed.test');
      pf.flush();
      await pf.waitForLog(/to=<tempfail@heed\.test>.*status=sent/);
      assert.ok(readFileSync(join(out, 'msg-tempfail'), 'utf8').includes('Subject: via-postfix'));

      c = await smtpSend(pf.port, { from: 'cust@example.com', to: ['perm@heed.test', 'crash@heed.test'], data: mail('failing') });
      assert.equal(c.end, 250);
      await pf.waitForLog(/to=<perm@heed\.test>.*status=bounced/);
      // Any other non-zero status bounces too (only 75, EX_TEMPFAIL, defers).
      await pf.waitForLog(/to=<crash@heed\.test>.*status=bounced \(Command died with status 1/);
      // The bounce to the sender is discarded (not a test domain), never piped.
      await pf.waitForLog(/to=<cust@example\.com>.*relay=none.*status=sent/);
      const runs = pf.deliveries();
      assert.deepEqual(runs.find((r) => r.args.includes('perm@heed.test')).status, 67);
      assert.equal(runs.find((r) => r.args.includes('perm@heed.test')).stderr, 'no such team\n');
      assert.deepEqual(runs.filter((r) => r.args.includes('tempfail@heed.test')).map((r) => r.status), [75, 0]);
      assert.ok(runs.every((r) => r.args[1] === 'cust@example.com'));
    } finally {
      await pf.stop();
      rmSync(out, { recursive: true, force: true });
    }
  });
