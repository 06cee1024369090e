import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { LoginBody, SignedIn } from '../api/types';
import { Field } from '../components/field';
import { Banner, ErrorBanner, Spinner } from '../components/states';
import { formatDuration } from '../lib/format';
import { safeNext } from '../lib/safe-next';
import { useSession } from '../session/session';
import { AuthFrame } from './auth-frame';

const OIDC_ERRORS: Record<string, string> = {
  OIDC_STATE_INVALID: 'The single sign-on answer did not match this browser’s request. Start again.',
  OIDC_DENIED: 'The identity provider refused the sign-in.',
  OIDC_UNAVAILABLE: 'The identity provider could not be reached.',
  ACCOUNT_DISABLED: 'This account is disabled. Ask an administrator.',
};

/** Counts down a 429's wait; the form stays disabled until it reaches zero. */
function useCountdown(): [number, (seconds: number) => void] {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (until <= Date.now()) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  const start = (seconds: number): void => {
    setNow(Date.now());
    setUntil(Date.now() + seconds * 1000);
  };
  return [left, start];
}

export function LoginPage() {
  const { status, user, expired, signedIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [waitLeft, startWait] = useCountdown();
  const next = safeNext(params.get('next'));

  if (status?.setupRequired) return <Navigate to="/setup" replace />;
  if (user) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy || waitLeft > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.post<SignedIn>('/api/auth/login', { username, password } satisfies LoginBody, { expectUnauthorized: true });
      signedIn(answer);
      void navigate(next, { replace: true });
    } catch (failure) {
      const apiError = failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure));
      if (apiError.status === 429) startWait(apiError.retryAfterSeconds ?? 60);
      setError(apiError);
      setPassword('');
      setBusy(false);
    }
  };

  const oidcError = params.get('error');
  const oidc = status?.oidc;
  return (
    <AuthFrame title="Sign in">
      {expired ? <Banner tone="info">Your session ended. Sign in again.</Banner> : null}
      {oidcError ? (
        <Banner tone="bad">
          {OIDC_ERRORS[oidcError] ?? 'Single sign-on failed.'} <code>{oidcError}</code>
        </Banner>
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <Field label="User name">
          <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field label="Password">
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {error ? (
          <ErrorBanner
            error={error.status === 429 && waitLeft > 0 ? new ApiError(429, error.code, `${error.message} Try again in ${formatDuration(waitLeft)}.`) : error}
          />
        ) : null}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || waitLeft > 0}>
          {busy ? <Spinner /> : null}
          Sign in
        </button>
      </form>
      {oidc?.enabled ? (
        <>
          <div className="divider">
            <span>or</span>
          </div>
          <a className="btn btn-block" href="/api/auth/oidc/login">
            Sign in with {oidc.label || 'SSO'}
          </a>
        </>
      ) : null}
    </AuthFrame>
  );
}
