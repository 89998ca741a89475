// portal.test.mjs — the customer portal (web/src/portal/, served as
// portal.html for /portal and /portal/...) in a real browser against the
// real heed binary: the contact form answers at once with the reference and
// the time an answer is due; signing in with the link mailed through a real
// SMTP server (the sink); the customer's tickets; an internal note never
// shows, a public reply does; confirming a solution closes the ticket;
// another customer's ticket is "not found"; signing out. Screenshots go to
// test-artifacts/browser/portal-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from '../e2e/lib/heed.mjs';
import { startSmtpSink } from '../e2e/lib/smtp-sink.mjs';
import { startBrowser } from './lib/browser.mjs';

let h, b, sink, page;
const T = 15000; // the binary runs under ASan on a shared 2-core machine
const EMAIL = 'pat.portal@example.org';
const mine = {};   // the ticket the customer opens with the form
const calls = [];  // every API request the portal made

before(async () => {
  sink = await startSmtpSink();
  h = await startHeed({
    conf: `first_response_minutes = 60\npublic_url = http://help.acme.example\n` +
      `smtp_host = 127.0.0.1\nsmtp_port = ${sink.port}\noutbox_retry_seconds = 1\n`,
  });
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
  if (sink) await sink.stop();
});

/** The portal's own answer to a GET of `path`, from inside the page (its cookie). */
const inPage = (path) => page.evaluate((p) => fetch(p).then((r) => r.status), path);

test('the contact form: the reference and the due time at once', async () => {
  const res = await page.goto('/portal');
  assert.equal(res.status(), 200);
  const hdr = res.headers();
  assert.match(hdr['content-security-policy'], /default-src 'none'/);
  assert.match(hdr['content-security-policy'], /script-src 'self'(;|$)/);
  assert.equal(hdr['cache-control'], 'no-store');
  await page.getByRole('heading', { level: 1, name: 'Contact us' }).waitFor();
  assert.equal(await page.title(), 'Contact us — Help');
  await page.getByLabel('E-mail', { exact: true }).fill(EMAIL);
  await page.getByLabel(/^Name/).fill('Pat Portal');
  await page.getByLabel('Subject').fill('Invoice 4471 charged twice');
  await page.getByLabel('Message').fill('My card was charged twice for invoice 4471.');
  await b.shot(page, 'portal-01-form');
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Send request' }).click();
  const done = page.getByRole('heading', { name: /we have your request/ });
  await done.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'done-title', 'the focus moves to the answer');
  const ref = await page.locator('[data-reference]').textContent();
  assert.match(ref, /^#\d+$/);
  mine.id = Number(ref.slice(1));
  const t = (await h.api('GET', `/api/v1/tickets/${mine.id}`)).json;
  assert.equal(t.subject, 'Invoice 4471 charged twice');
  assert.equal(t.channel, 'web');
  const due = page.locator('.confirmation .due time');
  assert.match(await page.locator('.confirmation .due').textContent(), /^We will answer by .+\.$/);
  assert.equal(Date.parse(await due.getAttribute('datetime')), Date.parse(t.first_response_due));
  assert.ok(Math.abs(Date.parse(t.first_response_due) - t0 - 3600e3) < 600e3, t.first_response_due);
  await b.shot(page, 'portal-02-confirmation');
});

