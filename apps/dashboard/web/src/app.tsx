import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/layout';
import { ErrorBanner, Loading } from './components/states';
import { ToastProvider } from './components/toast';
import { LoginPage } from './pages/login-page';
import { OverviewPage } from './pages/overview-page';
import { SetupPage } from './pages/setup-page';
import { SessionProvider, useSession } from './session/session';

// every page but the first one a user sees loads on demand
const ContainersPage = lazy(() => import('./pages/containers-page'));
const ContainerDetailPage = lazy(() => import('./pages/container-detail-page'));
const HostMetricsPage = lazy(() => import('./pages/host-metrics-page'));
const ServicesPage = lazy(() => import('./pages/services-page'));
const DomainsPage = lazy(() => import('./pages/domains-page'));
const DatabasesPage = lazy(() => import('./pages/databases-page'));
const AlertsPage = lazy(() => import('./pages/alerts-page'));
const UsersPage = lazy(() => import('./pages/users-page'));
const JarvisPage = lazy(() => import('./pages/jarvis-page'));
const HomePage = lazy(() => import('./pages/home-page'));
const GooglePage = lazy(() => import('./pages/google-page'));
const NotFoundPage = lazy(() => import('./pages/not-found-page'));

/** Signed-in pages: anyone else goes to the login page, and comes back after. */
function RequireUser({ children }: { children: ReactNode }) {
  const { status, user } = useSession();
  const location = useLocation();
  if (status?.setupRequired) return <Navigate to="/setup" replace />;
  if (!user) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

function RequireAdmin({ children }: { children: ReactNode }) {
  const { isAdmin } = useSession();
  return isAdmin ? <>{children}</> : <Navigate to="/" replace />;
}

function Routed() {
  const { status, error, refresh } = useSession();
  if (!status) {
    return (
      <div className="centered">
        {error ? <ErrorBanner title="The dashboard is not answering." error={error} onRetry={() => void refresh()} /> : <Loading what="the dashboard" />}
      </div>
    );
  }
  return (
    <Suspense fallback={<Loading what="page" />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/setup" element={<SetupPage />} />
        <Route
          element={
            <RequireUser>
              <Layout />
            </RequireUser>
          }
        >
          <Route index element={<OverviewPage />} />
          <Route path="containers" element={<ContainersPage />} />
          <Route path="containers/:host/:id" element={<ContainerDetailPage />} />
          <Route path="host" element={<HostMetricsPage />} />
          <Route path="services" element={<ServicesPage />} />
          <Route path="domains" element={<DomainsPage />} />
          <Route path="databases" element={<DatabasesPage />} />
          <Route path="alerts" element={<AlertsPage />} />
          <Route path="jarvis/:conversationId?" element={<JarvisPage />} />
          <Route path="home" element={<HomePage />} />
          <Route path="google" element={<GooglePage />} />
          <Route
            path="users"
            element={
              <RequireAdmin>
                <UsersPage />
              </RequireAdmin>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <ToastProvider>
          <Routed />
        </ToastProvider>
      </SessionProvider>
    </BrowserRouter>
  );
}
