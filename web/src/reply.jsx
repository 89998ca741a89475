// reply.jsx — the box under the timeline: a public reply to the customer or
// an internal note (POST /tickets/{id}/messages {text, visibility}).
//
// The draft is saved to localStorage as it is typed and restored when the
// ticket is opened again. A send carries an Idempotency-Key that is kept
// until it succeeds, so pressing the button again after a network error
// never posts the reply twice. Keys: r (reply), n (note), Ctrl+Enter sends,
// Esc leaves the box. Focusing or typing in the box tells other agents
// "replying" (collision notice, presence.jsx).
import { useRef, useState } from 'preact/hooks';
import { api, newIdempotencyKey } from './api.js';
import { clearDraft, loadDraft, saveDraft } from './draft.js';
import { useShortcuts } from './shortcuts.jsx';

export function ReplyBox({ ticket, agent, onSent, onPresence = () => {} }) {
  const [saved] = useState(() => loadDraft(agent.id, ticket.id));
  const [text, setText] = useState(saved ? saved.text : '');
  const [visibility, setVisibility] = useState(saved && saved.visibility === 'internal' ? 'internal' : 'public');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const area = useRef(null);
  const idemKey = useRef(null);
  const internal = visibility === 'internal';

  // Saved as it changes, synchronously (an effect could run after a reload).
  function edit(t) {
    setText(t);
    onPresence('replying');
    idemKey.current = null;
    saveDraft(agent.id, ticket.id, { text: t, visibility });
  }

  function choose(v) {
    setVisibility(v);
    saveDraft(agent.id, ticket.id, { text, visibility: v });
  }

  function focusAs(v) {
    choose(v);
    if (area.current) area.current.focus();
  }

  useShortcuts({ r: () => focusAs('public'), n: () => focusAs('internal') });

  async function send(e) {
    if (e) e.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    idemKey.current = idemKey.current || newIdempotencyKey();
    try {
      await api('POST', `/tickets/${ticket.id}/messages`, {
        body: { text, visibility }, idempotencyKey: idemKey.current,
      });
      idemKey.current = null;
      clearDraft(agent.id, ticket.id);
      setText('');
      if (document.activeElement !== area.current) onPresence('viewing');
      onSent(visibility);
    } catch (err) {
      setError(`Not sent: ${err.message}`);
    }
    setBusy(false);
  }

  function onKeyDown(e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e);
    else if (e.key === 'Escape') e.currentTarget.blur();
  }

  const to = ticket.customer_name || 'the customer';
  const closed = ticket.status === 'closed';
  return (
    <form class={`card reply ${internal ? 'is-internal' : 'is-public'}`} onSubmit={send}
      aria-labelledby="reply-h">
      <h2 id="reply-h" class="visually-hidden">Write a reply or a note</h2>
      <fieldset class="modes">
        <legend class="visually-hidden">Kind of message</legend>
        <label class={!internal ? 'on' : ''}>
          <input type="radio" name="visibility" value="public" checked={!internal}
            onChange={() => choose('public')} aria-keyshortcuts="r" />
          Reply
        </label>
        <label class={internal ? 'on' : ''}>
          <input type="radio" name="visibility" value="internal" checked={internal}
            onChange={() => choose('internal')} aria-keyshortcuts="n" />
          Internal note
        </label>
      </fieldset>
      <label for="reply-text" class="reply-label">
        {internal ? 'Internal note — only agents see it' : `Reply to ${to}`}
      </label>
      <textarea id="reply-text" ref={area} rows={6} value={text} disabled={closed}
        placeholder={closed ? 'This ticket is closed.' : internal ? 'Write a note for your colleagues…' : 'Write your reply…'}
        onInput={(e) => edit(e.currentTarget.value)}
        onFocus={() => onPresence('replying')}
        onBlur={(e) => { if (!e.currentTarget.value.trim()) onPresence('viewing'); }}
        onKeyDown={onKeyDown} aria-describedby="reply-help" />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy || closed || !text.trim()}>
          {busy ? 'Sending…' : internal ? 'Add internal note' : 'Send reply'}
        </button>
        <span id="reply-help" class="muted small">
          {text ? 'Draft saved in this browser. ' : ''}<kbd>Ctrl</kbd>+<kbd>Enter</kbd> sends.
        </span>
      </div>
    </form>
  );
}
