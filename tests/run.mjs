#!/usr/bin/env node
// run.mjs — every test heed has, in one run, with one closing line:
//   "N passed, N failed"
// Suites: the cmocka unit tests (TAP), the node:test end-to-end tests
// against the real binary (TAP), the web app in headless Chromium against
// the real binary (TAP), and a short run of each libFuzzer harness.
// All C code runs under AddressSanitizer + UndefinedBehaviorSanitizer.
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const build = resolve(opt('--build', 'build-asan'));
const fuzzBuild = resolve(opt('--fuzz-build', 'build-fuzz'));
const fuzzSeconds = Number(process.env.FUZZ_SMOKE_SECONDS || 8);
const only = opt('--only', null); // unit | e2e | browser | fuzz

const sanEnv = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};

const totals = { passed: 0, failed: 0 };
const failures = [];

function executables(dir, prefix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && !f.includes('.'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && (statSync(f).mode & 0o111));
}

function unit() {
  const bins = executables(join(build, 'tests', 'unit'), 'test_');
  if (bins.length === 0) {
    failures.push('unit: no unit test executables in ' + build);
    totals.failed++;
    return;
  }
  for (const bin of bins) {
    const r = spawnSync(bin, [], {
      env: { ...sanEnv, CMOCKA_MESSAGE_OUTPUT: 'TAP' },
      encoding: 'utf8',
      timeout: 300000,
    });
    const out = (r.stdout || '') + (r.stderr || '');
    let ok = 0, bad = 0;
    for (const line of out.split('\n')) {
      if (/^ok \d+/.test(line)) ok++;
      else if (/^not ok \d+/.test(line)) {
        bad++;
        failures.push(`unit ${bin.split('/').pop()}: ${line}`);
      }
    }
    if (r.status !== 0 && bad === 0) {
      bad = 1;
      failures.push(`unit ${bin.split('/').pop()}: exited ${r.status ?? r.signal}\n${out.slice(-3000)}`);
    }
    if (bad) process.stdout.write(out);
    console.log(`unit ${bin.split('/').pop()}: ${ok} passed, ${bad} failed`);
    totals.passed += ok;
    totals.failed += bad;
  }
}

// A node:test suite (TAP) against the real binary: `name` labels its lines.
function nodeSuite(name, dir, concurrency) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [
      '--test', '--test-reporter=tap', `--test-concurrency=${concurrency}`, dir,
    ], { env: { ...sanEnv, HEED_BIN: join(build, 'heed') }, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let pass = 0, fail = 0;
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let m;
        if ((m = /^# pass (\d+)/.exec(line))) pass = Number(m[1]);
        else if ((m = /^# fail (\d+)/.exec(line))) fail = Number(m[1]);
        if (/^\s*not ok/.test(line)) failures.push(`${name}: ${line.trim()}`);
        if (/^\s*(not ok|# Subtest)/.test(line) || /^# (pass|fail|tests)/.test(line) ||
            /^\s+(error|expected|actual|stack|location):/.test(line) || /^# browser:/.test(line) ||
            process.env.VERBOSE) {
          console.log(line);
        }
      }
    });
    child.on('close', (code) => {
      if (code !== 0 && fail === 0) {
        fail = 1;
        failures.push(`${name}: node --test exited ${code}`);
      }
      console.log(`${name}: ${pass} passed, ${fail} failed`);
      totals.passed += pass;
      totals.failed += fail;
      done();
    });
  });
}

const e2e = () => nodeSuite('e2e', 'tests/e2e/', 2);
// The web app in headless Chromium (tests/browser/lib/browser.mjs), one file at a time.
const browser = () => nodeSuite('browser', 'tests/browser/', 1);

function fuzz() {
  const bins = executables(join(fuzzBuild, 'tests', 'fuzz'), 'fuzz_');
  if (bins.length === 0) {
    failures.push('fuzz: no fuzzers in ' + fuzzBuild);
    totals.failed++;
    return;
  }
  for (const bin of bins) {
    const name = bin.split('/').pop();
    const r = spawnSync('tests/fuzz/run-one.sh', [bin, String(fuzzSeconds)], {
      env: sanEnv, encoding: 'utf8', timeout: (fuzzSeconds + 120) * 1000,
    });
    if (r.status === 0) {
      totals.passed++;
      console.log(`fuzz ${name}: ok (${fuzzSeconds}s)`);
    } else {
      totals.failed++;
      failures.push(`fuzz ${name}: crashed\n${((r.stdout || '') + (r.stderr || '')).slice(-3000)}`);
      console.log(`fuzz ${name}: FAILED`);
    }
  }
}

if (!only || only === 'unit') unit();
if (!only || only === 'e2e') await e2e();
if (!only || only === 'browser') await browser();
if (!only || only === 'fuzz') fuzz();

if (failures.length) {
  console.log('\nfailures:');
  for (const f of failures) console.log('  ' + f);
}
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
