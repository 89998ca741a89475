// shortcuts.jsx — single-key shortcuts (r, n, j, k, ?) and the list of them.
//
// A screen says which keys it handles with useShortcuts({ j: fn, ... }) while
// it is mounted. Keys typed into a field, or with Ctrl/Alt/Meta, are never
// taken, so typing a reply is never interrupted.
import { useEffect, useRef } from 'preact/hooks';

export const SHORTCUTS = [
  ['j', 'Next ticket in the queue'],
  ['k', 'Previous ticket in the queue'],
  ['Enter', 'Open the selected ticket'],
  ['r', 'Write a reply to the customer'],
  ['n', 'Write an internal note'],
  ['Esc', 'Leave the reply box (then shortcuts work again)'],
  ['?', 'Show this list'],
];

function typing(e) {
  const t = e.target;
  if (!t || !t.tagName) return false;
  const tag = t.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable;
}

/** Handle `keys` ({ key: fn(event) }) while the calling component is mounted. */
export function useShortcuts(keys) {
  const ref = useRef(keys);
  ref.current = keys;
  useEffect(() => {
    const onKey = (e) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
      if (document.querySelector('dialog[open]') && e.key !== '?') return;
      const fn = ref.current[e.key];
      if (fn) {
        e.preventDefault();
        fn(e);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/** The "Keyboard shortcuts" dialog (a modal <dialog>: Esc closes it). */
export function ShortcutHelp({ open, onClose }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="help" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([k, what]) => (
          <div key={k}><dt><kbd>{k}</kbd></dt><dd>{what}</dd></div>
        ))}
      </dl>
      <button type="button" class="button" onClick={onClose} autofocus>Close</button>
    </dialog>
  );
}
