// web.test.mjs — how heed serves the embedded web app (src/http/static.c):
// index.html for the app's paths (never cached, strict CSP), content-hashed
// assets cached for a year, gzip when accepted, 404 for anything else; the
// API and the confirmation pages are untouched. (The app itself is tested in
// a browser: tests/browser/.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startHeed } from './lib/heed.mjs';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; " +
  "frame-ancestors 'none'";

let h;
before(async () => { h = await startHeed(); });
after(async () => { await h.stop(); });

/** A raw request (fetch would add and undo Accept-Encoding): { status, headers, body: Buffer }. */
function raw(method, path, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request(`${h.base}${path}`, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function index() {
  const r = await raw('GET', '/');
  assert.equal(r.status, 200);
  const html = r.body.toString();
  const js = /<script type="module" src="(\/assets\/main-[A-Z0-9]+\.js)"><\/script>/.exec(html)[1];
  const css = /<link rel="stylesheet" href="(\/assets\/main-[A-Z0-9]+\.css)">/.exec(html)[1];
  return { html, js, css };
}

test('the app\'s paths answer index.html, never cached, with a strict CSP', async () => {
  const { html } = await index();
  for (const p of ['/', '/queue/all', '/tickets/12', '/tickets/12/', '/some/deep/path']) {
    const r = await raw('GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', p);
    assert.equal(r.headers['cache-control'], 'no-store', p);
    assert.equal(r.headers['content-security-policy'], CSP, p);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', p);
    assert.equal(r.headers['x-frame-options'], 'DENY', p);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
    assert.equal(r.body.toString(), html, p);
  }
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /<style|\sstyle=/, 'no inline style');
  assert.doesNotMatch(html, /https?:\/\//, 'nothing from elsewhere');
});

test('hashed assets are cached for a year; gzip only when accepted', async () => {
  const { js, css } = await index();
  for (const [path, type] of [[js, 'text/javascript; charset=utf-8'], [css, 'text/css; charset=utf-8']]) {
    const plain = await raw('GET', path);
    assert.equal(plain.status, 200, path);
    assert.equal(plain.headers['content-type'], type);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.equal(Number(plain.headers['content-length']), plain.body.length);
    assert.equal(plain.headers['content-security-policy'], undefined, 'CSP is for HTML');

    const gz = await raw('GET', path, { 'accept-encoding': 'br, gzip;q=0.8' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers.vary, 'Accept-Encoding');
    assert.ok(gz.body.length < plain.body.length);
    assert.deepEqual(gunzipSync(gz.body), plain.body);

    for (const ae of ['gzip;q=0', 'br', 'identity', 'gzipx', 'GZIP; q=0.000']) {
      const r = await raw('GET', path, { 'accept-encoding': ae });
      assert.equal(r.headers['content-encoding'], undefined, ae);
      assert.deepEqual(r.body, plain.body, ae);
    }
    assert.equal((await raw('GET', path, { 'accept-encoding': '*' })).headers['content-encoding'], 'gzip');
    assert.equal((await raw('GET', path, { 'accept-encoding': 'deflate, GZip' })).headers['content-encoding'], 'gzip');
  }
  // the bundle is what index.html promised
  assert.match((await raw('GET', js)).body.toString(), /\/api\/v1/);
});

test('HEAD answers like GET without a body', async () => {
  const { js } = await index();
  for (const p of ['/', js]) {
    const g = await raw('GET', p);
    const r = await raw('HEAD', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.body.length, 0, p);
    assert.equal(r.headers['content-length'], g.headers['content-length'], p);
    assert.equal(r.headers['cache-control'], g.headers['cache-control'], p);
  }
});

test('unknown assets, file names and other methods are 404 problems', async () => {
  const { js } = await index();
  for (const p of ['/assets/nope.js', '/assets/main.js', '/assets/', '/assets', js + 'x', '/favicon.ico',
    '/robots.txt', '/index.html', '/tickets/12.json', '/assets/..%2Findex.html', '/assets/../index.html']) {
    const r = await raw('GET', p);
    assert.equal(r.status, 404, p);
    assert.equal(r.headers['content-type'], 'application/problem+json', p);
    assert.equal(r.headers['cache-control'], 'no-store', p);
  }
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = await raw(m, '/');
    assert.equal(r.status, 404, m);
  }
});

test('the API and the confirmation pages are never the app', async () => {
  for (const p of ['/api', '/api/', '/api/v1', '/api/v1/nope', '/api/v2/tickets', '/api/tickets/1']) {
    const r = await h.api('GET', p);
    assert.equal(r.status, 404, p);
    assert.equal(r.headers.get('content-type'), 'application/problem+json', p);
  }
  const r = await raw('GET', '/confirm/not-a-token?answer=yes');
  assert.equal(r.status, 404);
  assert.match(r.body.toString(), /This link is not valid/);
  assert.doesNotMatch(r.headers['content-security-policy'], /script-src/, 'the pages keep their own CSP');
  assert.equal(r.headers['referrer-policy'], 'no-referrer', 'the token in the URL is not passed on');
});
