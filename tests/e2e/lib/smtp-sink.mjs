// smtp-sink.mjs — a real SMTP server on 127.0.0.1 that keeps what it is sent
// and fails on request, for testing heed's outgoing mail and its retries.
//
//   const sink = await startSmtpSink();            // plain SMTP, AUTH optional
//   sink.port, sink.host
//   const m = await sink.waitFor((m) => m.to.includes('cust@example.com'), 5000);
//   m.from, m.to, m.raw (Buffer), m.parsed (mailparser), m.auth (user name or null)
//   sink.setBehaviour({ failRcpt: (addr) => addr.startsWith('gone@') ? 550 : 0 });
//   sink.setBehaviour({ failData: failFirst(2, 451) });   // 451 twice, then accept
//   await sink.down(); ... await sink.up();        // refuse connections, then back
//   await sink.stop();
//
// Behaviour (startSmtpSink(options) and setBehaviour(changes); each hook
// returns 0/undefined to accept, a reply code (421, 450, 451, 452, 550, 552,
// 554 ...), or { code, message }):
//   failConnect(session)               at the greeting (the connection closes)
//   failMail(from, session)            MAIL FROM
//   failRcpt(to, session)              each RCPT TO
//   failData({ from, to, raw }, session)   after the whole message arrived
//   auth: { user, pass }               credentials AUTH must match (else any are taken)
//   requireAuth: false                 530 for MAIL without AUTH when true
//   dataDelayMs: 0                     wait this long before answering DATA
//   size: 0                            advertise and enforce SIZE (552 past it)
// Every reply decision is in sink.events: [{ type: 'connect'|'auth'|'mail'|
// 'rcpt'|'data', value, code }] (code 250/235/220 when accepted).
import { EventEmitter } from 'node:events';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** A hook that answers code to its first n calls, then accepts. */
export function failFirst(n, code = 451) {
  let calls = 0;
  return () => (calls++ < n ? code : 0);
}

const live = new Set();
process.on('exit', () => { for (const s of live) try { s.server.close(); } catch { /* gone */ } });

function smtpError(result, fallback) {
  const r = typeof result === 'object' ? result : { code: result };
  const code = Number(r.code) || 451;
  const text = r.message ||
    (code >= 500 ? `${fallback}: permanent failure (test)` : `${fallback}: temporary failure, try again later (test)`);
  const err = new Error(text);
  err.responseCode = code;
  return err;
}

