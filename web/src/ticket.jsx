// ticket.jsx — one ticket: its fields (status, priority, team, assignee),
// its SLA clocks, one timeline of messages and events, and the reply box.
//
// Changes are PATCHed with If-Match, so an agent never overwrites a change
// they have not seen (412: reload and say so); a refused move (409) shows
// the server's reason.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, apiAll } from './api.js';
import { Link } from './router.jsx';
import { absolute, relative, word, STATUSES, PRIORITIES, CLOSE_REASONS } from './format.js';
import { describeEvent } from './events.js';
import { PriorityBadge, SlaBadge, StatusBadge } from './badges.jsx';
import { ReplyBox } from './reply.jsx';
import { coalesce, useLive } from './live.js';
import { PresenceNotice, usePresence } from './presence.jsx';
import { MailFrame } from './mailframe.jsx';

export function Ticket({ id, agent }) {
  const [ticket, setTicket] = useState(null);
  const [timeline, setTimeline] = useState(null);
  const [people, setPeople] = useState({ agents: [], teams: [] });
  const [failed, setFailed] = useState(null);
  const [announce, setAnnounce] = useState('');
  const heading = useRef(null);

  async function loadTicket() {
    setTicket(await api('GET', `/tickets/${id}`));
  }

  async function loadTimeline() {
    const [messages, events] = await Promise.all([
      apiAll(`/tickets/${id}/messages`), apiAll(`/tickets/${id}/events`),
    ]);
    setTimeline(mergeTimeline(messages, events));
  }

  useEffect(() => {
    setFailed(null);
    Promise.all([loadTicket(), loadTimeline()]).catch((err) => setFailed(err));
    Promise.all([apiAll('/agents'), apiAll('/teams')])
      .then(([agents, teams]) => setPeople({ agents, teams }))
      .catch(() => { /* the selects then offer only the current values */ });
  }, [id]);

  // Changes by others (new messages, fields) appear without a reload.
  const liveRefresh = useRef(null);
  if (!liveRefresh.current) {
    liveRefresh.current = coalesce(() => {
      Promise.all([loadTicket(), loadTimeline()]).catch(() => { /* keep what is shown */ });
    });
  }
  useLive((msg) => {
    if (msg.type === 'open') { if (msg.again) liveRefresh.current(); return; }
    if (msg.type !== 'presence' && msg.data && msg.data.ticket_id === id) liveRefresh.current();
  });
  const presence = usePresence(id, agent);

  useEffect(() => {
    if (ticket) document.title = `#${ticket.id} ${ticket.subject} — heed`;
  }, [ticket && ticket.subject]);

  // Move focus to the heading once the ticket is there (a new screen).
  const focused = useRef(false);
  useEffect(() => {
    if (ticket && !focused.current && heading.current) {
      focused.current = true;
      heading.current.focus({ preventScroll: true });
    }
  }, [ticket]);

  if (failed) {
    return (
      <main id="main" class="page">
        <h1>Ticket #{id}</h1>
        <p class="error" role="alert">
          {failed.status === 404 ? 'There is no such ticket.' : `Could not load the ticket: ${failed.message}`}
        </p>
        <p><Link href="/">Back to the queue</Link></p>
      </main>
    );
  }
  if (!ticket) return <main id="main" class="page loading" aria-busy="true"><p>Loading ticket #{id}…</p></main>;

  const names = {
    agents: new Map(people.agents.map((a) => [a.id, a.name])),
    teams: new Map(people.teams.map((t) => [t.id, t.name])),
  };

  async function refresh(message) {
    setAnnounce(message);
    await Promise.all([loadTicket(), loadTimeline()]).catch((err) => setFailed(err));
  }

  return (
    <main id="main" class="page ticket">
      <p class="crumbs"><Link href="/">← Queue</Link></p>
      <header class="ticket-head">
        <h1 ref={heading} tabIndex={-1}><span class="id">#{ticket.id}</span> {ticket.subject}</h1>
        <p class="meta">
          <StatusBadge status={ticket.status} /> <PriorityBadge priority={ticket.priority} />{' '}
          <span>{ticket.customer_name || `Customer ${ticket.customer_id}`}</span>
          {' · '}<span>via {word(ticket.channel)}</span>
          {' · '}<span>opened <time datetime={ticket.created_at} title={absolute(ticket.created_at)}>{relative(ticket.created_at)}</time></span>
        </p>
      </header>
      <p class="visually-hidden" role="status" aria-live="polite">{announce}</p>
      <PresenceNotice others={presence.others} />
      <div class="ticket-grid">
        <div class="conversation">
          <Timeline items={timeline} names={names} />
          <ReplyBox ticket={ticket} agent={agent} onPresence={presence.say} onSent={(vis) =>
            refresh(vis === 'internal' ? 'Internal note added.' : 'Reply sent.')} />
        </div>
        <aside class="side">
          <Controls ticket={ticket} agent={agent} people={people} onChanged={setTicket}
            reload={() => refresh('')} announce={setAnnounce} />
          <Clocks ticket={ticket} />
        </aside>
      </div>
    </main>
  );
}

