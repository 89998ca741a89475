// app.test.mjs — the agent web app in a real browser (headless Chromium via
// playwright-core) against the real heed binary: sign in, the queue, a
// ticket, a reply and a note, the draft, the keyboard, the security headers,
// sign out. The steps run in order on one page, as an agent would use it;
// each saves a screenshot to test-artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from '../e2e/lib/heed.mjs';
import { startBrowser } from './lib/browser.mjs';

let h, b, page;
const ticket = {}; // the ticket that "arrives by API"
const calls = [];  // every API request the app made: { method, path, headers }
const T = 15000;   // generous: the binary runs under ASan on a shared 2-core machine

before(async () => {
  h = await startHeed();
  b = await startBrowser();
  page = await b.newPage(h.base);
  page.setDefaultTimeout(T);
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) calls.push({ method: r.method(), path: url.pathname, headers: r.headers() });
  });
});

after(async () => {
  if (b) await b.close();
  if (h) await h.stop();
});

/** A ticket as a customer would open it (through the API, with the admin's token). */
async function arrive(subject, name, text) {
  const r = await h.api('POST', '/api/v1/tickets', {
    body: { subject, requester: { email: `${name.toLowerCase()}@example.org`, name }, message: { text } },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the sign-in page, then signing in with the admin e-mail and password', async () => {
  const res = await page.goto('/');
  assert.equal(res.status(), 200);
  await page.getByRole('heading', { name: /Sign in/ }).waitFor();
  await b.shot(page, '01-sign-in');

  // a wrong password is refused with a message, and nothing else happens
  await page.getByLabel('E-mail').fill('admin@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /do not match/);

  await page.getByLabel('Password').fill(h.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.match(await page.locator('header.topbar').textContent(), /Administrator/);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'heed_session');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true, 'the session cookie is HttpOnly');
  assert.equal(await page.evaluate(() => document.cookie.includes('heed_session')), false);
  await b.shot(page, '02-signed-in');
});

test('a ticket that arrived by the API is in the queue', async () => {
  Object.assign(ticket, await arrive('Parcel 88412 not delivered', 'Ann', 'My parcel 88412 has not arrived.'));
  await page.getByRole('link', { name: /^Unassigned/ }).click();
  await page.waitForURL('**/queue/unassigned');
  const row = page.locator(`tr[data-ticket="${ticket.id}"]`);
  await row.waitFor();
  const text = await row.textContent();
  assert.match(text, new RegExp(`#${ticket.id}`));
  assert.match(text, /Parcel 88412 not delivered/);
  assert.match(text, /Ann/);
  assert.match(text, /new/);
  assert.match(text, /normal/);
  assert.match(text, /on time/, 'the SLA state of the first-response clock');
  assert.match(await row.locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
  // counts on the tabs: nothing is mine, one is unassigned and active
  const tabs = page.getByRole('navigation', { name: 'Queues' });
  assert.match(await tabs.getByRole('link', { name: /^My tickets/ }).textContent(), /My tickets\s*0/);
  assert.match(await tabs.getByRole('link', { name: /^Unassigned/ }).textContent(), /Unassigned\s*1/);
  assert.match(await tabs.getByRole('link', { name: /^All active/ }).textContent(), /All active\s*1/);
  assert.equal(await tabs.getByRole('link', { name: /^Unassigned/ }).getAttribute('aria-current'), 'page');
  await b.shot(page, '03-queue');
});

test('opening the ticket: fields, SLA clocks and the customer\'s message', async () => {
  await page.getByRole('link', { name: 'Parcel 88412 not delivered' }).click();
  await page.waitForURL(`**/tickets/${ticket.id}`);
  await page.getByRole('heading', { level: 1, name: /Parcel 88412 not delivered/ }).waitFor();
  assert.equal(await page.title(), `#${ticket.id} Parcel 88412 not delivered — heed`);
  assert.equal(await page.getByLabel('Status').inputValue(), 'new');
  assert.equal(await page.getByLabel('Priority').inputValue(), 'normal');
  assert.equal(await page.getByLabel('Assignee').inputValue(), '');
  const clock = page.locator('.clocks li[data-metric="first_response"]');
  await clock.waitFor();
  assert.match(await clock.textContent(), /First response.*on time.*Due/s);
  const first = page.locator('li.message').first();
  await first.waitFor();
  assert.match(await first.textContent(), /My parcel 88412 has not arrived\./);
  assert.match(await first.textContent(), /Ann/);
  await page.locator('li.event[data-event="ticket.created"]').waitFor();
  await page.locator('li.event[data-event="ack.queued"]').waitFor();
  await b.shot(page, '04-ticket');
});

test('a reply (r, type, send) appears in the timeline and reaches the API as public', async () => {
  await page.locator('body').press('r');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reply-text');
  await page.keyboard.type('Hello Ann, the courier has it; it arrives tomorrow.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  const reply = page.locator('li.message', { hasText: 'the courier has it' });
  await reply.waitFor();
  assert.equal(await reply.getAttribute('data-visibility'), 'public');
  assert.equal(await page.getByLabel(/Reply to Ann/).inputValue(), '', 'the box is emptied');
  const msgs = (await h.api('GET', `/api/v1/tickets/${ticket.id}/messages`)).json.items;
  const sent = msgs.find((m) => m.text.includes('the courier has it'));
  assert.ok(sent);
  assert.equal(sent.visibility, 'public');
  assert.equal(sent.author, 'agent');
  // the reply was the first response: the clock stopped, the ticket is open
  await page.locator('.clocks li[data-metric="first_response"]').waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('Status').inputValue(), 'open');
  await b.shot(page, '05-reply');
});

test('an internal note (n) is marked internal in the timeline', async () => {
  await page.locator('body').press('n');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reply-text');
  await page.keyboard.type('Courier ref 77-1234');
  await page.getByRole('button', { name: 'Add internal note' }).click();
  const note = page.locator('li.message', { hasText: 'Courier ref 77-1234' });
  await note.waitFor();
  assert.equal(await note.getAttribute('data-visibility'), 'internal');
  assert.match(await note.getAttribute('class'), /\binternal\b/);
  assert.match(await note.textContent(), /Internal note/);
  // it looks different from a public message
  const bg = (sel) => page.locator(sel).first().locator('article').evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(await bg('li.message.internal'), await bg('li.message.public'));
  const msgs = (await h.api('GET', `/api/v1/tickets/${ticket.id}/messages`)).json.items;
  assert.equal(msgs.find((m) => m.text === 'Courier ref 77-1234').visibility, 'internal');
  await b.shot(page, '06-internal-note');
});

test('the draft is kept as it is typed and survives a reload', async () => {
  await page.locator('body').press('n');
  await page.keyboard.type('Half-written note about the courier');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: /Parcel 88412/ }).waitFor();
  const box = page.locator('#reply-text');
  assert.equal(await box.inputValue(), 'Half-written note about the courier');
  assert.equal(await page.getByLabel('Internal note', { exact: true }).isChecked(), true, 'still a note');
  await b.shot(page, '07-draft-restored');
  await box.fill('');
  await box.press('Escape');
});

