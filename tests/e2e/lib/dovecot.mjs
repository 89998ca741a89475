// dovecot.mjs — a private Dovecot IMAP server for the e-mail channel tests.
//
//   const d = await startDovecot({ users: [{ user: 'support', password: 'pw' }] });
//   d.host, d.port                        // plain IMAP on 127.0.0.1 (no TLS, LOGIN/PLAIN allowed)
//   const { uid, uidValidity } = await d.append('support', 'INBOX', rawMessage, ['\\Seen']);
//   await d.setSeen('support', 'INBOX', uid);  // also setUnseen(), expunge()
//   await d.list('support', 'INBOX');     // [{ uid, flags: [...], seen, size, raw }] by UID
//   await d.status('support', 'INBOX');   // { uidValidity, uidNext, messages, unseen }
//   await d.resetUidValidity('support', 'INBOX');   // new UIDVALIDITY, UIDs renumbered from 1
//   await d.down(); await d.up();         // outage: port refuses, then back on the same port
//   await d.down({ kill: true });         // the same as a crash (instant; down() takes ~1 s)
//   await d.restart();                    // down() + up()
//   const c = await d.client('support');  // a logged-in imapflow client (c.logout() after)
//   d.log()                               // dovecot's log so far
//   await d.stop();                       // stop for good, delete everything
//
// Folders other than INBOX are created by append() when missing. Failed
// logins are answered after ~0.5 s and never slow later logins (no auth
// penalty).
//
// `startDovecot({ tls: true })` also opens an implicit-TLS (imaps) listener on
// d.tlsPort with a self-signed certificate for 127.0.0.1/localhost (d.certPem)
// and then offers STARTTLS on the plain port too.
//
// Everything — config, base_dir, state_dir, log, passwd-file, maildirs — lives
// in one temp dir (d.baseDir); the system dovecot and /etc/dovecot are never
// used. Dovecot refuses to run mail processes with uid 0 whatever
// first_valid_uid says ("userdb returned 0 as uid"), so as root the mailboxes
// belong to the `mail` user (else `nobody`); as another user, to that user.
// Messages are added and read through IMAP (imapflow), so UIDs and
// UIDVALIDITY are the ones Dovecot assigns, as for MTA-delivered mail.
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync, chmodSync, chownSync,
  existsSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

export const DOVECOT_BIN = process.env.DOVECOT_BIN || '/usr/sbin/dovecot';

// Each dovecot runs in its own process group (master, auth, imap, log, ...):
// killing the group ends them all at once, which killing the master alone
// does not (its children linger while a client is connected).
const live = new Set();
const liveDirs = new Set();
const killGroup = (p) => { try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ } };
process.on('exit', () => {
  for (const p of live) killGroup(p);
  for (const d of liveDirs) try { rmSync(d, { recursive: true, force: true }); } catch { /* busy */ }
});

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function idOf(name) {
  const u = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (u.status !== 0 || g.status !== 0) return null;
  return { name, uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** The owner of the mailboxes: never uid 0 (Dovecot refuses it). */
function mailOwner() {
  if (process.getuid() !== 0) {
    const u = userInfo();
    const g = spawnSync('id', ['-gn'], { encoding: 'utf8' });
    return { name: u.username, group: g.stdout.trim(), uid: u.uid, gid: u.gid, root: false };
  }
  for (const name of ['mail', 'nobody']) {
    const o = idOf(name);
    if (o && o.uid !== 0 && o.gid !== 0) return { ...o, root: true };
  }
  throw new Error('dovecot.mjs: no non-root user (mail, nobody) to own the mailboxes');
}

/**
 * True while a process of group pgid is alive. Zombies do not count: killed
 * children of a killed master are orphans, and the container's init may
 * take its time to reap them (kill(-pgid, 0) would still succeed).
 */
export function groupAlive(pgid) {
  let pids;
  try { pids = readdirSync('/proc').filter((f) => /^\d+$/.test(f)); } catch {
    try { process.kill(-pgid, 0); return true; } catch { return false; }
  }
  for (const pid of pids) {
    let stat;
    try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { continue; }
    // pid (comm) state ppid pgrp ... — comm may hold spaces and parentheses
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') return true;
  }
  return false;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once a connection to port gets Dovecot's real greeting ("... ready."). */
function greeting(port, timeoutMs = 2000) {
  return new Promise((ok, fail) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => { s.destroy(); fail(new Error('no IMAP greeting')); }, timeoutMs);
    s.on('data', (d) => {
      buf += d;
      // While auth starts, login says "* OK Waiting for authentication process to respond.."
      // first; the greeting that matters carries the CAPABILITY list and "ready".
      if (/^\* OK .*ready/m.test(buf)) {
        clearTimeout(timer);
        s.end('z LOGOUT\r\n');
        s.destroy();
        ok(buf);
      }
    });
    s.on('error', (e) => { clearTimeout(timer); fail(e); });
    s.on('close', () => { clearTimeout(timer); fail(new Error('closed before greeting: ' + buf)); });
  });
}

function selfSignedCert(dir) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('openssl req failed: ' + r.stderr);
  chmodSync(key, 0o644); // dovecot reads it as root; the dir is private to the test anyway
  return { key, cert, certPem: readFileSync(cert, 'utf8') };
}

