import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized, setCsrfToken } from '../api/client';
import type { AuthStatus, SignedIn, User } from '../api/types';

export interface Session {
  status: AuthStatus | undefined;
  /** Set when `/api/auth/status` itself failed: the dashboard is unreachable. */
  error: ApiError | undefined;
  user: User | null;
  isAdmin: boolean;
  /** True after a 401 ended a session that was open (the login page says so). */
  expired: boolean;
  refresh: () => Promise<void>;
  signedIn: (answer: SignedIn) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const statusRef = useRef(status);
  statusRef.current = status;

  const refresh = useCallback(async () => {
    try {
      const answer = await api.get<AuthStatus>('/api/auth/status');
      setCsrfToken(answer.csrfToken);
      setStatus(answer);
      setError(undefined);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure)));
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setCsrfToken(null);
        if (statusRef.current?.user) setExpired(true);
        setStatus((current) => (current ? { ...current, user: null, csrfToken: null } : current));
      }),
    [],
  );

  const signedIn = useCallback((answer: SignedIn) => {
    setCsrfToken(answer.csrfToken);
    setExpired(false);
    setStatus((current) => ({
      setupRequired: false,
      oidc: current?.oidc ?? { enabled: false, label: null },
      user: answer.user,
      csrfToken: answer.csrfToken,
    }));
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      setCsrfToken(null);
      setExpired(false);
      setStatus((current) => (current ? { ...current, user: null, csrfToken: null } : current));
    }
  }, []);

  const value = useMemo<Session>(() => {
    const user = status?.user ?? null;
    return { status, error, user, isAdmin: user?.role === 'admin', expired, refresh, signedIn, logout };
  }, [status, error, expired, refresh, signedIn, logout]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <SessionProvider>');
  return session;
}

/** Whether the signed-in user may change things; viewers see no buttons they cannot use. */
export function useIsAdmin(): boolean {
  return useSession().isAdmin;
}