test('changing fields PATCHes the ticket; a refused move shows the reason', async () => {
  await page.getByLabel('Priority').selectOption('urgent');
  await page.locator('li.event', { hasText: 'priority normal → urgent' }).waitFor();
  assert.equal((await h.api('GET', `/api/v1/tickets/${ticket.id}`)).json.priority, 'urgent');

  await page.getByRole('button', { name: 'Assign to me' }).click();
  await page.locator('li.event', { hasText: 'assignee nobody → Administrator' }).waitFor();
  assert.equal((await h.api('GET', `/api/v1/tickets/${ticket.id}`)).json.assignee_id, 1);

  await page.getByLabel('Status').selectOption('new'); // an open ticket cannot go back to new: 409
  const alert = page.locator('#controls-error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /cannot go back to new/);
  assert.equal(await page.getByLabel('Status').inputValue(), 'open', 'the select shows what is saved');
  await b.shot(page, '08-conflict');
});

test('keyboard: j/k move through the queue, Enter opens, ? lists the shortcuts', async () => {
  const second = await arrive('Refund for order 5521', 'Bob', 'I would like a refund.');
  await page.getByRole('link', { name: '← Queue' }).click();
  await page.getByRole('link', { name: /^All active/ }).click();
  await page.locator(`tr[data-ticket="${second.id}"]`).waitFor();
  await page.locator('body').press('j');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Refund for order 5521');
  await page.keyboard.press('j');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Parcel 88412 not delivered');
  await page.keyboard.press('k');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Refund for order 5521');
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  await b.shot(page, '09-shortcuts');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Refund for order 5521',
    'closing the list puts the focus back');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/tickets/${second.id}`);
  await page.getByRole('heading', { level: 1, name: /Refund for order 5521/ }).waitFor();
});

test('the page sends a strict CSP, runs no inline script and every field has a label', async () => {
  const res = await page.goto(`/tickets/${ticket.id}`);
  const hdr = res.headers();
  assert.match(hdr['content-security-policy'], /default-src 'none'/);
  assert.match(hdr['content-security-policy'], /script-src 'self'(;|$)/);
  assert.match(hdr['content-security-policy'], /style-src 'self'(;|$)/);
  assert.match(hdr['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(hdr['referrer-policy'], 'no-referrer');
  assert.equal(hdr['x-frame-options'], 'DENY');
  assert.equal(hdr['cache-control'], 'no-store');
  await page.locator('#reply-text').waitFor();
  const dom = await page.evaluate(() => ({
    inline: [...document.scripts].filter((s) => !s.src).length,
    external: [...document.scripts].map((s) => new URL(s.src).origin),
    styleAttrs: document.querySelectorAll('[style]').length,
    unlabelled: [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label'))
      .map((e) => e.outerHTML),
  }));
  assert.equal(dom.inline, 0, 'no inline script');
  assert.deepEqual([...new Set(dom.external)], [h.base], 'scripts only from heed');
  assert.equal(dom.styleAttrs, 0, 'no inline style');
  assert.deepEqual(dom.unlabelled, []);
  // an inline script injected into the page is refused by the browser
  const ran = await page.evaluate(() => {
    window.__ran = false;
    const s = document.createElement('script');
    s.textContent = 'window.__ran = true';
    document.head.append(s);
    return window.__ran;
  });
  assert.equal(ran, false, 'the CSP blocks inline script');
  // ... and reported as a violation (then dropped from the problems: this test caused it)
  for (let i = 0; i < 100 && !b.problems.some((p) => /CSP violation: script-src/.test(p)); i++) {
    await page.waitForTimeout(50);
  }
  assert.ok(b.problems.some((p) => /CSP violation: script-src/.test(p)), 'the violation is reported');
  const ours = /CSP violation: script-src|inline script violates|Refused to execute inline script/;
  b.problems.splice(0, b.problems.length, ...b.problems.filter((p) => !ours.test(p)));
});

test('first paint of the queue (performance API)', async (t) => {
  for (let i = 0; i < 48; i++) await arrive(`Question ${i + 1} about an order`, `Customer${i}`, 'When does it ship?');
  await page.goto('/queue/all');
  await page.locator('table.tickets tbody tr').nth(49).waitFor();
  const perf = await page.evaluate(() => ({
    queue: performance.getEntriesByName('heed:queue-shown')[0]?.startTime,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    nav: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,
    rows: document.querySelectorAll('table.tickets tbody tr').length,
  }));
  assert.ok(perf.queue > 0, 'the queue marks when it is first shown');
  assert.equal(perf.rows, 50);
  // (tests/run.mjs prints diagnostics that start with "browser:")
  t.diagnostic(`browser: queue of ${perf.rows} tickets shown ${perf.queue.toFixed(0)} ms after navigation ` +
    `(first contentful paint ${perf.fcp?.toFixed(0)} ms, DOMContentLoaded ${perf.nav?.toFixed(0)} ms)`);
  await b.shot(page, '10-queue-50');
  // a phone-sized screen gets the same queue as cards
  await page.setViewportSize({ width: 390, height: 844 });
  await b.shot(page, '11-queue-phone', { fullPage: false });
  await page.goto(`/tickets/${ticket.id}`);
  await page.locator('li.message.internal').waitFor();
  await b.shot(page, '12-ticket-phone', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await b.shot(page, '13-ticket-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('signing out ends the session', async () => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: /Sign in/ }).waitFor();
  assert.match(await page.getByRole('status').textContent(), /signed out/);
  const status = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status));
  assert.equal(status, 401);
  await page.reload();
  await page.getByRole('heading', { name: /Sign in/ }).waitFor();
  await b.shot(page, '14-signed-out');
});

test('the app used the session: no token, a CSRF token on every change', () => {
  const writes = calls.filter((c) => c.method !== 'GET');
  assert.ok(writes.some((c) => c.method === 'PATCH') && writes.some((c) => c.method === 'DELETE'));
  for (const c of calls) assert.equal(c.headers.authorization, undefined, `${c.method} ${c.path}`);
  for (const c of writes) {
    if (c.method === 'POST' && c.path === '/api/v1/session') continue; // signing in
    assert.match(c.headers['x-csrf-token'] || '', /.{16,}/, `${c.method} ${c.path}: X-CSRF-Token`);
  }
  const posts = writes.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
  assert.equal(posts.length, 2);
  for (const c of posts) assert.match(c.headers['idempotency-key'] || '', /^[0-9a-f]{32}$/);
});

test('the browser saw no errors and no CSP violations', () => {
  assert.deepEqual(b.problems, []);
});
