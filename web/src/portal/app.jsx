// app.jsx — the frame of the customer portal: who is signed in (GET
// /portal/session), the header with sign-out, and which page the URL shows.
import { useEffect, useState } from 'preact/hooks';
import { portal, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { Link, navigate, useRoute } from './router.jsx';
import { Home, SignInLink } from './home.jsx';
import { Tickets } from './tickets.jsx';
import { Ticket } from './ticket.jsx';

export function Portal({ first }) {
  // undefined: asking; null: signed out; else {customer, csrf_token, expires_at}
  const [session, setSession] = useState(undefined);
  const [notice, setNotice] = useState(null);
  const route = useRoute();

  function signedIn(s) {
    setCsrfToken(s.csrf_token);
    setNotice(null);
    setSession(s);
  }

  function signedOut(message) {
    setCsrfToken(null);
    setNotice(message || null);
    setSession(null);
  }

  useEffect(() => {
    setUnauthorizedHandler(() => signedOut('Your session has ended. Ask for a new sign-in link below.'));
    first.then(signedIn).catch(() => signedOut());
  }, []);

  async function signOut() {
    try {
      await portal('DELETE', '/session', { quiet401: true });
    } catch { /* ended already: forget it here anyway */ }
    signedOut('You are signed out.');
    navigate('/portal');
  }

  let page;
  if (session === undefined) {
    page = <main id="main" class="page" aria-busy="true"><p class="muted">Loading…</p></main>;
  } else if (route.name === 'home') {
    page = <Home session={session} notice={notice} />;
  } else if (route.name === 'signin') {
    page = <SignInLink key={route.token} token={route.token} onSignedIn={signedIn} />;
  } else if (route.name === 'tickets' || route.name === 'ticket') {
    if (!session) page = <Home session={null} notice={notice || 'Sign in to see your requests.'} focusSignIn />;
    else if (route.name === 'tickets') page = <Tickets />;
    else page = <Ticket key={route.id} id={route.id} />;
  } else {
    page = <NotFound />;
  }

  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <Link href="/portal" class="brand">Help</Link>
        {session && (
          <nav aria-label="Your account">
            <Link href="/portal/tickets" class="navlink"
              aria-current={route.name === 'tickets' ? 'page' : undefined}>Your requests</Link>
            <span class="who">{session.customer.name || 'Signed in'}</span>
            <button type="button" class="button quiet" onClick={signOut}>Sign out</button>
          </nav>
        )}
      </header>
      {page}
    </>
  );
}

function NotFound() {
  useEffect(() => { document.title = 'Not found — Help'; }, []);
  return (
    <main id="main" class="page">
      <h1>Not found</h1>
      <p>There is nothing at this address. <Link href="/portal">Back to the help page</Link>.</p>
    </main>
  );
}
