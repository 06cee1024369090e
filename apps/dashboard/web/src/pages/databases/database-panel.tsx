import { useState, type FormEvent } from 'react';
import { api, apiPath } from '../../api/client';
import type { Backup, BackupList, DeleteDatabaseBody, ManagedDatabase, Restore, RestoreDatabaseBody, RestoreList, UpdateDatabaseBody } from '../../api/types';
import { StatusBadge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Field, numberOrUndefined } from '../../components/field';
import { Empty, ErrorBanner, Spinner } from '../../components/states';
import { useToast } from '../../components/toast';
import { formatBytes, formatDateTime, formatDuration, timeAgo } from '../../lib/format';
import { useAction } from '../../lib/use-action';
import { useApi } from '../../lib/use-api';
import { useIsAdmin } from '../../session/session';
import { Credentials } from './credentials';

function took(started: string, finished: string | null): string {
  return finished ? formatDuration((Date.parse(finished) - Date.parse(started)) / 1000) : '';
}

function Schedule({ database, onChanged }: { database: ManagedDatabase; onChanged: (db: ManagedDatabase) => void }) {
  const [schedule, setSchedule] = useState(database.backupSchedule ?? '');
  const [retention, setRetention] = useState(String(database.backupRetention));
  const { run, busy } = useAction();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const body: UpdateDatabaseBody = { backupSchedule: schedule.trim() || null };
    const keep = numberOrUndefined(retention);
    if (keep !== undefined) body.backupRetention = keep;
    void run(async () => {
      const saved = await api.patch<ManagedDatabase>(apiPath('databases', database.id), body);
      onChanged(saved);
    }, 'Backup schedule saved.');
  };
  return (
    <form className="form form-inline" onSubmit={submit} aria-label="Backup schedule">
      <Field label="Schedule (cron; empty: no scheduled backups)">
        <input name="backupSchedule" spellCheck={false} placeholder="0 3 * * *" value={schedule} onChange={(e) => setSchedule(e.target.value)} />
      </Field>
      <Field label="Backups kept">
        <input name="backupRetention" type="number" min={1} max={1000} value={retention} onChange={(e) => setRetention(e.target.value)} />
      </Field>
      <button type="submit" className="btn btn-small" disabled={busy}>
        {busy ? <Spinner /> : null}
        Save
      </button>
    </form>
  );
}