/** Messages and events, oldest first; message.added events are the messages themselves. */
export function mergeTimeline(messages, events) {
  const rank = (x) => (x.kind === 'event' && x.e.type === 'ticket.created' ? 0 : x.kind === 'message' ? 1 : 2);
  return [
    ...messages.map((m) => ({ kind: 'message', at: m.created_at, key: `m${m.id}`, m })),
    ...events.filter((e) => e.type !== 'message.added')
      .map((e) => ({ kind: 'event', at: e.at, key: `e${e.id}`, e })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : rank(a) - rank(b)));
}

function Timeline({ items, names }) {
  if (!items) return <p class="loading" aria-busy="true">Loading the conversation…</p>;
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h" class="visually-hidden">Conversation and history</h2>
      <ol class="timeline">
        {items.map((x) => (x.kind === 'message'
          ? <Message key={x.key} m={x.m} />
          : (
            <li key={x.key} class="event" data-event={x.e.type}>
              <span class="what">{describeEvent(x.e, names)}</span>
              {x.e.actor_name && <span class="actor"> · {x.e.actor_name}</span>}
              {' · '}<time datetime={x.e.at} title={absolute(x.e.at)}>{relative(x.e.at)}</time>
            </li>
          )))}
      </ol>
    </section>
  );
}

function Message({ m }) {
  const [full, setFull] = useState(false);
  const [plain, setPlain] = useState(false); // HTML mail: show the plain text instead
  const internal = m.visibility === 'internal';
  const text = !full && m.display_text ? m.display_text : m.text;
  const who = m.author_name || (m.author === 'system' ? 'heed' : word(m.author));
  return (
    <li class={`message ${m.author} ${internal ? 'internal' : 'public'}`} data-message={m.id}
      data-visibility={m.visibility}>
      <article aria-label={`${internal ? 'Internal note' : 'Message'} from ${who}`}>
        <header>
          <strong class="author">{who}</strong>
          {m.author === 'customer' && <span class="role"> customer</span>}
          {internal && <span class="badge internal-badge">Internal note</span>}
          <time datetime={m.created_at} title={absolute(m.created_at)}>{relative(m.created_at)}</time>
        </header>
        {m.html && !plain
          ? <MailFrame m={m} who={who} />
          : <div class="body">{text}</div>}
        {m.html && (
          <button type="button" class="linkish" onClick={() => setPlain(!plain)} aria-pressed={plain}>
            {plain ? 'Show as HTML' : 'Show plain text'}
          </button>
        )}
        {m.display_text && (!m.html || plain) && (
          <button type="button" class="linkish" onClick={() => setFull(!full)} aria-expanded={full}>
            {full ? 'Hide quoted text' : 'Show quoted text'}
          </button>
        )}
        {m.attachments.length > 0 && (
          <ul class="attachments" aria-label="Attachments">
            {m.attachments.map((a) => (
              <li key={a.id}><a href={`/api/v1/attachments/${a.id}`} download={a.filename}>{a.filename}</a>
                {' '}<span class="muted">({Math.max(1, Math.round(a.size / 1024))} KB)</span></li>
            ))}
          </ul>
        )}
      </article>
    </li>
  );
}

