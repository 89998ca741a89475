// openapi.test.mjs — docs/openapi.yaml itself: it lists exactly the routes
// src/http/router.c serves (and which are public), every $ref resolves, and
// every operation documents the errors heed can answer for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { doc, operations } from './lib/openapi.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const norm = (t) => t.replace(/\{[^}]+\}/g, '{}');

function routerRoutes() {
  const src = readFileSync(resolve(root, 'src/http/router.c'), 'utf8');
  const out = [];
  for (const m of src.matchAll(/\{\s*HD_([A-Z]+),\s*"([^"]+)",\s*\w+,\s*([01])\s*\}/g)) {
    // pages for people (e.g. /confirm/<token>) are not the API
    if (!m[2].startsWith('/api/v1/')) continue;
    out.push({ op: `${m[1]} ${norm(m[2].replace(/^\/api\/v1/, '').replace(/#/g, '{}'))}`, public: m[3] === '1' });
  }
  assert.ok(out.length > 20, 'routes parsed from router.c');
  return out;
}

test('the document lists exactly the routes the router serves', () => {
  const routes = routerRoutes().map((r) => r.op).sort();
  const documented = operations().map((o) => { const [m, t] = o.split(' '); return `${m} ${norm(t)}`; }).sort();
  assert.deepEqual(documented, routes);
});

test('public routes are exactly the operations without security', () => {
  const pub = routerRoutes().filter((r) => r.public).map((r) => r.op).sort();
  const open = operations().filter((o) => {
    const [m, t] = o.split(' ');
    const sec = doc.paths[t][m.toLowerCase()].security;
    return Array.isArray(sec) && sec.length === 0;
  }).map((o) => { const [m, t] = o.split(' '); return `${m} ${norm(t)}`; }).sort();
  assert.deepEqual(open, pub);
});

test('every $ref resolves and operationIds are unique', () => {
  const refs = [];
  (function walk(x) {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (typeof x.$ref === 'string') refs.push(x.$ref);
      Object.values(x).forEach(walk);
    }
  })(doc);
  assert.ok(refs.length > 50);
  for (const r of refs) {
    assert.ok(r.startsWith('#/'), r);
    const target = r.slice(2).split('/').reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
    assert.ok(target !== undefined, `dangling $ref ${r}`);
  }
  const ids = operations().map((o) => { const [m, t] = o.split(' '); return doc.paths[t][m.toLowerCase()].operationId; });
  assert.ok(ids.every(Boolean), 'every operation has an operationId');
  assert.equal(new Set(ids).size, ids.length);
});

test('every operation documents the errors heed can give it', () => {
  for (const o of operations()) {
    const [m, t] = o.split(' ');
    const op = doc.paths[t][m.toLowerCase()];
    const codes = Object.keys(op.responses);
    const pub = Array.isArray(op.security) && op.security.length === 0;
    if (!pub) assert.ok(codes.includes('401'), `${o}: 401`);
    assert.ok(codes.includes('503'), `${o}: 503`);
    if (t.includes('{') && t !== '/agents/me') assert.ok(codes.includes('404'), `${o}: 404`);
    if (op.requestBody) for (const c of ['400', '413', '415', '422']) assert.ok(codes.includes(c), `${o}: ${c}`);
    if (m === 'POST') {
      assert.ok((op.parameters || []).some((p) => p.$ref === '#/components/parameters/IdempotencyKey'), `${o}: Idempotency-Key`);
      assert.ok(codes.includes('400'), `${o}: 400 for a bad Idempotency-Key`);
    }
    assert.ok(codes.some((c) => c.startsWith('2')), `${o}: a success`);
  }
});
