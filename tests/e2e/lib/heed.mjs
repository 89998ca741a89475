// heed.mjs — start the real heed binary for an end-to-end test.
//
//   const h = await startHeed();          // temp data dir, random port
//   const r = await h.api('POST', '/api/v1/tickets', { body: {...} });
//   r.status, r.json, r.headers
//   await h.stop();                        // SIGTERM; fails if ASan/UBSan spoke
//
// The binary is $HEED_BIN (tests/run.mjs points it at the sanitizer build),
// else build-asan/heed, else build/heed. Servers bind 127.0.0.1 only and are
// stopped by stop() (and killed when the test process exits).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const HEED_BIN = resolve(
  process.env.HEED_BIN ||
    (existsSync('build-asan/heed') ? 'build-asan/heed' : 'build/heed'),
);

const live = new Set();
process.on('exit', () => {
  for (const p of live) try { p.kill('SIGKILL'); } catch { /* gone */ }
});

/** Run `heed args...` to completion: { status, stdout, stderr }. */
export function runHeed(args, opts = {}) {
  const r = spawnSync(HEED_BIN, args, { encoding: 'utf8', timeout: 60000, ...opts });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/** Sanitizer reports in a process's stderr, or null. */
export function sanitizerReport(stderr) {
  const m = /(ERROR: (AddressSanitizer|LeakSanitizer)[\s\S]*|runtime error:[\s\S]*)/.exec(stderr);
  return m ? m[0].slice(0, 4000) : null;
}

/**
 * Create a data directory with `heed init` and serve it.
 * options: { env: {...extra env}, conf: 'extra heed.conf lines', args: [...serve args] }
 */
export async function startHeed(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'heed-e2e-'));
  const data = join(dir, 'data');
  const init = runHeed(['init', '--data', data, '--admin-email', 'admin@example.com',
    '--desk-name', 'Test Desk']);
  if (init.status !== 0) throw new Error('heed init failed: ' + init.stderr);
  const token = /API token:\s+(\S+)/.exec(init.stdout)[1];
  const password = /password:\s+(\S+)/.exec(init.stdout)[1];
  if (options.conf) writeFileSync(join(data, 'heed.conf'), options.conf, { flag: 'a' });

  let proc, port, base, stdout = '', stderr = '';
  async function serve() {
    stdout = '';
    stderr = '';
    proc = spawn(HEED_BIN, ['serve', '--data', data, '--listen', '127.0.0.1:0',
      ...(options.args || [])], {
      env: { ...process.env, ...(options.env || {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(proc);
    const p = proc;
    p.stderr.on('data', (d) => { stderr += d; });
    port = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('heed serve did not start: ' + stderr)), 20000);
      p.stdout.on('data', (d) => {
        stdout += d;
        const m = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) { clearTimeout(timer); ok(Number(m[1])); }
      });
      p.on('exit', (code) => { clearTimeout(timer); fail(new Error(`heed serve exited ${code}: ${stderr}`)); });
    });
    base = `http://127.0.0.1:${port}`;
  }
  await serve();

  /** SIGTERM the server and wait for it; throws like stop() on a sanitizer report or a bad exit. */
  async function terminate() {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((ok) => proc.on('exit', ok));
      proc.kill('SIGTERM');
      await exited;
    }
    live.delete(proc);
    const report = sanitizerReport(stderr);
    if (report) throw new Error('sanitizer report from heed serve:\n' + report);
    if (proc.exitCode !== 0) throw new Error(`heed serve exited ${proc.exitCode}: ${stderr}`);
  }

  /**
   * Stop the server gracefully (SIGTERM) and serve the same data directory
   * again (on a new port: base and port change). Added for durability tests.
   */
  async function restart() {
    await terminate();
    await serve();
  }

  /** kill -9 the server (no clean shutdown at all) and serve the same data
   * directory again. Sanitizer output of the killed process is checked. */
  async function crash() {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((ok) => proc.on('exit', ok));
      proc.kill('SIGKILL');
      await exited;
    }
    live.delete(proc);
    const report = sanitizerReport(stderr);
    if (report) throw new Error('sanitizer report from heed serve:\n' + report);
    await serve();
  }

  /**
   * Call the API. opts: { body (object → JSON, string/Buffer → raw), token
   * (null for none; default the admin's), headers: {...} }.
   */
  async function api(method, path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    const tok = opts.token === undefined ? token : opts.token;
    if (tok) headers.authorization = `Bearer ${tok}`;
    let body;
    if (opts.body !== undefined) {
      if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) body = opts.body;
      else body = JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, text, json };
  }

  async function stop() {
    try {
      await terminate();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  return {
    data, token, password, api, stop, restart, crash,
    get base() { return base; }, get port() { return port; }, get proc() { return proc; },
    get stderr() { return stderr; },
  };
}
