// crash.test.mjs — nothing accepted is lost, nothing is stored twice, when
// heed is killed (kill -9) at random moments while mail pours in:
//  - the server, while its IMAP fetcher ingests a full mailbox;
//  - mailgate processes, while an "MTA" delivers in parallel (exit 0 means
//    durable; anything else is retried, as an MTA does).
// Sizes: CRASH_IMAP_MESSAGES (default 10000) and CRASH_MAILGATE_MESSAGES
// (default 300: each mailgate is a process of its own, slow under ASan).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { startHeed, HEED_BIN, sanitizerReport } from './lib/heed.mjs';
import { startDovecot } from './lib/dovecot.mjs';
import { mail, eventually } from './lib/mail.mjs';

const IMAP_N = Number(process.env.CRASH_IMAP_MESSAGES || 10000);
const GATE_N = Number(process.env.CRASH_MAILGATE_MESSAGES || 300);

/** Count of each Message-ID stored in the data directory's database. */
function stored(data) {
  const r = spawnSync('sqlite3', [`${data}/heed.db`, 'SELECT source_id, count(*) FROM messages WHERE source_id IS NOT NULL GROUP BY 1'],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = new Map();
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const i = line.lastIndexOf('|');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

const rand = (a, b) => a + Math.random() * (b - a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dove;
before(async () => { dove = await startDovecot({ users: [{ user: 'flood', password: 'pw' }] }); });
after(async () => { await dove.stop(); });

test(`kill -9 of the server while IMAP ingests ${IMAP_N} messages: every message exactly once`, { timeout: 900000 }, async () => {
  const c = await dove.client('flood');
  const ids = [];
  try {
    for (let i = 0; i < IMAP_N; i++) {
      ids.push(`flood-${i}@client.example`);
      await c.append('INBOX', mail({ id: ids[i], from: `f${i % 97}@example.com`, subject: `flood ${i}` }));
    }
  } finally {
    await c.logout();
  }
  const h = await startHeed({
    conf: 'mail_from = support@example.com\nmailbox.flood.host = 127.0.0.1\n' +
      `mailbox.flood.port = ${dove.port}\nmailbox.flood.tls = none\nmailbox.flood.user = flood\n` +
      'mailbox.flood.password = pw\nmailbox.flood.poll_ms = 100\n',
  });
  try {
    let kills = 0, last = 0;
    for (;;) {
      await sleep(rand(300, 1500));
      const n = stored(h.data).size;
      if (n >= IMAP_N) break;
      assert.ok(n >= last, 'never fewer after a crash');
      last = n;
      await h.crash();
      kills++;
    }
    const s = stored(h.data);
    const twice = [...s].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'nothing stored twice');
    for (const id of ids) assert.equal(s.get(id), 1, id);
    assert.ok(kills >= 3, `killed ${kills} times`);
    console.log(`# imap: ${IMAP_N} messages, ${kills} kill -9 of heed serve, each stored once`);
  } finally {
    await h.stop();
  }
});

/** Run mailgate with `raw`; kill it -9 after `killAfter` ms (or never). */
function gate(data, raw, killAfter) {
  return new Promise((done) => {
    const p = spawn(HEED_BIN, ['mailgate', '--data', data], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    let timer = null;
    if (killAfter !== null) timer = setTimeout(() => p.kill('SIGKILL'), killAfter);
    p.on('exit', (code, sig) => {
      clearTimeout(timer);
      const report = sanitizerReport(err);
      done({ code, sig, report });
    });
    p.stdin.on('error', () => {});
    p.stdin.end(raw);
  });
}

test(`kill -9 of mailgate processes during ${GATE_N} deliveries: accepted means stored once, retries make all`, { timeout: 900000 }, async () => {
  const h = await startHeed({ conf: 'mail_from = support@example.com\n' });
  try {
    const msgs = Array.from({ length: GATE_N }, (_, i) => ({
      id: `gate-${i}@client.example`,
      raw: mail({ id: `gate-${i}@client.example`, from: `g${i % 53}@example.com`, subject: `gate ${i}` }),
    }));
    const accepted = new Set();
    let pending = msgs.slice(), rounds = 0, killed = 0;
    while (pending.length) {
      rounds++;
      const failed = [];
      let next = 0;
      // 6 deliveries at a time; a third of them in the first round are killed at random moments
      await Promise.all(Array.from({ length: 6 }, async () => {
        while (next < pending.length) {
          const m = pending[next++];
          const kill = rounds === 1 && Math.random() < 0.33 ? rand(0, 150) : null;
          const r = await gate(h.data, m.raw, kill);
          assert.equal(r.report, null, r.report);
          if (r.code === 0) accepted.add(m.id);
          else { failed.push(m); if (r.sig === 'SIGKILL') killed++; else assert.equal(r.code, 75); }
        }
      }));
      // what was accepted is there, exactly once; nothing is ever twice
      const s = stored(h.data);
      for (const id of accepted) assert.equal(s.get(id), 1, id);
      assert.deepEqual([...s].filter(([, n]) => n > 1), []);
      pending = failed; // the MTA retries what was not accepted
    }
    const s = stored(h.data);
    assert.equal(s.size, GATE_N);
    assert.ok(killed > 0);
    console.log(`# mailgate: ${GATE_N} messages, ${killed} killed mid-delivery, ${rounds} rounds, each stored once`);
  } finally {
    await h.stop();
  }
});
