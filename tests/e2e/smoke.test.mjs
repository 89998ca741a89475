import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';

test('health answers without a token and the server stops cleanly', async () => {
  const h = await startHeed();
  try {
    const r = await h.api('GET', '/api/v1/health', { token: null });
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
    assert.equal(r.json.schema_version, 1);
  } finally {
    await h.stop();
  }
});