export async function startSmtpSink(options = {}) {
  const behaviour = {
    failConnect: null, failMail: null, failRcpt: null, failData: null,
    auth: null, requireAuth: false, dataDelayMs: 0, size: 0,
    ...options,
  };
  const messages = [];
  const events = [];
  const emitter = new EventEmitter();
  let port = options.port || 0;
  let server = null;
  let seq = 0;

  const note = (type, value, code) => { events.push({ type, value, code, at: Date.now() }); };

  function ask(hook, args, fallback) {
    const f = behaviour[hook];
    if (typeof f !== 'function') return null;
    const r = f(...args);
    return r ? smtpError(r, fallback) : null;
  }

  function makeServer() {
    return new SMTPServer({
      name: 'sink.test',
      banner: 'heed test SMTP sink',
      secure: false,
      hideSTARTTLS: true,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true, // requireAuth is checked at MAIL FROM, so it can change
      authMethods: ['PLAIN', 'LOGIN'],
      size: behaviour.size || 0,
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 200,
      onConnect(session, cb) {
        const err = ask('failConnect', [session], 'connect');
        note('connect', session.remoteAddress, err ? err.responseCode : 220);
        cb(err);
      },
      onAuth(auth, session, cb) {
        const want = behaviour.auth;
        const ok = !want || (auth.username === want.user && auth.password === want.pass);
        note('auth', auth.username, ok ? 235 : 535);
        if (!ok) {
          const err = new Error('Authentication credentials invalid');
          err.responseCode = 535;
          return cb(err);
        }
        cb(null, { user: auth.username });
      },
      onMailFrom(address, session, cb) {
        let err = null;
        if (behaviour.requireAuth && !session.user) {
          err = new Error('Authentication required');
          err.responseCode = 530;
        }
        err = err || ask('failMail', [address.address, session], 'MAIL FROM');
        note('mail', address.address, err ? err.responseCode : 250);
        cb(err);
      },
      onRcptTo(address, session, cb) {
        const err = ask('failRcpt', [address.address, session], `RCPT TO <${address.address}>`);
        note('rcpt', address.address, err ? err.responseCode : 250);
        cb(err);
      },
      onData(stream, session, cb) {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('error', (e) => cb(e));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const to = session.envelope.rcptTo.map((a) => a.address);
          if (behaviour.dataDelayMs) await new Promise((r) => setTimeout(r, behaviour.dataDelayMs));
          let err = null;
          if (stream.sizeExceeded || (behaviour.size && raw.length > behaviour.size)) {
            err = new Error('Message exceeds the fixed maximum message size');
            err.responseCode = 552;
          }
          err = err || ask('failData', [{ from, to, raw }, session], 'DATA');
          note('data', to.join(','), err ? err.responseCode : 250);
          if (err) return cb(err);
          const id = `sink-${++seq}`;
          let parsed = null, parseError = null;
          try { parsed = await simpleParser(raw); } catch (e) { parseError = e; }
          const m = { id, from, to, raw, parsed, parseError, auth: session.user || null, helo: session.hostNameAppearsAs };
          messages.push(m);
          emitter.emit('message', m);
          cb(null, `Queued as ${id}`);
        });
      },
    });
  }

  async function up() {
    if (server) return;
    const s = makeServer();
    s.on('error', () => { /* per-connection errors; listen errors reject below */ });
    await new Promise((ok, fail) => {
      const onErr = (e) => fail(e);
      s.server.once('error', onErr);
      s.listen(port, '127.0.0.1', () => { s.server.off('error', onErr); ok(); });
    });
    port = s.server.address().port;
    server = s;
    live.add(s);
  }

  /** Stop listening: new connections are refused, open ones get 421 and close. */
  async function down() {
    const s = server;
    server = null;
    if (!s) return;
    await new Promise((ok) => s.close(ok));
    live.delete(s);
  }

  /** Change behaviour; takes effect from the next command (the SIZE advertised in EHLO: after down()/up()). */
  function setBehaviour(changes) { Object.assign(behaviour, changes); }

  /** The first message (already here or still to come) matching predicate. */
  function waitFor(predicate = () => true, timeoutMs = 5000) {
    const found = messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((ok, fail) => {
      const onMsg = (m) => {
        if (!predicate(m)) return;
        clearTimeout(timer);
        emitter.off('message', onMsg);
        ok(m);
      };
      const timer = setTimeout(() => {
        emitter.off('message', onMsg);
        fail(new Error(`smtp sink: no matching message within ${timeoutMs} ms; ` +
          `${messages.length} received; events: ${JSON.stringify(events.slice(-20).map(({ at, ...e }) => e))}`));
      }, timeoutMs);
      emitter.on('message', onMsg);
    });
  }

  /** Resolves when at least n messages have arrived. */
  async function waitForCount(n, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`smtp sink: ${messages.length} of ${n} messages within ${timeoutMs} ms`);
      await new Promise((ok) => {
        const t = setTimeout(ok, left);
        emitter.once('message', () => { clearTimeout(t); ok(); });
      });
    }
    return messages.slice();
  }

  function clear() { messages.length = 0; events.length = 0; }

  async function stop() { await down(); emitter.removeAllListeners(); }

  await up();
  return {
    host: '127.0.0.1',
    get port() { return port; },
    get running() { return !!server; },
    messages, events, behaviour,
    setBehaviour, waitFor, waitForCount, clear, down, up, stop,
  };
}
