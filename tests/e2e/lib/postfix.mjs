// postfix.mjs — a private Postfix instance that takes mail over SMTP on
// 127.0.0.1 and delivers it through a `pipe` transport to a command, the way
// a real MTA runs `heed mailgate`.
//
//   const why = postfixUnavailable();      // null, or why it cannot run here (skip the test)
//   const pf = await startPostfix({
//     domains: ['heed.test'],               // mail for these goes to the pipe
//     argv: [HEED_BIN, 'mailgate', '--data', data],   // may use ${sender} ${recipient} ...
//     user: 'mail',                         // the pipe runs as this user (never root)
//     env: { ASAN_OPTIONS: '...' },         // environment for the command
//   });
//   pf.port                                 // SMTP, 127.0.0.1
//   await pf.waitForLog(/status=sent/);     // or status=deferred / status=bounced
//   pf.deliveries()                         // [{ args, status, stderr }] one per pipe run
//   pf.queue()                              // what is still queued (postqueue -j)
//   pf.flush()                              // retry deferred mail now
//   await pf.stop();
//
// Everything (main.cf, master.cf, queue, data, log) lives in one temp dir;
// /etc/postfix and the system instance are not used or touched. Postfix's
// master must start as root, so this works only as root (CI runs as root).
// Postfix's pipe(8) refuses to run a command as root: the command runs as
// `user` (default `mail`), so whatever it writes (a heed data directory)
// must be writable by that user — chown it first (ownerOf() gives uid/gid).
// Mail for other domains (bounces to the sender, say) is discarded, and
// logged. Deferred mail is retried every second or two.
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync, chmodSync, chownSync,
  existsSync, utimesSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const POSTFIX_BIN = process.env.POSTFIX_BIN || '/usr/sbin/postfix';
const POSTQUEUE_BIN = '/usr/sbin/postqueue';

const liveMasters = new Set();
const liveDirs = new Set();
process.on('exit', () => {
  // master runs in its own session: SIGKILL its process group.
  for (const pid of liveMasters) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  for (const d of liveDirs) try { rmSync(d, { recursive: true, force: true }); } catch { /* busy */ }
});

