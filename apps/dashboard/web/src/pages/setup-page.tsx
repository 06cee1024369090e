import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { api, ApiError } from '../api/client';
import type { SetupBody, SignedIn } from '../api/types';
import { Field } from '../components/field';
import { Banner, ErrorBanner, Spinner } from '../components/states';
import { useSession } from '../session/session';
import { AuthFrame } from './auth-frame';

const MIN_PASSWORD = 12;

/** `npm start` prints `/setup#token=…`: the token travels in the fragment, never to a server log. */
function tokenFromHash(): string {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  return match?.[1] ? decodeURIComponent(match[1]) : '';
}

export function SetupPage() {
  const { status, refresh, signedIn } = useSession();
  const navigate = useNavigate();
  const [token, setToken] = useState(tokenFromHash);
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  useEffect(() => {
    // keep the token out of the history and off the screen's address bar
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  if (status && !status.setupRequired) return <Navigate to="/login" replace />;

  const mismatch = repeat !== '' && repeat !== password ? 'The two passwords differ.' : null;
  const tooShort = password !== '' && password.length < MIN_PASSWORD ? `At least ${MIN_PASSWORD} characters.` : null;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy || mismatch || tooShort) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.post<SignedIn>('/api/auth/setup', { token, username, password } satisfies SetupBody, { expectUnauthorized: true });
      signedIn(answer);
      void navigate('/', { replace: true });
    } catch (failure) {
      const apiError = failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure));
      setError(apiError);
      setBusy(false);
      if (apiError.code === 'SETUP_DONE') void refresh();
    }
  };

  return (
    <AuthFrame title="Create the first admin account">
      <Banner tone="info">
        No account exists yet. Enter the setup token that <code>npm start</code> printed (the link fills it in) and choose the admin’s name and password.
      </Banner>
      <form className="form" onSubmit={(event) => void submit(event)} aria-label="Create admin account">
        <Field label="Setup token">
          <input type="password" name="token" autoComplete="off" spellCheck={false} required value={token} onChange={(e) => setToken(e.target.value)} />
        </Field>
        <Field label="User name">
          <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required value={username} onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field label="Password" hint={`At least ${MIN_PASSWORD} characters; not a common password.`} error={tooShort}>
          <input type="password" name="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label="Repeat password" error={mismatch}>
          <input type="password" name="repeat" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </Field>
        <ErrorBanner error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !!mismatch || !!tooShort}>
          {busy ? <Spinner /> : null}
          Create account and sign in
        </button>
      </form>
    </AuthFrame>
  );
}
