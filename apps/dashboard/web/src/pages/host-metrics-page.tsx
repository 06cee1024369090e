import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useEventStream } from '../api/event-stream';
import { METRIC_RANGES, type HostHistory, type HostHistoryPoint, type HostMetricsRange, type HostSample } from '../api/types';
import { PageHeader } from '../components/page-header';
import { Spinner, Empty, ErrorBanner, Loading } from '../components/states';
import { TimeChart } from '../components/time-chart';
import { formatBytes, formatFixed, formatPercent, formatRate, percentOf, timeAgo } from '../lib/format';
import { useApi } from '../lib/use-api';

const RANGE_SECONDS: Record<HostMetricsRange, number> = { '1h': 3600, '6h': 6 * 3600, '24h': 86_400, '7d': 7 * 86_400, '30d': 30 * 86_400 };
/** Ranges beyond a day are 5-minute averages: live 10-second samples would not fit them. */
const LIVE_RANGES = new Set<HostMetricsRange>(['1h', '6h', '24h']);

const seconds = (sample: HostSample): number => Date.parse(sample.at) / 1000;

function RangePicker({ range, onChange }: { range: HostMetricsRange; onChange: (range: HostMetricsRange) => void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label="Time range">
      {METRIC_RANGES.map((value) => (
        <button key={value} type="button" role="radio" aria-checked={range === value} className={range === value ? 'segment active' : 'segment'} onClick={() => onChange(value)}>
          {value}
        </button>
      ))}
    </div>
  );
}

function Current({ sample }: { sample: HostSample }) {
  const memory = percentOf(sample.memUsedBytes, sample.memTotalBytes);
  const disk = percentOf(sample.diskUsedBytes, sample.diskTotalBytes);
  return (
    <section className="stat-grid" aria-label="Current values">
      <div className="stat">
        <span className="stat-label">CPU</span>
        <span className="stat-value">{formatPercent(sample.cpuPercent)}</span>
        <span className="muted small">
          load {formatFixed(sample.load1, 2)} · {formatFixed(sample.load5, 2)} · {formatFixed(sample.load15, 2)}
        </span>
      </div>
      <div className="stat">
        <span className="stat-label">Memory</span>
        <span className="stat-value">{formatPercent(memory, 0)}</span>
        <span className="muted small">
          {formatBytes(sample.memUsedBytes)} of {formatBytes(sample.memTotalBytes)}
          {sample.swapTotalBytes ? ` · swap ${formatBytes(sample.swapUsedBytes)}` : ''}
        </span>
      </div>
      <div className="stat">
        <span className="stat-label">Disk</span>
        <span className="stat-value">{formatPercent(disk, 0)}</span>
        <span className="muted small">
          {formatBytes(sample.diskUsedBytes)} of {formatBytes(sample.diskTotalBytes)}
        </span>
      </div>
      <div className="stat">
        <span className="stat-label">Network</span>
        <span className="stat-value small-value">
          ↓ {formatRate(sample.netRxBytesPerS)} · ↑ {formatRate(sample.netTxBytesPerS)}
        </span>
      </div>
      {sample.cpuTempC !== null ? (
        <div className="stat">
          <span className="stat-label">CPU temperature</span>
          <span className="stat-value">{formatFixed(sample.cpuTempC, 0)} °C</span>
        </div>
      ) : null}
    </section>
  );
}

