// presence.jsx — collision notices. While a ticket is open the app says so
// (POST /tickets/{id}/presence {state: viewing|replying}, again every 30 s)
// and "left" when it closes it or the page goes away; it shows who else has
// the ticket open, from GET presence and `event: presence` on the stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, signedIn } from './api.js';
import { useLive } from './live.js';

const REPEAT_MS = 30000;

/** → { others: [{agent_id, agent_name, state}], say(state) } for ticket `id`. */
export function usePresence(id, agent) {
  const [others, setOthers] = useState([]); // agents other than me, in arrival order
  const state = useRef('viewing');

  // Stream messages by agent, with when they came: a list that was asked for
  // before one of them must not undo it (the answer can arrive after it).
  const heard = useRef(new Map()); // agent_id → { p (the message), at }

  function apply(list, p) {
    const rest = list.filter((o) => o.agent_id !== p.agent_id);
    if (p.state === 'left') return rest;
    const entry = { agent_id: p.agent_id, agent_name: p.agent_name, state: p.state };
    const i = list.findIndex((o) => o.agent_id === p.agent_id);
    if (i < 0) return [...rest, entry];
    const copy = [...list];
    copy[i] = entry;
    return copy;
  }

  /** A handler for a presence list asked for now. */
  function fromList() {
    const asked = performance.now();
    return (list) => {
      if (!list || !Array.isArray(list.items)) return;
      let others = list.items.filter((p) => !p.me && p.agent_id !== agent.id)
        .map((p) => ({ agent_id: p.agent_id, agent_name: p.agent_name, state: p.state }));
      for (const h of heard.current.values()) if (h.at >= asked) others = apply(others, h.p);
      setOthers(others);
    };
  }

  function post(s, opts = {}) {
    if (!signedIn()) return Promise.resolve(); // signed out meanwhile: the server forgets us in 60 s
    return api('POST', `/tickets/${id}/presence`, { body: { state: s }, quiet401: true, ...opts })
      .then(fromList())
      .catch(() => { /* a notice is a nicety: never an error for the agent */ });
  }

  /** Say "viewing" or "replying" (only when it changes). */
  function say(s) {
    if (s === state.current) return;
    state.current = s;
    post(s);
  }

  useEffect(() => {
    state.current = 'viewing';
    heard.current = new Map();
    setOthers([]);
    post('viewing');
    const every = setInterval(() => {
      if (document.visibilityState === 'visible') post(state.current);
    }, REPEAT_MS);
    const onHide = () => { post('left', { keepalive: true }); };
    const onShow = () => { if (document.visibilityState === 'visible') post(state.current); };
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onShow);
    return () => {
      clearInterval(every);
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onShow);
      post('left', { keepalive: true });
    };
  }, [id]);

  useLive((msg) => {
    if (msg.type === 'open' && msg.again) {
      // presence is not replayed: ask again after a reconnect
      api('GET', `/tickets/${id}/presence`, { quiet401: true }).then(fromList()).catch(() => {});
      return;
    }
    if (msg.type !== 'presence' || !msg.data || msg.data.ticket_id !== id) return;
    const p = msg.data;
    if (p.agent_id === agent.id) return;
    heard.current.set(p.agent_id, { p, at: performance.now() });
    setOthers((list) => apply(list, p));
  });

  return { others, say };
}

/** "Alex is viewing" / "Alex is replying…", announced politely. */
export function PresenceNotice({ others }) {
  return (
    <div class="presence" role="status" aria-live="polite">
      {others.length > 0 && (
        <ul aria-label="Other agents on this ticket">
          {others.map((o) => (
            <li key={o.agent_id} class={`presence-${o.state}`} data-agent={o.agent_id}>
              <span class="dot" aria-hidden="true" />
              {o.state === 'replying' ? `${o.agent_name} is replying…` : `${o.agent_name} is viewing`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
