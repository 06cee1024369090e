import { useEffect, useRef, useState } from 'react';
import { api, apiPath, ApiError } from '../../api/client';
import type { ContainerStats } from '../../api/types';
import { Sparkline } from '../../components/sparkline';
import { ErrorBanner, Loading } from '../../components/states';
import { formatBytes, formatPercent, formatRate } from '../../lib/format';

const POLL_MS = 3000;
const KEEP = 60;

interface Point {
  stats: ContainerStats;
  rxRate: number | null;
  txRate: number | null;
}

/** Polls the container's stats; rates and the short history are worked out here. */
export function StatsPanel({ host, id, running }: { host: string; id: string; running: boolean }) {
  const [points, setPoints] = useState<Point[]>([]);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const last = useRef<ContainerStats | undefined>(undefined);

  useEffect(() => {
    if (!running) return undefined;
    const controller = new AbortController();
    let timer: number | undefined;
    const poll = async (): Promise<void> => {
      try {
        const stats = await api.get<ContainerStats>(apiPath('containers', host, id, 'stats'), { signal: controller.signal });
        const previous = last.current;
        const seconds = previous ? (Date.parse(stats.at) - Date.parse(previous.at)) / 1000 : 0;
        const rate = (now: number, before: number | undefined): number | null =>
          previous && before !== undefined && seconds > 0 ? Math.max(0, (now - before) / seconds) : null;
        last.current = stats;
        setPoints((all) => [...all, { stats, rxRate: rate(stats.networkRxBytes, previous?.networkRxBytes), txRate: rate(stats.networkTxBytes, previous?.networkTxBytes) }].slice(-KEEP));
        setError(undefined);
      } catch (failure) {
        if (controller.signal.aborted) return;
        setError(failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure)));
      }
      if (!controller.signal.aborted) timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [host, id, running]);

  if (!running) return <p className="muted">The container is not running: no live stats.</p>;
  const current = points.at(-1);
  return (
    <div className="stats">
      <ErrorBanner error={error} />
      {!current ? (
        error ? null : <Loading what="stats" />
      ) : (
        <div className="stat-grid">
          <div className="stat">
            <span className="stat-label">CPU</span>
            <span className="stat-value">{formatPercent(current.stats.cpuPercent)}</span>
            <Sparkline values={points.map((p) => p.stats.cpuPercent)} label="CPU, last minutes" />
          </div>
          <div className="stat">
            <span className="stat-label">Memory</span>
            <span className="stat-value">{formatBytes(current.stats.memoryBytes)}</span>
            <span className="muted small">of {formatBytes(current.stats.memoryLimitBytes)}</span>
            <Sparkline values={points.map((p) => p.stats.memoryBytes)} label="Memory, last minutes" tone="alt" />
          </div>
          <div className="stat">
            <span className="stat-label">Network</span>
            <span className="stat-value small-value">
              ↓ {formatRate(current.rxRate)} · ↑ {formatRate(current.txRate)}
            </span>
            <span className="muted small">
              total ↓ {formatBytes(current.stats.networkRxBytes)} · ↑ {formatBytes(current.stats.networkTxBytes)}
            </span>
          </div>
          <div className="stat">
            <span className="stat-label">Block I/O</span>
            <span className="stat-value small-value">
              read {formatBytes(current.stats.blockReadBytes)} · written {formatBytes(current.stats.blockWriteBytes)}
            </span>
          </div>
          <div className="stat">
            <span className="stat-label">Processes</span>
            <span className="stat-value">{current.stats.pids}</span>
          </div>
        </div>
      )}
    </div>
  );
}
