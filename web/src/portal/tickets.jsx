// tickets.jsx — the signed-in customer's requests (GET /portal/tickets),
// newest first: reference, subject, status, last change.
import { useEffect, useState } from 'preact/hooks';
import { portalAll } from './api.js';
import { Link } from './router.jsx';
import { statusWord, Time } from './format.jsx';

export function Tickets() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    document.title = 'Your requests — Help';
    portalAll('/tickets').then(setItems).catch((err) => {
      if (err.status !== 401) setError(`Your requests could not be loaded: ${err.message}.`);
    });
  }, []);

  return (
    <main id="main" class="page">
      <h1>Your requests</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {!items && !error && <p class="muted" aria-busy="true">Loading…</p>}
      {items && items.length === 0 && (
        <p class="empty">You have no requests yet. <Link href="/portal">Contact us</Link>.</p>
      )}
      {items && items.length > 0 && (
        <table class="tickets">
          <caption class="visually-hidden">Your requests, newest first</caption>
          <thead>
            <tr><th scope="col">Reference</th><th scope="col">Subject</th><th scope="col">Status</th>
              <th scope="col">Last change</th></tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id} data-ticket={t.id}>
                <td class="ref">{t.reference}</td>
                <td><Link href={`/portal/tickets/${t.id}`} class="subject">{t.subject}</Link></td>
                <td><span class={`badge status-${t.status}`} data-status={t.status}>{statusWord(t.status)}</span></td>
                <td><Time iso={t.updated_at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="hint"><Link href="/portal">Send a new request</Link></p>
    </main>
  );
}