function Disks({ sample }: { sample: HostSample }) {
  if (sample.disks.length === 0) return null;
  return (
    <section className="card">
      <h2>File systems</h2>
      <ul className="meters">
        {sample.disks.map((disk) => {
          const used = percentOf(disk.usedBytes, disk.totalBytes) ?? 0;
          const tone = used >= 95 ? 'bad' : used >= 85 ? 'warn' : 'ok';
          return (
            <li key={disk.mount} className="meter-row">
              <span className="mono">{disk.mount}</span>
              <span className="muted small">{disk.fs}</span>
              <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(used)} aria-label={`${disk.mount} used`}>
                <div className={`meter-fill fill-${tone}`} style={{ width: `${Math.min(100, used).toFixed(1)}%` }} />
              </div>
              <span className="num small">
                {formatBytes(disk.usedBytes)} / {formatBytes(disk.totalBytes)}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Temperatures({ sample }: { sample: HostSample }) {
  if (sample.temperatures.length === 0) return null;
  return (
    <section className="card">
      <h2>Temperatures</h2>
      <ul className="chips">
        {sample.temperatures.map((t) => (
          <li key={t.label} className={`chip ${t.celsius >= 85 ? 'tone-bad' : t.celsius >= 70 ? 'tone-warn' : ''}`}>
            {t.label}: {t.celsius.toFixed(0)} °C
          </li>
        ))}
      </ul>
    </section>
  );
}

function Charts({ samples }: { samples: HostHistoryPoint[] }) {
  // averaged points (7d, 30d) carry their peaks: a short spike stays visible
  const hasPeaks = samples.some((s) => s.peak?.cpuPercent !== undefined && s.peak?.cpuPercent !== null);
  const data = useMemo(() => {
    const x = samples.map(seconds);
    return {
      cpu: hasPeaks ? [x, samples.map((s) => s.cpuPercent), samples.map((s) => s.peak?.cpuPercent ?? null)] : [x, samples.map((s) => s.cpuPercent)],
      memory: [x, samples.map((s) => s.memUsedBytes), samples.map((s) => s.swapUsedBytes), samples.map((s) => s.memTotalBytes)],
      load: [x, samples.map((s) => s.load1), samples.map((s) => s.load5), samples.map((s) => s.load15)],
      network: [x, samples.map((s) => s.netRxBytesPerS), samples.map((s) => s.netTxBytesPerS)],
      disk: [x, samples.map((s) => percentOf(s.diskUsedBytes, s.diskTotalBytes))],
      temperature: [x, samples.map((s) => s.cpuTempC)],
    };
  }, [samples, hasPeaks]);
  const hasTemperature = samples.some((s) => s.cpuTempC !== null);
  const bytes = useCallback((v: number) => formatBytes(v, 0), []);
  return (
    <div className="chart-grid">
      <TimeChart
        title="CPU"
        series={hasPeaks ? [{ label: 'CPU %', color: '--chart-1', fill: true }, { label: 'Peak', color: '--chart-4', dashed: true }] : [{ label: 'CPU %', color: '--chart-1', fill: true }]}
        data={data.cpu} yRange={[0, 100]} format={(v) => `${v.toFixed(0)} %`} />
      <TimeChart
        title="Memory"
        series={[
          { label: 'Used', color: '--chart-2', fill: true },
          { label: 'Swap', color: '--chart-3' },
          { label: 'Total', color: '--text-muted', dashed: true },
        ]}
        data={data.memory}
        format={bytes}
        binary
      />
      <TimeChart
        title="Load"
        series={[
          { label: '1 min', color: '--chart-1' },
          { label: '5 min', color: '--chart-2' },
          { label: '15 min', color: '--chart-3' },
        ]}
        data={data.load}
        format={(v) => v.toFixed(2)}
      />
      <TimeChart
        title="Network"
        series={[
          { label: 'Received', color: '--chart-1', fill: true },
          { label: 'Sent', color: '--chart-4' },
        ]}
        data={data.network}
        format={(v) => `${formatBytes(v, 0)}/s`}
        binary
      />
      <TimeChart title="Disk used" series={[{ label: 'Used %', color: '--chart-3', fill: true }]} data={data.disk} yRange={[0, 100]} format={(v) => `${v.toFixed(0)} %`} />
      {hasTemperature ? (
        <TimeChart title="CPU temperature" series={[{ label: '°C', color: '--chart-4' }]} data={data.temperature} format={(v) => `${v.toFixed(0)} °C`} />
      ) : null}
    </div>
  );
}

export default function HostMetricsPage() {
  const [params, setParams] = useSearchParams();
  const range = (METRIC_RANGES as readonly string[]).includes(params.get('range') ?? '') ? (params.get('range') as HostMetricsRange) : '1h';
  const live = LIVE_RANGES.has(range);
  // without live updates, the long ranges refresh every five minutes
  const history = useApi<HostHistory>(`/api/host-metrics/history?range=${range}`, live ? {} : { pollMs: 300_000 });
  const [samples, setSamples] = useState<HostHistoryPoint[]>([]);

  useEffect(() => setSamples(history.data?.samples ?? []), [history.data]);

  const onSample = useCallback(
    (data: unknown) => {
      const sample = data as HostSample;
      if (typeof sample?.at !== 'string') return;
      setSamples((current) => {
        const last = current.at(-1);
        if (last && Date.parse(last.at) >= Date.parse(sample.at)) return current;
        const from = Date.parse(sample.at) - RANGE_SECONDS[range] * 1000;
        const kept = current[0] && Date.parse(current[0].at) < from ? current.filter((s) => Date.parse(s.at) >= from) : current;
        // a live sample is raw: no peak, like the raw points of the history
        return [...kept, { ...sample, peak: null }];
      });
    },
    [range],
  );
  const handlers = useMemo(() => ({ sample: onSample }), [onSample]);
  const stream = useEventStream(live ? '/api/host-metrics/stream' : null, handlers);
  const latest = samples.at(-1);

  return (
    <>
      <PageHeader
        title="Host metrics"
        subtitle={
          latest ? (
            <>
              {latest.host} · updated {timeAgo(latest.at)}
              {live ? (
                stream.kind === 'open' ? (
                  <span className="badge tone-ok live">Live</span>
                ) : stream.kind === 'failed' || (stream.kind === 'ended' && stream.error) ? (
                  <span className="badge tone-bad">{stream.kind === 'failed' ? stream.message : stream.error?.message}</span>
                ) : (
                  <span className="badge tone-muted">
                    <Spinner /> connecting
                  </span>
                )
              ) : null}
            </>
          ) : undefined
        }
        actions={<RangePicker range={range} onChange={(next) => setParams(next === '1h' ? {} : { range: next }, { replace: true })} />}
      />
      <ErrorBanner error={history.error} onRetry={() => void history.reload()} />
      {history.loading ? <Loading what="metrics" /> : null}
      {!history.loading && samples.length === 0 && !history.error ? (
        <Empty title="No samples yet">The first sample arrives within one sampling interval (HOST_METRICS_INTERVAL_MS).</Empty>
      ) : null}
      {latest ? <Current sample={latest} /> : null}
      {samples.length > 0 ? <Charts samples={samples} /> : null}
      {latest ? (
        <div className="two-columns">
          <Disks sample={latest} />
          <Temperatures sample={latest} />
        </div>
      ) : null}
    </>
  );
}
