// openapi.mjs — check real responses against docs/openapi.yaml.
//
//   import { checkResponse, checkedApi } from './lib/openapi.mjs';
//   const r = await h.api('GET', '/api/v1/tickets/1');
//   checkResponse('GET', '/api/v1/tickets/{id}', r);   // or the concrete path
//   const api = checkedApi(h);                          // h.api + checkResponse
//
// checkResponse asserts that
//   - the path is documented (else the answer must be a 404 problem), the
//     method is documented for it (else a 405 problem whose Allow header lists
//     exactly the documented methods);
//   - the status is documented for that operation;
//   - the headers the response declares as required are there and match;
//   - the Content-Type is one the response documents, and a JSON body
//     validates against its schema (problem+json against the Problem schema,
//     with "status" equal to the HTTP status);
//   - on a 2xx, the request body (when given) validates against the
//     documented request schema, so the request side of the document is
//     exercised too.
// The schemas are compiled with Ajv (JSON Schema 2020-12, OpenAPI 3.1's
// dialect) and ajv-formats; every schema in components is itself checked
// against the meta-schema when this module loads.
import assert from 'node:assert/strict';
import { readFileSync, appendFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
export const OPENAPI_PATH = resolve(here, '../../../docs/openapi.yaml');
export const doc = YAML.parse(readFileSync(OPENAPI_PATH, 'utf8'));

const DOC_ID = 'https://heed.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const BASE = new URL(doc.servers[0].url, 'http://x').pathname.replace(/\/$/, ''); // /api/v1

export const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: DOC_ID });

for (const [name, schema] of Object.entries(doc.components.schemas)) {
  if (!ajv.validateSchema(schema)) {
    throw new Error(`openapi.yaml: components.schemas.${name} is not a valid JSON Schema: ` +
      ajv.errorsText(ajv.errors));
  }
}

const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const validators = new Map();

/** The compiled validator for the schema at JSON pointer `ptr` in the document. */
function validatorAt(ptr) {
  let v = validators.get(ptr);
  if (!v) {
    v = ajv.getSchema(`${DOC_ID}#${ptr}`);
    if (!v) throw new Error(`openapi.yaml: no schema at ${ptr}`);
    validators.set(ptr, v);
  }
  return v;
}

/** Follow a local $ref ("#/components/...") to [object, pointer]. */
function deref(obj, ptr) {
  while (obj && obj.$ref) {
    assert.ok(obj.$ref.startsWith('#/'), `only local refs: ${obj.$ref}`);
    ptr = obj.$ref.slice(1);
    obj = ptr.split('/').slice(1).reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    assert.ok(obj, `openapi.yaml: dangling $ref ${ptr}`);
  }
  return [obj, ptr];
}

const templates = Object.keys(doc.paths).map((t) => ({
  template: t,
  params: (t.match(/\{/g) || []).length,
  // a path parameter is what the router takes: a positive decimal of 1..18 digits
  re: new RegExp('^' + t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g,
    '(?=[0-9]{1,18}(?:/|$))0*[1-9][0-9]*') + '$'),
}));

/**
 * The documented path template for a request path ("/api/v1/tickets/3?x=1"
 * -> "/tickets/{id}"), or null. A path given as a template ("/api/v1/tickets/{id}"
 * or "/tickets/{id}") is returned as is. Literal segments win over parameters.
 */
export function findTemplate(path) {
  let p = path.split('?')[0];
  if (p.startsWith(BASE + '/') || p === BASE) p = p.slice(BASE.length);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (doc.paths[p]) return p;
  if (p.includes('{')) return null;
  const hits = templates.filter((t) => t.re.test(p)).sort((a, b) => a.params - b.params);
  return hits.length ? hits[0].template : null;
}

function contentTypeOf(res) {
  const ct = res.headers.get('content-type');
  return ct ? ct.split(';')[0].trim().toLowerCase() : null;
}

function describe(method, path, res) {
  return `${method} ${path} -> ${res.status} ${res.text ? res.text.slice(0, 600) : ''}`;
}

function validate(ptr, value, what) {
  const v = validatorAt(ptr);
  if (!v(value)) {
    assert.fail(`${what} does not match openapi.yaml (${ptr}):\n` +
      ajv.errorsText(v.errors, { separator: '\n' }) + '\nvalue: ' +
      JSON.stringify(value).slice(0, 1500));
  }
}

let coverageFile = process.env.HEED_OPENAPI_COVERAGE || null;

/**
 * Assert that `res` ({status, headers, text, json} from heed.mjs's api()) is
 * what openapi.yaml documents for `method` on `path` (a template or the
 * concrete path). `reqBody` (optional): the JSON request body, checked
 * against the documented request schema when the answer is a 2xx.
 * Returns the operation's template (or null for an unknown path).
 */
