// mail-postfix.test.mjs — a real MTA in front of heed: a private Postfix
// delivers through a `pipe` transport to `heed mailgate`, exactly as
// docs/mail.md configures it. Exit 0 is delivered, 75 is deferred and
// retried, 65 bounces — with the message kept in heed's quarantine.
// Root only (Postfix's master must start as root); skipped otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHeed, HEED_BIN } from './lib/heed.mjs';
import { startPostfix, postfixUnavailable, ownerOf } from './lib/postfix.mjs';
import { smtpSend } from './lib/smtp-client.mjs';
import { eventually } from './lib/mail.mjs';

const sql = (data, q) => {
  const r = spawnSync('sqlite3', [join(data, 'heed.db'), q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};

test('Postfix pipes mail to heed mailgate: delivered, deferred while heed cannot store, bounced and quarantined',
  { skip: postfixUnavailable() || false, timeout: 120000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heed-postfix-'));
    chmodSync(dir, 0o755);
    const data = join(dir, 'data');
    assert.equal(runHeed(['init', '--data', data]).status, 0);
    const mailUser = ownerOf('mail');
    // heed runs as the pipe's user, which owns the data directory
    spawnSync('chown', ['-R', `${mailUser.uid}:${mailUser.gid}`, data]);
    const pf = await startPostfix({
      argv: [HEED_BIN, 'mailgate', '--data', data],
      user: 'mail', domains: ['heed.test'],
      env: { ASAN_OPTIONS: process.env.ASAN_OPTIONS || '', UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || '' },
    });
    try {
      const msg = (id, from = 'Ana <ana@example.com>') =>
        `From: ${from}\nTo: support@heed.test\nSubject: Via Postfix ${id}\nMessage-ID: <${id}@client.example>\n` +
        `Date: Mon, 23 Nov 2026 10:00:00 +0000\n\nHello from ${id}.\n`;

      let c = await smtpSend(pf.port, { from: 'ana@example.com', to: ['support@heed.test'], data: msg('pf-1') });
      assert.equal(c.end, 250);
      await pf.waitForLog(/status=sent \(delivered via heed/);
      assert.equal(sql(data, "SELECT count(*) FROM messages WHERE source_id = 'pf-1@client.example'"), '1');
      assert.equal(sql(data, "SELECT channel FROM tickets ORDER BY id DESC LIMIT 1"), 'email');

      // heed cannot store now (the data directory is not writable): deferred, then retried
      chmodSync(data, 0o500);
      c = await smtpSend(pf.port, { from: 'ana@example.com', to: ['support@heed.test'], data: msg('pf-2') });
      assert.equal(c.end, 250);
      await pf.waitForLog(/status=deferred/);
      assert.equal(pf.queue().length, 1);
      chmodSync(data, 0o700);
      pf.flush();
      await eventually(() => sql(data, "SELECT count(*) FROM messages WHERE source_id = 'pf-2@client.example'") === '1',
        15000, 'the deferred message delivered on retry');
      assert.ok(pf.deliveries().some((r) => r.status === 75));

      // a message heed will never accept: bounced by Postfix, kept by heed
      // (null envelope sender and no From: nobody to answer; Postfix adds Return-Path: <>)
      c = await smtpSend(pf.port, { from: '', to: ['support@heed.test'], data: 'To: support@heed.test\nSubject: nobody\n\nno sender\n' });
      assert.equal(c.end, 250);
      await pf.waitForLog(/status=bounced/);
      const bounced = pf.deliveries().find((r) => r.status === 65);
      assert.match(bounced.stderr, /quarantine/);
      assert.equal(sql(data, 'SELECT count(*) FROM mail_quarantine'), '1');
    } finally {
      await pf.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
