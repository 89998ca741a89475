// mail.mjs — helpers for the e-mail channel tests: compose a message, pipe
// it into `heed mailgate` the way an MTA does, and read what heed stored.
import { spawnSync } from 'node:child_process';
import { HEED_BIN, sanitizerReport } from './heed.mjs';

let seq = 0;

/**
 * A minimal RFC 5322 message (CRLF). opts: { from, to, cc, subject, id
 * (Message-ID without <>; null for none), inReplyTo, references, date,
 * headers: { Name: value }, body }.
 */
export function mail(opts = {}) {
  const id = opts.id === undefined ? `m${Date.now()}.${++seq}@client.example` : opts.id;
  const h = [
    `From: ${opts.from ?? 'Ana Lima <ana@example.com>'}`,
    `To: ${opts.to ?? 'Support <support@example.com>'}`,
  ];
  if (opts.cc) h.push(`Cc: ${opts.cc}`);
  h.push(`Subject: ${opts.subject ?? 'Printer on fire'}`);
  h.push(`Date: ${opts.date ?? 'Mon, 23 Nov 2026 10:00:00 +0000'}`);
  if (id) h.push(`Message-ID: <${id}>`);
  if (opts.inReplyTo) h.push(`In-Reply-To: ${opts.inReplyTo}`);
  if (opts.references) h.push(`References: ${opts.references}`);
  for (const [k, v] of Object.entries(opts.headers || {})) h.push(`${k}: ${v}`);
  h.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8');
  return Buffer.from(h.join('\r\n') + '\r\n\r\n' + (opts.body ?? 'Hello, the printer is on fire.\r\n'));
}

/** Pipe `raw` into `heed mailgate --data <data> ...args`: { status, stdout, stderr }. */
export function mailgate(data, raw, args = [], env = {}) {
  const r = spawnSync(HEED_BIN, ['mailgate', '--data', data, ...args], {
    input: raw, encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env },
  });
  const report = sanitizerReport(r.stderr || '');
  if (report) throw new Error('sanitizer report from heed mailgate:\n' + report);
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/** All pages of a list endpoint. */
export async function all(h, path) {
  const items = [];
  let after = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await h.api('GET', path + (after ? `${sep}after=${after}` : ''));
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    items.push(...r.json.items);
    after = r.json.next_after;
  } while (after);
  return items;
}

/** Poll `fn` until it returns a truthy value or `ms` pass. */
export async function eventually(fn, ms = 10000, what = 'condition') {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
