// queue.jsx — the queues: "My tickets", "Unassigned" and "All active", each
// newest first with its count; j/k move through the list, Enter opens.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { Link } from './router.jsx';
import { useShortcuts } from './shortcuts.jsx';
import { SlaBadge, StatusBadge, PriorityBadge } from './badges.jsx';
import { coalesce, useLive } from './live.js';

const PAGE = 100;

export const QUEUES = [
  { name: 'mine', label: 'My tickets', query: 'assignee=me&status=active', empty: 'Nothing is assigned to you.' },
  { name: 'unassigned', label: 'Unassigned', query: 'assignee=none&status=active', empty: 'Every active ticket has someone.' },
  { name: 'all', label: 'All active', query: 'status=active', empty: 'No active tickets.' },
];

const href = (name) => (name === 'mine' ? '/' : `/queue/${name}`);

let marked = false; // performance mark of the first queue shown (tests read it)

// The three first pages, asked for together. A fetch started just before the
// queue mounts (prefetchQueues, right after signing in) is used by it.
let prefetched = null; // { at, promise }

function fetchQueues() {
  return Promise.all(QUEUES.map((q) =>
    api('GET', `/tickets?${q.query}&limit=${PAGE}`)
      .then((p) => [q.name, { items: p.items, next: p.next_after }])
      .catch((err) => [q.name, { items: [], next: null, error: err.message }])))
    .then(Object.fromEntries);
}

/** Start loading the queues now (the Queue that mounts next uses the answer). */
export function prefetchQueues() {
  prefetched = { at: Date.now(), promise: fetchQueues() };
}

export function Queue({ queue }) {
  const [lists, setLists] = useState({}); // name → {items, next, error}
  const [more, setMore] = useState(false);
  const [sel, setSel] = useState(-1);
  const table = useRef(null);
  const current = QUEUES.find((q) => q.name === queue);
  const list = lists[queue];

  async function load() {
    const fresh = prefetched && Date.now() - prefetched.at < 5000;
    const pending = fresh ? prefetched.promise : fetchQueues();
    prefetched = null;
    setLists(await pending);
  }

  useEffect(() => {
    document.title = `${current.label} — heed`;
    setSel(-1);
    load();
    const onFocus = () => { if (document.visibilityState === 'visible') load(); };
    document.addEventListener('visibilitychange', onFocus);
    return () => document.removeEventListener('visibilitychange', onFocus);
  }, [queue]);

  // New tickets and changes appear without a reload.
  const liveLoad = useRef(null);
  if (!liveLoad.current) liveLoad.current = coalesce(() => { fetchQueues().then(setLists); });
  useLive((msg) => {
    if ((msg.type === 'open' && msg.again) || msg.type.startsWith('ticket.') || msg.type.startsWith('sla.')
      || msg.type === 'message.added') liveLoad.current();
  });

  useEffect(() => {
    if (list && !marked) {
      marked = true;
      performance.mark('heed:queue-shown');
    }
  }, [list]);

  async function loadMore() {
    setMore(true);
    try {
      const p = await api('GET', `/tickets?${current.query}&limit=${PAGE}&after=${encodeURIComponent(list.next)}`);
      setLists((l) => ({ ...l, [queue]: { items: [...l[queue].items, ...p.items], next: p.next_after } }));
    } catch (err) {
      setLists((l) => ({ ...l, [queue]: { ...l[queue], error: err.message } }));
    }
    setMore(false);
  }

  function move(by) {
    const links = table.current ? table.current.querySelectorAll('tbody a.subject') : [];
    if (!links.length) return;
    const i = Math.max(0, Math.min(links.length - 1, sel < 0 ? 0 : sel + by));
    setSel(i);
    links[i].focus();
    links[i].scrollIntoView({ block: 'nearest' });
  }

  useShortcuts({ j: () => move(1), k: () => move(-1) });

  const count = (name) => {
    const l = lists[name];
    if (!l) return '…';
    return l.next ? `${l.items.length}+` : String(l.items.length);
  };

  return (
    <main id="main" class="page queue">
      <h1 class="visually-hidden">{current.label}</h1>
      <nav class="tabs" aria-label="Queues">
        {QUEUES.map((q) => (
          <Link key={q.name} href={href(q.name)} class="tab" aria-current={q.name === queue ? 'page' : undefined}>
            {q.label} <span class="count">{count(q.name)}</span>
          </Link>
        ))}
      </nav>
      {!list && <p class="loading" aria-busy="true">Loading…</p>}
      {list && list.error && <p class="error" role="alert">Could not load the queue: {list.error}</p>}
      {list && !list.error && list.items.length === 0 && <p class="empty">{current.empty}</p>}
      {list && list.items.length > 0 && (
        <table class="tickets" ref={table}>
          <caption class="visually-hidden">{current.label}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Subject</th>
              <th scope="col">Customer</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">SLA</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((t, i) => (
              <tr key={t.id} data-ticket={t.id} class={i === sel ? 'selected' : undefined}>
                <td class="id">#{t.id}</td>
                <td class="subj">
                  <Link href={`/tickets/${t.id}`} class="subject" onFocus={() => setSel(i)}>{t.subject}</Link>
                </td>
                <td class="customer">{t.customer_name || `Customer ${t.customer_id}`}</td>
                <td><StatusBadge status={t.status} /></td>
                <td><PriorityBadge priority={t.priority} /></td>
                <td><SlaBadge sla={t.sla} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list && list.next && (
        <p><button type="button" class="button" onClick={loadMore} disabled={more}>
          {more ? 'Loading…' : 'Show more'}</button></p>
      )}
      <p class="hint">Press <kbd>j</kbd>/<kbd>k</kbd> to move, <kbd>Enter</kbd> to open, <kbd>?</kbd> for all shortcuts.</p>
    </main>
  );
}
