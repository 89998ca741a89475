// home.jsx — the portal's front page: the "Contact us" form (POST
// /portal/tickets, which answers at once with the reference and when an
// answer is due) and "Sign in to see your requests" (POST /portal/magic-link,
// a link by mail); and the page of the mailed link (POST /portal/session).
import { useEffect, useRef, useState } from 'preact/hooks';
import { newIdempotencyKey, portal } from './api.js';
import { Link, navigate } from './router.jsx';
import { Time } from './format.jsx';

export function Home({ session, notice, focusSignIn = false }) {
  useEffect(() => { document.title = 'Contact us — Help'; }, []);
  return (
    <main id="main" class="page home">
      {notice && <p class="notice" role="status">{notice}</p>}
      <div class="columns">
        <ContactForm />
        {session ? (
          <section class="card" aria-labelledby="mine-title">
            <h2 id="mine-title">Your requests</h2>
            <p>You are signed in{session.customer.name ? ` as ${session.customer.name}` : ''}.</p>
            <p><Link href="/portal/tickets">See your requests and our answers</Link></p>
          </section>
        ) : <MagicLinkForm autoFocus={focusSignIn} />}
      </div>
    </main>
  );
}

function ContactForm() {
  const [f, setF] = useState({ email: '', name: '', subject: '', text: '' });
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const doneRef = useRef(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });

  useEffect(() => { if (done && doneRef.current) doneRef.current.focus(); }, [done]);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { email: f.email.trim(), subject: f.subject.trim(), text: f.text };
      if (f.name.trim()) body.name = f.name.trim();
      const r = await portal('POST', '/tickets', { body, idempotencyKey: key });
      setDone(r);
    } catch (err) {
      setError(err.status === 429 ? `You have sent many requests in a short time: ${err.message}.`
        : `Your request was not sent: ${err.message}.`);
    }
    setBusy(false);
  }

  function another() {
    setF({ email: f.email, name: f.name, subject: '', text: '' });
    setKey(newIdempotencyKey());
    setDone(null);
  }

  if (done) {
    return (
      <section class="card confirmation" aria-labelledby="done-title">
        <h1 id="done-title" tabIndex={-1} ref={doneRef}>Thank you — we have your request</h1>
        <p class="reference">Your reference: <strong data-reference>{done.reference}</strong></p>
        {done.first_response_due
          ? <p class="due">We will answer by <strong><Time iso={done.first_response_due} /></strong>.</p>
          : <p class="due">We will answer as soon as we can.</p>}
        <p class="muted">We have also sent this to {f.email.trim()}. Mention {done.reference} if you write to us
          about it.</p>
        <button type="button" class="button" onClick={another}>Send another request</button>
      </section>
    );
  }

  return (
    <form class="card contact" onSubmit={submit} aria-labelledby="contact-title">
      <h1 id="contact-title">Contact us</h1>
      <p class="muted">Tell us what is wrong; you get a reference and the time we will answer by at once.</p>
      {error && <p class="error" role="alert" id="contact-error">{error}</p>}
      <div class="field">
        <label for="c-email">E-mail</label>
        <input id="c-email" type="email" autocomplete="email" required maxLength={254}
          value={f.email} onInput={set('email')} aria-describedby={error ? 'contact-error' : undefined} />
      </div>
      <div class="field">
        <label for="c-name">Name <span class="muted">(optional)</span></label>
        <input id="c-name" type="text" autocomplete="name" maxLength={200} value={f.name} onInput={set('name')} />
      </div>
      <div class="field">
        <label for="c-subject">Subject</label>
        <input id="c-subject" type="text" required maxLength={250} value={f.subject} onInput={set('subject')} />
      </div>
      <div class="field">
        <label for="c-text">Message</label>
        <textarea id="c-text" required rows={7} value={f.text} onInput={set('text')} />
      </div>
      <button class="button primary" type="submit" disabled={busy}>{busy ? 'Sending…' : 'Send request'}</button>
    </form>
  );
}

function MagicLinkForm({ autoFocus }) {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [sent, setSent] = useState(null);
  const input = useRef(null);
  const sentRef = useRef(null);

  useEffect(() => { if (autoFocus && input.current) input.current.focus(); }, []);
  useEffect(() => { if (sent && sentRef.current) sentRef.current.focus(); }, [sent]);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await portal('POST', '/magic-link', { body: { email: email.trim() } });
      setSent(email.trim());
    } catch (err) {
      setError(`No link was sent: ${err.message}.`);
    }
    setBusy(false);
  }

  if (sent) {
    return (
      <section class="card" aria-labelledby="sent-title">
        <h2 id="sent-title" tabIndex={-1} ref={sentRef}>Check your mail</h2>
        <p role="status">If {sent} is known to us, a sign-in link is on its way. It works once, for 30 minutes.</p>
        <button type="button" class="linkish" onClick={() => setSent(null)}>Use another address</button>
      </section>
    );
  }
  return (
    <form class="card" onSubmit={submit} aria-labelledby="signin-title">
      <h2 id="signin-title">Sign in to see your requests</h2>
      <p class="muted">We mail you a link; no password needed.</p>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="field">
        <label for="s-email">Your e-mail</label>
        <input id="s-email" ref={input} type="email" autocomplete="email" required
          value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </div>
      <button class="button" type="submit" disabled={busy}>{busy ? 'Sending…' : 'Mail me a sign-in link'}</button>
    </form>
  );
}

/** /portal/signin/<token>: trade the mailed token for a session, then the list. */
export function SignInLink({ token, onSignedIn }) {
  const [error, setError] = useState(null);
  useEffect(() => {
    document.title = 'Signing in — Help';
    portal('POST', '/session', { body: { token }, quiet401: true })
      .then((s) => {
        onSignedIn(s);
        navigate('/portal/tickets', { replace: true }); // the used token leaves the history
      })
      .catch((err) => {
        setError(err.status === 401
          ? 'This sign-in link has expired or was already used.'
          : `Could not sign in: ${err.message}.`);
      });
  }, [token]);

  if (!error) return <main id="main" class="page" aria-busy="true"><p class="muted">Signing you in…</p></main>;
  return (
    <main id="main" class="page home">
      <p class="error" role="alert">{error} Ask for a new link below.</p>
      <div class="columns"><MagicLinkForm autoFocus /></div>
    </main>
  );
}
