import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Spinner({ label }: { label?: string }) {
  return <span className="spinner" role="presentation" aria-hidden={label ? undefined : true} title={label} />;
}

/** Shown while the first answer is on its way. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <Spinner /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

/** An API error as the user should read it: its message, the code small beside it. */
export function ErrorBanner({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="banner banner-bad" role="alert">
      <div className="banner-text">
        {title ? <strong>{title} </strong> : null}
        <span className="error-message">{message}</span>
        {code ? <code className="error-code">{code}</code> : null}
      </div>
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Banner({ tone, children }: { tone: 'warn' | 'info' | 'ok' | 'bad'; children: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'bad' || tone === 'warn' ? 'alert' : 'status'}>
      <div className="banner-text">{children}</div>
    </div>
  );
}
