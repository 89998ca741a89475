// commitments.test.mjs — the commitments engine through the real binary with
// heed's test clock (POST /api/v1/test/clock, built only with -Dtest_clock):
// lifecycle refusals and close reasons, the default first-response SLA in the
// acknowledgement, an SLA policy walked through warning, breach and its
// escalations, pauses, business hours, customer-confirmed resolution with
// signed links (yes, no, stale links), follow-up tickets, auto-close after
// the grace period, and the metrics afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';
import { all, eventually } from './lib/mail.mjs';

let h, api, me, clockBuilt = true;
const MIN = 60000;

before(async () => {
  h = await startHeed({ conf: 'first_response_minutes = 60\nautoclose_days = 7\n' });
  api = checkedApi(h);
  me = (await api('GET', '/api/v1/agents/me')).json;
  const r = await h.api('POST', '/api/v1/test/clock', { body: { advance_ms: 0 } });
  clockBuilt = r.status === 200;
});
after(async () => { await h.stop(); });

let seq = 0;
const uniq = (p) => `${p}-${Date.now().toString(36)}-${++seq}`;
const ms = (s) => Date.parse(s);

async function now() {
  const r = await api('POST', '/api/v1/test/clock', { body: { advance_ms: 0 } });
  return ms(r.json.now);
}
async function advance(minutes) {
  const r = await api('POST', '/api/v1/test/clock', { body: { advance_ms: Math.round(minutes * MIN) } });
  assert.equal(r.status, 200, r.text);
  return ms(r.json.now);
}
async function ticket(id) {
  const r = await api('GET', `/api/v1/tickets/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function newTicket(extra = {}) {
  const r = await api('POST', '/api/v1/tickets', {
    body: {
      subject: uniq('subject'),
      requester: { email: `${uniq('c')}@example.com`, name: 'Cara Customer' },
      message: { text: 'It does not work.' },
      ...extra,
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function patch(id, body) {
  return api('PATCH', `/api/v1/tickets/${id}`, { body });
}
async function reply(id, text = 'Here is what we found.', extra = {}) {
  const r = await api('POST', `/api/v1/tickets/${id}/messages`, { body: { text, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const events = (id) => all(h, `/api/v1/tickets/${id}/events`);
async function outbox(id) {
  const r = await api('GET', `/api/v1/tickets/${id}/outbox`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}
const clock = (t, metric) => t.sla.clocks.find((c) => c.metric === metric);
async function solvedToken(id, nth = -1) {
  const mails = (await outbox(id)).filter((o) => o.kind === 'solved');
  assert.ok(mails.length, 'a solved mail is queued');
  const body = mails.at(nth).body_text;
  const m = /\/confirm\/([A-Za-z0-9._-]+)\?answer=no/.exec(body);
  assert.ok(m, body);
  assert.match(body, new RegExp(`/confirm/${m[1].replace(/\./g, '\\.')}\\?answer=yes`));
  return m[1];
}
async function confirm(token, answer, method = 'POST') {
  const res = await fetch(`${h.base}/confirm/${token}?answer=${answer}`, { method });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

test('closing needs a reason; closed is final; nothing goes back to new', async () => {
  const t = await newTicket();
  let r = await patch(t.id, { status: 'closed' });
  assert.equal(r.status, 409);
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  assert.match(r.json.detail, /close_reason/);
  r = await patch(t.id, { close_reason: 'spam', status: 'open' });
  assert.equal(r.status, 422, r.text);
  await reply(t.id);
  r = await patch(t.id, { status: 'new' });
  assert.equal(r.status, 409);
  r = await patch(t.id, { status: 'closed', close_reason: 'spam' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.close_kind, 'reason');
  assert.equal(r.json.close_reason, 'spam');
  r = await patch(t.id, { status: 'open' });
  assert.equal(r.status, 409);
  r = await patch(t.id, { priority: 'high' });
  assert.equal(r.status, 409);
  // a solved ticket is closed by its customer, or the grace period
  const u = await newTicket();
  await patch(u.id, { status: 'solved' });
  r = await patch(u.id, { status: 'closed' });
  assert.equal(r.status, 409);
  assert.match(r.json.detail, /customer confirms/);
  const ev = (await events(t.id)).filter((e) => e.type === 'ticket.updated').at(-1);
  assert.equal(ev.data.after.close_reason, 'spam');
});

test('the acknowledgement promises the first-response due time of the default SLA', async () => {
  const t = await newTicket();
  const fr = clock(t, 'first_response');
  assert.ok(fr, JSON.stringify(t.sla));
  assert.equal(fr.target_minutes, 60);
  assert.equal(ms(fr.due_at), ms(t.created_at) + 60 * MIN);
  assert.equal(t.first_response_due, fr.due_at);
  assert.equal(t.sla.state, 'ok');
  assert.equal(t.sla.next_due, fr.due_at);
  const ack = (await outbox(t.id)).find((o) => o.kind === 'ack');
  const d = new Date(fr.due_at);
  assert.match(ack.body_text, new RegExp(`${d.getUTCHours().toString().padStart(2, '0')}:${d.getUTCMinutes().toString().padStart(2, '0')} UTC`));
  // an internal note is no response; a public reply is
  await reply(t.id, 'note', { visibility: 'internal' });
  assert.ok(clock(await ticket(t.id), 'first_response'));
  await reply(t.id);
  const after1 = await ticket(t.id);
  assert.equal(clock(after1, 'first_response'), undefined);
  assert.ok(after1.first_response_at);
});

test('a policy walks a ticket through warning, breach and escalation', async (t) => {
  if (!clockBuilt) return t.skip('test clock not built');
  const team = await api('POST', '/api/v1/teams', { body: { name: uniq('Escalations'), lead_id: me.id } });
  assert.equal(team.status, 201, team.text);
  const pol = await api('POST', '/api/v1/sla-policies', {
    body: {
      name: uniq('High priority'),
      conditions: { priority: ['high'] },
      targets: { first_response: 30, next_response: 20, resolution: 240 },
      warn_before: 10,
      on_warning: [{ action: 'notify_lead' }],
      on_breach: [{ action: 'raise_priority' }, { action: 'add_tag', tag: 'sla-breached' }],
    },
  });
  assert.equal(pol.status, 201, pol.text);
  const tk = await newTicket({ priority: 'high', team_id: team.json.id });
  assert.equal(tk.sla.policy_id, pol.json.id);
  const fr = clock(tk, 'first_response');
  assert.equal(ms(fr.due_at), ms(tk.created_at) + 30 * MIN);
  assert.equal(ms(fr.warn_at), ms(tk.created_at) + 20 * MIN);
  assert.equal(clock(tk, 'resolution').target_minutes, 240);

  await advance(21);
  await eventually(async () => (await events(tk.id)).some((e) => e.type === 'sla.warning'), 10000, 'sla.warning');
  let cur = await ticket(tk.id);
  assert.equal(cur.sla.state, 'warning');
  const notify = (await outbox(tk.id)).find((o) => o.kind === 'notify');
  assert.ok(notify, 'the team lead is told');
  assert.equal(notify.to, me.email);

  await advance(10);
  await eventually(async () => (await events(tk.id)).some((e) => e.type === 'sla.breached'), 10000, 'sla.breached');
  cur = await ticket(tk.id);
  assert.equal(cur.sla.state, 'breached');
  assert.equal(cur.priority, 'urgent');
  assert.deepEqual(cur.tags, ['sla-breached']);
  const breach = (await events(tk.id)).find((e) => e.type === 'sla.breached');
  assert.equal(breach.data.metric, 'first_response');
  assert.deepEqual(breach.data.actions.map((a) => a.action), ['raise_priority', 'add_tag']);
  // each timer fired once
  assert.equal((await events(tk.id)).filter((e) => e.type === 'sla.warning').length, 1);

  // urgent no longer matches the policy: the desk's default applies now,
  // and the breached first response stays breached until answered
  await reply(tk.id);
  cur = await ticket(tk.id);
  assert.equal(clock(cur, 'first_response'), undefined);
});

test('changing priority or team re-matches the policy and recomputes the due times', async () => {
  const team = await api('POST', '/api/v1/teams', { body: { name: uniq('VIP desk') } });
  const pol = await api('POST', '/api/v1/sla-policies', {
    body: { name: uniq('VIP'), position: 1, conditions: { team_id: [team.json.id] }, targets: { first_response: 15 } },
  });
  assert.equal(pol.status, 201, pol.text);
  const tk = await newTicket();
  assert.equal(clock(tk, 'first_response').target_minutes, 60);
  let r = await patch(tk.id, { team_id: team.json.id });
  assert.equal(r.status, 200, r.text);
  let fr = clock(r.json, 'first_response');
  assert.equal(r.json.sla.policy_id, pol.json.id);
  assert.equal(fr.target_minutes, 15);
  assert.equal(ms(fr.due_at), ms(tk.created_at) + 15 * MIN, 'the start stays; the target changes');
  r = await patch(tk.id, { team_id: null });
  fr = clock(r.json, 'first_response');
  assert.equal(r.json.sla.policy_id, null);
  assert.equal(ms(fr.due_at), ms(tk.created_at) + 60 * MIN);
});

test('pending pauses the clocks; business hours count only open time', async (t) => {
  if (!clockBuilt) return t.skip('test clock not built');
  const pol = await api('POST', '/api/v1/sla-policies', {
    body: { name: uniq('Low'), position: 1, conditions: { priority: ['low'] }, targets: { resolution: 120 } },
  });
  assert.equal(pol.status, 201, pol.text);
  const tk = await newTicket({ priority: 'low' });
  const due0 = ms(clock(tk, 'resolution').due_at);
  await patch(tk.id, { status: 'pending' });
  let cur = await ticket(tk.id);
  assert.equal(clock(cur, 'resolution').paused, true);
  assert.equal(clock(cur, 'resolution').due_at, null);
  await advance(60);
  await patch(tk.id, { status: 'open' });
  cur = await ticket(tk.id);
  const due1 = ms(clock(cur, 'resolution').due_at);
  assert.ok(Math.abs(due1 - (due0 + 60 * MIN)) < 5000, `${due1 - due0}`);

  // business hours: Monday to Friday 09:00-17:00 UTC
  const hours = {};
  for (const d of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday']) hours[d] = [{ start: '09:00', end: '17:00' }];
  for (const d of ['saturday', 'sunday']) hours[d] = [];
  const cal = await api('POST', '/api/v1/calendars', { body: { name: uniq('Office'), time_zone: 'UTC', hours, holidays: [], closures: [] } });
  assert.equal(cal.status, 201, cal.text);
  const bp = await api('POST', '/api/v1/sla-policies', {
    body: { name: uniq('Web'), position: 1, conditions: { channel: ['web'] }, targets: { first_response: 90 }, calendar_id: cal.json.id },
  });
  assert.equal(bp.status, 201, bp.text);
  const wt = await newTicket({ channel: 'web' });
  // the reference: walk minute by minute through open time
  let left = 90 * 60000, at = ms(wt.created_at);
  const open = (x) => { const d = new Date(x); const wd = d.getUTCDay(); const m = d.getUTCHours() * 60 + d.getUTCMinutes(); return wd >= 1 && wd <= 5 && m >= 540 && m < 1020; };
  while (left > 0) {
    const toBoundary = MIN - (at % MIN);
    if (open(at)) {
      const s = Math.min(toBoundary, left);
      left -= s;
      at += s;
    } else {
      at += toBoundary;
    }
  }
  const due = ms(clock(wt, 'first_response').due_at);
  assert.ok(Math.abs(due - at) <= 60000, `due ${new Date(due).toISOString()} want ${new Date(at).toISOString()}`);
  assert.equal(clock(wt, 'first_response').business_hours, true);
  const ack = (await outbox(wt.id)).find((o) => o.kind === 'ack');
  const d = new Date(due);
  assert.match(ack.body_text, new RegExp(`${d.getUTCHours().toString().padStart(2, '0')}:${d.getUTCMinutes().toString().padStart(2, '0')} UTC`));
});

test('the customer decides: no reopens, stale links refused, yes closes, follow-up carries the story', async () => {
  const tk = await newTicket();
  await reply(tk.id);
  let r = await patch(tk.id, { status: 'solved' });
  assert.equal(r.status, 200, r.text);
  const token1 = await solvedToken(tk.id);
  // opening the link changes nothing (mail scanners follow links)
  let page = await confirm(token1, 'no', 'GET');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  assert.equal((await ticket(tk.id)).status, 'solved');
  page = await confirm(token1, 'no');
  assert.equal(page.status, 200, page.text);
  let cur = await ticket(tk.id);
  assert.equal(cur.status, 'open');
  assert.equal(cur.reopen_count, 1);
  assert.ok((await events(tk.id)).some((e) => e.type === 'resolution.rejected'));
  // a forged or altered link does nothing
  assert.equal((await confirm(token1.slice(0, -1) + (token1.at(-1) === 'a' ? 'b' : 'a'), 'yes')).status, 404);
  assert.equal((await confirm(`${tk.id}.1.00000000000000000000`, 'yes', 'GET')).status, 404);

  await patch(tk.id, { status: 'solved' });
  const token2 = await solvedToken(tk.id);
  assert.notEqual(token2, token1);
  page = await confirm(token1, 'yes');
  assert.equal(page.status, 409, 'the link of the earlier resolution is stale');
  assert.equal((await ticket(tk.id)).status, 'solved');
  page = await confirm(token2, 'yes');
  assert.equal(page.status, 200, page.text);
  cur = await ticket(tk.id);
  assert.equal(cur.status, 'closed');
  assert.equal(cur.close_kind, 'confirmed');
  assert.equal((await confirm(token2, 'no')).status, 409);

  // the customer writes again: a follow-up ticket with the story
  r = await api('POST', `/api/v1/tickets/${tk.id}/messages`, { body: { author: 'customer', text: 'It broke again.' } });
  assert.equal(r.status, 201, r.text);
  assert.notEqual(r.json.ticket_id, tk.id);
  const fu = await ticket(r.json.ticket_id);
  assert.equal(fu.related_id, tk.id);
  assert.equal(fu.related_kind, 'follow_up');
  assert.equal(fu.subject, tk.subject);
  const msgs = (await api('GET', `/api/v1/tickets/${fu.id}/messages`)).json.items;
  assert.ok(msgs.some((m) => m.visibility === 'internal' && m.text.includes(`Follow-up to #${tk.id}`)));
  assert.ok(msgs.some((m) => m.author === 'customer' && m.text === 'It broke again.'));
  assert.ok((await events(tk.id)).some((e) => e.type === 'ticket.linked' && e.data.ticket_id === fu.id));
  // the public answer an integration relays for the customer
  await patch(fu.id, { status: 'solved' });
  r = await api('POST', `/api/v1/tickets/${fu.id}/confirmation`, { body: { answer: 'yes' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.close_kind, 'confirmed');
  r = await api('POST', `/api/v1/tickets/${fu.id}/confirmation`, { body: { answer: 'maybe' } });
  assert.equal(r.status, 422);
});

test('no answer: the ticket closes unconfirmed after the grace period, exactly once', async (t) => {
  if (!clockBuilt) return t.skip('test clock not built');
  const tk = await newTicket();
  await reply(tk.id);
  await patch(tk.id, { status: 'solved' });
  const other = await newTicket();
  await patch(other.id, { status: 'solved' });
  await advance(6 * 24 * 60);
  await reply(other.id, 'One more thing.'); // agent activity does not reopen
  await new Promise((res) => setTimeout(res, 300));
  assert.equal((await ticket(tk.id)).status, 'solved');
  await advance(24 * 60 + 1);
  await eventually(async () => (await ticket(tk.id)).status === 'closed', 10000, 'auto-close');
  const cur = await ticket(tk.id);
  assert.equal(cur.close_kind, 'unconfirmed');
  const closes = (await events(tk.id)).filter((e) => e.type === 'ticket.updated' && e.data.after?.close_kind === 'unconfirmed');
  assert.equal(closes.length, 1);
  // a restart does not fire it again
  await h.restart();
  await advance(1);
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal((await events(tk.id)).filter((e) => e.type === 'ticket.updated' && e.data.after?.close_kind === 'unconfirmed').length, 1);
});

test('timers fire exactly once across kill -9 and restart', async (t) => {
  if (!clockBuilt) return t.skip('test clock not built');
  const team = await api('POST', '/api/v1/teams', { body: { name: uniq('Rescue') } });
  const pol = await api('POST', '/api/v1/sla-policies', {
    body: {
      name: uniq('Chat'), position: 1, conditions: { channel: ['chat'] },
      targets: { first_response: 5 },
      on_breach: [{ action: 'add_tag', tag: 'late' }, { action: 'set_team', team_id: team.json.id }],
    },
  });
  assert.equal(pol.status, 201, pol.text);
  const ids = [];
  for (let i = 0; i < 300; i++) ids.push((await newTicket({ channel: 'chat' })).id);
  await advance(6);
  await new Promise((res) => setTimeout(res, 40)); // in the middle of firing
  await h.crash(); // and started again; the test clock offset is kept
  await eventually(async () => {
    const tk = await h.api('GET', `/api/v1/tickets/${ids.at(-1)}`);
    return tk.json.sla.state === 'breached';
  }, 20000, 'the last breach');
  await eventually(async () => {
    for (const id of ids) if ((await h.api('GET', `/api/v1/tickets/${id}`)).json.sla.state !== 'breached') return false;
    return true;
  }, 20000, 'every breach');
  for (const id of ids) {
    const ev = (await all(h, `/api/v1/tickets/${id}/events`)).filter((e) => e.type === 'sla.breached');
    assert.equal(ev.length, 1, `ticket ${id}: ${ev.length} breach events`);
    const cur = await ticket(id);
    assert.deepEqual(cur.tags, ['late']);
    assert.equal(cur.team_id, team.json.id);
  }
});

test('the metrics afterwards count what happened', async (t) => {
  if (!clockBuilt) return t.skip('test clock not built');
  await advance(24 * 60); // a period of its own
  const from = new Date(await now()).toISOString();
  const a = await newTicket();
  const b = await newTicket();
  const c = await newTicket();
  await advance(10);
  await reply(a.id);
  await advance(20);
  await reply(b.id);
  const due = new Date((await now()) + 2 * 60 * MIN).toISOString();
  const pa = await api('POST', `/api/v1/tickets/${a.id}/promises`, { body: { kind: 'callback', due_at: due, channel: 'phone' } });
  const pb = await api('POST', `/api/v1/tickets/${b.id}/promises`, { body: { kind: 'update', due_at: due } });
  assert.equal(pa.status, 201, pa.text);
  assert.equal((await api('PATCH', `/api/v1/promises/${pa.json.id}`, { body: { status: 'kept' } })).status, 200);
  assert.equal((await api('PATCH', `/api/v1/promises/${pb.json.id}`, { body: { status: 'broken', note: 'the fix slipped' } })).status, 200);
  await patch(a.id, { status: 'solved' });
  assert.equal((await api('POST', `/api/v1/tickets/${a.id}/confirmation`, { body: { answer: 'yes' } })).status, 200);
  await patch(b.id, { status: 'solved' });
  assert.equal((await api('POST', `/api/v1/tickets/${b.id}/confirmation`, { body: { answer: 'no' } })).json.reopen_count, 1);
  await patch(b.id, { status: 'solved' });
  await patch(c.id, { status: 'closed', close_reason: 'spam' });
  await advance(7 * 24 * 60 + 1);
  await eventually(async () => (await ticket(b.id)).close_kind === 'unconfirmed', 10000, 'auto-close');
  const to = new Date((await now()) + MIN).toISOString();
  const q = `from=${from}&to=${to}&time=calendar`;

  const closes = (await api('GET', `/api/v1/metrics/closes?${q}`)).json.total.closes;
  assert.equal(closes.closed, 3);
  assert.equal(closes.confirmed, 1);
  assert.equal(closes.unconfirmed, 1);
  assert.equal(closes.reason, 1);
  assert.equal(closes.spam, 1);
  const fr = (await api('GET', `/api/v1/metrics/first_response?${q}`)).json.total.first_response;
  assert.equal(fr.count, 2);
  // real time passes too, a little
  assert.ok(fr.median_ms >= 10 * MIN && fr.median_ms < 10 * MIN + 10000, `${fr.median_ms}`);
  assert.ok(fr.max_ms >= 30 * MIN && fr.max_ms < 30 * MIN + 10000, `${fr.max_ms}`);
  const reopens = (await api('GET', `/api/v1/metrics/reopens?${q}`)).json.total.reopens;
  assert.equal(reopens.reopened, 1);
  const promises = (await api('GET', `/api/v1/metrics/promises?${q}`)).json.total.promises;
  assert.equal(promises.kept, 1);
  assert.equal(promises.broken, 1);
  assert.equal(promises.kept_rate, 0.5);
  const sum = (await api('GET', `/api/v1/metrics/summary?${q}`)).json.total;
  assert.equal(sum.promise_kept_rate, 0.5);
  assert.equal(sum.confirmed_close_rate, 0.5, 'of the resolutions closed, not the spam');
  assert.equal(sum.first_response.count, 2);
  const sla = (await api('GET', `/api/v1/metrics/sla?${q}`)).json.total.sla;
  // the default policy: a first response within 60 minutes, met twice;
  // the spam ticket's clock was cancelled
  assert.equal(sla.first_response.met, 2);
  assert.equal(sla.first_response.breached, 0);
  assert.equal(sla.first_response.cancelled, 1);
});
