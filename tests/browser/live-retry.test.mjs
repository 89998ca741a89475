// live-retry.test.mjs — the app's live stream after a 503: heed allows one
// stream here (HEED_STREAM_MAX=1); a second signed-in page is refused with
// 503 too-many-streams, which an EventSource does not retry by itself. The
// app retries after a delay, and once the first page goes away its stream
// opens and new tickets appear in its queue without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from '../e2e/lib/heed.mjs';
import { startBrowser } from './lib/browser.mjs';

const T = 15000;
let h, b, pa, pb;

const isStream = (r) => new URL(r.url()).pathname === '/api/v1/stream';

async function signIn(page) {
  const stream = page.waitForResponse(isStream, { timeout: T });
  await page.goto('/queue/all');
  await page.getByLabel('E-mail').fill('admin@example.com');
  await page.getByLabel('Password').fill(h.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return (await stream).status();
}

before(async () => {
  h = await startHeed({ env: { HEED_STREAM_MAX: '1' } });
  b = await startBrowser();
  pa = await b.newPage(h.base);
  pb = await b.newPage(h.base);
  pa.setDefaultTimeout(T);
  pb.setDefaultTimeout(T);
});

after(async () => {
  if (b) await b.close();
  if (h) await h.stop();
});

test('the second page is refused a stream (503), and retries until it gets one', async (t) => {
  assert.equal(await signIn(pa), 200);
  const streams = [];
  pb.on('response', (r) => { if (isStream(r)) streams.push({ status: r.status(), at: Date.now() }); });
  assert.equal(await signIn(pb), 503);
  await pb.getByText('No active tickets.').waitFor();
  // it tries again after a delay, and is refused again while the first page holds the stream
  const t0 = Date.now();
  while (streams.length < 2 && Date.now() - t0 < T) await pb.waitForTimeout(100);
  assert.ok(streams.length >= 2, 'a second try');
  assert.equal(streams[1].status, 503);
  assert.ok(streams[1].at - streams[0].at >= 800, 'after a delay');

  // the first page goes away: the stream is free
  const freed = Date.now();
  await pa.goto('about:blank');
  const ok = pb.waitForResponse((r) => isStream(r) && r.status() === 200, { timeout: 60000 });
  await ok;
  t.diagnostic(`browser: live: stream reopened ${Date.now() - freed} ms after the other page left (after ${streams.length} refused tries)`);
  await b.shot(pb, 'live-retry-01-reconnected');
});

test('after the retry, a new ticket appears without a reload', async () => {
  const r = await h.api('POST', '/api/v1/tickets', {
    body: { subject: 'After the retry', requester: { email: 'bo@example.org', name: 'Bo' }, message: { text: 'Hi' } },
  });
  assert.equal(r.status, 201, r.text);
  await pb.locator(`tr[data-ticket="${r.json.id}"]`).waitFor({ timeout: 5000 });
  await b.shot(pb, 'live-retry-02-ticket-appeared');
});

test('the browser saw no errors other than the refused streams', () => {
  const other = b.problems.filter((p) => !/503|EventSource/.test(p));
  assert.deepEqual(other, [], b.problems.join('\n'));
});