export function checkResponse(method, path, res, reqBody) {
  const M = method.toUpperCase();
  const m = M === 'HEAD' ? 'get' : M.toLowerCase();
  const where = describe(M, path, res);
  const ctype = contentTypeOf(res);

  assert.ok(res.status < 500, `server error: ${where}`);
  if (ctype === 'application/problem+json' && M !== 'HEAD') {
    validate('/components/schemas/Problem', res.json, `problem body of ${M} ${path}`);
    assert.equal(res.json.status, res.status, `problem status differs from HTTP status: ${where}`);
  }

  const template = findTemplate(path);
  if (!template) {
    assert.equal(res.status, 404, `undocumented path must be a 404: ${where}`);
    if (M !== 'HEAD') assert.equal(ctype, 'application/problem+json', where);
    record('(unknown)', M, 404);
    return null;
  }
  const item = doc.paths[template];
  const op = item[m];
  if (!op) {
    assert.equal(res.status, 405, `method not documented for ${template}, must be 405: ${where}`);
    const documented = METHODS.filter((x) => item[x]).map((x) => x.toUpperCase());
    const allow = (res.headers.get('allow') || '').split(',').map((s) => s.trim()).filter(Boolean);
    assert.deepEqual([...allow].sort(), [...documented].sort(),
      `Allow header must list the documented methods of ${template}`);
    if (M !== 'HEAD') {
      assert.equal(ctype, 'application/problem+json', where);
      validate('/components/responses/MethodNotAllowed/content/application~1problem+json/schema',
        res.json, `405 body of ${M} ${path}`);
    }
    record(template, M, 405);
    return template;
  }

  const key = String(res.status);
  const opPtr = `/paths/${esc(template)}/${m}`;
  let response = op.responses[key], rptr = `${opPtr}/responses/${key}`;
  if (!response && op.responses.default) {
    response = op.responses.default;
    rptr = `${opPtr}/responses/default`;
  }
  assert.ok(response, `status ${res.status} is not documented for ${M} ${template}: ${where}`);
  [response, rptr] = deref(response, rptr);

  for (const [name, h0] of Object.entries(response.headers || {})) {
    const [h, hptr] = deref(h0, `${rptr}/headers/${esc(name)}`);
    const value = res.headers.get(name);
    if (h.required) assert.ok(value !== null, `header ${name} is required: ${where}`);
    if (value !== null && h.schema) validate(`${hptr}/schema`, value, `header ${name} of ${M} ${path}`);
  }

  if (M !== 'HEAD') {
    if (!response.content) {
      assert.equal(res.text, '', `response ${key} documents no body: ${where}`);
    } else {
      assert.ok(ctype, `no Content-Type: ${where}`);
      const types = Object.keys(response.content);
      const docType = types.includes(ctype) ? ctype : types.includes('*/*') ? '*/*' : null;
      assert.ok(docType, `Content-Type ${ctype} not documented (${types.join(', ')}): ${where}`);
      if (/json$/.test(ctype)) {
        assert.ok(res.json !== null || res.text === 'null', `body is not JSON: ${where}`);
        validate(`${rptr}/content/${esc(docType)}/schema`, res.json, `body of ${M} ${path} (${key})`);
      }
    }
  }

  if (reqBody !== undefined && res.status >= 200 && res.status < 300 && op.requestBody &&
      typeof reqBody === 'object' && !Buffer.isBuffer(reqBody)) {
    const [rb, rbptr] = deref(op.requestBody, `${opPtr}/requestBody`);
    const rt = rb.content['application/json'] ? 'application/json' : Object.keys(rb.content)[0];
    validate(`${rbptr}/content/${esc(rt)}/schema`, reqBody,
      `request body of ${M} ${path} (accepted by heed, so the document must allow it)`);
  }
  record(template, M, res.status);
  return template;
}

function record(template, method, status) {
  if (coverageFile) {
    try { appendFileSync(coverageFile, `${method} ${template} ${status}\n`); } catch { coverageFile = null; }
  }
}

/**
 * h.api wrapped with checkResponse: every answer is checked against the
 * document before the test sees it. Same signature and result as h.api.
 */
export function checkedApi(h) {
  return async function api(method, path, opts = {}) {
    const r = await h.api(method, path, opts);
    checkResponse(method, path, r, opts.body);
    return r;
  };
}

/** Every documented (METHOD, template) pair, for coverage checks. */
export function operations() {
  const out = [];
  for (const [t, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) out.push(`${m.toUpperCase()} ${t}`);
  }
  return out;
}
