// events.js — one line of words for each timeline event (GET .../events).
import { absolute, word } from './format.js';

const FIELD = {
  status: 'status', priority: 'priority', team_id: 'team', assignee_id: 'assignee',
  subject: 'subject', tags: 'tags', close_reason: 'close reason', close_kind: 'closed as',
  reopen_count: 'reopens',
};

/** A value of a ticket field in words; `names` maps agent and team ids to names. */
function value(field, v, names) {
  if (v === null || v === undefined) {
    if (field === 'assignee_id') return 'nobody';
    if (field === 'team_id') return 'no team';
    return 'none';
  }
  if (field === 'assignee_id') return names.agents.get(v) || `agent ${v}`;
  if (field === 'team_id') return names.teams.get(v) || `team ${v}`;
  if (field === 'tags') return v.length ? v.join(', ') : 'none';
  return word(String(v));
}

/** The sentence for event `e`. names: { agents: Map(id→name), teams: Map(id→name) }. */
export function describeEvent(e, names) {
  const d = e.data || {};
  switch (e.type) {
    case 'ticket.created':
      return `Ticket created (${word(d.channel)}, ${word(d.priority)} priority)`;
    case 'ticket.updated': {
      const changes = Object.keys(d.after || {})
        .filter((k) => k !== 'reopen_count')
        .map((k) => `${FIELD[k] || word(k)} ${value(k, d.before && d.before[k], names)} → ${value(k, d.after[k], names)}`);
      const head = d.reopened ? 'Reopened by the customer' : 'Changed';
      return changes.length ? `${head}: ${changes.join('; ')}` : head;
    }
    case 'ack.queued':
      return `Acknowledgement queued to ${d.to}` +
        (d.first_response_due ? `, answer promised by ${absolute(d.first_response_due)}` : '');
    case 'ack.skipped':
      return `No acknowledgement sent: ${d.reason}`;
    case 'reply.queued':
      return `Reply queued to ${d.to}${d.address_bounced ? ' (this address bounced before)' : ''}`;
    case 'mail.sent':
      return `E-mail (${word(d.kind)}) sent to ${d.to}`;
    case 'mail.failed':
      return `E-mail (${word(d.kind)}) to ${d.to} failed: ${d.error || 'undeliverable'}`;
    case 'mail.received':
      return `E-mail received from ${d.from}`;
    case 'mail.bounced':
      return `E-mail bounced${d.address ? ` from ${d.address}` : ''}${d.reason ? `: ${d.reason}` : ''}`;
    case 'ticket.linked':
      return `Linked to ticket #${d.ticket_id} (${word(d.kind)})`;
    case 'sla.warning':
      return `SLA warning: ${word(d.metric)} due ${absolute(new Date(d.due_at).toISOString())}`;
    case 'sla.breached':
      return `SLA breached: ${word(d.metric)} was due ${absolute(new Date(d.due_at).toISOString())}`;
    default: {
      const [what, verb] = e.type.split('.');
      return `${word(what).replace(/^./, (c) => c.toUpperCase())} ${word(verb)}`;
    }
  }
}
