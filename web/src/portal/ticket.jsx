// ticket.jsx — one of the customer's requests: its status, the public
// conversation (GET .../messages never has an internal note), a reply box,
// "is it solved?" when an agent solved it (POST .../confirmation), and what
// we promised (GET .../promises). Another customer's ticket answers 404,
// like one that does not exist: shown as "not found".
import { useEffect, useRef, useState } from 'preact/hooks';
import { newIdempotencyKey, portal, portalAll } from './api.js';
import { Link, navigate } from './router.jsx';
import { kindWord, promiseStatusWord, statusWord, Time } from './format.jsx';

export function Ticket({ id }) {
  const [t, setT] = useState(null);
  const [messages, setMessages] = useState(null);
  const [promises, setPromises] = useState(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [replyKey, setReplyKey] = useState(newIdempotencyKey);
  const noticeRef = useRef(null);

  async function load() {
    try {
      const [tk, ms, ps] = await Promise.all([
        portal('GET', `/tickets/${id}`),
        portalAll(`/tickets/${id}/messages`),
        portalAll(`/tickets/${id}/promises`),
      ]);
      setT(tk);
      setMessages(ms);
      setPromises(ps);
      document.title = `${tk.reference} ${tk.subject} — Help`;
    } catch (err) {
      if (err.status === 404) {
        setMissing(true);
        document.title = 'Not found — Help';
      } else if (err.status !== 401) {
        setError(`This request could not be loaded: ${err.message}.`);
      }
    }
  }

  useEffect(() => { document.title = 'Your request — Help'; load(); }, [id]);
  useEffect(() => { if (notice && noticeRef.current) noticeRef.current.focus(); }, [notice]);

  async function reply(e) {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const m = await portal('POST', `/tickets/${id}/messages`, { body: { text }, idempotencyKey: replyKey });
      setText('');
      setReplyKey(newIdempotencyKey());
      if (m.ticket_id !== id) {
        // a reply to a closed request opens a follow-up
        navigate(`/portal/tickets/${m.ticket_id}`);
        return;
      }
      setNotice('Your reply was sent.');
      await load();
    } catch (err) {
      if (err.status !== 401) setError(`Your reply was not sent: ${err.message}.`);
    }
    setBusy(false);
  }

  async function confirm(answer) {
    setBusy(true);
    setError(null);
    try {
      const tk = await portal('POST', `/tickets/${id}/confirmation`, { body: { answer } });
      setNotice(answer === 'yes' ? 'Thank you for confirming. Your request is closed.'
        : 'We have reopened your request and will look at it again.');
      setT(tk);
      await load();
    } catch (err) {
      if (err.status !== 401) setError(`Your answer was not recorded: ${err.message}.`);
    }
    setBusy(false);
  }

  if (missing) {
    return (
      <main id="main" class="page">
        <h1>Not found</h1>
        <p>We could not find this request among yours. <Link href="/portal/tickets">See your requests</Link>.</p>
      </main>
    );
  }
  if (!t) {
    return (
      <main id="main" class="page">
        {error ? <p class="error" role="alert">{error}</p> : <p class="muted" aria-busy="true">Loading…</p>}
      </main>
    );
  }

  return (
    <main id="main" class="page ticket">
      <p><Link href="/portal/tickets">← Your requests</Link></p>
      <h1><span class="ref">{t.reference}</span> {t.subject}</h1>
      <p class="meta">
        <span class={`badge status-${t.status}`} data-status={t.status}>{statusWord(t.status)}</span>
        {' '}<span class="muted">opened <Time iso={t.created_at} /></span>
        {!t.first_response_at && t.first_response_due && t.status !== 'closed' && t.status !== 'solved' && (
          <span class="muted"> · we will answer by <Time iso={t.first_response_due} /></span>
        )}
      </p>
      {notice && <p class="notice" role="status" tabIndex={-1} ref={noticeRef}>{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}

      {t.status === 'solved' && (
        <section class="card confirm" aria-labelledby="confirm-title">
          <h2 id="confirm-title">We think this is solved. Is it?</h2>
          <div class="actions">
            <button type="button" class="button primary" disabled={busy} onClick={() => confirm('yes')}>
              Yes, it is solved</button>
            <button type="button" class="button" disabled={busy} onClick={() => confirm('no')}>
              No, still a problem</button>
          </div>
        </section>
      )}

      <section aria-labelledby="conv-title">
        <h2 id="conv-title">Conversation</h2>
        <ol class="conversation">
          {messages.map((m) => (
            <li key={m.id} class={`message from-${m.author}`} data-message={m.id}>
              <article>
                <header>
                  <strong>{m.author_name === 'you' ? 'You' : m.author_name}</strong>
                  {' '}<span class="muted small"><Time iso={m.created_at} /></span>
                </header>
                <div class="text">{m.text}</div>
              </article>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="promises-title">
        <h2 id="promises-title">What we promised</h2>
        {promises.length === 0 ? <p class="muted">Nothing yet.</p> : (
          <ul class="promises">
            {promises.map((p) => (
              <li key={p.id} class="card" data-promise={p.id}>
                <strong>{kindWord(p.kind)}</strong>
                {p.description && <span> — {p.description}</span>}
                <div class="small">
                  due <Time iso={p.due_at} /> ·{' '}
                  <span class={`badge promise-${p.status}${p.overdue ? ' overdue' : ''}`}>
                    {promiseStatusWord(p.status)}{p.overdue ? ', overdue' : ''}</span>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <form class="card reply" onSubmit={reply} aria-labelledby="reply-title">
        <h2 id="reply-title">{t.status === 'closed' ? 'Write again about this' : 'Reply'}</h2>
        {t.status === 'closed' && <p class="muted small">This request is closed; writing opens a new one that refers to it.</p>}
        {t.status === 'solved' && <p class="muted small">Replying reopens your request.</p>}
        <label for="reply-text">Your message</label>
        <textarea id="reply-text" required rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy || !text.trim()}>Send reply</button>
        </div>
      </form>
    </main>
  );
}
