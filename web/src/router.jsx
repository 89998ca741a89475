// router.js — the app's URLs, in the browser's history (heed answers every
// such path with index.html):
//   /                 the queue "My tickets"
//   /queue/<name>     mine | unassigned | all
//   /tickets/<id>     one ticket
import { usePath } from './history.jsx';

export { Link, navigate } from './history.jsx';

/** What a path shows: { name: 'queue', queue } | { name: 'ticket', id } | { name: 'missing' }. */
export function parseRoute(path) {
  let m;
  if (path === '/' || path === '') return { name: 'queue', queue: 'mine' };
  if ((m = /^\/queue\/(mine|unassigned|all)\/?$/.exec(path))) return { name: 'queue', queue: m[1] };
  if ((m = /^\/tickets\/([1-9][0-9]{0,17})\/?$/.exec(path))) return { name: 'ticket', id: Number(m[1]) };
  return { name: 'missing' };
}

/** The current route; re-renders when it changes. */
export function useRoute() {
  return parseRoute(usePath());
}
