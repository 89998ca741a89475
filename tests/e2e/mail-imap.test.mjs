// mail-imap.test.mjs — mail in through a real IMAP server (a private
// Dovecot): new mail becomes a ticket within seconds, mail already read by
// another client is not missed, heed marks nothing read, server outages and
// restarts of heed lose and double nothing, a new UIDVALIDITY re-reads the
// folder without duplicates, processed mail can be moved away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed, runHeed } from './lib/heed.mjs';
import { startDovecot } from './lib/dovecot.mjs';
import { mail, all, eventually } from './lib/mail.mjs';

let dove, h;
const box = (name, user, extra = '') =>
  `mailbox.${name}.host = 127.0.0.1\nmailbox.${name}.port = ${dove.port}\nmailbox.${name}.tls = none\n` +
  `mailbox.${name}.user = ${user}\nmailbox.${name}.password = "p@ss word!1"\nmailbox.${name}.team = Support\n` +
  `mailbox.${name}.poll_ms = 200\n${extra}`;

before(async () => {
  dove = await startDovecot({ tls: true, users: [
    { user: 'support', password: 'p@ss word!1' },
    { user: 'moved', password: 'p@ss word!1' },
    { user: 'once', password: 'p@ss word!1' },
    { user: 'tls', password: 'p@ss word!1' },
    { user: 'big', password: 'p@ss word!1' },
  ] });
  h = await startHeed({ conf: 'mail_from = support@example.com\n' + box('support', 'support') +
    box('moved', 'moved', 'mailbox.moved.move_to = Processed\n') +
    box('tls', 'tls').replace(`port = ${dove.port}\nmailbox.tls.tls = none`, `port = ${dove.tlsPort}\nmailbox.tls.tls = tls\nmailbox.tls.insecure = 1`) +
    box('big', 'big') });
  assert.equal((await h.api('POST', '/api/v1/teams', { body: { name: 'Support' } })).status, 201);
});
after(async () => { await h.stop(); await dove.stop(); });

const tickets = async () => all(h, '/api/v1/tickets?limit=200');
async function sourceIds() {
  const ids = [];
  for (const t of await tickets()) for (const m of await all(h, `/api/v1/tickets/${t.id}/messages`)) ids.push(m.source_id);
  return ids;
}
const waitForIds = (want, ms = 10000) => eventually(async () => {
  const have = await sourceIds();
  return want.every((id) => have.includes(id)) && have;
}, ms, `messages ${want.join(', ')}`);

test('new mail becomes a ticket within seconds, without being marked read', async () => {
  const t0 = Date.now();
  const { uid } = await dove.append('support', 'INBOX', mail({ id: 'imap-1@client.example', subject: 'Via IMAP' }));
  await waitForIds(['imap-1@client.example'], 5000);
  const ms = Date.now() - t0;
  assert.ok(ms < 5000, `took ${ms} ms`);
  const t = (await tickets()).find((x) => x.subject === 'Via IMAP');
  assert.equal(t.channel, 'email');
  assert.equal(t.team_name, 'Support');
  const msgs = await dove.list('support', 'INBOX');
  assert.equal(msgs.find((m) => m.uid === uid).seen, false, 'heed fetched with BODY.PEEK');
});

test('mail another client already read is fetched all the same', async () => {
  await dove.append('support', 'INBOX', mail({ id: 'imap-seen@client.example', subject: 'Read elsewhere' }), ['\\Seen']);
  await waitForIds(['imap-seen@client.example']);
});

test('a server outage: heed retries and backfills what arrived meanwhile, exactly once', async () => {
  await dove.down({ kill: true });
  await new Promise((r) => setTimeout(r, 700)); // heed notices and backs off
  await dove.up();
  // mail that arrives right after the server is back, while heed is still backing off
  const ids = [];
  for (let i = 0; i < 5; i++) {
    ids.push(`outage-${i}@client.example`);
    await dove.append('support', 'INBOX', mail({ id: ids[i], subject: `During outage ${i}`, from: `o${i}@example.com` }));
  }
  const have = await waitForIds(ids, 15000);
  for (const id of ids) assert.equal(have.filter((x) => x === id).length, 1, id);
});

test('heed restarts: mail that arrived while it was down is stored, nothing twice', async () => {
  const before = await sourceIds();
  await h.restart();
  const ids = ['restart-a@client.example', 'restart-b@client.example'];
  for (const id of ids) await dove.append('support', 'INBOX', mail({ id, subject: id, from: 'r@example.com' }));
  const have = await waitForIds(ids);
  for (const id of before) assert.equal(have.filter((x) => x === id).length, 1, id);
});

test('a new UIDVALIDITY: the folder is read again and nothing is doubled', async () => {
  const before = await sourceIds();
  await dove.resetUidValidity('support', 'INBOX'); // stops and restarts the server
  await dove.append('support', 'INBOX', mail({ id: 'after-reset@client.example', subject: 'After reset', from: 'n@example.com' }));
  const have = await waitForIds(['after-reset@client.example'], 15000);
  assert.equal(have.length, before.length + 1);
});

test('processed mail is moved to move_to', async () => {
  await dove.append('moved', 'INBOX', mail({ id: 'to-move@client.example', subject: 'Move me' }));
  await waitForIds(['to-move@client.example']);
  await eventually(async () => (await dove.list('moved', 'INBOX')).length === 0 &&
    (await dove.list('moved', 'Processed')).length === 1, 5000, 'moved');
});

test('implicit TLS (imaps) works', async () => {
  await dove.append('tls', 'INBOX', mail({ id: 'over-tls@client.example', subject: 'Over TLS' }));
  await waitForIds(['over-tls@client.example']);
});

test('the server restarts in the middle of a large fetch: everything arrives exactly once', async () => {
  const c = await dove.client('big');
  const ids = [];
  try {
    for (let i = 0; i < 1500; i++) {
      ids.push(`big-${i}@client.example`);
      await c.append('INBOX', mail({ id: ids[i], subject: `big ${i}`, from: `b${i % 37}@example.com` }));
    }
  } finally {
    await c.logout();
  }
  // wait until heed is part-way through, then take the server away under it
  await eventually(async () => { const n = (await sourceIds()).filter((x) => x.startsWith('big-')).length; return n > 0 && n < ids.length; },
    30000, 'a part of the big mailbox');
  await dove.down({ kill: true });
  await new Promise((r) => setTimeout(r, 500));
  await dove.up();
  const have = await waitForIds(ids, 60000);
  for (const id of ids) assert.equal(have.filter((x) => x === id).length, 1, id);
});

test('heed fetch reads a mailbox once; a wrong password is reported, not retried forever', async () => {
  await dove.append('once', 'INBOX', mail({ id: 'once-1@client.example', subject: 'Once' }));
  const conf = `${h.data}/heed.conf`;
  const { appendFileSync } = await import('node:fs');
  appendFileSync(conf, box('once', 'once') + box('wrong', 'once').replace(/p@ss word!1/, 'nope'));
  let r = runHeed(['fetch', '--data', h.data, '--mailbox', 'once']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /once: 1 new messages/);
  r = runHeed(['fetch', '--data', h.data, '--mailbox', 'once']);
  assert.match(r.stdout, /once: 0 new messages/);
  r = runHeed(['fetch', '--data', h.data, '--mailbox', 'wrong']);
  assert.equal(r.status, 75);
  assert.match(r.stderr, /wrong/);
  r = runHeed(['fetch', '--data', h.data, '--mailbox', 'nosuch']);
  assert.equal(r.status, 78);
});
