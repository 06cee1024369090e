import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { AlertList, HostHistory, HostSample, Overview } from '../api/types';
import { Badge } from '../components/badge';
import { PageHeader } from '../components/page-header';
import { Sparkline } from '../components/sparkline';
import { Empty, ErrorBanner, Loading } from '../components/states';
import { formatBytes, formatFixed, formatPercent, percentOf, timeAgo, type Tone } from '../lib/format';
import { useApi } from '../lib/use-api';

function Tile({ to, label, value, detail, tone, children }: { to: string; label: string; value: ReactNode; detail?: ReactNode; tone: Tone; children?: ReactNode }) {
  return (
    <Link to={to} className={`tile tile-${tone}`}>
      <span className="tile-label">{label}</span>
      <span className="tile-value">{value}</span>
      {detail ? <span className="tile-detail">{detail}</span> : null}
      {children}
    </Link>
  );
}

const known = (values: (number | null)[]): number[] => values.filter((v): v is number => v !== null);

function ratioTone(ok: number, total: number): Tone {
  if (total === 0) return 'muted';
  return ok === total ? 'ok' : ok === 0 ? 'bad' : 'warn';
}

/** A part whose feature did not answer in time: the rest of the page still shows. */
function Unavailable({ to, label }: { to: string; label: string }) {
  return <Tile to={to} label={label} value="—" detail="Unavailable right now" tone="muted" />;
}

/** A control-plane service down is worse than one catalog entry down. */
function servicesTone(services: NonNullable<Overview['services']>, catalog: Overview['catalog']): Tone {
  if (services.up < services.total) return 'bad';
  if (catalog && catalog.up < catalog.total) return 'warn';
  return 'ok';
}

function HostTile({ host, history }: { host: HostSample | null; history: HostHistory | undefined }) {
  if (!host) {
    return <Tile to="/host" label="Host" value="—" detail="No sample yet" tone="muted" />;
  }
  const samples = history?.samples ?? [];
  const memPercent = percentOf(host.memUsedBytes, host.memTotalBytes);
  return (
    <Link to="/host" className="tile tile-wide tile-muted">
      <span className="tile-label">Host {host.host}</span>
      <div className="tile-split">
        <div>
          <span className="tile-value">{formatPercent(host.cpuPercent, 0)}</span>
          <span className="tile-detail">CPU · load {formatFixed(host.load1, 2)}</span>
          <Sparkline values={known(samples.map((s) => s.cpuPercent))} max={100} label="CPU over the last hour" />
        </div>
        <div>
          <span className="tile-value">{formatPercent(memPercent, 0)}</span>
          <span className="tile-detail">
            Memory · {formatBytes(host.memUsedBytes)} of {formatBytes(host.memTotalBytes)}
          </span>
          <Sparkline
            values={known(samples.map((s) => percentOf(s.memUsedBytes, s.memTotalBytes)))}
            max={100}
            label="Memory over the last hour"
            tone="alt"
          />
        </div>
      </div>
    </Link>
  );
}

function OpenAlerts() {
  const { data, error } = useApi<AlertList>('/api/alerts?state=open', { pollMs: 30_000 });
  if (error) return <ErrorBanner title="Alerts:" error={error} />;
  if (!data) return null;
  if (data.alerts.length === 0) return <Empty title="No open alerts">Everything monitored is fine.</Empty>;
  return (
    <ul className="alert-list">
      {data.alerts.slice(0, 6).map((alert) => (
        <li key={alert.id} className="alert-item">
          <Badge tone={alert.severity === 'critical' ? 'bad' : 'warn'}>{alert.severity}</Badge>
          <span className="alert-title">{alert.title}</span>
          <span className="muted">{timeAgo(alert.raisedAt)}</span>
        </li>
      ))}
    </ul>
  );
}

export function OverviewPage() {
  const { data, error, loading, reload } = useApi<Overview>('/api/overview', { pollMs: 15_000 });
  const history = useApi<HostHistory>('/api/host-metrics/history?range=1h', { pollMs: 60_000 });
  return (
    <>
      <PageHeader title="Overview" />
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what="the overview" /> : null}
      {data ? (
        <section className="tiles" aria-label="Summary">
          {data.containers ? (
            <Tile
              to="/containers"
              label="Containers running"
              value={`${data.containers.running} / ${data.containers.total}`}
              detail={data.containers.hostsDown > 0 ? `${data.containers.hostsDown} Docker host(s) unreachable` : 'All Docker hosts reachable'}
              tone={data.containers.hostsDown > 0 ? 'bad' : 'ok'}
            />
          ) : (
            <Unavailable to="/containers" label="Containers running" />
          )}
          {data.services ? (
            <Tile
              to="/services"
              label="Services up"
              value={`${data.services.up} / ${data.services.total}`}
              detail={data.catalog ? `Catalog: ${data.catalog.up} / ${data.catalog.total} up` : 'Catalog unavailable'}
              tone={servicesTone(data.services, data.catalog)}
            />
          ) : (
            <Unavailable to="/services" label="Services up" />
          )}
          {data.domains ? (
            <Tile to="/domains" label="Domains OK" value={`${data.domains.ok} / ${data.domains.total}`} tone={ratioTone(data.domains.ok, data.domains.total)} />
          ) : (
            <Unavailable to="/domains" label="Domains OK" />
          )}
          {data.alerts ? (
            <Tile
              to="/alerts"
              label="Open alerts"
              value={data.alerts.open}
              detail={data.alerts.critical > 0 ? `${data.alerts.critical} critical` : 'None critical'}
              tone={data.alerts.critical > 0 ? 'bad' : data.alerts.open > 0 ? 'warn' : 'ok'}
            />
          ) : (
            <Unavailable to="/alerts" label="Open alerts" />
          )}
          <HostTile host={data.host ?? history.data?.samples.at(-1) ?? null} history={history.data} />
        </section>
      ) : null}
      <section className="section">
        <h2>Open alerts</h2>
        <OpenAlerts />
      </section>
    </>
  );
}