test('signing in with the mailed link lists the customer\'s ticket', async () => {
  await page.getByLabel('Your e-mail').fill(EMAIL);
  await page.getByRole('button', { name: 'Mail me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
  assert.match(await page.getByRole('status').textContent(), /sign-in link is on its way/);
  await b.shot(page, 'portal-03-check-mail');
  const mail = await sink.waitFor((x) => x.to.includes(EMAIL) && /sign-in link/.test(x.parsed.subject), 10000);
  const token = /\/portal\/signin\/([A-Za-z0-9._-]+)/.exec(mail.parsed.text)[1];

  await page.goto(`/portal/signin/${token}`);
  await page.waitForURL('**/portal/tickets');
  await page.getByRole('heading', { level: 1, name: 'Your requests' }).waitFor();
  const row = page.locator(`tr[data-ticket="${mine.id}"]`);
  await row.waitFor();
  const text = await row.textContent();
  assert.match(text, new RegExp(`#${mine.id}`));
  assert.match(text, /Invoice 4471 charged twice/);
  assert.match(text, /Received/);
  assert.match(await page.locator('header.topbar').textContent(), /Pat Portal/);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'heed_portal');
  assert.ok(cookie, 'the portal cookie is set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(await page.evaluate(() => history.length > 0 && location.pathname), '/portal/tickets');
  await b.shot(page, 'portal-04-tickets');
});

test('a public reply shows, an internal note never; promises; the customer replies', async () => {
  let r = await h.api('POST', `/api/v1/tickets/${mine.id}/messages`,
    { body: { text: 'SECRET internal remark: refund via ledger 9', visibility: 'internal' } });
  assert.equal(r.status, 201, r.text);
  r = await h.api('POST', `/api/v1/tickets/${mine.id}/messages`,
    { body: { text: 'Sorry about that, Pat. We are refunding the second charge.' } });
  assert.equal(r.status, 201, r.text);
  const due = new Date(Date.now() + 2 * 86400e3).toISOString();
  r = await h.api('POST', `/api/v1/tickets/${mine.id}/promises`,
    { body: { kind: 'update', due_at: due, description: 'We will tell you when the refund is sent.' } });
  assert.equal(r.status, 201, r.text);

  await page.getByRole('link', { name: 'Invoice 4471 charged twice' }).click();
  await page.waitForURL(`**/portal/tickets/${mine.id}`);
  await page.getByRole('heading', { level: 1, name: /Invoice 4471 charged twice/ }).waitFor();
  assert.equal(await page.title(), `#${mine.id} Invoice 4471 charged twice — Help`);
  await page.locator('li.message', { hasText: 'We are refunding the second charge' }).waitFor();
  const conv = await page.locator('ol.conversation').textContent();
  assert.match(conv, /My card was charged twice/);
  assert.match(conv, /Administrator/);
  const body = await page.locator('body').textContent();
  assert.doesNotMatch(body, /SECRET|ledger 9/, 'the internal note is never shown');
  const promise = page.locator('ul.promises li');
  assert.equal(await promise.count(), 1);
  assert.match(await promise.textContent(), /Update.*We will tell you when the refund is sent.*due.*Open/s);
  assert.equal(Date.parse(await promise.locator('time').getAttribute('datetime')), Date.parse(due));
  assert.equal(await page.getByRole('button', { name: 'Yes, it is solved' }).count(), 0, 'not solved: no buttons');

  await page.getByLabel('Your message').fill('Thank you! I will watch my statement.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.locator('li.message.from-customer', { hasText: 'watch my statement' }).waitFor();
  assert.equal(await page.getByLabel('Your message').inputValue(), '');
  const msgs = (await h.api('GET', `/api/v1/tickets/${mine.id}/messages`)).json.items;
  const sent = msgs.find((m) => m.text.includes('watch my statement'));
  assert.equal(sent.author, 'customer');
  assert.equal(sent.visibility, 'public');
  await b.shot(page, 'portal-05-ticket');
});

test('the agent solves the ticket; the customer confirms it; it is closed', async () => {
  const r = await h.api('PATCH', `/api/v1/tickets/${mine.id}`, { body: { status: 'solved' } });
  assert.equal(r.status, 200, r.text);
  await page.reload();
  const yes = page.getByRole('button', { name: 'Yes, it is solved' });
  await yes.waitFor();
  await page.getByRole('button', { name: 'No, still a problem' }).waitFor();
  assert.match(await page.locator('.meta .badge').textContent(), /Solved/);
  await b.shot(page, 'portal-06-solved');
  await yes.click();
  await page.getByRole('status').filter({ hasText: 'Your request is closed' }).waitFor();
  assert.equal(await page.locator('.meta .badge').getAttribute('data-status'), 'closed');
  assert.equal(await yes.count(), 0);
  const t = (await h.api('GET', `/api/v1/tickets/${mine.id}`)).json;
  assert.equal(t.status, 'closed');
  const ev = (await h.api('GET', `/api/v1/tickets/${mine.id}/events`)).json.items
    .find((e) => e.type === 'resolution.confirmed');
  assert.equal(ev.actor_kind, 'customer');
  await b.shot(page, 'portal-07-confirmed');
});

test("another customer's ticket is not found", async () => {
  const r = await h.api('POST', '/api/v1/portal/tickets', {
    token: null,
    body: { email: 'someone.else@example.org', subject: 'Private matter of Someone Else', text: 'Secret to me.' },
  });
  assert.equal(r.status, 201, r.text);
  const other = r.json.ticket_id;
  await page.goto(`/portal/tickets/${other}`);
  await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
  const body = await page.locator('body').textContent();
  assert.doesNotMatch(body, /Private matter|Secret to me/);
  assert.equal(await inPage(`/api/v1/portal/tickets/${other}`), 404);
  assert.equal(await inPage(`/api/v1/portal/tickets/${other}/messages`), 404);
  await page.goto('/portal/tickets');
  await page.locator(`tr[data-ticket="${mine.id}"]`).waitFor();
  assert.equal(await page.locator(`tr[data-ticket="${other}"]`).count(), 0);
  await b.shot(page, 'portal-08-not-found');
  // the 404s above were this test's own
  const ours = /status of 404/;
  b.problems.splice(0, b.problems.length, ...b.problems.filter((p) => !ours.test(p)));
});

test('no inline script, every field labelled, phone-sized and dark', async () => {
  await page.goto(`/portal/tickets/${mine.id}`);
  await page.locator('#reply-text').waitFor();
  const dom = await page.evaluate(() => ({
    inline: [...document.scripts].filter((s) => !s.src).length,
    styleAttrs: document.querySelectorAll('[style]').length,
    unlabelled: [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label'))
      .map((e) => e.outerHTML),
    h1: document.querySelectorAll('h1').length,
  }));
  assert.equal(dom.inline, 0);
  assert.equal(dom.styleAttrs, 0);
  assert.deepEqual(dom.unlabelled, []);
  assert.equal(dom.h1, 1);
  // keyboard: the skip link comes first and leads to the content
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.setViewportSize({ width: 390, height: 844 });
  await b.shot(page, 'portal-09-ticket-phone');
  await page.goto('/portal');
  await page.getByRole('heading', { level: 1, name: 'Contact us' }).waitFor();
  await b.shot(page, 'portal-10-form-phone');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await b.shot(page, 'portal-11-form-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('signing out ends the portal session', async () => {
  await page.goto('/portal/tickets');
  await page.locator(`tr[data-ticket="${mine.id}"]`).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/portal$/);
  assert.match(await page.getByRole('status').first().textContent(), /signed out/);
  await page.getByRole('heading', { name: 'Sign in to see your requests' }).waitFor();
  assert.equal(await inPage('/api/v1/portal/session'), 401);
  await page.goto('/portal/tickets');
  await page.getByRole('heading', { name: 'Sign in to see your requests' }).waitFor();
  assert.equal(await page.locator('table.tickets').count(), 0);
  await b.shot(page, 'portal-12-signed-out');
});

test('the portal used its cookie: no token, a CSRF token on every signed-in write', () => {
  for (const c of calls) {
    assert.equal(c.headers.authorization, undefined, `${c.method} ${c.path}`);
    assert.match(c.path, /^\/api\/v1\/portal\//, `${c.method} ${c.path}`);
  }
  const signedInWrites = calls.filter((c) => c.method !== 'GET' && !['/api/v1/portal/tickets',
    '/api/v1/portal/magic-link'].includes(c.path) && !(c.method === 'POST' && c.path === '/api/v1/portal/session'));
  assert.ok(signedInWrites.some((c) => c.path.endsWith('/confirmation')));
  assert.ok(signedInWrites.some((c) => c.method === 'DELETE'));
  for (const c of signedInWrites) assert.match(c.headers['x-csrf-token'] || '', /.{16,}/, `${c.method} ${c.path}`);
  const form = calls.find((c) => c.method === 'POST' && c.path === '/api/v1/portal/tickets');
  assert.match(form.headers['idempotency-key'] || '', /^[0-9a-f]{32}$/);
});

test('the browser saw no errors and no CSP violations', () => {
  assert.deepEqual(b.problems, []);
});
