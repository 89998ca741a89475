// customers.test.mjs — customers, their identities (one customer, many
// identities, each identity one customer), finding them, their tickets, and
// organizations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeed } from './lib/heed.mjs';
import { checkedApi } from './lib/openapi.mjs';

let h, api;
before(async () => { h = await startHeed(); api = checkedApi(h); });
after(async () => { await h.stop(); });

async function customer(body) {
  const r = await api('POST', '/api/v1/customers', { body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const pairs = (c) => c.identities.map((i) => [i.kind, i.value]);

test('create a customer with identities and shortcuts; values are normalised', async () => {
  const org = await api('POST', '/api/v1/organizations', { body: { name: 'Acme Ltd', domain: 'acme.example' } });
  assert.equal(org.status, 201);
  assert.equal(org.headers.get('location'), `/api/v1/organizations/${org.json.id}`);
  const r = await api('POST', '/api/v1/customers', {
    body: {
      name: 'Grace Hopper', notes: 'Prefers phone.\nVIP.', organization_id: org.json.id,
      email: ' Grace@ACME.example ', phone: '+1 (555) 010-9999',
      identities: [{ kind: 'handle', value: '@GraceH' }, { kind: 'email', value: 'g.hopper@home.example' }],
    },
  });
  assert.equal(r.status, 201);
  const c = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/customers/${c.id}`);
  assert.equal(c.name, 'Grace Hopper');
  assert.equal(c.notes, 'Prefers phone.\nVIP.');
  assert.equal(c.organization_id, org.json.id);
  assert.equal(c.organization_name, 'Acme Ltd');
  assert.deepEqual(pairs(c).sort(), [
    ['email', 'g.hopper@home.example'], ['email', 'grace@acme.example'],
    ['handle', '@graceh'], ['phone', '+15550109999'],
  ]);
  assert.equal(c.created_at, c.updated_at);
  const g = await api('GET', `/api/v1/customers/${c.id}`);
  assert.deepEqual(g.json, c);

  const empty = await customer({});
  assert.equal(empty.name, '');
  assert.equal(empty.notes, '');
  assert.equal(empty.organization_id, null);
  assert.deepEqual(empty.identities, []);
});

test('customer create validation: 422 per field; duplicates 409 (also within one request: 422)', async () => {
  const cases = [
    [{ name: 5 }, 'name'],
    [{ name: 'n'.repeat(201) }, 'name'],
    [{ name: 'tab\there' }, 'name'],
    [{ notes: {} }, 'notes'],
    [{ notes: 'n'.repeat(65537) }, 'notes'],
    [{ organization_id: 999999 }, 'organization_id'],
    [{ organization_id: 'Acme' }, 'organization_id'],
    [{ email: 'bad' }, 'email'],
    [{ email: '' }, 'email'],
    [{ phone: 'call me' }, 'phone'],
    [{ phone: '123' }, 'phone'],
    [{ identities: {} }, 'identities'],
    [{ identities: ['a@b.c'] }, 'identities'],
    [{ identities: [{ kind: 'fax', value: '1' }] }, 'kind'],
    [{ identities: [{ value: 'a@example.com' }] }, 'kind'],
    [{ identities: [{ kind: 'email' }] }, 'value'],
    [{ identities: [{ kind: 'email', value: 'nope' }] }, 'value'],
    [{ identities: [{ kind: 'email', value: 'a@example.com', primary: true }] }, 'primary'],
    [{ identities: Array.from({ length: 101 }, (_, i) => ({ kind: 'handle', value: `h${i}` })) }, 'identities'],
    [{ email: 'dup@example.com', identities: [{ kind: 'email', value: 'DUP@example.com' }] }, 'identities'],
    [{ handle: '@x' }, 'handle'],
    [{ id: 3 }, 'id'],
  ];
  for (const [body, field] of cases) {
    const r = await api('POST', '/api/v1/customers', { body });
    assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 120)}: ${r.text}`);
    assert.equal(r.json.field, field, `${JSON.stringify(body).slice(0, 120)}: ${r.text}`);
  }
  await customer({ name: 'Owner', email: 'owned@example.com' });
  const r = await api('POST', '/api/v1/customers', { body: { name: 'Thief', email: 'OWNED@example.com' } });
  assert.equal(r.status, 409);
  assert.equal(r.json.type, '/problems/conflict');
  const list = await api('GET', '/api/v1/customers?q=Thief');
  assert.deepEqual(list.json.items, [], 'the refused customer was not half-created');
});

test('identities: add, duplicate is 409 (same or other customer), remove, remove unknown is 404', async () => {
  const a = await customer({ name: 'Ida', email: 'ida@example.com' });
  const b = await customer({ name: 'Ben', email: 'ben@example.com' });
  let r = await api('POST', `/api/v1/customers/${a.id}/identities`, { body: { kind: 'phone', value: '+49 30 1234567' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/api/v1/customers/${a.id}`);
  assert.deepEqual(pairs(r.json), [['email', 'ida@example.com'], ['phone', '+49301234567']]);
  const phoneId = r.json.identities[1].id;

  for (const [cid, body] of [
    [a.id, { kind: 'phone', value: '+49-30-123-4567' }],
    [b.id, { kind: 'phone', value: '+49301234567' }],
    [b.id, { kind: 'email', value: 'IDA@example.com' }],
    [a.id, { kind: 'email', value: 'ida@example.com' }],
  ]) {
    r = await api('POST', `/api/v1/customers/${cid}/identities`, { body });
    assert.equal(r.status, 409, `${cid} ${JSON.stringify(body)}: ${r.text}`);
  }
  assert.deepEqual(pairs((await api('GET', `/api/v1/customers/${b.id}`)).json), [['email', 'ben@example.com']]);

  for (const [body, field] of [
    [{ kind: 'email', value: 'x' }, 'value'],
    [{ kind: 'telegram', value: 'x' }, 'kind'],
    [{ value: 'x@example.com' }, 'kind'],
    [{ kind: 'email' }, 'value'],
    [{ kind: 'email', value: 'z@example.com', customer_id: 1 }, 'customer_id'],
  ]) {
    r = await api('POST', `/api/v1/customers/${a.id}/identities`, { body });
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.field, field);
  }
  r = await api('POST', '/api/v1/customers/999999/identities', { body: { kind: 'email', value: 'nobody@example.com' } });
  assert.equal(r.status, 404);

  r = await api('DELETE', `/api/v1/customers/${b.id}/identities/${phoneId}`);
  assert.equal(r.status, 404, 'an identity of another customer');
  r = await api('DELETE', `/api/v1/customers/${a.id}/identities/${phoneId}`);
  assert.equal(r.status, 200);
  assert.deepEqual(pairs(r.json), [['email', 'ida@example.com']]);
  r = await api('DELETE', `/api/v1/customers/${a.id}/identities/${phoneId}`);
  assert.equal(r.status, 404, 'already removed');
  r = await api('DELETE', `/api/v1/customers/${a.id}/identities/999999`);
  assert.equal(r.status, 404);
  r = await api('DELETE', `/api/v1/customers/999999/identities/1`);
  assert.equal(r.status, 404);
  r = await api('DELETE', `/api/v1/customers/${a.id}/identities/abc`);
  assert.equal(r.status, 404);

  // a removed identity is free again, and a ticket from it finds its new owner
  r = await api('POST', `/api/v1/customers/${b.id}/identities`, { body: { kind: 'phone', value: '+49301234567' } });
  assert.equal(r.status, 201);
  const t = await api('POST', '/api/v1/tickets', { body: { subject: 's', requester: { phone: '+49 30 1234567' }, message: { text: 'x' } } });
  assert.equal(t.json.customer_id, b.id);
});

test('find customers: exact e-mail in any case, phone in any format, name prefix, identity prefix', async () => {
  const k = await customer({ name: 'Katherine Johnson', email: 'kj@nasa.example', phone: '+1 757 555 0101' });
  const kl = await customer({ name: 'Kathleen Booth', email: 'kathleen@example.com' });
  const other = await customer({ name: 'Mary Jackson', email: 'mary@nasa.example' });
  const ids = async (q) => {
    const r = await api('GET', `/api/v1/customers?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    return r.json.items.map((c) => c.id);
  };
  assert.deepEqual(await ids('KJ@NASA.example'), [k.id]);
  assert.deepEqual(await ids('kj@nasa.example'), [k.id]);
  assert.deepEqual(await ids('+17575550101'), [k.id]);
  assert.deepEqual(await ids('+1 (757) 555-0101'), [k.id]);
  assert.deepEqual(await ids('Kath'), [kl.id, k.id], 'name prefix, newest first');
  assert.deepEqual(await ids('katherine'), [k.id]);
  assert.deepEqual(await ids('KATHERINE J'), [k.id]);
  assert.deepEqual(await ids('mary'), [other.id]);
  assert.deepEqual(await ids('Johnson'), [], 'prefix, not substring');
  assert.deepEqual(await ids('nobody@nowhere.example'), []);
  assert.deepEqual(await ids('%'), [], 'LIKE wildcards are literal');
  assert.deepEqual(await ids('_'), []);
  const all = await api('GET', '/api/v1/customers?q=');
  assert.equal(all.status, 200);
  const long = await api('GET', `/api/v1/customers?q=${'a'.repeat(400)}`);
  assert.equal(long.status, 422);
  assert.equal(long.json.field, 'q');
});

test('customer list pages newest first across pages', async () => {
  const mine = [];
  for (let i = 0; i < 5; i++) mine.push((await customer({ name: `Pager ${i}` })).id);
  const seen = [];
  let after = '';
  for (;;) {
    const r = await api('GET', `/api/v1/customers?q=pager&limit=2${after}`);
    assert.equal(r.status, 200);
    seen.push(...r.json.items.map((c) => c.id));
    if (r.json.next_after === null) break;
    assert.equal(r.json.next_after, r.json.items.at(-1).id);
    after = `&after=${r.json.next_after}`;
  }
  assert.deepEqual(seen, [...mine].reverse());
  const r = await api('GET', '/api/v1/customers?limit=3');
  assert.equal(r.json.items.length, 3);
  assert.ok(r.json.items[0].id > r.json.items[1].id);
  assert.equal((await api('GET', '/api/v1/customers?limit=0')).status, 422);
  assert.equal((await api('GET', '/api/v1/customers?after=-5')).status, 422);
});

test('PATCH a customer: name, notes, organization (null clears); validation', async () => {
  const org = (await api('POST', '/api/v1/organizations', { body: { name: 'Initech' } })).json;
  assert.equal(org.domain, null);
  const c = await customer({ name: 'Peter', email: 'peter@initech.example' });
  await new Promise((ok) => setTimeout(ok, 5));
  let r = await api('PATCH', `/api/v1/customers/${c.id}`, { body: { name: 'Peter Gibbons', notes: 'TPS reports', organization_id: org.id } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Peter Gibbons');
  assert.equal(r.json.notes, 'TPS reports');
  assert.equal(r.json.organization_id, org.id);
  assert.equal(r.json.organization_name, 'Initech');
  assert.ok(Date.parse(r.json.updated_at) > Date.parse(c.updated_at));
  assert.deepEqual(r.json.identities, c.identities);
  r = await api('PATCH', `/api/v1/customers/${c.id}`, { body: { organization_id: null } });
  assert.equal(r.status, 200);
  assert.equal(r.json.organization_id, null);
  assert.equal(r.json.name, 'Peter Gibbons');
  r = await api('PATCH', `/api/v1/customers/${c.id}`, { body: { name: '' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.name, '');
  for (const [body, field] of [
    [{}, null], [{ email: 'x@example.com' }, 'email'], [{ name: 1 }, 'name'],
    [{ organization_id: 999999 }, 'organization_id'], [{ organization_id: 0 }, 'organization_id'],
    [{ notes: ['x'] }, 'notes'], [{ identities: [] }, 'identities'],
  ]) {
    r = await api('PATCH', `/api/v1/customers/${c.id}`, { body });
    assert.equal(r.status, 422, JSON.stringify(body));
    if (field) assert.equal(r.json.field, field);
  }
  r = await api('PATCH', '/api/v1/customers/999999', { body: { name: 'x' } });
  assert.equal(r.status, 404);
  r = await api('GET', '/api/v1/customers/999999');
  assert.equal(r.status, 404);
});

test('a customer\'s tickets: every channel, newest first, paged; 404 for unknown customer', async () => {
  const c = await customer({ name: 'Multi', email: 'multi@example.com', phone: '+3312345678' });
  const ts = [];
  ts.push((await api('POST', '/api/v1/tickets', { body: { subject: 'mail', requester: { email: 'multi@example.com' }, message: { text: 'x' }, channel: 'email' } })).json);
  ts.push((await api('POST', '/api/v1/tickets', { body: { subject: 'call', requester: { phone: '+33 1 23 45 67 8' }, message: { text: 'x' }, channel: 'phone' } })).json);
  ts.push((await api('POST', '/api/v1/tickets', { body: { subject: 'api', requester: { customer_id: c.id }, message: { text: 'x' } } })).json);
  assert.ok(ts.every((t) => t.customer_id === c.id));
  let r = await api('GET', `/api/v1/customers/${c.id}/tickets`);
  assert.deepEqual(r.json.items.map((t) => t.subject), ['api', 'call', 'mail']);
  r = await api('GET', `/api/v1/customers/${c.id}/tickets?limit=2`);
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.next_after, ts[1].id);
  r = await api('GET', `/api/v1/customers/${c.id}/tickets?limit=2&after=${r.json.next_after}`);
  assert.deepEqual(r.json.items.map((t) => t.subject), ['mail']);
  assert.equal(r.json.next_after, null);
  r = await api('GET', '/api/v1/customers/999999/tickets');
  assert.equal(r.status, 404);
  r = await api('GET', `/api/v1/customers/${c.id}/tickets?limit=1000`);
  assert.equal(r.status, 422);
});

test('organizations: create, get, list by name, duplicate name 409, validation', async () => {
  const z = await api('POST', '/api/v1/organizations', { body: { name: 'Zeta Org', domain: 'zeta.example' } });
  const a = await api('POST', '/api/v1/organizations', { body: { name: 'Alpha Org' } });
  assert.equal(z.status, 201);
  assert.equal(a.status, 201);
  let r = await api('GET', `/api/v1/organizations/${z.json.id}`);
  assert.deepEqual(r.json, z.json);
  r = await api('GET', '/api/v1/organizations');
  const names = r.json.items.map((o) => o.name);
  assert.deepEqual(names, [...names].sort(), 'by name');
  assert.ok(names.includes('Zeta Org') && names.includes('Alpha Org'));
  assert.equal(r.json.next_after, null);
  r = await api('POST', '/api/v1/organizations', { body: { name: 'Zeta Org' } });
  assert.equal(r.status, 409);
  assert.equal(r.json.field, 'name');
  for (const [body, field] of [
    [{}, 'name'], [{ name: '' }, 'name'], [{ name: 3 }, 'name'], [{ name: 'x', domain: '' }, 'domain'],
    [{ name: 'x', domain: 'd'.repeat(254) }, 'domain'], [{ name: 'x', website: 'y' }, 'website'],
  ]) {
    r = await api('POST', '/api/v1/organizations', { body });
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.field, field);
  }
  r = await api('GET', '/api/v1/organizations/999999');
  assert.equal(r.status, 404);
});
