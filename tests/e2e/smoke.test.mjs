// smoke.test.mjs — the shortest path through heed: start, health, one
// ticket, one reply, stop cleanly (no sanitizer report). Every answer is
// checked against docs/openapi.yaml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkResponse } from './lib/openapi.mjs';

test('health answers without a token; a ticket and a reply; the server stops cleanly', async () => {
  const h = await startHeed();
  try {
    let r = await h.api('GET', '/api/v1/health', { token: null });
    checkResponse('GET', '/api/v1/health', r);
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
    assert.equal(r.json.schema_version, 6);

    const body = { subject: 'Smoke', requester: { email: 'smoke@example.com' }, message: { text: 'hello' } };
    r = await h.api('POST', '/api/v1/tickets', { body });
    checkResponse('POST', '/api/v1/tickets', r, body);
    assert.equal(r.status, 201);
    const id = r.json.id;

    r = await h.api('POST', `/api/v1/tickets/${id}/messages`, { body: { text: 'hi back' } });
    checkResponse('POST', '/api/v1/tickets/{id}/messages', r, { text: 'hi back' });
    assert.equal(r.status, 201);

    r = await h.api('GET', `/api/v1/tickets/${id}`);
    checkResponse('GET', '/api/v1/tickets/{id}', r);
    assert.equal(r.json.status, 'open');
    assert.equal(r.json.message_count, 2);
  } finally {
    await h.stop();
  }
});