/** Backups, restores, credentials and settings of one database. */
export function DatabasePanel({ database, onChanged, onRemoved }: { database: ManagedDatabase; onChanged: (db: ManagedDatabase) => void; onRemoved: () => void }) {
  const isAdmin = useIsAdmin();
  const toast = useToast();
  const [backupPoll, setBackupPoll] = useState(false);
  const backups = useApi<BackupList>(apiPath('databases', database.id, 'backups'), { pollMs: backupPoll ? 2000 : 30_000 });
  const restores = useApi<RestoreList>(apiPath('databases', database.id, 'restores'), { pollMs: backupPoll ? 2000 : 30_000 });
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [removeVolume, setRemoveVolume] = useState(false);
  const [removeBackups, setRemoveBackups] = useState(false);
  const backupNow = useAction();
  const busyWork = (backups.data?.backups.some((b) => b.status === 'running') ?? false) || (restores.data?.restores.some((r) => r.status === 'running') ?? false);
  if (busyWork !== backupPoll) setBackupPoll(busyWork);

  return (
    <div className="db-panel">
      {database.error ? <ErrorBanner error={new Error(database.error)} title="Failed:" /> : null}
      <div className="two-columns">
        <section>
          <h3>Connection</h3>
          <dl className="kv">
            <div className="kv-row">
              <dt>Container</dt>
              <dd className="mono">
                {database.containerName} on {database.host}
              </dd>
            </div>
            <div className="kv-row">
              <dt>Port</dt>
              <dd className="mono">{database.hostPort ?? '—'}</dd>
            </div>
            <div className="kv-row">
              <dt>Image</dt>
              <dd className="mono">{database.image}</dd>
            </div>
            <div className="kv-row">
              <dt>Volume</dt>
              <dd className="mono">{database.volume}</dd>
            </div>
          </dl>
          {isAdmin && database.status === 'ready' ? <Credentials databaseId={database.id} /> : null}
        </section>
        <section>
          <h3>Backups</h3>
          <p className="muted small">
            {database.backupSchedule ? `Schedule ${database.backupSchedule}, keeps the last ${database.backupRetention}` : 'No scheduled backups'}
            {database.nextBackupAt ? ` · next ${timeAgo(database.nextBackupAt)}` : ''}
          </p>
          {isAdmin ? <Schedule database={database} onChanged={onChanged} /> : null}
        </section>
      </div>
      <section>
        <div className="section-head">
          <h3>Backup history</h3>
          {isAdmin ? (
            <button
              type="button"
              className="btn btn-small"
              disabled={backupNow.busy || database.status !== 'ready' || busyWork}
              onClick={() =>
                void backupNow.run(async () => {
                  const backup = await api.post<Backup>(apiPath('databases', database.id, 'backups'));
                  backups.mutate((current) => ({ backups: [backup, ...(current?.backups ?? []).filter((b) => b.id !== backup.id)] }));
                  setBackupPoll(true);
                }, 'Backup started.')
              }
            >
              {backupNow.busy ? <Spinner /> : null}
              Back up now
            </button>
          ) : null}
        </div>
        <ErrorBanner error={backups.error} />
        {backups.data && backups.data.backups.length === 0 ? <Empty title="No backups yet" /> : null}
        {backups.data && backups.data.backups.length > 0 ? (
          <table className="table responsive">
            <thead>
              <tr>
                <th>Started</th>
                <th>Trigger</th>
                <th>Status</th>
                <th className="num">Size</th>
                <th>Took</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {backups.data.backups.map((backup) => (
                <tr key={backup.id}>
                  <td data-label="Started">{formatDateTime(backup.startedAt)}</td>
                  <td data-label="Trigger">{backup.trigger}</td>
                  <td data-label="Status">
                    {backup.status === 'running' ? <Spinner /> : null}
                    <StatusBadge status={backup.status} />
                    {backup.error ? <div className="error-text small">{backup.error}</div> : null}
                  </td>
                  <td data-label="Size" className="num">
                    {formatBytes(backup.sizeBytes)}
                  </td>
                  <td data-label="Took">{took(backup.startedAt, backup.finishedAt)}</td>
                  <td data-label="" className="row-actions">
                    {isAdmin && backup.status === 'succeeded' ? (
                      <button type="button" className="btn btn-small" disabled={busyWork} onClick={() => setRestoring(backup)}>
                        Restore
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {restores.data && restores.data.restores.length > 0 ? (
        <section>
          <h3>Restores</h3>
          <ul className="plain-list">
            {restores.data.restores.map((restore) => (
              <li key={restore.id}>
                {restore.status === 'running' ? <Spinner /> : null}
                <StatusBadge status={restore.status} /> {formatDateTime(restore.startedAt)}
                {restore.requestedBy ? <span className="muted"> by {restore.requestedBy}</span> : null}
                {restore.finishedAt ? <span className="muted"> · took {took(restore.startedAt, restore.finishedAt)}</span> : null}
                {restore.error ? <div className="error-text small">{restore.error}</div> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {isAdmin ? (
        <div className="danger-zone">
          <button type="button" className="btn btn-danger-outline btn-small" onClick={() => setDeleting(true)}>
            Delete database
          </button>
        </div>
      ) : null}
      {restoring ? (
        <ConfirmDialog
          title={`Restore ${database.name}?`}
          confirmLabel="Restore"
          typeToConfirm={database.name}
          danger
          onClose={() => setRestoring(null)}
          onConfirm={async () => {
            const restore = await api.post<Restore>(apiPath('databases', database.id, 'restore'), { backupId: restoring.id, confirm: database.name } satisfies RestoreDatabaseBody);
            restores.mutate((current) => ({ restores: [restore, ...(current?.restores ?? [])] }));
            setBackupPoll(true);
            setRestoring(null);
            toast.success('Restore started; a backup of the current state is taken first.');
          }}
        >
          <p>
            The data of <strong>{database.name}</strong> is replaced by the backup of {formatDateTime(restoring.startedAt)}. A backup of the current state is taken first.
          </p>
        </ConfirmDialog>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${database.name}?`}
          confirmLabel="Delete database"
          typeToConfirm={database.name}
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.delete(apiPath('databases', database.id), { confirm: database.name, removeVolume, removeBackups } satisfies DeleteDatabaseBody);
            setDeleting(false);
            toast.success(`Deleted ${database.name}.`);
            onRemoved();
          }}
        >
          <p>
            The container <strong>{database.containerName}</strong> is removed.
          </p>
          <label className="check">
            <input type="checkbox" checked={removeVolume} onChange={(e) => setRemoveVolume(e.target.checked)} />
            Also delete the data volume <code>{database.volume}</code> (cannot be undone)
          </label>
          <label className="check">
            <input type="checkbox" checked={removeBackups} onChange={(e) => setRemoveBackups(e.target.checked)} />
            Also delete its backup files (otherwise they stay in the backup directory)
          </label>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