/** uid/gid of a user name, or null. */
export function ownerOf(name) {
  const u = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (u.status !== 0 || g.status !== 0) return null;
  return { name, uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** null when a private Postfix can run here, else the reason (for t.skip). */
export function postfixUnavailable() {
  if (process.getuid() !== 0) return 'Postfix needs root to start its master';
  if (!existsSync(POSTFIX_BIN) || !existsSync('/usr/lib/postfix/sbin/master')) return 'postfix is not installed';
  if (!ownerOf('postfix')) return 'no postfix user (postfix package not installed?)';
  return null;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function greeting(port, timeoutMs = 2000) {
  return new Promise((ok, fail) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => { s.destroy(); fail(new Error('no SMTP greeting')); }, timeoutMs);
    s.on('data', (d) => {
      buf += d;
      if (/^220 .*\r\n/m.test(buf)) { clearTimeout(timer); s.end('QUIT\r\n'); ok(buf); }
    });
    s.on('error', (e) => { clearTimeout(timer); fail(e); });
    s.on('close', () => { clearTimeout(timer); fail(new Error('closed before greeting')); });
  });
}

/** One master.cf argv token: {braced} when it holds white space or braces. */
function token(a) {
  const s = String(a);
  if (/[\s{}]/.test(s) || s === '') return `{${s}}`;
  return s;
}

/**
 * Start a private Postfix. options:
 *   argv: [command, args...]     the pipe command (required); ${sender}, ${recipient},
 *                                ${original_recipient}, ${client_address} ... are expanded by pipe(8)
 *   user: 'mail'                 user the command runs as (not root)
 *   env: {}                      environment for the command (beside a minimal PATH)
 *   domains: ['heed.test']       recipient domains delivered to the pipe
 *   flags: 'Rq'                  pipe(8) flags (R: Return-Path header; q: quote addresses;
 *                                D: Delivered-To; O: X-Original-To)
 *   recipientLimit: 1            recipients per command run (1: one run per recipient)
 *   mainCf: 'extra main.cf lines'
 */
export async function startPostfix(options = {}) {
  const why = postfixUnavailable();
  if (why) throw new Error('postfix.mjs: ' + why);
  if (!options.argv || !options.argv.length) throw new Error('postfix.mjs: options.argv (the pipe command) is required');
  const pipeUser = ownerOf(options.user || 'mail');
  if (!pipeUser || pipeUser.uid === 0) throw new Error(`postfix.mjs: pipe user must exist and not be root: ${options.user}`);
  const pf = ownerOf('postfix');
  const domains = options.domains || ['heed.test'];

  const dir = mkdtempSync(join(tmpdir(), 'heed-postfix-'));
  liveDirs.add(dir);
  chmodSync(dir, 0o755); // postfix and the pipe user must reach the queue and the wrapper
  const etc = join(dir, 'etc');
  const queueDir = join(dir, 'queue');
  const data = join(dir, 'data');
  const runs = join(dir, 'pipe');
  const logFile = join(dir, 'postfix.log');
  mkdirSync(etc);
  mkdirSync(queueDir);
  // The queue's directories, as post-install(1) would create them, and
  // "quick-start" so that start-fg skips its integrity checks (1 s).
  const gidOf = (g) => { const r = spawnSync('getent', ['group', g], { encoding: 'utf8' }); return Number(r.stdout.split(':')[2]); };
  const postdropGid = gidOf('postdrop');
  for (const [name, mode, gid] of [
    ['active', 0o700, 0], ['bounce', 0o700, 0], ['corrupt', 0o700, 0], ['defer', 0o700, 0],
    ['deferred', 0o700, 0], ['flush', 0o700, 0], ['hold', 0o700, 0], ['incoming', 0o700, 0],
    ['private', 0o700, 0], ['saved', 0o700, 0], ['trace', 0o700, 0],
    ['maildrop', 0o730, postdropGid], ['public', 0o710, postdropGid],
  ]) {
    const d = join(queueDir, name);
    mkdirSync(d);
    chownSync(d, pf.uid, gid);
    chmodSync(d, mode);
  }
  mkdirSync(join(queueDir, 'pid'), { mode: 0o755 });
  writeFileSync(join(queueDir, 'quick-start'), '');
  mkdirSync(data);
  chownSync(data, pf.uid, pf.gid);
  mkdirSync(runs);
  chownSync(runs, pipeUser.uid, pipeUser.gid);

  // The wrapper keeps a record of each run (arguments, exit code, stderr)
  // and sets the environment, then runs the real command on the same stdin.
  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', ...(options.env || {}) };
  const wrapper = join(dir, 'pipe-wrapper.sh');
  writeFileSync(wrapper, [
    '#!/bin/sh',
    '# written by tests/e2e/lib/postfix.mjs',
    ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
    `r=${q(runs)}/$(date +%s%N)-$$`,
    'printf "%s\\n" "$@" > "$r.args"',
    '"$@" 2> "$r.err"',
    'rc=$?',
    'echo $rc > "$r.rc"',
    'exit $rc',
    '',
  ].join('\n'));
  chmodSync(wrapper, 0o755);

  let port = await freePort();

  function writeConf() {
    writeFileSync(join(etc, 'main.cf'), [
      'compatibility_level = 3.6',
      `queue_directory = ${queueDir}`,
      `data_directory = ${data}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${logFile}`,
      'myhostname = mx.heed.test',
      'mydomain = heed.test',
      'myorigin = $mydomain',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'smtpd_relay_restrictions = permit_mynetworks, reject',
      `relay_domains = ${domains.join(', ')}`,
      'relay_recipient_maps =',
      'relay_transport = heed',
      'default_transport = discard:not a test domain',
      `heed_destination_recipient_limit = ${options.recipientLimit || 1}`,
      'alias_maps =',
      'alias_database =',
      'local_recipient_maps =',
      'smtpd_peername_lookup = no',
      'smtpd_error_sleep_time = 0s',
      'in_flow_delay = 0s',
      'biff = no',
      'smtputf8_enable = no',
      'queue_run_delay = 1s',
      'minimal_backoff_time = 1s',
      'maximal_backoff_time = 2s',
      'delay_warning_time = 0h',
      'smtpd_banner = $myhostname ESMTP heed test Postfix',
      ...(options.mainCf ? [options.mainCf] : []),
      '',
    ].join('\n'));
    const svc = (name, type, priv, unpriv, chroot, wakeup, max, cmd) =>
      `${name} ${type} ${priv} ${unpriv} ${chroot} ${wakeup} ${max} ${cmd}`;
    writeFileSync(join(etc, 'master.cf'), [
      svc(`127.0.0.1:${port}`, 'inet', 'n', '-', 'n', '-', '-', 'smtpd'),
      svc('pickup', 'unix', 'n', '-', 'n', '60', '1', 'pickup'),
      svc('cleanup', 'unix', 'n', '-', 'n', '-', '0', 'cleanup'),
      svc('qmgr', 'unix', 'n', '-', 'n', '300', '1', 'qmgr'),
      svc('rewrite', 'unix', '-', '-', 'n', '-', '-', 'trivial-rewrite'),
      svc('bounce', 'unix', '-', '-', 'n', '-', '0', 'bounce'),
      svc('defer', 'unix', '-', '-', 'n', '-', '0', 'bounce'),
      svc('trace', 'unix', '-', '-', 'n', '-', '0', 'bounce'),
      svc('verify', 'unix', '-', '-', 'n', '-', '1', 'verify'),
      svc('flush', 'unix', 'n', '-', 'n', '1000?', '0', 'flush'),
      svc('proxymap', 'unix', '-', '-', 'n', '-', '-', 'proxymap'),
      svc('showq', 'unix', 'n', '-', 'n', '-', '-', 'showq'),
      svc('error', 'unix', '-', '-', 'n', '-', '-', 'error'),
      svc('retry', 'unix', '-', '-', 'n', '-', '-', 'error'),
      svc('discard', 'unix', '-', '-', 'n', '-', '-', 'discard'),
      svc('anvil', 'unix', '-', '-', 'n', '-', '1', 'anvil'),
      svc('scache', 'unix', '-', '-', 'n', '-', '1', 'scache'),
      svc('postlog', 'unix-dgram', 'n', '-', 'n', '-', '1', 'postlogd'),
      svc('heed', 'unix', '-', 'n', 'n', '-', '-', 'pipe'),
      `  flags=${options.flags ?? 'Rq'} user=${pipeUser.name} argv=${[wrapper, ...options.argv].map(token).join(' ')}`,
      '',
    ].join('\n'));
    // Postfix re-reads a configuration file changed less than a second ago
    // until it is older (up to 1.5 s per command): date them back.
    const past = new Date(Date.now() - 60000);
    for (const f of ['main.cf', 'master.cf']) utimesSync(join(etc, f), past, past);
  }

  let proc = null;
  let out = '';
  const log = () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } };
  const masterPid = () => {
    try { return Number(readFileSync(join(queueDir, 'pid', 'master.pid'), 'utf8').trim()) || null; } catch { return null; }
  };
  let master = null;

  async function launch() {
    writeConf();
    out = '';
    const p = spawn(POSTFIX_BIN, ['-c', etc, 'start-fg'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    proc = p;
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    let exited = null;
    p.on('exit', (code) => { exited = code; });
    const deadline = Date.now() + 20000;
    for (;;) {
      if (exited !== null) throw new Error(`postfix start-fg exited ${exited}:\n${out}\n${log().slice(-3000)}`);
      try {
        await greeting(port);
        master = masterPid();
        if (master) liveMasters.add(master);
        return;
      } catch (e) {
        if (Date.now() > deadline) {
          await halt();
          throw new Error(`postfix did not greet on 127.0.0.1:${port}: ${e.message}\n${out}\n${log().slice(-3000)}`);
        }
        await sleep(50);
      }
    }
  }

  async function halt() {
    const p = proc;
    proc = null;
    if (!p) return;
    spawnSync(POSTFIX_BIN, ['-c', etc, 'stop'], { stdio: 'ignore', timeout: 10000 });
    const deadline = Date.now() + 5000;
    while (master && Date.now() < deadline) {
      try { process.kill(master, 0); } catch { break; }
      await sleep(20);
    }
    if (master) {
      try { process.kill(-master, 'SIGKILL'); } catch { /* gone */ }
      liveMasters.delete(master);
      master = null;
    }
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((ok) => p.once('exit', ok));
      const t = setTimeout(() => { try { p.kill('SIGKILL'); } catch { /* gone */ } }, 2000);
      await exited;
      clearTimeout(t);
    }
  }

  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (e) {
      if (attempt < 2 && /in use/i.test(e.message + log())) { port = await freePort(); continue; }
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
      throw e;
    }
  }

  /** Resolves with the first log line matching re (searching the whole log). */
  async function waitForLog(re, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = log().split('\n').find((l) => re.test(l));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`postfix log: no line matching ${re} within ${timeoutMs} ms:\n${log().slice(-3000)}`);
      await sleep(50);
    }
  }

  /** Every pipe command run so far, oldest first: { args, status (exit code or null while running), stderr }. */
  function deliveries() {
    const names = readdirSync(runs).filter((f) => f.endsWith('.args')).sort();
    return names.map((f) => {
      const base = join(runs, f.slice(0, -5));
      const read = (ext) => { try { return readFileSync(base + ext, 'utf8'); } catch { return null; } };
      const rc = read('.rc');
      return { args: read('.args').split('\n').slice(0, -1), status: rc === null ? null : Number(rc), stderr: read('.err') || '' };
    });
  }

  /** Messages still in the queue: postqueue -j records ({ queue_id, queue_name, recipients: [...] ... }). */
  function queue() {
    const r = spawnSync(POSTQUEUE_BIN, ['-c', etc, '-j'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('postqueue -j failed: ' + r.stderr);
    return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  /** Attempt delivery of all deferred mail now. */
  function flush() {
    const r = spawnSync(POSTQUEUE_BIN, ['-c', etc, '-f'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('postqueue -f failed: ' + r.stderr);
  }

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    try { await halt(); } finally {
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    }
  }

  return {
    host: '127.0.0.1',
    get port() { return port; },
    baseDir: dir,
    pipeUser,
    log, waitForLog, deliveries, queue, flush, stop,
  };
}
