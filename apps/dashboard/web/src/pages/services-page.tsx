import { useEffect, useMemo, useState } from 'react';
import { api, apiPath } from '../api/client';
import type { Catalog, CatalogHistory, CatalogProblem, CatalogStatus, JetStreamReport, ServicesOverview } from '../api/types';
import { StatusBadge } from '../components/badge';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading, Spinner } from '../components/states';
import { formatBytes, formatDuration, formatMs, formatNumber, formatUptime, timeAgo } from '../lib/format';
import { useAction } from '../lib/use-action';
import { useApi } from '../lib/use-api';
import { useIsAdmin } from '../session/session';
import { CatalogEditor } from './services/catalog-editor';
import { UptimeBars } from './services/uptime-bars';

/** Where in the file a problem is: its line, else its entry, else the whole file. */
export function problemPlace(problem: CatalogProblem): string {
  if (problem.line !== null) return `line ${problem.line}`;
  if (problem.index !== null) return `entry ${problem.index + 1}`;
  return 'the file';
}

function ControlPlane() {
  const { data, error, loading, reload } = useApi<ServicesOverview>('/api/services', { pollMs: 15_000 });
  return (
    <section className="section" aria-labelledby="control-plane">
      <h2 id="control-plane">Control plane</h2>
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what="services" /> : null}
      {data ? (
        <div className="service-grid">
          {data.services.map((service) => (
            <article key={service.name} className="card service-card" data-service={service.name}>
              <header className="service-head">
                <h3>{service.name}</h3>
                <StatusBadge status={service.status} />
              </header>
              {service.health ? (
                <p className="muted small">
                  v{service.health.version} · up {formatDuration(service.health.uptimeSeconds)} · {service.instances.length} instance(s)
                </p>
              ) : null}
              {service.error ? <p className="error-text small">{service.error.message}</p> : null}
              {service.health && service.health.down.length > 0 ? (
                <ul className="checks">
                  {service.health.down.map((name) => (
                    <li key={name} className="error-text small">
                      {name} down{service.health?.checks[name]?.error ? `: ${service.health.checks[name]?.error}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
              {service.lastChange ? <p className="muted small">{`${service.lastChange.status} since ${timeAgo(service.lastChange.at)}`}</p> : null}
            </article>
          ))}
        </div>
      ) : null}
    </section>
  );
}

function CatalogRow({ entry, history, onChecked }: { entry: CatalogStatus; history: CatalogHistory | undefined; onChecked: (entry: CatalogStatus) => void }) {
  const isAdmin = useIsAdmin();
  const { run, busy } = useAction();
  return (
    <tr data-entry={entry.name}>
      <td data-label="Service">
        {entry.url ? (
          <a href={entry.url} target="_blank" rel="noreferrer noopener" className="strong">
            {entry.name}
          </a>
        ) : (
          <span className="strong">{entry.name}</span>
        )}
        <div className="muted small mono">
          {entry.check.kind}: {entry.check.target}
        </div>
      </td>
      <td data-label="Status">
        <StatusBadge status={entry.status} />
        {entry.error ? <div className="error-text small">{entry.error}</div> : null}
      </td>
      <td data-label="Response" className="num">
        {formatMs(entry.responseMs)}
      </td>
      <td data-label="Uptime 24 h / 7 d" className="num">
        {formatUptime(entry.uptime24h)} <span className="muted">/ {formatUptime(entry.uptime7d)}</span>
      </td>
      <td data-label="Last 24 h" className="bars-cell">
        <UptimeBars history={history} />
      </td>
      <td data-label="Checked" className="small muted">
        {timeAgo(entry.lastCheckedAt)}
      </td>
      <td data-label="" className="row-actions">
        {isAdmin ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                const checked = await api.post<CatalogStatus>(apiPath('catalog', entry.id, 'check'));
                onChecked(checked);
                return checked;
              }, (checked) => `${checked.name}: ${checked.status}`)
            }
          >
            {busy ? <Spinner /> : null}
            Check now
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** Each entry's last day, fetched beside the catalog and refreshed with it. */
function useHistories(entries: CatalogStatus[] | undefined, refreshedAt: string | undefined): Record<string, CatalogHistory> {
  const [histories, setHistories] = useState<Record<string, CatalogHistory>>({});
  const ids = entries?.map((e) => e.id).join(',') ?? '';
  useEffect(() => {
    if (!ids) return undefined;
    const controller = new AbortController();
    for (const id of ids.split(',')) {
      api.get<CatalogHistory>(`${apiPath('catalog', id, 'history')}?range=24h`, { signal: controller.signal }).then(
        (history) => setHistories((all) => ({ ...all, [id]: history })),
        () => undefined, // a missing history leaves its bars empty; the row still shows its status
      );
    }
    return () => controller.abort();
  }, [ids, refreshedAt]);
  return histories;
}

function CatalogSection() {
  const isAdmin = useIsAdmin();
  const { data, error, loading, reload, mutate } = useApi<Catalog>('/api/catalog', { pollMs: 30_000 });
  const [editing, setEditing] = useState(false);
  const [refreshTick, setRefreshTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setRefreshTick((n) => n + 1), 120_000);
    return () => clearInterval(timer);
  }, []);
  const histories = useHistories(data?.entries, `${data?.loadedAt ?? ''}:${refreshTick}`);
  const groups = useMemo(() => {
    const byGroup = new Map<string, CatalogStatus[]>();
    for (const entry of data?.entries ?? []) {
      const key = entry.group ?? '';
      byGroup.set(key, [...(byGroup.get(key) ?? []), entry]);
    }
    return [...byGroup.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  }, [data]);
  const onChecked = (checked: CatalogStatus): void => mutate((current) => current && { ...current, entries: current.entries.map((e) => (e.id === checked.id ? checked : e)) });

  return (
    <section className="section" aria-labelledby="catalog">
      <div className="section-head">
        <h2 id="catalog">Catalog</h2>
        {data?.file ? <span className="muted small mono">{data.file}</span> : null}
        {isAdmin && data?.file ? (
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
            Edit catalog
          </button>
        ) : null}
      </div>
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what="the catalog" /> : null}
      {data && data.problems.length > 0 ? (
        <div className="banner banner-warn" role="alert">
          <div className="banner-text">
            <strong>
              The catalog file has {data.problems.length} problem(s); the other entries are still checked.
            </strong>
            <ul className="problems">
              {data.problems.map((problem, index) => (
                <li key={index}>
                  {problemPlace(problem)}
                  {problem.name ? ` (${problem.name})` : ''}: {problem.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {data && !data.file ? <Empty title="No catalog configured">Set CATALOG_FILE to a YAML file listing your services and their checks.</Empty> : null}
      {data?.file && data.entries.length === 0 && data.problems.length === 0 ? <Empty title="The catalog is empty">Add services to {data.file}.</Empty> : null}
      {groups.map(([group, entries]) => (
        <div key={group || '(none)'} className="card">
          {groups.length > 1 || group ? <h3 className="group-title">{group || 'Other'}</h3> : null}
          <table className="table responsive">
            <thead>
              <tr>
                <th>Service</th>
                <th>Status</th>
                <th className="num">Response</th>
                <th className="num">Uptime 24 h / 7 d</th>
                <th>Last 24 h</th>
                <th>Checked</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <CatalogRow key={entry.id} entry={entry} history={histories[entry.id]} onChecked={onChecked} />
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {editing ? <CatalogEditor onClose={() => setEditing(false)} onSaved={(catalog) => mutate(() => catalog)} /> : null}
    </section>
  );
}

function JetStreamSection() {
  const { data, error, loading, reload } = useApi<JetStreamReport>('/api/jetstream', { pollMs: 15_000 });
  const problem = data?.error?.message ?? null;
  return (
    <section className="section" aria-labelledby="jetstream">
      <div className="section-head">
        <h2 id="jetstream">JetStream consumers</h2>
        {data?.checkedAt ? <span className="muted small">checked {timeAgo(data.checkedAt)}</span> : null}
      </div>
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {problem ? <ErrorBanner error={new Error(problem)} title="JetStream:" /> : null}
      {loading && !data ? <Loading what="JetStream" /> : null}
      {data && data.streams.length === 0 && !problem ? <Empty title="No streams" /> : null}
      {data?.streams.map((stream) => (
        <div key={stream.name} className="card">
          <h3 className="group-title">
            {stream.name} <span className="muted small">{formatNumber(stream.messages)} messages · {formatBytes(stream.bytes)}</span>
          </h3>
          {stream.consumers.length === 0 ? (
            <p className="muted small">No consumers.</p>
          ) : (
            <table className="table responsive">
              <thead>
                <tr>
                  <th>Consumer</th>
                  <th>Status</th>
                  <th className="num">Lag</th>
                  <th className="num">Unacked</th>
                  <th className="num">Redelivered</th>
                  <th className="num">Dead letters</th>
                  <th className="num">Waiting pulls</th>
                  <th>Last active</th>
                </tr>
              </thead>
              <tbody>
                {stream.consumers.map((consumer) => (
                  <tr key={consumer.name}>
                    <td data-label="Consumer" className="mono">
                      {consumer.name}
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={consumer.status} />
                    </td>
                    <td data-label="Lag" className="num">
                      {formatNumber(consumer.pending)}
                    </td>
                    <td data-label="Unacked" className="num">
                      {formatNumber(consumer.ackPending)}
                    </td>
                    <td data-label="Redelivered" className="num">
                      {formatNumber(consumer.redelivered)}
                    </td>
                    <td data-label="Dead letters" className={consumer.deadLetters > 0 ? 'num error-text' : 'num'}>
                      {formatNumber(consumer.deadLetters)}
                    </td>
                    <td data-label="Waiting pulls" className="num">
                      {formatNumber(consumer.waiting)}
                    </td>
                    <td data-label="Last active" className="small muted">
                      {timeAgo(consumer.lastActiveAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}

export default function ServicesPage() {
  return (
    <>
      <PageHeader title="Services" />
      <ControlPlane />
      <CatalogSection />
      <JetStreamSection />
    </>
  );
}