function Controls({ ticket, agent, people, onChanged, reload, announce }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [closing, setClosing] = useState(false);
  const [reason, setReason] = useState(CLOSE_REASONS[0]);

  async function patch(change, what) {
    setBusy(true);
    setError(null);
    try {
      const t = await api('PATCH', `/tickets/${ticket.id}`, {
        body: change, headers: { 'If-Match': `"${ticket.version}"` },
      });
      onChanged(t);
      setClosing(false);
      announce(`${what} saved.`);
      reload();
    } catch (err) {
      if (err.status === 412) setError('Someone else changed this ticket a moment ago. It has been reloaded; please check and try again.');
      else setError(err.message);
      onChanged({ ...ticket }); // puts the selects back to what is saved
      if (err.status === 412 || err.status === 409) reload();
    }
    setBusy(false);
  }

  const agents = people.agents.filter((a) => a.active || a.id === ticket.assignee_id);
  if (ticket.assignee_id && !agents.some((a) => a.id === ticket.assignee_id)) {
    agents.push({ id: ticket.assignee_id, name: ticket.assignee_name || `Agent ${ticket.assignee_id}` });
  }
  const teams = [...people.teams];
  if (ticket.team_id && !teams.some((t) => t.id === ticket.team_id)) {
    teams.push({ id: ticket.team_id, name: ticket.team_name || `Team ${ticket.team_id}` });
  }
  const final = ticket.status === 'closed';

  return (
    <section class="card controls" aria-labelledby="controls-h" aria-busy={busy}>
      <h2 id="controls-h">Details</h2>
      {error && <p class="error" role="alert" id="controls-error">{error}</p>}
      <div class="field">
        <label for="t-status">Status</label>
        <select id="t-status" value={closing ? 'closed' : ticket.status} disabled={busy || final}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v === 'closed') setClosing(true);
            else { setClosing(false); patch({ status: v }, 'Status'); }
          }}>
          {STATUSES.map((s) => <option key={s} value={s}>{word(s)}</option>)}
        </select>
      </div>
      {closing && (
        <div class="closing" role="group" aria-labelledby="closing-h">
          <p id="closing-h">Closing without solving needs a reason (to solve it, choose “solved”: the customer is asked to confirm).</p>
          <div class="field">
            <label for="t-close-reason">Reason</label>
            <select id="t-close-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
              {CLOSE_REASONS.map((r) => <option key={r} value={r}>{word(r)}</option>)}
            </select>
          </div>
          <div class="actions">
            <button type="button" class="button primary" disabled={busy}
              onClick={() => patch({ status: 'closed', close_reason: reason }, 'Status')}>Close ticket</button>
            <button type="button" class="button" onClick={() => setClosing(false)}>Cancel</button>
          </div>
        </div>
      )}
      <div class="field">
        <label for="t-priority">Priority</label>
        <select id="t-priority" value={ticket.priority} disabled={busy || final}
          onChange={(e) => patch({ priority: e.currentTarget.value }, 'Priority')}>
          {PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="t-team">Team</label>
        <select id="t-team" value={ticket.team_id === null ? '' : String(ticket.team_id)} disabled={busy || final}
          onChange={(e) => {
            const v = e.currentTarget.value;
            patch({ team_id: v === '' ? null : Number(v) }, 'Team');
          }}>
          <option value="">No team</option>
          {teams.map((t) => <option key={t.id} value={String(t.id)}>{t.name}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="t-assignee">Assignee</label>
        <select id="t-assignee" value={ticket.assignee_id === null ? '' : String(ticket.assignee_id)}
          disabled={busy || final}
          onChange={(e) => {
            const v = e.currentTarget.value;
            patch({ assignee_id: v === '' ? null : Number(v) }, 'Assignee');
          }}>
          <option value="">Unassigned</option>
          {agents.map((a) => (
            <option key={a.id} value={String(a.id)}>{a.name}{a.id === agent.id ? ' (you)' : ''}</option>
          ))}
        </select>
        {ticket.assignee_id !== agent.id && !final && (
          <button type="button" class="linkish" disabled={busy}
            onClick={() => patch({ assignee_id: agent.id }, 'Assignee')}>Assign to me</button>
        )}
      </div>
      {final && <p class="muted">Closed{ticket.close_reason ? ` (${word(ticket.close_reason)})` : ''}: a closed ticket is final.</p>}
    </section>
  );
}

const METRIC_HELP = {
  first_response: 'until the first answer to the customer',
  next_response: 'until the next answer to the customer',
  periodic_update: 'until the next update to the customer',
  resolution: 'until the ticket is solved',
};

function Clocks({ ticket }) {
  const clocks = (ticket.sla && ticket.sla.clocks) || [];
  return (
    <section class="card clocks" aria-labelledby="clocks-h">
      <h2 id="clocks-h">SLA</h2>
      {clocks.length === 0 && <p class="muted">No SLA clock is running.</p>}
      {clocks.length > 0 && (
        <ul>
          {clocks.map((c) => (
            <li key={c.metric} class={`clock sla-${c.state}`} data-metric={c.metric}>
              <div class="clock-head">
                <strong>{word(c.metric)}</strong> <SlaBadge sla={{ state: c.state, next_due: null }} />
              </div>
              <div class="muted">
                {c.paused || !c.due_at
                  ? 'Paused'
                  : <>Due <time datetime={c.due_at} title={absolute(c.due_at)}>{relative(c.due_at)}</time> ({absolute(c.due_at)})</>}
              </div>
              <div class="muted small">
                {formatMinutes(c.target_minutes)} {c.business_hours ? 'business time' : ''} {METRIC_HELP[c.metric]}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function formatMinutes(n) {
  if (n % 1440 === 0) return `${n / 1440} d`;
  if (n % 60 === 0) return `${n / 60} h`;
  return n >= 60 ? `${Math.floor(n / 60)} h ${n % 60} min` : `${n} min`;
}
