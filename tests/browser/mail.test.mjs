// mail.test.mjs — an HTML e-mail in the agent app: shown in a sandboxed
// iframe (/api/v1/messages/{id}/html), where nothing of it runs (a <script>,
// an onerror, a javascript: link), and where a remote image (a local HTTP
// server here, counting its hits) loads only after "Show images" is clicked.
// The plain text stays available. Screenshots go to test-artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startHeed } from '../e2e/lib/heed.mjs';
import { startBrowser } from './lib/browser.mjs';

const T = 15000;
// a 1×1 transparent GIF
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

let h, b, page, pixel, ticket;
const hits = [];     // requests the "remote" image server got
const dialogs = [];  // alert/confirm/prompt the page opened

before(async () => {
  pixel = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Cache-Control': 'no-store' });
    res.end(GIF);
  });
  await new Promise((ok) => pixel.listen(0, '127.0.0.1', ok));
  h = await startHeed();
  b = await startBrowser();
  page = await b.newPage(h.base);
  page.setDefaultTimeout(T);
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
});

after(async () => {
  if (b) await b.close();
  if (h) await h.stop();
  if (pixel) await new Promise((ok) => pixel.close(ok));
});

test('a ticket whose first message is hostile HTML mail', async () => {
  const remote = `http://127.0.0.1:${pixel.address().port}/open.gif?u=ann`;
  const html = '<p>Hello from HTML mail, <b>order 5521</b>.</p>'
    + '<script>document.title = "pwned"; window.pwned = 1; parent.pwned = 1; alert("script")</script>'
    + '<img src=x onerror="window.pwned = 2; parent.pwned = 2; alert(\'onerror\')">'
    + '<a href="javascript:parent.pwned=3;alert(\'link\')" id="evil">click me</a>'
    + `<p><img src="${remote}" alt="tracking pixel" width="1" height="1"></p>`;
  const r = await h.api('POST', '/api/v1/tickets', {
    body: {
      subject: 'HTML order question', requester: { email: 'ann@example.org', name: 'Ann' },
      message: { text: 'Hello from the plain text part, order 5521.', html },
    },
  });
  assert.equal(r.status, 201, r.text);
  ticket = r.json;

  await page.goto('/');
  await page.getByLabel('E-mail').fill('admin@example.com');
  await page.getByLabel('Password').fill(h.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
});

test('the HTML is shown in a sandboxed frame; nothing in it runs; no remote image loads', async (t) => {
  await page.goto(`/tickets/${ticket.id}`);
  await page.getByRole('heading', { level: 1, name: /HTML order question/ }).waitFor();
  const frameEl = page.locator('li.message iframe');
  await frameEl.waitFor();
  const sandbox = await frameEl.getAttribute('sandbox');
  assert.notEqual(sandbox, null, 'the frame is sandboxed');
  assert.doesNotMatch(sandbox, /allow-scripts|allow-same-origin/);
  assert.equal(await frameEl.getAttribute('src'), `/api/v1/messages/${(await messageId())}/html`);
  assert.match(await frameEl.getAttribute('title'), /E-mail from Ann/);

  const frame = page.frameLocator('li.message iframe');
  await frame.getByText('Hello from HTML mail').waitFor();
  assert.match(await frame.locator('b').textContent(), /order 5521/);
  const button = page.getByRole('button', { name: /Show images \(1 blocked\)/ });
  await button.waitFor();
  // clicking the javascript: link does nothing either
  await frame.getByText('click me').click();
  await page.waitForTimeout(500);

  assert.equal(await page.title(), `#${ticket.id} HTML order question — heed`);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  const inner = page.frames().find((f) => f !== page.mainFrame());
  assert.ok(inner);
  let innerFlag;
  try { innerFlag = await inner.evaluate(() => [window.pwned, document.title]); } catch { innerFlag = 'no scripts'; }
  t.diagnostic(`browser: mail: inside the frame: ${JSON.stringify(innerFlag)}`);
  if (Array.isArray(innerFlag)) {
    assert.equal(innerFlag[0], undefined, 'the script in the mail did not run');
    assert.notEqual(innerFlag[1], 'pwned');
  }
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(hits, [], 'the remote image server got no request');
  await b.shot(page, 'mail-01-html-frame');
});

async function messageId() {
  return (await h.api('GET', `/api/v1/tickets/${ticket.id}/messages`)).json.items[0].id;
}

test('"Show images" loads the remote image, still without running anything', async () => {
  await page.getByRole('button', { name: /Show images/ }).click();
  const frameEl = page.locator('li.message iframe');
  await page.waitForFunction(() => document.querySelector('li.message iframe').getAttribute('src').endsWith('?images=1'));
  assert.equal(await frameEl.getAttribute('src'), `/api/v1/messages/${(await messageId())}/html?images=1`);
  const frame = page.frameLocator('li.message iframe');
  await frame.getByText('Hello from HTML mail').waitFor();
  const start = Date.now();
  while (hits.length === 0 && Date.now() - start < T) await page.waitForTimeout(50);
  assert.ok(hits.length >= 1 && hits.length <= 2, `the image server got ${hits.length} requests`);
  assert.match(hits[0], /^\/open\.gif\?u=ann$/);
  assert.equal(await page.getByRole('button', { name: /Show images/ }).count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.title(), `#${ticket.id} HTML order question — heed`);
  await b.shot(page, 'mail-02-images-shown');
});

test('the plain text stays available', async () => {
  await page.getByRole('button', { name: 'Show plain text' }).click();
  await page.locator('li.message .body', { hasText: 'Hello from the plain text part' }).waitFor();
  assert.equal(await page.locator('li.message iframe').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Show as HTML' }).getAttribute('aria-pressed'), 'true');
  await b.shot(page, 'mail-03-plain-text');
  await page.getByRole('button', { name: 'Show as HTML' }).click();
  await page.locator('li.message iframe').waitFor();
});

test('the browser saw no errors and no CSP violations', () => {
  assert.deepEqual(b.problems, []);
});
