import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { CalendarEvent, CalendarEventList, DriveFile, DriveFileList, GmailSummary, GoogleStatus, MailSummary } from '../api/types';
import { Badge } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading } from '../components/states';
import { useToast } from '../components/toast';
import { formatDateTime, timeAgo } from '../lib/format';
import { connectErrorText, eventWhen, SCOPE_MEANING, scopeName } from '../lib/google';
import { useApi } from '../lib/use-api';
import { useIsAdmin } from '../session/session';

/** A full-page navigation: the server answers with a redirect to Google's consent page. */
const CONNECT_URL = '/api/google/connect';

function ConnectButton({ label }: { label: string }) {
  return (
    <a className="btn btn-primary" href={CONNECT_URL} data-google-connect>
      {label}
    </a>
  );
}

function NotConfigured() {
  return (
    <Empty title="Google is not set up">
      <p>
        Create an OAuth client of type “Web application” in the Google Cloud console, with the redirect URI <code className="break">{`${window.location.origin}/api/google/callback`}</code>, then set{' '}
        <code>GOOGLE_CLIENT_ID</code> and <code>GOOGLE_CLIENT_SECRET</code> and restart the dashboard.
      </p>
    </Empty>
  );
}

function AccountCard({ status, onDisconnected }: { status: GoogleStatus; onDisconnected: () => void }) {
  const isAdmin = useIsAdmin();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="card google-account" aria-label="Google account">
      <div className="section-head">
        <h2>Account</h2>
        <Badge tone={status.needsReconnect ? 'warn' : 'ok'}>{status.needsReconnect ? 'needs reconnect' : 'connected'}</Badge>
        {isAdmin ? (
          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setConfirming(true)}>
            Disconnect
          </button>
        ) : null}
      </div>
      <dl className="kv">
        <div className="kv-row">
          <dt>Email</dt>
          <dd className="strong" data-google-email>
            {status.email ?? '—'}
          </dd>
        </div>
        <div className="kv-row">
          <dt>Permissions</dt>
          <dd>
            <ul className="plain-list">
              {status.scopes.map((scope) => (
                <li key={scope}>
                  <code>{scopeName(scope)}</code> <span className="muted small">{SCOPE_MEANING[scopeName(scope)] ?? ''}</span>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
      {confirming ? (
        <ConfirmDialog
          title="Disconnect Google?"
          confirmLabel="Disconnect"
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await api.post('/api/google/disconnect');
            setConfirming(false);
            toast.success('Google disconnected: the token was revoked and deleted.');
            onDisconnected();
          }}
        >
          <p>
            The dashboard revokes its access to <strong>{status.email ?? 'the account'}</strong> at Google and deletes the stored token. Calendar, mail and
            Drive disappear from the dashboard and from Jarvis until an admin connects again.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/** One of the three reads; a 409 GOOGLE_RECONNECT_REQUIRED makes the page re-read the status (it then asks to reconnect). */
function useGoogleRead<T>(path: string, onReconnectRequired: () => void) {
  const state = useApi<T>(path, { pollMs: 120_000 });
  const reconnect = state.error instanceof ApiError && state.error.code === 'GOOGLE_RECONNECT_REQUIRED';
  const tell = useRef(onReconnectRequired);
  tell.current = onReconnectRequired;
  useEffect(() => {
    if (reconnect) tell.current();
  }, [reconnect]);
  return state;
}

/** A card listing one read's items: loading, its error (with retry), empty, or the list. */
function GoogleListCard<T, I>(props: {
  api: 'calendar' | 'gmail' | 'drive';
  label: string;
  path: string;
  heading: (data: T | undefined) => ReactNode;
  items: (data: T) => I[];
  what: string;
  emptyTitle: string;
  item: (item: I) => ReactNode;
  onReconnectRequired: () => void;
}) {
  const { data, error, loading, reload } = useGoogleRead<T>(props.path, props.onReconnectRequired);
  const items = data === undefined ? undefined : props.items(data);
  return (
    <section className="card google-card" aria-label={props.label} data-google={props.api}>
      {props.heading(data)}
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what={props.what} /> : null}
      {items && items.length === 0 ? <Empty title={props.emptyTitle} /> : null}
      {items && items.length > 0 ? <ul className="google-list">{items.map(props.item)}</ul> : null}
    </section>
  );
}

function CalendarCard({ onReconnectRequired }: { onReconnectRequired: () => void }) {
  return (
    <GoogleListCard<CalendarEventList, CalendarEvent>
      api="calendar"
      label="Calendar"
      path="/api/google/calendar?days=7"
      heading={() => <h2>Calendar · next 7 days</h2>}
      items={(data) => data.events}
      what="events"
      emptyTitle="Nothing planned in the next 7 days"
      onReconnectRequired={onReconnectRequired}
      item={(event) => (
        <li key={event.id} data-event={event.id}>
          <span className="strong">{event.summary || '(no title)'}</span>
          <span className="muted small">
            {eventWhen(event)}
            {event.location ? ` · ${event.location}` : ''}
          </span>
        </li>
      )}
    />
  );
}

function MailCard({ onReconnectRequired }: { onReconnectRequired: () => void }) {
  return (
    <GoogleListCard<GmailSummary, MailSummary>
      api="gmail"
      label="Mail"
      path="/api/google/gmail"
      heading={(data) => (
        <div className="section-head">
          <h2>Mail</h2>
          {data ? (
            <Badge tone={data.unread > 0 ? 'info' : 'muted'}>
              <span data-unread={data.unread}>{data.unread.toLocaleString()}</span> unread
            </Badge>
          ) : null}
        </div>
      )}
      items={(data) => data.latest}
      what="mail"
      emptyTitle="No unread mail"
      onReconnectRequired={onReconnectRequired}
      item={(mail) => (
        <li key={mail.id}>
          <span className="strong">{mail.subject || '(no subject)'}</span>
          <span className="muted small">
            {mail.from} · <span title={formatDateTime(mail.date)}>{timeAgo(mail.date)}</span>
          </span>
        </li>
      )}
    />
  );
}

function DriveCard({ onReconnectRequired }: { onReconnectRequired: () => void }) {
  return (
    <GoogleListCard<DriveFileList, DriveFile>
      api="drive"
      label="Drive"
      path="/api/google/drive"
      heading={() => <h2>Drive · recent files</h2>}
      items={(data) => data.files}
      what="files"
      emptyTitle="No files"
      onReconnectRequired={onReconnectRequired}
      item={(file) => (
        <li key={file.id}>
          {file.webViewLink ? (
            <a href={file.webViewLink} target="_blank" rel="noopener noreferrer" className="strong break">
              {file.name}
            </a>
          ) : (
            <span className="strong break">{file.name}</span>
          )}
          <span className="muted small">
            {file.mimeType.replace(/^application\/vnd\.google-apps\./, 'Google ')} · <span title={formatDateTime(file.modifiedTime)}>modified {timeAgo(file.modifiedTime)}</span>
          </span>
        </li>
      )}
    />
  );
}

function CallbackError({ code, onDismiss }: { code: string; onDismiss: () => void }) {
  return (
    <div className="banner banner-bad" role="alert" data-google-error={code}>
      <div className="banner-text">
        <strong>Google was not connected.</strong> <span className="error-message">{connectErrorText(code)}</span>
        <code className="error-code">{code}</code>
      </div>
      <button type="button" className="btn btn-small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

export default function GooglePage() {
  const isAdmin = useIsAdmin();
  const status = useApi<GoogleStatus>('/api/google', { pollMs: 60_000 });
  const [params, setParams] = useSearchParams();
  const callbackError = params.get('error');
  const data = status.data;
  const reloadStatus = (): void => void status.reload();

  return (
    <>
      <PageHeader title="Google" subtitle={data?.connected && data.email ? <span>Calendar, Gmail and Drive of {data.email}</span> : 'Calendar, Gmail and Drive'} />
      {callbackError ? <CallbackError code={callbackError} onDismiss={() => setParams({}, { replace: true })} /> : null}
      <ErrorBanner error={status.error} onRetry={reloadStatus} />
      {status.loading && !data ? <Loading what="the Google status" /> : null}
      {data && !data.configured ? <NotConfigured /> : null}
      {data?.configured && data.needsReconnect ? (
        <div className="banner banner-warn" role="alert" data-google-reconnect>
          <div className="banner-text">
            <strong>Google needs to be connected again.</strong> Google refused the saved authorization (it was revoked or has expired), so calendar, mail and
            files cannot be read.{data.error ? <> <span className="error-message">{data.error}</span></> : null} {isAdmin ? null : 'An admin can reconnect it.'}
          </div>
          {isAdmin ? <ConnectButton label="Reconnect" /> : null}
        </div>
      ) : null}
      {data?.configured && !data.connected && !data.needsReconnect ? (
        <section className="card google-connect" aria-label="Connect Google">
          <h2>Not connected</h2>
          <p>
            Connect one Google account to see its upcoming events, unread mail and recent Drive files here and let Jarvis read them. The dashboard asks only
            to read: <code>calendar.readonly</code>, <code>gmail.metadata</code>, <code>drive.metadata.readonly</code>.
          </p>
          {data.error ? <p className="error-text">{data.error}</p> : null}
          {isAdmin ? <ConnectButton label="Connect Google" /> : <p className="muted">An admin can connect an account.</p>}
        </section>
      ) : null}
      {data?.configured && (data.connected || data.needsReconnect) ? <AccountCard status={data} onDisconnected={reloadStatus} /> : null}
      {data?.connected && !data.needsReconnect ? (
        <div className="google-grid">
          <CalendarCard onReconnectRequired={reloadStatus} />
          <MailCard onReconnectRequired={reloadStatus} />
          <DriveCard onReconnectRequired={reloadStatus} />
        </div>
      ) : null}
    </>
  );
}
