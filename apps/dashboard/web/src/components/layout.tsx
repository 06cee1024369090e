import { Suspense, useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import type { AlertList } from '../api/types';
import { useApi } from '../lib/use-api';
import { useTheme } from '../lib/theme';
import { useSession } from '../session/session';
import { ChangePasswordDialog } from './change-password-dialog';
import { ErrorBoundary } from './error-boundary';
import { MenuIcon, MoonIcon, SunIcon, UserIcon } from './icons';
import { Loading } from './states';

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

const NAV: NavItem[] = [
  { to: '/', label: 'Overview' },
  { to: '/jarvis', label: 'Jarvis' },
  { to: '/containers', label: 'Containers' },
  { to: '/host', label: 'Host metrics' },
  { to: '/services', label: 'Services' },
  { to: '/domains', label: 'Domains' },
  { to: '/databases', label: 'Databases' },
  { to: '/alerts', label: 'Alerts' },
  { to: '/home', label: 'Home Assistant' },
  { to: '/google', label: 'Google' },
  { to: '/users', label: 'Users', adminOnly: true },
];

function ThemeToggle() {
  const { theme, toggle } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="btn btn-ghost btn-icon" onClick={toggle} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`} data-theme-toggle>
      {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
    </button>
  );
}

function UserMenu() {
  const { user, logout } = useSession();
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: PointerEvent): void => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!user) return null;
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="btn btn-ghost" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((value) => !value)}>
        <UserIcon />
        <span className="user-name">{user.displayName || user.username}</span>
      </button>
      {open ? (
        <div className="menu" role="menu">
          <div className="menu-caption">
            Signed in as <strong>{user.username}</strong> ({user.role})
          </div>
          {user.provider === 'local' ? (
            <button type="button" role="menuitem" className="menu-item" onClick={() => {
                setOpen(false);
                setChanging(true);
              }}>
              Change password
            </button>
          ) : null}
          <button type="button" role="menuitem" className="menu-item" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      ) : null}
      {changing ? <ChangePasswordDialog onClose={() => setChanging(false)} /> : null}
    </div>
  );
}

function OpenAlertsBadge() {
  const { data } = useApi<AlertList>('/api/alerts?state=open', { pollMs: 30_000 });
  const open = data?.alerts.filter((alert) => !alert.acknowledgedAt).length ?? 0;
  if (open === 0) return null;
  const critical = data?.alerts.some((alert) => alert.severity === 'critical' && !alert.acknowledgedAt);
  return (
    <span className={critical ? 'nav-count tone-bad' : 'nav-count tone-warn'} aria-label={`${open} open`}>
      {open}
    </span>
  );
}

/** The frame of every signed-in page: top bar, navigation (a drawer at phone width), content. */
export function Layout() {
  const { isAdmin } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();

  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <div className={menuOpen ? 'shell nav-open' : 'shell'}>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-ghost btn-icon menu-button"
          aria-label="Menu"
          aria-controls="main-nav"
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen((value) => !value)}
        >
          <MenuIcon />
        </button>
        <NavLink to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Homelab
        </NavLink>
        <div className="topbar-actions">
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <nav id="main-nav" className="sidebar" aria-label="Main">
        {NAV.filter((item) => !item.adminOnly || isAdmin).map((item) => (
          <NavLink key={item.to} to={item.to} end={item.to === '/'} className="nav-link">
            {item.label}
            {item.to === '/alerts' ? <OpenAlertsBadge /> : null}
          </NavLink>
        ))}
      </nav>
      {menuOpen ? <div className="scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} /> : null}
      <main className="content" id="content">
        <ErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Loading what="page" />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
