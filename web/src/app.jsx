// app.jsx — the frame of the agent app: who is signed in (GET /session),
// the header with sign-out, and which screen the URL shows.
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { Link, useRoute } from './router.jsx';
import { SignIn } from './signin.jsx';
import { Queue, prefetchQueues } from './queue.jsx';
import { Ticket } from './ticket.jsx';
import { ShortcutHelp, useShortcuts } from './shortcuts.jsx';
import { startLive, stopLive } from './live.js';

/** The app. `first` is the GET /session already under way (main.jsx starts it
 * before the first render, to save a frame). */
export function App({ first }) {
  // undefined: asking the server; null: signed out; else {agent, csrf_token}
  const [session, setSession] = useState(undefined);
  const [problem, setProblem] = useState(null);
  const [notice, setNotice] = useState(null);
  const [help, setHelp] = useState(false);
  const route = useRoute();

  function signedIn(s) {
    setCsrfToken(s.csrf_token);
    if (route.name === 'queue') prefetchQueues();
    setNotice(null);
    setSession(s);
  }

  function signedOut(message) {
    setCsrfToken(null);
    setNotice(message || null);
    setSession(null);
  }

  useEffect(() => {
    setUnauthorizedHandler(() => signedOut('Your session has ended. Please sign in again.'));
    first
      .then(signedIn)
      .catch((err) => {
        if (err.status === 401) signedOut();
        else setProblem(`heed did not answer as expected (${err.message}). Reload to try again.`);
      });
  }, []);

  useShortcuts({ '?': () => setHelp((h) => !h) });

  // One live stream while signed in (queues and tickets refresh from it).
  const signedInNow = !!session;
  useEffect(() => {
    if (!signedInNow) return undefined;
    startLive();
    return stopLive;
  }, [signedInNow]);

  async function signOut() {
    try {
      await api('DELETE', '/session', { quiet401: true });
    } catch { /* signed out already, or the server is away: forget it here anyway */ }
    signedOut('You are signed out.');
  }

  if (problem) return <main id="main" class="signin"><p class="error" role="alert">{problem}</p></main>;
  if (session === undefined) return <main id="main" class="loading" aria-busy="true"><p>Loading…</p></main>;
  if (session === null) return <SignIn onSignedIn={signedIn} notice={notice} />;

  const agent = session.agent;
  let screen;
  if (route.name === 'queue') screen = <Queue key="queue" queue={route.queue} agent={agent} />;
  else if (route.name === 'ticket') screen = <Ticket key={route.id} id={route.id} agent={agent} />;
  else screen = <NotFound />;

  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <Link href="/" class="brand">heed</Link>
        <nav aria-label="Signed in">
          <span class="who" title={agent.email}>{agent.name}</span>
          <button type="button" class="button quiet shortcuts" onClick={() => setHelp(true)}
            aria-keyshortcuts="?">Shortcuts</button>
          <button type="button" class="button quiet" onClick={signOut}>Sign out</button>
        </nav>
      </header>
      {screen}
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </>
  );
}

function NotFound() {
  useEffect(() => { document.title = 'Not found — heed'; }, []);
  return (
    <main id="main" class="page">
      <h1>Not found</h1>
      <p>There is nothing at this address. <Link href="/">Back to the queue</Link>.</p>
    </main>
  );
}
