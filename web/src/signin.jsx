// signin.jsx — the sign-in page: e-mail and password → POST /session, which
// sets the HttpOnly session cookie and answers {agent, csrf_token}.
import { useState } from 'preact/hooks';
import { api } from './api.js';

export function SignIn({ onSignedIn, notice }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api('POST', '/session', { body: { email, password }, quiet401: true });
      onSignedIn(s);
    } catch (err) {
      setError(err.status === 401 || err.status === 422
        ? 'That e-mail address and password do not match an active agent.'
        : `Could not sign in: ${err.message}`);
      setBusy(false);
    }
  }

  return (
    <main id="main" class="signin">
      <form class="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title"><span class="brand">heed</span> Sign in</h1>
        {notice && !error && <p class="notice" role="status">{notice}</p>}
        {error && <p class="error" role="alert" id="signin-error">{error}</p>}
        <div class="field">
          <label for="email">E-mail</label>
          <input id="email" name="email" type="email" autocomplete="username" required autofocus
            value={email} onInput={(e) => setEmail(e.currentTarget.value)}
            aria-describedby={error ? 'signin-error' : undefined} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required
            value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <button class="button primary" type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
