import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import type { CreateDatabaseBody, DatabaseEngine, DatabaseTemplateSummary, DockerHostList, ManagedDatabase } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { Field, numberOrUndefined } from '../../components/field';
import { ErrorBanner, Spinner } from '../../components/states';
import { useApi } from '../../lib/use-api';

// the server's rule (DATABASE_NAME_PATTERN); it answers with the same words when this check is bypassed
const NAME_PATTERN = '[a-z](?:[a-z0-9-]{0,30}[a-z0-9])';

export function CreateDatabaseDialog({ templates, onClose, onCreated }: { templates: DatabaseTemplateSummary[]; onClose: () => void; onCreated: (db: ManagedDatabase) => void }) {
  const hosts = useApi<DockerHostList>('/api/docker/hosts');
  const [name, setName] = useState('');
  const [engine, setEngine] = useState<DatabaseEngine | ''>(templates[0]?.engine ?? '');
  const [host, setHost] = useState('');
  const [hostPort, setHostPort] = useState('');
  const [schedule, setSchedule] = useState('');
  const [retention, setRetention] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const template = templates.find((t) => t.engine === engine);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy || !engine) return;
    const body: CreateDatabaseBody = { name: name.trim(), engine };
    if (host) body.host = host;
    const port = numberOrUndefined(hostPort);
    if (port !== undefined) body.hostPort = port;
    if (schedule.trim()) body.backupSchedule = schedule.trim();
    const keep = numberOrUndefined(retention);
    if (keep !== undefined) body.backupRetention = keep;
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.post<ManagedDatabase>('/api/databases', body);
      onCreated(created);
      onClose();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure)));
      setBusy(false);
    }
  };

  return (
    <Dialog title="New database" onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)} aria-label="New database">
        <Field label="Name" hint="2–32 lower-case letters, digits and hyphens, starting with a letter.">
          <input name="name" required autoFocus pattern={NAME_PATTERN} spellCheck={false} autoCapitalize="none" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Engine">
          <select name="engine" required value={engine} onChange={(e) => setEngine(e.target.value as DatabaseEngine)}>
            {templates.map((t) => (
              <option key={t.engine} value={t.engine}>
                {t.label} ({t.image})
              </option>
            ))}
          </select>
        </Field>
        <div className="form-row">
          <Field label="Docker host">
            <select name="host" value={host} onChange={(e) => setHost(e.target.value)}>
              <option value="">Default</option>
              {(hosts.data?.hosts ?? []).map((h) => (
                <option key={h.name} value={h.name} disabled={h.status === 'down'}>
                  {h.name}
                  {h.status === 'down' ? ' (unreachable)' : ''}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Host port" hint={template ? `Engine port ${template.port}; empty: a free one` : undefined}>
            <input name="hostPort" type="number" min={1} max={65535} inputMode="numeric" value={hostPort} onChange={(e) => setHostPort(e.target.value)} />
          </Field>
        </div>
        {template?.backup !== false ? (
          <div className="form-row">
            <Field label="Backup schedule (cron)" hint="Default DATABASE_BACKUP_SCHEDULE">
              <input name="backupSchedule" spellCheck={false} placeholder="0 3 * * *" value={schedule} onChange={(e) => setSchedule(e.target.value)} />
            </Field>
            <Field label="Backups kept" hint="Default DATABASE_BACKUP_RETENTION">
              <input name="backupRetention" type="number" min={1} max={1000} inputMode="numeric" placeholder="7" value={retention} onChange={(e) => setRetention(e.target.value)} />
            </Field>
          </div>
        ) : (
          <p className="muted small">This engine has no backups.</p>
        )}
        <ErrorBanner error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !engine}>
            {busy ? <Spinner /> : null}
            Create database
          </button>
        </div>
      </form>
    </Dialog>
  );
}
