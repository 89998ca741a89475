// live.js — one EventSource on /api/v1/stream (the session cookie; same
// origin) for the whole app, while signed in. Screens subscribe with
// useLive(fn): fn({type, data}) for every ticket event (ticket.created,
// message.added, ticket.updated, ...), every `presence` message, and a
// synthetic {type: 'open', again} each time the stream (re)connects
// (again: not the first time), so a screen can
// fetch again what it may have missed (presence is not replayed).
//
// EventSource reconnects by itself after a dropped connection (sending
// Last-Event-ID), but not after an error answer such as 503
// too-many-streams: then it is closed, and we open a new one after a delay
// that grows up to 30 s, from the last event id seen.
import { useEffect, useRef } from 'preact/hooks';
import { api } from './api.js';

// The event types heed writes (docs/api.md); EventSource needs a listener per name.
const TYPES = [
  'ticket.created', 'ticket.updated', 'message.added', 'ticket.linked',
  'ack.queued', 'ack.skipped', 'reply.queued', 'mail.received', 'mail.sent', 'mail.failed',
  'mail.bounced', 'sla.warning', 'sla.breached',
];

const listeners = new Set();
let es = null;
let lastId = null;
let timer = null;
let delay = 1000;
let running = false;
let tries = 0; // EventSources made since signing in
let opens = 0; // times one opened (the browser reconnects by itself too)

function emit(msg) {
  for (const fn of [...listeners]) {
    try { fn(msg); } catch (err) { console.warn('live listener', err); }
  }
}

function connect() {
  timer = null;
  if (!running || typeof EventSource === 'undefined') return;
  const url = '/api/v1/stream' + (lastId ? `?after=${encodeURIComponent(lastId)}` : '');
  const source = new EventSource(url);
  es = source;
  tries++;
  source.onopen = () => {
    delay = 1000;
    emit({ type: 'open', again: tries > 1 || opens++ > 0 });
  };
  const onEvent = (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    let data = null;
    try { data = JSON.parse(e.data); } catch { return; }
    emit({ type: e.type, data });
  };
  for (const t of TYPES) source.addEventListener(t, onEvent);
  source.addEventListener('presence', onEvent);
  source.onmessage = onEvent; // an event without a name (none today)
  source.onerror = () => {
    if (es !== source) return;
    // CONNECTING: the browser retries by itself. CLOSED: an error answer (503, 401...).
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      es = null;
      // a 401 means the session ended: asking for it brings back the sign-in page
      api('GET', '/session').catch(() => { /* 401 handled by api.js; else retry below */ });
      if (running && !timer) {
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      }
    }
  };
}

/** Open the stream (signed in). */
export function startLive() {
  if (running) return;
  running = true;
  delay = 1000;
  tries = 0;
  opens = 0;
  connect();
}

/** Close the stream (signed out). */
export function stopLive() {
  running = false;
  if (timer) clearTimeout(timer);
  timer = null;
  if (es) es.close();
  es = null;
  lastId = null;
}

/** Call fn(msg) for every live message while the component is mounted. */
export function useLive(fn) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l = (msg) => ref.current(msg);
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
}

/**
 * A function that runs `fn` once, `ms` after the first of a burst of calls
 * (several events from one change make one refresh).
 */
export function coalesce(fn, ms = 30) {
  let t = null;
  return () => {
    if (t) return;
    t = setTimeout(() => { t = null; fn(); }, ms);
  };
}
