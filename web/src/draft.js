// draft.js — what an agent is typing survives reloads and crashes: one draft
// per agent and ticket in localStorage ({text, visibility}), removed when it
// is sent.

const key = (agentId, ticketId) => `heed.draft.${agentId}.${ticketId}`;

/** The saved draft, or null. */
export function loadDraft(agentId, ticketId) {
  try {
    const d = JSON.parse(localStorage.getItem(key(agentId, ticketId)));
    if (d && typeof d.text === 'string') return d;
  } catch { /* storage off or garbage: no draft */ }
  return null;
}

/** Save (or, for empty text, remove) the draft. */
export function saveDraft(agentId, ticketId, draft) {
  try {
    if (draft.text) localStorage.setItem(key(agentId, ticketId), JSON.stringify(draft));
    else localStorage.removeItem(key(agentId, ticketId));
  } catch { /* storage full or off: the draft only lives in the page */ }
}

export function clearDraft(agentId, ticketId) {
  try {
    localStorage.removeItem(key(agentId, ticketId));
  } catch { /* nothing to do */ }
}