/** The maildir directory of a folder (Maildir++ layout: INBOX is the root, others ".Name"). */
function folderDir(home, folder) {
  const root = join(home, 'Maildir');
  if (folder.toUpperCase() === 'INBOX') return root;
  return join(root, '.' + folder);
}

/**
 * Start a private Dovecot.
 * options: { users: [{ user, password }], tls: false, conf: 'extra dovecot.conf lines' }
 */
export async function startDovecot(options = {}) {
  const users = options.users || [{ user: 'support', password: 'secret' }];
  for (const { user, password } of users) {
    if (!user || /[:\s/]/.test(user) || password == null || /[:\r\n]/.test(password)) {
      throw new Error(`dovecot.mjs: unusable user/password for a passwd-file: ${user}`);
    }
  }
  const owner = mailOwner();
  const dir = mkdtempSync(join(tmpdir(), 'heed-dovecot-'));
  liveDirs.add(dir);
  // Dovecot's auth and mail processes run as other users and must reach
  // the passwd-file and the homes below.
  chmodSync(dir, 0o755);
  const home = join(dir, 'home');
  mkdirSync(home);
  for (const { user } of users) {
    mkdirSync(join(home, user));
    if (owner.root) chownSync(join(home, user), owner.uid, owner.gid);
  }
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, users.map(({ user, password }) => `${user}:{PLAIN}${password}\n`).join(''));
  chmodSync(passwd, 0o644);
  const tls = options.tls ? selfSignedCert(dir) : null;
  const logPath = join(dir, 'dovecot.log');
  const confPath = join(dir, 'dovecot.conf');

  let port = await freePort();
  let tlsPort = tls ? await freePort() : 0;

  function writeConf() {
    const lines = [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${logPath}`,
      `instance_name = heed-test-${port}`,
      'protocols = imap',
      'listen = 127.0.0.1',
      'auth_mechanisms = plain login',
      'disable_plaintext_auth = no',
      'auth_failure_delay = 0',
      `first_valid_uid = ${owner.uid}`,
      `first_valid_gid = ${owner.gid}`,
      'mail_location = maildir:~/Maildir',
      'mail_fsync = never',
      'login_greeting = Dovecot ready.',
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN username_format=%u ${passwd}`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=${owner.uid} gid=${owner.gid} home=${home}/%u`,
      '}',
      // No growing per-IP delay after failed logins (the auth penalty kept
      // by anvil): tests of wrong passwords would slow every later login.
      'service anvil {',
      '  unix_listener anvil-auth-penalty {',
      '    mode = 0',
      '  }',
      ...(owner.root ? [] : ['  chroot =']),
      '}',
      'protocol imap {',
      '  mail_max_userip_connections = 200',
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      '    address = 127.0.0.1',
      `    port = ${tlsPort}`,
      ...(tls ? ['    ssl = yes'] : []),
      '  }',
      ...(owner.root ? [] : ['  chroot =']),
      '}',
    ];
    if (tls) lines.push('ssl = yes', `ssl_cert = <${tls.cert}`, `ssl_key = <${tls.key}`);
    else lines.push('ssl = no');
    if (!owner.root) {
      // Unprivileged: every internal process runs as ourselves, no chroots.
      lines.push(`default_internal_user = ${owner.name}`, `default_internal_group = ${owner.group}`,
        `default_login_user = ${owner.name}`);
    }
    if (options.conf) lines.push(options.conf);
    writeFileSync(confPath, lines.join('\n') + '\n');
  }

  let proc = null;
  let stderr = '';
  const log = () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } };

  async function launch() {
    writeConf();
    stderr = '';
    const p = spawn(DOVECOT_BIN, ['-F', '-c', confPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
      env: { PATH: process.env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    proc = p;
    live.add(p);
    p.stderr.on('data', (d) => { stderr += d; });
    let exited = null;
    p.on('exit', (code, sig) => { exited = { code, sig }; live.delete(p); });
    const deadline = Date.now() + 15000;
    for (;;) {
      if (exited) {
        throw new Error(`dovecot exited (${exited.code ?? exited.sig}) on start:\n${stderr}\n${log().slice(-3000)}`);
      }
      try {
        await greeting(port);
        return;
      } catch (e) {
        if (Date.now() > deadline) {
          await halt({ kill: true });
          throw new Error(`dovecot did not greet on 127.0.0.1:${port}: ${e.message}\n${stderr}\n${log().slice(-3000)}`);
        }
        await sleep(30);
      }
    }
  }

  /** Start, taking new ports if a chosen one turned out to be taken (first start only). */
  async function firstLaunch() {
    for (let attempt = 0; ; attempt++) {
      try {
        return await launch();
      } catch (e) {
        if (attempt < 3 && /Address already in use/.test(e.message)) {
          port = await freePort();
          if (tls) tlsPort = await freePort();
          continue;
        }
        throw e;
      }
    }
  }

  /** Stop dovecot: SIGTERM to the master (about 1 s), or with kill the whole group at once. */
  async function halt({ kill = false } = {}) {
    const p = proc;
    proc = null;
    if (!p) return;
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((ok) => p.once('exit', ok));
      if (kill) killGroup(p);
      else p.kill('SIGTERM');
      const timer = setTimeout(() => killGroup(p), 5000);
      await exited;
      clearTimeout(timer);
    }
    killGroup(p); // whatever of the group is left
    live.delete(p);
    // Wait (briefly) until the group is gone: then the ports are free and
    // nothing writes to the mail directories any more.
    for (let i = 0; i < 100 && groupAlive(p.pid); i++) await sleep(20);
  }

  /**
   * Stop the server (connections drop, the port refuses) but keep all mail.
   * { kill: true }: SIGKILL every dovecot process at once (a crash; instant)
   * instead of a clean shutdown (about a second).
   */
  async function down(opts) { await halt(opts); }

  /** Start it again on the same port(s), after down(). */
  async function up() {
    if (proc) return;
    for (let attempt = 0; ; attempt++) {
      try {
        return await launch();
      } catch (e) {
        // The old listening socket may linger a moment after a stop.
        if (attempt < 20 && /Address already in use/.test(e.message)) { await sleep(100); continue; }
        throw e;
      }
    }
  }

  /** down(opts) then up(): same port, same mail. */
  async function restart(opts) { await down(opts); await up(); }

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    try { await halt({ kill: true }); } finally {
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    }
  }

  /** A connected, logged-in ImapFlow client for user (caller must logout()). */
  async function client(user, opts = {}) {
    const u = users.find((x) => x.user === user);
    if (!u) throw new Error(`dovecot.mjs: no such user ${user}`);
    const c = new ImapFlow({
      host: '127.0.0.1', port, secure: false, doSTARTTLS: false,
      auth: { user: u.user, pass: u.password }, logger: false, disableAutoIdle: true,
      ...opts,
    });
    c.on('error', () => { /* reported through the failing command */ });
    await c.connect();
    return c;
  }

  async function withClient(user, fn) {
    const c = await client(user);
    try { return await fn(c); } finally { await c.logout().catch(() => c.close()); }
  }

  async function ensureFolder(c, folder) {
    if (folder.toUpperCase() === 'INBOX') return;
    const list = await c.list();
    if (!list.some((m) => m.path === folder)) await c.mailboxCreate(folder);
  }

  /**
   * APPEND a raw message (string or Buffer) to user's folder (created if
   * missing), with flags (e.g. ['\\Seen']) and an optional internal date.
   * Returns { uid, uidValidity } as Dovecot assigned them.
   */
  async function append(user, folder, raw, flags = [], date) {
    return withClient(user, async (c) => {
      await ensureFolder(c, folder);
      const r = await c.append(folder, raw, flags, date);
      if (!r || !r.uid) throw new Error('APPEND failed or gave no UID');
      return { uid: r.uid, uidValidity: Number(r.uidValidity) };
    });
  }

  async function flags(user, folder, uid, add, remove) {
    return withClient(user, async (c) => {
      await c.mailboxOpen(folder);
      if (add && add.length) await c.messageFlagsAdd(String(uid), add, { uid: true });
      if (remove && remove.length) await c.messageFlagsRemove(String(uid), remove, { uid: true });
    });
  }
  const setSeen = (user, folder, uid) => flags(user, folder, uid, ['\\Seen']);
  const setUnseen = (user, folder, uid) => flags(user, folder, uid, null, ['\\Seen']);

  /** Expunge one message by UID. */
  async function expunge(user, folder, uid) {
    return withClient(user, async (c) => {
      await c.mailboxOpen(folder);
      await c.messageDelete(String(uid), { uid: true });
    });
  }

  /** Every message in the folder: [{ uid, flags, seen, size, raw (Buffer) }], by UID. */
  async function list(user, folder = 'INBOX') {
    return withClient(user, async (c) => {
      const box = await c.mailboxOpen(folder, { readOnly: true });
      if (!box.exists) return [];
      const out = [];
      for await (const m of c.fetch('1:*', { uid: true, flags: true, size: true, source: true })) {
        const f = [...(m.flags || [])].filter((x) => x !== '\\Recent');
        out.push({ uid: m.uid, flags: f, seen: f.includes('\\Seen'), size: m.size, raw: m.source });
      }
      return out.sort((a, b) => a.uid - b.uid);
    });
  }

  /** STATUS of the folder: { uidValidity, uidNext, messages, unseen }. */
  async function status(user, folder = 'INBOX') {
    return withClient(user, async (c) => {
      const s = await c.status(folder, { uidValidity: true, uidNext: true, messages: true, unseen: true });
      return { uidValidity: Number(s.uidValidity), uidNext: s.uidNext, messages: s.messages, unseen: s.unseen };
    });
  }

  /**
   * Make Dovecot report a new UIDVALIDITY for the folder (and renumber its
   * messages from 1), as after a mailbox restore: stops the server, deletes
   * the folder's dovecot-uidlist and index files and the mailbox list index,
   * starts it again on the same port. Returns the new UIDVALIDITY.
   */
  async function resetUidValidity(user, folder = 'INBOX') {
    const before = (await status(user, folder)).uidValidity;
    const wasUp = !!proc;
    await halt({ kill: true });
    const userHome = join(home, user);
    const fdir = folderDir(userHome, folder);
    if (!existsSync(fdir)) throw new Error(`no maildir for ${user}/${folder} at ${fdir}`);
    for (const f of readdirSync(fdir)) {
      if (f === 'dovecot-uidlist' || f === 'dovecot-uidlist.lock' || f.startsWith('dovecot.index')) {
        rmSync(join(fdir, f), { force: true });
      }
    }
    const root = join(userHome, 'Maildir');
    for (const f of readdirSync(root)) {
      if (f.startsWith('dovecot.list.index')) rmSync(join(root, f), { force: true });
    }
    await up();
    const after = (await status(user, folder)).uidValidity;
    if (after === before) throw new Error(`UIDVALIDITY of ${user}/${folder} did not change (${after})`);
    if (!wasUp) await halt();
    return after;
  }

  try {
    await firstLaunch();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw e;
  }

  return {
    host: '127.0.0.1',
    get port() { return port; },
    get tlsPort() { return tls ? tlsPort : null; },
    certPem: tls ? tls.certPem : null,
    baseDir: dir,
    users,
    get running() { return !!proc; },
    /** The master process id while running, else null. */
    get pid() { return proc ? proc.pid : null; },
    log,
    stop, restart, down, up,
    append, setSeen, setUnseen, expunge, list, status, resetUidValidity, client,
    /** The maildir directory of user's folder (for inspection). */
    maildir: (user, folder = 'INBOX') => folderDir(join(home, user), folder),
  };
}
