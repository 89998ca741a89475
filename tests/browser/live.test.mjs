// live.test.mjs — live updates and collision notices in a real browser: two
// agents signed in in two browser contexts (own cookies) against the real
// heed binary. A ticket that arrives by the API appears in the other agent's
// queue without a reload; a reply posted by one appears in the other's open
// ticket; each sees the other "viewing" and "replying…" before anything is
// sent. Latencies are printed; screenshots go to test-artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from '../e2e/lib/heed.mjs';
import { startBrowser } from './lib/browser.mjs';

const T = 15000; // generous: the binary runs under ASan on a shared 2-core machine
const ALEX = { name: 'Alex Morgan', email: 'alex@example.com', password: 'a long enough password 42' };

let h, b, pa, pb; // pa: the administrator, pb: Alex
let ticket;

const streamOpened = (page) =>
  page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/stream', { timeout: T });

/** Load `path` and wait until the app's live stream is open. */
async function gotoLive(page, path) {
  const stream = streamOpened(page);
  await page.goto(path);
  assert.equal((await stream).status(), 200);
}

/** Sign `page` in and wait until its live stream is open. */
async function signIn(page, email, password) {
  const stream = streamOpened(page);
  await page.goto('/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const r = await stream;
  assert.equal(r.status(), 200);
  assert.match(r.headers()['content-type'], /^text\/event-stream/);
}

before(async () => {
  h = await startHeed();
  const r = await h.api('POST', '/api/v1/agents', { body: ALEX });
  assert.equal(r.status, 201, r.text);
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

test('two agents sign in, each in their own browser context, each with a live stream', async () => {
  await signIn(pa, 'admin@example.com', h.password);
  await signIn(pb, ALEX.email, ALEX.password);
  assert.match(await pa.locator('header.topbar').textContent(), /Administrator/);
  assert.match(await pb.locator('header.topbar').textContent(), /Alex Morgan/);
  await gotoLive(pa, '/queue/all');
  await gotoLive(pb, '/queue/all');
  await pa.getByText('No active tickets.').waitFor();
  await pb.getByText('No active tickets.').waitFor();
  await b.shot(pb, 'live-01-empty-queue');
});

test('a ticket created by the API appears in both queues within 1 s, without a reload', async (t) => {
  let reloads = 0;
  pb.on('framenavigated', (f) => { if (f === pb.mainFrame()) reloads++; });
  const t0 = Date.now();
  const r = await h.api('POST', '/api/v1/tickets', {
    body: { subject: 'Live: printer on fire', requester: { email: 'ann@example.org', name: 'Ann' }, message: { text: 'Smoke everywhere.' } },
  });
  assert.equal(r.status, 201, r.text);
  ticket = r.json;
  const rowB = pb.locator(`tr[data-ticket="${ticket.id}"]`);
  const rowA = pa.locator(`tr[data-ticket="${ticket.id}"]`);
  await Promise.all([rowB.waitFor({ timeout: 5000 }), rowA.waitFor({ timeout: 5000 })]);
  const ms = Date.now() - t0;
  t.diagnostic(`browser: live: new ticket in the other agent's queue after ${ms} ms (API call included)`);
  assert.ok(ms < 1000, `appeared after ${ms} ms`);
  assert.equal(reloads, 0, 'no reload');
  assert.match(await rowB.textContent(), /Live: printer on fire/);
  assert.match(await pb.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: /^All active/ }).textContent(), /All active\s*1/);
  await b.shot(pb, 'live-02-ticket-appeared');
});

test('both open the ticket: each sees the other viewing', async () => {
  await pa.getByRole('link', { name: 'Live: printer on fire' }).click();
  await pb.getByRole('link', { name: 'Live: printer on fire' }).click();
  await pa.getByRole('heading', { level: 1, name: /Live: printer on fire/ }).waitFor();
  await pb.getByRole('heading', { level: 1, name: /Live: printer on fire/ }).waitFor();
  const noticeA = pa.getByRole('status').filter({ hasText: 'Alex Morgan is viewing' });
  const noticeB = pb.getByRole('status').filter({ hasText: 'Administrator is viewing' });
  await noticeA.waitFor();
  await noticeB.waitFor();
  assert.equal(await pa.getByText(/Administrator is/).count(), 0, 'an agent is not told about themself');
  const p = (await h.api('GET', `/api/v1/tickets/${ticket.id}/presence`)).json.items;
  assert.equal(p.length, 2);
  await b.shot(pa, 'live-03-viewing');
});

test('when Alex starts typing, the administrator sees "replying…" before anything is sent', async (t) => {
  await pb.getByLabel(/Reply to Ann/).click();
  await pb.keyboard.type('I am on it');
  const t0 = Date.now();
  await pa.getByText('Alex Morgan is replying…').waitFor();
  t.diagnostic(`browser: live: "replying" shown to the other agent ${Date.now() - t0} ms after the typing ended (sent on focus)`);
  assert.equal((await h.api('GET', `/api/v1/tickets/${ticket.id}/messages`)).json.items.length, 1, 'nothing was sent');
  assert.match(await pa.locator('.presence li.presence-replying').textContent(), /Alex Morgan is replying…/);
  await b.shot(pa, 'live-04-replying');
  // Alex clears the box and leaves it: back to viewing
  await pb.getByLabel(/Reply to Ann/).fill('');
  await pb.getByLabel(/Reply to Ann/).blur();
  await pa.getByText('Alex Morgan is viewing').waitFor();
});

test('a reply posted by the administrator appears in Alex\'s open ticket', async (t) => {
  await pa.getByLabel(/Reply to Ann/).fill('The fire brigade is on its way.');
  await pb.getByText('Administrator is replying…').waitFor();
  const t0 = Date.now();
  await pa.getByRole('button', { name: 'Send reply' }).click();
  const msg = pb.locator('li.message', { hasText: 'The fire brigade is on its way.' });
  await msg.waitFor({ timeout: 5000 });
  const ms = Date.now() - t0;
  t.diagnostic(`browser: live: reply in the other agent's open ticket after ${ms} ms (click to shown)`);
  assert.ok(ms < 1000, `appeared after ${ms} ms`);
  assert.equal(await msg.getAttribute('data-visibility'), 'public');
  // the status change the reply caused reaches Alex's fields too
  await pb.waitForFunction(() => document.getElementById('t-status').value === 'open');
  await pb.getByText('Administrator is viewing').waitFor();
  await b.shot(pb, 'live-05-reply-appeared');
});

test('leaving the ticket tells the other agent', async () => {
  await pb.getByRole('link', { name: '← Queue' }).click();
  await pb.waitForURL('**/');
  await pa.getByText('Alex Morgan is viewing').waitFor({ state: 'detached' });
  const p = (await h.api('GET', `/api/v1/tickets/${ticket.id}/presence`)).json.items;
  assert.deepEqual(p.map((x) => x.agent_name), ['Administrator']);
  // leaving the page (pagehide) says "left" too
  await pb.goto(`/tickets/${ticket.id}`);
  await pa.getByText('Alex Morgan is viewing').waitFor();
  await pb.goto('about:blank');
  await pa.getByText('Alex Morgan is viewing').waitFor({ state: 'detached' });
  await b.shot(pa, 'live-06-alone');
});

test('the browser saw no errors and no CSP violations', () => {
  assert.deepEqual(b.problems, []);
});
