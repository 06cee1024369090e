import type Docker from 'dockerode';
import type { InspectedImage } from './analysis/analysis-input.js';
import { effectiveUser } from './analysis/rules/runs-as-root.rule.js';
import type { ContainerDetailView, ContainerHealthcheck } from './container-types.js';

const NS_PER_MS = 1_000_000;

/** `KEY=******`: the names tell what is configured; values are often passwords and tokens. */
export function maskEnv(env: readonly string[] | null | undefined): string[] {
  return (env ?? []).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq < 0) return entry;
    return eq === entry.length - 1 ? entry : `${entry.slice(0, eq + 1)}******`;
  });
}

const msOrNull = (ns: number | undefined): number | null => (ns && ns > 0 ? Math.round(ns / NS_PER_MS) : null);

function healthcheckOf(inspect: Docker.ContainerInspectInfo, image: InspectedImage | null): ContainerHealthcheck | null {
  const own = inspect.Config.Healthcheck;
  const config = own?.Test && own.Test.length > 0 ? own : (image?.Config?.Healthcheck ?? undefined);
  if (!config?.Test || config.Test.length === 0 || config.Test[0] === 'NONE') return null;
  const state = inspect.State.Health;
  return {
    test: config.Test,
    intervalMs: msOrNull(config.Interval),
    timeoutMs: msOrNull(config.Timeout),
    retries: config.Retries && config.Retries > 0 ? config.Retries : null,
    startPeriodMs: msOrNull(config.StartPeriod),
    failingStreak: state ? state.FailingStreak : null,
    lastOutput: state?.Log?.at(-1)?.Output?.trim() ?? null,
  };
}

/** The `inspect` part of the detail answer (values of the environment masked). */
export function toDetailInspect(inspect: Docker.ContainerInspectInfo, image: InspectedImage | null): ContainerDetailView['inspect'] {
  const hostConfig = inspect.HostConfig;
  const nanoCpus = hostConfig.NanoCpus ?? 0;
  const quota = hostConfig.CpuQuota ?? 0;
  const period = hostConfig.CpuPeriod || 100_000;
  return {
    env: maskEnv(inspect.Config.Env),
    mounts: (inspect.Mounts ?? []).map((m) => ({ type: m.Type, source: m.Type === 'volume' && m.Name ? m.Name : m.Source, destination: m.Destination, readOnly: m.RW === false })),
    restartPolicy: { name: hostConfig.RestartPolicy?.Name || 'no', maximumRetryCount: hostConfig.RestartPolicy?.MaximumRetryCount ?? 0 },
    user: effectiveUser(inspect, image),
    healthcheck: healthcheckOf(inspect, image),
    resources: {
      memoryLimitBytes: hostConfig.Memory && hostConfig.Memory > 0 ? hostConfig.Memory : null,
      memoryReservationBytes: hostConfig.MemoryReservation && hostConfig.MemoryReservation > 0 ? hostConfig.MemoryReservation : null,
      cpus: nanoCpus > 0 ? nanoCpus / 1e9 : quota > 0 ? quota / period : null,
      pidsLimit: hostConfig.PidsLimit && hostConfig.PidsLimit > 0 ? hostConfig.PidsLimit : null,
    },
  };
}
