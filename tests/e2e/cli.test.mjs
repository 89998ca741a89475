// cli.test.mjs — the command line: version, help, init (and refusing an
// existing data directory), token create, migrate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeed, runHeed, sanitizerReport } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

function run(args, opts) {
  const r = runHeed(args, opts);
  const report = sanitizerReport(r.stderr);
  assert.equal(report, null, `sanitizer report from heed ${args.join(' ')}:\n${report}`);
  return r;
}

function tmp() {
  const d = mkdtempSync(join(tmpdir(), 'heed-cli-'));
  return { dir: d, done: () => rmSync(d, { recursive: true, force: true }) };
}

test('heed version and --version print the version', () => {
  const a = run(['version']);
  assert.equal(a.status, 0);
  assert.match(a.stdout, /^heed \d+\.\d+\.\d+\n$/);
  const b = run(['--version']);
  assert.equal(b.stdout, a.stdout);
});

test('heed --help lists every command on stdout; no command or an unknown one is a usage error', () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = run([flag]);
    assert.equal(r.status, 0, flag);
    for (const cmd of ['init', 'serve', 'migrate', 'token', 'version']) assert.match(r.stdout, new RegExp(`^  ${cmd} `, 'm'), `${flag} lists ${cmd}`);
    assert.match(r.stdout, /--data DIR/);
  }
  const none = run([]);
  assert.equal(none.status, 64);
  assert.match(none.stderr, /usage: heed/);
  const bad = run(['frobnicate']);
  assert.equal(bad.status, 64);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
});

test('every command documents itself with --help (exit 0, usage on stdout); a bad option is a usage error', () => {
  for (const cmd of [['init'], ['serve'], ['migrate'], ['token', 'create'], ['seed']]) {
    const r = run([...cmd, '--help']);
    assert.equal(r.status, 0, cmd.join(' '));
    assert.match(r.stdout, new RegExp(`^usage: heed ${cmd.join(' ')}`), cmd.join(' '));
    assert.match(r.stdout, /--data DIR/);
    const b = run([...cmd, '--no-such-option']);
    assert.equal(b.status, 64, `${cmd.join(' ')} --no-such-option`);
  }
});

test('heed init creates a data directory with an admin, password and working token, and refuses an existing one', async () => {
  const t = tmp();
  try {
    const data = join(t.dir, 'data');
    const r = run(['init', '--data', data, '--admin-email', 'Boss@Example.com', '--admin-name', 'The Boss', '--desk-name', 'Boss Desk']);
    assert.equal(r.status, 0, r.stderr);
    const token = /API token:\s+(\S+)/.exec(r.stdout)?.[1];
    const password = /password:\s+(\S+)/.exec(r.stdout)?.[1];
    assert.match(token, /^hd_/);
    assert.ok(password && password.length >= 10);
    assert.ok(existsSync(join(data, 'heed.db')) && existsSync(join(data, 'heed.conf')));
    assert.match(readFileSync(join(data, 'heed.conf'), 'utf8'), /Boss Desk/);
    const dbBefore = statSync(join(data, 'heed.db')).size;

    const again = run(['init', '--data', data]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already/);
    assert.equal(again.stdout.includes('API token'), false);
    assert.equal(statSync(join(data, 'heed.db')).size, dbBefore);

    // migrate on a real data directory: up to date, the same twice
    const m = run(['migrate', '--data', data]);
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /^schema version (\d+) \(latest \1\)\n$/);
    const m2 = run(['migrate', '--data', data]);
    assert.equal(m2.stdout, m.stdout, 'migrate twice is the same');
  } finally {
    t.done();
  }
});

test('heed migrate on a directory without a heed database refuses and creates nothing', () => {
  const t = tmp();
  try {
    const data = join(t.dir, 'typo');
    const r = run(['migrate', '--data', data]);
    assert.notEqual(r.status, 0, `migrate on an empty place must fail: ${r.stdout}`);
    assert.ok(r.stderr.length > 0);
    assert.equal(existsSync(join(data, 'heed.db')), false, 'no database was created');
  } finally {
    t.done();
  }
});

test('heed token create on a directory without a heed database refuses and creates nothing', () => {
  const t = tmp();
  try {
    const data = join(t.dir, 'typo');
    const r = run(['token', 'create', '--data', data]);
    assert.notEqual(r.status, 0);
    assert.equal(existsSync(join(data, 'heed.db')), false, 'no database was created');
  } finally {
    t.done();
  }
});

test('heed token create works while serving, prints the token on its last line; heed migrate works while serving', async () => {
  const h = await startHeed();
  try {
    const api = checkedApi(h);
    const r = run(['token', 'create', '--data', h.data, '--name', 'cli token']);
    assert.equal(r.status, 0, r.stderr);
    const tok = r.stdout.trim().split('\n').at(-1);
    assert.match(tok, /^hd_/);
    const me = await api('GET', '/api/v1/agents/me', { token: tok });
    assert.equal(me.status, 200);
    assert.equal(me.json.email, 'admin@example.com');
    const m = run(['migrate', '--data', h.data]);
    assert.equal(m.status, 0, m.stderr);
    const hl = await api('GET', '/api/v1/health', { token: null });
    assert.match(m.stdout, new RegExp(`^schema version ${hl.json.schema_version} `));
    // HEED_DATA is the default --data
    const e = run(['token', 'create'], { env: { ...process.env, HEED_DATA: h.data } });
    assert.equal(e.status, 0, e.stderr);
    assert.equal((await api('GET', '/api/v1/agents/me', { token: e.stdout.trim().split('\n').at(-1) })).status, 200);
  } finally {
    await h.stop();
  }
});
