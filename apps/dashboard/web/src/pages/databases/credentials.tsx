import { useState } from 'react';
import { api, apiPath } from '../../api/client';
import type { DatabaseCredentials } from '../../api/types';
import { useAction } from '../../lib/use-action';
import { useToast } from '../../components/toast';
import { Spinner } from '../../components/states';

function CopyButton({ text, label }: { text: string; label: string }) {
  const toast = useToast();
  return (
    <button
      type="button"
      className="btn btn-small btn-ghost"
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => toast.success(`${label} copied.`),
          () => toast.error('The browser refused to copy; select the text instead.'),
        )
      }
    >
      Copy
    </button>
  );
}

/** Admins fetch the credentials on demand; they are dropped from memory when hidden. */
export function Credentials({ databaseId }: { databaseId: string }) {
  const [credentials, setCredentials] = useState<DatabaseCredentials | null>(null);
  const { run, busy } = useAction();
  if (!credentials) {
    return (
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        onClick={() => void run(async () => setCredentials(await api.get<DatabaseCredentials>(apiPath('databases', databaseId, 'credentials'))))}
      >
        {busy ? <Spinner /> : null}
        Reveal credentials
      </button>
    );
  }
  return (
    <div className="credentials">
      <dl className="kv">
        <div className="kv-row">
          <dt>User</dt>
          <dd className="mono">{credentials.username ?? '—'}</dd>
        </div>
        <div className="kv-row">
          <dt>Password</dt>
          <dd className="mono">
            <span className="secret">{credentials.password}</span> <CopyButton text={credentials.password} label="Password" />
          </dd>
        </div>
        <div className="kv-row">
          <dt>Database</dt>
          <dd className="mono">{credentials.database ?? '—'}</dd>
        </div>
        <div className="kv-row">
          <dt>Address</dt>
          <dd className="mono">
            {credentials.host}:{credentials.port}
          </dd>
        </div>
        <div className="kv-row">
          <dt>Connection string</dt>
          <dd className="mono break">
            {credentials.connectionString} <CopyButton text={credentials.connectionString} label="Connection string" />
          </dd>
        </div>
      </dl>
      <button type="button" className="btn btn-small" onClick={() => setCredentials(null)}>
        Hide
      </button>
    </div>
  );
}
