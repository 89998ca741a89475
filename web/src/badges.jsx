// badges.jsx — small labels for a ticket's status, priority and SLA state.
// Colour is never the only signal: every badge says its state in words.
import { absolute, relative, word } from './format.js';

export function StatusBadge({ status }) {
  return <span class={`badge status-${status}`}>{word(status)}</span>;
}

export function PriorityBadge({ priority }) {
  return <span class={`badge prio-${priority}`}>{priority}</span>;
}

/** The worst running SLA clock of a ticket ({state, next_due}). */
export function SlaBadge({ sla }) {
  if (!sla || !sla.state) return <span class="muted">—</span>;
  return (
    <span class="sla">
      <span class={`badge sla-${sla.state}`}>{word(sla.state)}</span>
      {sla.next_due && (
        <time class="due" datetime={sla.next_due} title={absolute(sla.next_due)}>
          {' '}{relative(sla.next_due)}
        </time>
      )}
    </span>
  );
}
