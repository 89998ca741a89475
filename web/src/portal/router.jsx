// router.jsx — the portal's URLs (heed answers every /portal/... path with
// portal.html):
//   /portal                  the contact form and "sign in to see your requests"
//   /portal/signin/<token>   the link mailed to the customer
//   /portal/tickets          the customer's requests
//   /portal/tickets/<id>     one of them
import { usePath } from '../history.jsx';

export { Link, navigate } from '../history.jsx';

export function parseRoute(path) {
  let m;
  if (/^\/portal\/?$/.test(path)) return { name: 'home' };
  if ((m = /^\/portal\/signin\/([A-Za-z0-9._-]{1,255})\/?$/.exec(path))) return { name: 'signin', token: m[1] };
  if (/^\/portal\/tickets\/?$/.test(path)) return { name: 'tickets' };
  if ((m = /^\/portal\/tickets\/([1-9][0-9]{0,17})\/?$/.exec(path))) return { name: 'ticket', id: Number(m[1]) };
  return { name: 'missing' };
}

/** The current route; re-renders when it changes. */
export function useRoute() {
  return parseRoute(usePath());
}
