import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { apiPath } from '../api/client';
import type { Container, ContainerDetail } from '../api/types';
import { StatusBadge } from '../components/badge';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading } from '../components/states';
import { ValueView } from '../components/value-view';
import { formatDateTime, formatPort } from '../lib/format';
import { useApi } from '../lib/use-api';
import { ContainerActions } from './containers/container-actions';
import { FindingList } from './containers/findings';
import { LogsViewer } from './containers/logs-viewer';
import { StatsPanel } from './containers/stats-panel';

const TABS = ['logs', 'stats', 'details', 'findings'] as const;
type Tab = (typeof TABS)[number];

function Details({ container }: { container: ContainerDetail }) {
  const rows: [string, unknown][] = [
    ['Image', container.image],
    ['Image ID', container.imageId],
    ['ID', container.id],
    ['Status', container.status],
    ['Created', formatDateTime(container.createdAt)],
    ['Compose project', container.composeProject],
    ['Ports', container.ports.map(formatPort)],
    ['User', container.inspect.user || 'root (image default)'],
    ['Restart policy', container.inspect.restartPolicy],
    ['Health check', container.inspect.healthcheck],
    ['Resources', container.inspect.resources],
    ['Mounts', container.inspect.mounts],
    ['Environment (values masked)', container.inspect.env],
  ];
  return (
    <dl className="kv">
      {rows.map(([label, value]) => (
        <div key={label} className="kv-row">
          <dt>{label}</dt>
          <dd>
            <ValueView value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export default function ContainerDetailPage() {
  const { host = '', id = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'logs';
  const detail = useApi<ContainerDetail>(apiPath('containers', host, id), { pollMs: 10_000 });
  const container = detail.data;

  const onChanged = (changed: Container): void => detail.mutate((current) => current && { ...current, ...changed });
  const onGone = (): void => void navigate('/containers', { replace: true });

  if (detail.error?.status === 404) {
    return (
      <Empty title="This container no longer exists">
        <p>{detail.error.message}</p>
        <Link to="/containers">Back to the containers</Link>
      </Empty>
    );
  }
  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/containers">Containers</Link> / {host}
      </nav>
      <PageHeader
        title={container?.name ?? id}
        subtitle={
          container ? (
            <span className="inline-badges">
              <StatusBadge status={container.state} title={container.status} />
              {container.health !== 'none' ? <StatusBadge status={container.health} /> : null}
              <span className="mono small">{container.image}</span>
            </span>
          ) : undefined
        }
        actions={container ? <ContainerActions container={container} onChanged={onChanged} onGone={onGone} /> : undefined}
      />
      <ErrorBanner error={detail.error} onRetry={() => void detail.reload()} />
      {detail.loading && !container ? <Loading what="the container" /> : null}
      <div className="tabs" role="tablist">
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'tab active' : 'tab'}
            onClick={() => setParams(name === 'logs' ? {} : { tab: name }, { replace: true })}
          >
            {name[0]?.toUpperCase() + name.slice(1)}
            {name === 'findings' && container && container.findings.length > 0 ? <span className="nav-count tone-warn">{container.findings.length}</span> : null}
          </button>
        ))}
      </div>
      <div className="card tab-panel" role="tabpanel">
        {tab === 'logs' ? <LogsViewer host={host} id={id} /> : null}
        {tab === 'stats' ? <StatsPanel host={host} id={id} running={container?.state === 'running'} /> : null}
        {tab === 'details' && container ? <Details container={container} /> : null}
        {tab === 'findings' && container ? <FindingList findings={container.findings} /> : null}
      </div>
    </>
  );
}
