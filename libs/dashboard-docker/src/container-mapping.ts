import type Docker from 'dockerode';
import type { ContainerHealth, ContainerPort, ContainerState, ContainerStats, ContainerView } from './container-types.js';

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const COMPOSE_PROJECT = 'com.docker.compose.project';

/** A list entry as dockerode types it, plus `Health`, which API 1.52+ adds to the list. */
export type ContainerSummary = Docker.ContainerInfo & { Health?: { Status?: string } };

/**
 * Health from the list entry: API 1.52+ has `Health.Status`; older engines
 * only say it in the status text ("Up 3 minutes (healthy)",
 * "(health: starting)", "(unhealthy)"), which spares an inspect per container.
 */
export function healthOf(summary: Pick<ContainerSummary, 'Status' | 'Health'>): ContainerHealth {
  const explicit = summary.Health?.Status;
  if (explicit === 'healthy' || explicit === 'unhealthy' || explicit === 'starting') return explicit;
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(summary.Status ?? '');
  if (!match) return 'none';
  return match[1] === 'health: starting' ? 'starting' : (match[1] as 'healthy' | 'unhealthy');
}

/** The container's own name: `Names` also holds legacy link aliases (`/other/alias`). */
export function nameOf(names: readonly string[] | undefined, id: string): string {
  const own = (names ?? []).find((n) => n.lastIndexOf('/') === 0) ?? names?.[0];
  return own ? own.replace(/^\//, '') : id.slice(0, 12);
}

/** One entry per port binding; a binding on every IPv4 and IPv6 address (0.0.0.0 and ::) shows once, as 0.0.0.0. */
export function portsOf(ports: readonly Docker.Port[] | undefined): ContainerPort[] {
  const byKey = new Map<string, ContainerPort>();
  for (const port of ports ?? []) {
    const ip = port.IP ? port.IP : null;
    const publicPort = typeof port.PublicPort === 'number' && port.PublicPort > 0 ? port.PublicPort : null;
    const unspecified = ip === '0.0.0.0' || ip === '::';
    const key = `${port.PrivatePort}/${port.Type}/${publicPort ?? ''}/${unspecified ? '*' : (ip ?? '')}`;
    // both families seen: the port is on every address
    const merged = unspecified && byKey.has(key);
    byKey.set(key, { privatePort: port.PrivatePort, publicPort, protocol: port.Type, ip: merged ? '0.0.0.0' : ip });
  }
  return [...byKey.values()].sort((a, b) => a.privatePort - b.privatePort || (a.publicPort ?? 0) - (b.publicPort ?? 0));
}

export function stateOf(state: string | undefined): ContainerState {
  return STATES.includes(state as ContainerState) ? (state as ContainerState) : 'dead';
}

/** The API's `Container` from a list entry and the latest stats sample (null fields while there is none). */
export function toContainerView(host: string, summary: ContainerSummary, stats: ContainerStats | undefined): ContainerView {
  const state = stateOf(summary.State);
  const live = state === 'running' ? stats : undefined;
  return {
    host,
    id: summary.Id,
    shortId: summary.Id.slice(0, 12),
    name: nameOf(summary.Names, summary.Id),
    image: summary.Image,
    imageId: summary.ImageID,
    state,
    status: summary.Status ?? '',
    health: healthOf(summary),
    createdAt: new Date((summary.Created ?? 0) * 1000).toISOString(),
    ports: portsOf(summary.Ports),
    composeProject: summary.Labels?.[COMPOSE_PROJECT] ?? null,
    cpuPercent: live ? live.cpuPercent : null,
    memoryBytes: live ? live.memoryBytes : null,
    memoryLimitBytes: live ? live.memoryLimitBytes : null,
    statsAt: live ? live.at : null,
  };
}
