import { Fragment, useState } from 'react';
import type { DatabaseList, DatabaseTemplateList, ManagedDatabase } from '../api/types';
import { StatusBadge } from '../components/badge';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading, Spinner } from '../components/states';
import { useToast } from '../components/toast';
import { formatDateTime, timeAgo } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useIsAdmin } from '../session/session';
import { CreateDatabaseDialog } from './databases/create-database-dialog';
import { DatabasePanel } from './databases/database-panel';

export default function DatabasesPage() {
  const isAdmin = useIsAdmin();
  const toast = useToast();
  const templates = useApi<DatabaseTemplateList>('/api/databases/templates');
  const [fast, setFast] = useState(false);
  // while one is being created, follow it closely
  const list = useApi<DatabaseList>('/api/databases', { pollMs: fast ? 2000 : 15_000 });
  const [creating, setCreating] = useState(false);
  const [expanded, setExpanded] = useState<string | null>(null);
  const databases = (list.data?.databases ?? []).filter((db) => db.status !== 'removed');
  const anyCreating = databases.some((db) => db.status === 'creating');
  if (anyCreating !== fast) setFast(anyCreating);

  const replace = (db: ManagedDatabase): void =>
    list.mutate((current) => {
      const all = current?.databases ?? [];
      return { databases: all.some((d) => d.id === db.id) ? all.map((d) => (d.id === db.id ? db : d)) : [db, ...all] };
    });

  return (
    <>
      <PageHeader
        title="Databases"
        subtitle="One-click databases in containers, with scheduled backups."
        actions={
          isAdmin ? (
            <button type="button" className="btn btn-primary" disabled={!templates.data} onClick={() => setCreating(true)}>
              New database
            </button>
          ) : undefined
        }
      />
      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      <ErrorBanner error={templates.error} title="Templates:" />
      {list.loading && !list.data ? <Loading what="databases" /> : null}
      {list.data && databases.length === 0 ? (
        <Empty title="No databases yet">
          {templates.data ? `Available: ${templates.data.templates.map((t) => t.label).join(', ')}.` : null}
        </Empty>
      ) : null}
      {databases.length > 0 ? (
        <div className="card">
          <table className="table responsive">
            <thead>
              <tr>
                <th>Name</th>
                <th>Engine</th>
                <th>Status</th>
                <th>Health</th>
                <th>Host</th>
                <th>Last backup</th>
                <th>
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {databases.map((db) => (
                <Fragment key={db.id}>
                  <tr data-database={db.name}>
                    <td data-label="Name" className="strong">
                      {db.name}
                    </td>
                    <td data-label="Engine">{db.engine}</td>
                    <td data-label="Status">
                      {db.status === 'creating' ? <Spinner /> : null}
                      <StatusBadge status={db.status} />
                      {db.status === 'creating' ? (
                        <div className="muted small" role="status">
                          {db.progress ?? 'starting'}… (since {timeAgo(db.createdAt)})
                        </div>
                      ) : null}
                      {db.status === 'failed' && db.error ? <div className="error-text small">{db.error}</div> : null}
                    </td>
                    <td data-label="Health">
                      <StatusBadge status={db.health} />
                    </td>
                    <td data-label="Host" className="mono small">
                      {db.host}
                      {db.hostPort ? `:${db.hostPort}` : ''}
                    </td>
                    <td data-label="Last backup" className="small">
                      {db.lastBackup ? (
                        <>
                          <StatusBadge status={db.lastBackup.status} /> <span className="muted">{formatDateTime(db.lastBackup.startedAt)}</span>
                        </>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                    <td data-label="" className="row-actions">
                      <button type="button" className="btn btn-small" aria-expanded={expanded === db.id} onClick={() => setExpanded(expanded === db.id ? null : db.id)}>
                        {expanded === db.id ? 'Hide' : 'Details'}
                      </button>
                    </td>
                  </tr>
                  {expanded === db.id ? (
                    <tr className="expanded-row">
                      <td colSpan={7}>
                        <DatabasePanel
                          database={db}
                          onChanged={replace}
                          onRemoved={() => {
                            list.mutate((current) => current && { databases: current.databases.filter((d) => d.id !== db.id) });
                            setExpanded(null);
                          }}
                        />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {creating && templates.data ? (
        <CreateDatabaseDialog
          templates={templates.data.templates}
          onClose={() => setCreating(false)}
          onCreated={(db) => {
            replace(db);
            setFast(true);
            toast.info(`Creating ${db.name}… this can take a minute while the image is pulled.`);
          }}
        />
      ) : null}
    </>
  );
}
