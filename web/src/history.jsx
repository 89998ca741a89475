// history.jsx — navigation in the browser's history, shared by the agent
// app and the portal (each has its own router.jsx that names its URLs).
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

/** Go to `path` (pushState, or replaceState) and tell every usePath(). */
export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const fn of listeners) fn(path);
}

addEventListener('popstate', () => {
  for (const fn of listeners) fn(location.pathname);
});

/** The current path; re-renders when it changes. */
export function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    listeners.add(setPath);
    return () => listeners.delete(setPath);
  }, []);
  return path;
}

/** An <a> that navigates in place (a modified click still opens a new tab). */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} {...rest}>{children}</a>;
}
