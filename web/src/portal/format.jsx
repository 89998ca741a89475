// format.js — times and states as the portal tells them to customers.

const abs = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric',
  month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "Mon, 23 Nov 2026, 17:40" in the viewer's time zone. */
export function when(iso) {
  return iso ? abs.format(new Date(iso)) : '';
}

const STATUS = {
  new: 'Received',
  open: 'In progress',
  pending: 'Waiting for your reply',
  on_hold: 'On hold',
  solved: 'Solved — please confirm',
  closed: 'Closed',
};

/** A ticket's status in the customer's words. */
export function statusWord(s) {
  return STATUS[s] || String(s || '').replace(/_/g, ' ');
}

const KIND = { callback: 'Call-back', update: 'Update', fix: 'Fix', other: 'Promise' };
const PSTATUS = { open: 'Open', kept: 'Kept', broken: 'Not kept' };

/** A promise's kind and status in words. */
export function kindWord(k) {
  return KIND[k] || String(k || '').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
export function promiseStatusWord(s) {
  return PSTATUS[s] || String(s || '').replace(/_/g, ' ');
}

/** A time element. */
export function Time({ iso }) {
  return iso ? <time datetime={iso}>{when(iso)}</time> : null;
}
