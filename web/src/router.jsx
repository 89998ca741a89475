// router.js — the app's URLs, in the browser's history (heed answers every
// such path with index.html):
//   /                 the queue "My tickets"
//   /queue/<name>     mine | unassigned | all
//   /tickets/<id>     one ticket
import { useEffect, useState } from 'preact/hooks';

/** What a path shows: { name: 'queue', queue } | { name: 'ticket', id } | { name: 'missing' }. */
export function parseRoute(path) {
  let m;
  if (path === '/' || path === '') return { name: 'queue', queue: 'mine' };
  if ((m = /^\/queue\/(mine|unassigned|all)\/?$/.exec(path))) return { name: 'queue', queue: m[1] };
  if ((m = /^\/tickets\/([1-9][0-9]{0,17})\/?$/.exec(path))) return { name: 'ticket', id: Number(m[1]) };
  return { name: 'missing' };
}

const listeners = new Set();

/** Go to `path` (pushState) and tell every useRoute(). */
export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const fn of listeners) fn(path);
}

addEventListener('popstate', () => {
  for (const fn of listeners) fn(location.pathname);
});

/** The current route; re-renders when it changes. */
export function useRoute() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    listeners.add(setPath);
    return () => listeners.delete(setPath);
  }, []);
  return parseRoute(path);
}

/** An <a> that navigates inside the app (a modified click still opens a new tab). */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} {...rest}>{children}</a>;
}
