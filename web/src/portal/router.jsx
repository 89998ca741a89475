// router.jsx — the portal's URLs (heed answers every /portal/... path with
// portal.html):
//   /portal                  the contact form and "sign in to see your requests"
//   /portal/signin/<token>   the link mailed to the customer
//   /portal/tickets          the customer's requests
//   /portal/tickets/<id>     one of them
import { useEffect, useState } from 'preact/hooks';

export function parseRoute(path) {
  let m;
  if (/^\/portal\/?$/.test(path)) return { name: 'home' };
  if ((m = /^\/portal\/signin\/([A-Za-z0-9._-]{1,255})\/?$/.exec(path))) return { name: 'signin', token: m[1] };
  if (/^\/portal\/tickets\/?$/.test(path)) return { name: 'tickets' };
  if ((m = /^\/portal\/tickets\/([1-9][0-9]{0,17})\/?$/.exec(path))) return { name: 'ticket', id: Number(m[1]) };
  return { name: 'missing' };
}

const listeners = new Set();

/** Go to `path` (pushState, or replaceState) and tell every useRoute(). */
export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const fn of listeners) fn(path);
}

addEventListener('popstate', () => {
  for (const fn of listeners) fn(location.pathname);
});

export function useRoute() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    listeners.add(setPath);
    return () => listeners.delete(setPath);
  }, []);
  return parseRoute(path);
}

/** An <a> that navigates inside the portal (a modified click opens a new tab). */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} {...rest}>{children}</a>;
}
