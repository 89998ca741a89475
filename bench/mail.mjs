#!/usr/bin/env node
// mail.mjs HEED — the e-mail channel's figures (make bench-mail):
//  1. heed mailgate, one process per message, as an MTA runs it
//     (MAILGATE_N messages, MAILGATE_P at a time): messages/s;
//  2. IMAP batch ingestion: IMAP_N messages in a private Dovecot read by
//     `heed fetch`: messages/s;
//  3. new mail in an IMAP folder to ticket visible through the API, with
//     `heed serve` polling at the default 1 s: median and p90 of LAT_N.
// Prints the figures; appends them to bench/results/mail-<date>.txt.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
process.env.HEED_BIN = resolve(process.argv[2] || 'build/heed');
const { startHeed, HEED_BIN } = await import('../tests/e2e/lib/heed.mjs');
const { startDovecot } = await import('../tests/e2e/lib/dovecot.mjs');
const { mail } = await import('../tests/e2e/lib/mail.mjs');

const MAILGATE_N = Number(process.env.MAILGATE_N || 3000);
const MAILGATE_P = Number(process.env.MAILGATE_P || 4);
const IMAP_N = Number(process.env.IMAP_N || 10000);
const LAT_N = Number(process.env.LAT_N || 30);

const lines = [];
const say = (s) => { console.log(s); lines.push(s); };
say(`# heed e-mail bench ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0].model}, ${HEED_BIN}`);

/** A realistic mix: mostly new mail, a quarter replies by [#n]. */
function message(i, prefix) {
  const reply = i % 4 === 3;
  return mail({
    id: `${prefix}-${i}@client.example`,
    from: `"Customer ${i % 500}" <c${i % 500}@example.com>`,
    subject: reply ? `Re: [#${1 + (i % 50)}] earlier question` : `Question ${i} about my order`,
    body: `Hello,\r\n\r\nthis is message ${i}. ${'Some words about the problem. '.repeat(20)}\r\n\r\nRegards\r\n`,
  });
}

// ---- 1. mailgate --------------------------------------------------------
// As an MTA runs it: one process per message, MAILGATE_P at a time (xargs;
// node's own spawn would be the bottleneck). The same harness running
// /bin/true gives the machine's ceiling for process-per-message delivery.
if (MAILGATE_N > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'heed-bench-mail-'));
  const data = join(dir, 'data');
  const msgs = join(dir, 'msgs');
  mkdirSync(msgs);
  spawnSync(HEED_BIN, ['init', '--data', data]);
  for (let i = 0; i < MAILGATE_N; i++) writeFileSync(join(msgs, `${i}.eml`), message(i, 'gate'));
  const run = (cmd) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', `ls ${msgs} | xargs -P ${MAILGATE_P} -I{} sh -c '${cmd} < ${msgs}/{} || echo FAIL'`],
      { encoding: 'utf8', maxBuffer: 1 << 26 });
    return { s: Number(process.hrtime.bigint() - t0) / 1e9, failed: (r.stdout.match(/FAIL/g) || []).length };
  };
  const base = run('/bin/true');
  const gate = run(`${HEED_BIN} mailgate --data ${data}`);
  say(`mailgate: ${MAILGATE_N} messages, ${MAILGATE_P} at a time: ${(MAILGATE_N / gate.s).toFixed(0)} messages/s, ` +
    `${gate.failed} failed (the same harness running /bin/true: ${(MAILGATE_N / base.s).toFixed(0)} processes/s)`);
  rmSync(dir, { recursive: true, force: true });
}

// ---- 2. IMAP batch --------------------------------------------------------
const dove = await startDovecot({ users: [{ user: 'bulk', password: 'pw' }, { user: 'live', password: 'pw' }] });
try {
  const c = await dove.client('bulk');
  for (let i = 0; i < IMAP_N; i++) await c.append('INBOX', message(i, 'imap'));
  await c.logout();
  const dir = mkdtempSync(join(tmpdir(), 'heed-bench-imap-'));
  const data = join(dir, 'data');
  spawnSync(HEED_BIN, ['init', '--data', data]);
  appendFileSync(join(data, 'heed.conf'), `mailbox.bulk.host = 127.0.0.1\nmailbox.bulk.port = ${dove.port}\n` +
    'mailbox.bulk.tls = none\nmailbox.bulk.user = bulk\nmailbox.bulk.password = pw\n');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(HEED_BIN, ['fetch', '--data', data], { encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  say(`imap batch: ${r.stdout.trim()} — ${(IMAP_N / s).toFixed(0)} messages/s (whole process)`);
  rmSync(dir, { recursive: true, force: true });

  // ---- 3. latency ---------------------------------------------------------
  const h = await startHeed({
    conf: `mailbox.live.host = 127.0.0.1\nmailbox.live.port = ${dove.port}\nmailbox.live.tls = none\n` +
      'mailbox.live.user = live\nmailbox.live.password = pw\n',
  });
  const lc = await dove.client('live');
  const lat = [];
  try {
    for (let i = 0; i < LAT_N; i++) {
      const subject = `latency probe ${i} ${Date.now()}`;
      const t = Date.now();
      await lc.append('INBOX', mail({ subject }));
      for (;;) {
        const q = await h.api('GET', '/api/v1/tickets?limit=1');
        if (q.json.items[0] && q.json.items[0].subject === subject) break;
        await new Promise((ok) => setTimeout(ok, 10));
      }
      lat.push(Date.now() - t);
      await new Promise((ok) => setTimeout(ok, Math.random() * 1000)); // arrive at any phase of the poll
    }
  } finally {
    await lc.logout();
    await h.stop();
  }
  lat.sort((a, b) => a - b);
  say(`imap latency (append -> visible in the API, poll 1 s): median ${lat[lat.length >> 1]} ms, ` +
    `p90 ${lat[Math.floor(lat.length * 0.9)]} ms, max ${lat.at(-1)} ms over ${LAT_N}`);
} finally {
  await dove.stop();
}

mkdirSync(join(here, 'results'), { recursive: true });
appendFileSync(join(here, 'results', `mail-${new Date().toISOString().slice(0, 10)}.txt`), lines.join('\n') + '\n');
