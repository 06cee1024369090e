import type { ReactNode } from 'react';
import { useTheme } from '../lib/theme';
import { MoonIcon, SunIcon } from '../components/icons';

/** The centred card of the login and setup pages. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const { theme, toggle } = useTheme();
  return (
    <div className="auth-page">
      <button type="button" className="btn btn-ghost btn-icon auth-theme" onClick={toggle} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
        {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
      </button>
      <div className="auth-card card">
        <div className="brand auth-brand">
          <span className="brand-mark" aria-hidden="true" />
          Homelab
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </div>
  );
}
