// format.js — how the app writes times, names and states for people.

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const abs = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "in 45 minutes", "3 hours ago" for an RFC 3339 time (relative to now). */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const s = Math.round((Date.parse(iso) - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return rtf.format(s, 'second');
  if (a < 45 * 60) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 22 * 3600) return rtf.format(Math.round(s / 3600), 'hour');
  if (a < 26 * 86400) return rtf.format(Math.round(s / 86400), 'day');
  return abs.format(new Date(iso));
}

/** "23 Nov 2026, 11:40" in the viewer's time zone. */
export function absolute(iso) {
  return iso ? abs.format(new Date(iso)) : '';
}

export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const CLOSE_REASONS = ['spam', 'duplicate', 'merged'];

const WORDS = {
  on_hold: 'on hold',
  first_response: 'First response',
  next_response: 'Next response',
  periodic_update: 'Periodic update',
  resolution: 'Resolution',
  ok: 'on time',
  warning: 'due soon',
  breached: 'overdue',
  paused: 'paused',
};

/** A machine word as people say it ("on_hold" → "on hold"). */
export function word(w) {
  if (w === null || w === undefined) return '';
  return WORDS[w] || String(w).replace(/_/g, ' ');
}
