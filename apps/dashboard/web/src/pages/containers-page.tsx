import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Container, ContainerAnalysis, ContainerList, DockerHost } from '../api/types';
import { StatusBadge } from '../components/badge';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading } from '../components/states';
import { formatBytes, formatPercent, formatPort, timeAgo } from '../lib/format';
import { containerLink } from '../lib/links';
import { useApi } from '../lib/use-api';
import { ContainerActions } from './containers/container-actions';
import { FindingsPanel } from './containers/findings';

type StateFilter = 'all' | 'running' | 'stopped';

function matches(container: Container, text: string, state: StateFilter): boolean {
  if (state === 'running' && container.state !== 'running') return false;
  if (state === 'stopped' && container.state === 'running') return false;
  if (!text) return true;
  const needle = text.toLowerCase();
  return [container.name, container.image, container.composeProject ?? '', container.shortId].some((value) => value.toLowerCase().includes(needle));
}

function Memory({ container }: { container: Container }) {
  if (container.memoryBytes === null) return <span className="muted">—</span>;
  const limit = container.memoryLimitBytes;
  return (
    <span title={limit ? `limit ${formatBytes(limit)}` : 'no limit'}>
      {formatBytes(container.memoryBytes)}
      {limit ? <span className="muted"> / {formatBytes(limit)}</span> : null}
    </span>
  );
}

function ContainerRow({ container, onChanged, onGone }: { container: Container; onChanged: (c: Container) => void; onGone: (c: Container) => void }) {
  return (
    <tr data-container={container.name}>
      <td data-label="Name">
        <Link to={containerLink(container.host, container.id)} className="strong">
          {container.name}
        </Link>
        {container.composeProject ? <div className="muted small">{container.composeProject}</div> : null}
      </td>
      <td data-label="State">
        <StatusBadge status={container.state} title={container.status} />
        {container.health !== 'none' ? <StatusBadge status={container.health} /> : null}
      </td>
      <td data-label="Image" className="mono ellipsis" title={container.image}>
        {container.image}
      </td>
      <td data-label="Ports" className="mono small">
        {container.ports.length === 0 ? <span className="muted">—</span> : container.ports.map((port) => <div key={formatPort(port)}>{formatPort(port)}</div>)}
      </td>
      <td data-label="CPU" className="num">
        {formatPercent(container.cpuPercent)}
      </td>
      <td data-label="Memory" className="num">
        <Memory container={container} />
      </td>
      <td data-label="" className="row-actions">
        <ContainerActions container={container} onChanged={onChanged} onGone={onGone} compact />
      </td>
    </tr>
  );
}

function HostSection({ host, containers, filtered, onChanged, onGone }: { host: DockerHost; containers: Container[]; filtered: boolean; onChanged: (c: Container) => void; onGone: (c: Container) => void }) {
  return (
    <section className="card host-section" aria-label={`Docker host ${host.name}`} data-host={host.name}>
      <header className="host-header">
        <h2>{host.name}</h2>
        <StatusBadge status={host.status} />
        <span className="muted mono small">{host.endpoint}</span>
        {host.engineVersion ? <span className="muted small">Docker {host.engineVersion}</span> : null}
        <span className="muted small host-counts">
          {host.containers.running} running of {host.containers.total}
          {host.refreshedAt ? ` · updated ${timeAgo(host.refreshedAt)}` : ''}
        </span>
      </header>
      {host.status === 'down' ? (
        <div className="banner banner-bad" role="alert">
          <div className="banner-text">
            <strong>Docker host “{host.name}” is unreachable.</strong> <span className="error-message">{host.error?.message ?? 'No answer.'}</span>
            {host.error?.code ? <code className="error-code">{host.error.code}</code> : null}
          </div>
        </div>
      ) : null}
      {containers.length === 0 ? (
        host.status === 'up' ? (
          <Empty title={filtered ? 'No container matches the filter' : 'No containers on this host'} />
        ) : null
      ) : (
        <table className="table responsive">
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>Image</th>
              <th>Ports</th>
              <th className="num">CPU</th>
              <th className="num">Memory</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {containers.map((container) => (
              <ContainerRow key={container.id} container={container} onChanged={onChanged} onGone={onGone} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default function ContainersPage() {
  const list = useApi<ContainerList>('/api/containers', { pollMs: 5000 });
  const analysis = useApi<ContainerAnalysis>('/api/containers/analysis', { pollMs: 60_000 });
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const state = (['all', 'running', 'stopped'].includes(params.get('state') ?? '') ? params.get('state') : 'all') as StateFilter;

  const setParam = (key: string, value: string, fallback: string): void => {
    const next = new URLSearchParams(params);
    if (value === fallback) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };

  const onChanged = (changed: Container): void =>
    list.mutate((current) => current && { ...current, containers: current.containers.map((c) => (c.host === changed.host && c.id === changed.id ? changed : c)) });
  const onGone = (gone: Container): void => {
    list.mutate((current) => current && { ...current, containers: current.containers.filter((c) => !(c.host === gone.host && c.id === gone.id)) });
    void list.reload();
  };

  const hosts = useMemo(() => [...(list.data?.hosts ?? [])].sort((a, b) => a.name.localeCompare(b.name)), [list.data]);
  const data = list.data;
  return (
    <>
      <PageHeader
        title="Containers"
        subtitle={data ? `${data.containers.filter((c) => c.state === 'running').length} running of ${data.containers.length} on ${hosts.length} host(s)` : undefined}
        actions={
          <div className="toolbar">
            <input type="search" placeholder="Filter by name or image" aria-label="Filter containers" value={text} onChange={(e) => setParam('q', e.target.value, '')} />
            <select aria-label="State" value={state} onChange={(e) => setParam('state', e.target.value, 'all')}>
              <option value="all">All</option>
              <option value="running">Running</option>
              <option value="stopped">Stopped</option>
            </select>
          </div>
        }
      />
      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      {list.loading && !data ? <Loading what="containers" /> : null}
      {analysis.data ? <FindingsPanel findings={analysis.data.findings} analyzedAt={analysis.data.analyzedAt} /> : null}
      {analysis.error ? <ErrorBanner title="Analyzer:" error={analysis.error} /> : null}
      {data && hosts.length === 0 ? <Empty title="No Docker hosts configured">Set DOCKER_HOSTS, e.g. local=unix:///var/run/docker.sock.</Empty> : null}
      {hosts.map((host) => {
        const all = data?.containers.filter((c) => c.host === host.name) ?? [];
        const shown = all.filter((c) => matches(c, text, state)).sort((a, b) => a.name.localeCompare(b.name));
        return <HostSection key={host.name} host={host} containers={shown} filtered={shown.length !== all.length} onChanged={onChanged} onGone={onGone} />;
      })}
    </>
  );
}
