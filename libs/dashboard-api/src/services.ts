// docs/dashboard-api.md, "Services": the control-plane services, the service catalog and JetStream.
import type { ErrorInfo } from './common.js';

export type ServiceName = 'dashboard' | 'stream-bot' | 'discord-bot' | 'jarvis-guard' | 'automation';

export interface DependencyStatus {
  status: 'up' | 'down';
  /** Why it is down, without secrets. */
  error?: string;
  latencyMs?: number;
}

/** A service's own health report (its `health.get` answer over NATS). */
export interface ServiceHealth {
  service: ServiceName;
  instanceId: string;
  status: 'up' | 'down';
  /** Names of the dependencies that are down. */
  down: string[];
  checks: Record<string, DependencyStatus>;
  version: string;
  startedAt: string;
  uptimeSeconds: number;
}

/** An instance the dashboard has heard a heartbeat from recently. */
export interface ServiceInstance {
  instanceId: string;
  httpUrl: string;
  status: 'up' | 'down';
  down: string[];
  lastSeenAt: string;
}

/** A recorded change of a service's status. */
export interface ServiceStatusChange {
  status: string;
  instanceId: string;
  at: string;
}

export interface ServiceOverview {
  name: ServiceName;
  /** `unreachable` when no instance answered over NATS. */
  status: 'up' | 'down' | 'unreachable';
  health: ServiceHealth | null;
  error: ErrorInfo | null;
  instances: ServiceInstance[];
  /** The last status change the dashboard recorded; null when none or its database is down. */
  lastChange: ServiceStatusChange | null;
}

/** `GET /api/services`. */
export interface ServicesOverview {
  services: ServiceOverview[];
  generatedAt: string;
}

// ---- the service catalog --------------------------------------------------------------

/** A check's verdict: `degraded` answers (a self-signed certificate accepted, a starting container). */
export type CheckStatus = 'up' | 'degraded' | 'down';
/** `unknown` before the first check. */
export type MonitorStatus = CheckStatus | 'unknown';

/** `CatalogStatus` of the API: one catalog service and its latest check. */
export interface CatalogStatus {
  id: string;
  name: string;
  group: string | null;
  url: string | null;
  description: string | null;
  /** `target`: a URL, `host:port` or `dockerhost/container`. */
  check: { kind: 'http' | 'tcp' | 'container'; target: string };
  status: MonitorStatus;
  responseMs: number | null;
  error: string | null;
  lastCheckedAt: string | null;
  /** Percent (0–100, two decimals) of checks that found the service answering; null before the first check. */
  uptime24h: number | null;
  uptime7d: number | null;
}

/** Something wrong in the catalog file; `index` is the entry's position in `services:`, null for the file as a whole. */
export interface CatalogProblem {
  index: number | null;
  name: string | null;
  line: number | null;
  message: string;
}

/** `GET /api/catalog`, and the answer of `PUT /api/catalog/source`. */
export interface Catalog {
  file: string | null;
  loadedAt: string | null;
  entries: CatalogStatus[];
  problems: CatalogProblem[];
}

/** `GET /api/catalog/source`. */
export interface CatalogSource {
  file: string;
  yaml: string;
}

/** `PUT /api/catalog/source`. */
export interface CatalogSourceBody {
  yaml: string;
}

/** `?range=` of a catalog service's history. */
export type CatalogHistoryRange = '24h' | '7d' | '30d';

/** One bucket of results: the worst status, the average response time and the latest error. */
export interface CatalogHistoryPoint {
  at: string;
  status: CheckStatus;
  responseMs: number | null;
  error: string | null;
}

/** `GET /api/catalog/:id/history`. */
export interface CatalogHistory {
  id: string;
  /** Percent (0–100); null without checks in the range. */
  uptime: number | null;
  averageResponseMs: number | null;
  results: CatalogHistoryPoint[];
}

// ---- JetStream ---------------------------------------------------------------------------

export type ConsumerStatus = 'ok' | 'piling-up' | 'stalled';

export interface ConsumerHealth {
  name: string;
  /** Messages not yet delivered to the consumer (its lag). */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ackPending: number;
  redelivered: number;
  /** Messages given up on (max deliveries reached, or terminated), from the server's advisories. */
  deadLetters: number;
  /** Pull requests waiting for messages (idle workers). */
  waiting: number;
  lastActiveAt: string | null;
  status: ConsumerStatus;
}

export interface StreamHealth {
  name: string;
  messages: number;
  bytes: number;
  consumers: ConsumerHealth[];
}

/** `GET /api/jetstream`; NATS down: `error.code` NATS_UNAVAILABLE and no streams. */
export interface JetStreamReport {
  checkedAt: string;
  error: ErrorInfo | null;
  streams: StreamHealth[];
}
