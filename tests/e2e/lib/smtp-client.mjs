// smtp-client.mjs — a bare SMTP client over `net` for the tests: talks to
// the SMTP sink or a private Postfix and returns every reply code.
//
//   const codes = await smtpSend(port, { from, to: [...], data, auth: { user, pass } });
//   codes: { greeting, ehlo, auth, mail, rcpt: [...], data, end }
import { connect } from 'node:net';

/** A minimal SMTP client: opens a session, cmd(line) → { code, text }. */
async function smtpSession(port) {
  const sock = connect({ host: '127.0.0.1', port });
  let buf = '';
  const waiting = [];
  const replies = [];
  let closed = false;
  const flush = () => {
    for (;;) {
      const m = /^(\d{3}) (.*)\r\n/m.exec(buf);
      if (!m) break;
      const end = m.index + m[0].length;
      replies.push({ code: Number(m[1]), text: buf.slice(0, end) });
      buf = buf.slice(end);
    }
    while (replies.length && waiting.length) waiting.shift()(replies.shift());
    if (closed) while (waiting.length) waiting.shift()({ code: 0, text: 'closed' });
  };
  sock.setEncoding('utf8');
  sock.on('data', (x) => { buf += x; flush(); });
  sock.on('close', () => { closed = true; flush(); });
  sock.on('error', () => {});
  const reply = () => new Promise((ok) => { waiting.push(ok); flush(); });
  const greeting = await reply();
  return {
    greeting,
    cmd(line) { sock.write(line + '\r\n'); return reply(); },
    close() { sock.destroy(); },
  };
}

/** Send one message; returns every reply code in order (stops at a DATA refusal). */
export async function smtpSend(port, { from, to, data, auth }) {
  const s = await smtpSession(port);
  const codes = { greeting: s.greeting.code, rcpt: [] };
  try {
    if (s.greeting.code !== 220) return codes;
    codes.ehlo = (await s.cmd('EHLO client.test')).code;
    if (auth) {
      const b64 = Buffer.from(`\0${auth.user}\0${auth.pass}`).toString('base64');
      codes.auth = (await s.cmd('AUTH PLAIN ' + b64)).code;
    }
    codes.mail = (await s.cmd(`MAIL FROM:<${from}>`)).code;
    for (const r of to) codes.rcpt.push((await s.cmd(`RCPT TO:<${r}>`)).code);
    if (!codes.rcpt.some((c) => c === 250)) return codes;
    codes.data = (await s.cmd('DATA')).code;
    if (codes.data !== 354) return codes;
    const body = data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    codes.end = (await s.cmd(body + '\r\n.')).code;
    await s.cmd('QUIT');
    return codes;
  } finally {
    s.close();
  }
}

