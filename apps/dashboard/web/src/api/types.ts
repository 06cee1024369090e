// The shapes of docs/dashboard-api.md, as the UI reads them.

export type Role = 'viewer' | 'admin';

export interface User {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  provider: 'local' | 'oidc';
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface AuthStatus {
  setupRequired: boolean;
  oidc: { enabled: boolean; label: string | null };
  user: User | null;
  csrfToken: string | null;
}

export interface SignedIn {
  user: User;
  csrfToken: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

// ---- host metrics ----------------------------------------------------------------

/** One reading of a machine; a figure it could not give (an absent sensor, the first network sample) is null. */
export interface HostSample {
  host: string;
  at: string;
  cpuPercent: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  swapUsedBytes: number | null;
  swapTotalBytes: number | null;
  diskUsedBytes: number | null;
  diskTotalBytes: number | null;
  netRxBytesPerS: number | null;
  netTxBytesPerS: number | null;
  cpuTempC: number | null;
  disks: { mount: string; fs: string; usedBytes: number; totalBytes: number }[];
  interfaces: { name: string; rxBytesPerS: number; txBytesPerS: number }[];
  temperatures: { label: string; celsius: number }[];
}

/** The highest raw values inside an averaged history point. */
export interface HostPeak {
  cpuPercent: number | null;
  memUsedBytes: number | null;
  netRxBytesPerS: number | null;
  netTxBytesPerS: number | null;
  cpuTempC: number | null;
}

/** A raw sample (`peak` null) or the average of several (`peak` their maxima); live samples have no `peak`. */
export type HostHistoryPoint = HostSample & { peak?: HostPeak | null };

export const METRIC_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type MetricRange = (typeof METRIC_RANGES)[number];

export interface HostHistory {
  host: string;
  range: MetricRange;
  resolutionSeconds: number;
  samples: HostHistoryPoint[];
}

// ---- overview ----------------------------------------------------------------------

/** Each part is null when its feature is unavailable (not set up, failing, slow); the others still answer. */
export interface Overview {
  containers: { running: number; total: number; hostsDown: number } | null;
  services: { up: number; total: number } | null;
  catalog: { up: number; total: number } | null;
  domains: { ok: number; total: number } | null;
  alerts: { open: number; critical: number } | null;
  host: HostSample | null;
}

// ---- containers --------------------------------------------------------------------

export interface DockerHost {
  name: string;
  endpoint: string;
  tls: boolean;
  status: 'up' | 'down';
  error: ErrorInfo | null;
  engineVersion: string | null;
  containers: { total: number; running: number };
  refreshedAt: string | null;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerPort {
  privatePort: number;
  publicPort: number | null;
  protocol: string;
  ip: string | null;
}

export interface Container {
  host: string;
  id: string;
  shortId: string;
  name: string;
  image: string;
  imageId: string;
  state: ContainerState;
  status: string;
  health: Health;
  createdAt: string;
  ports: ContainerPort[];
  composeProject: string | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  statsAt: string | null;
}

export interface ContainerList {
  containers: Container[];
  hosts: DockerHost[];
  generatedAt: string;
}

export type FindingRule =
  | 'no-healthcheck'
  | 'no-resource-limits'
  | 'runs-as-root'
  | 'latest-tag'
  | 'plain-http-port'
  | 'privileged'
  | 'docker-socket-mounted'
  | 'unhealthy';

export type Severity = 'info' | 'warning' | 'critical';

export interface Finding {
  host: string;
  containerId: string;
  containerName: string;
  rule: FindingRule;
  severity: Severity;
  message: string;
  fix: string;
}

export interface ContainerDetail extends Container {
  inspect: {
    env: string[];
    mounts: unknown[];
    restartPolicy: unknown;
    user: string | null;
    healthcheck: unknown;
    resources: unknown;
  };
  findings: Finding[];
}

export interface ContainerStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
  at: string;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  time: string | null;
}

// ---- services, catalog, JetStream -----------------------------------------------------

export interface ServiceOverview {
  name: string;
  status: 'up' | 'down' | 'unreachable';
  health: {
    status: 'up' | 'down';
    down: string[];
    checks: Record<string, { status: 'up' | 'down'; error?: string; latencyMs?: number }>;
    version: string;
    startedAt: string;
    uptimeSeconds: number;
  } | null;
  error: ErrorInfo | null;
  instances: { instanceId: string; httpUrl: string; status: string; down: string[]; lastSeenAt: string }[];
  lastChange: { status: string; instanceId: string; at: string } | null;
}

export type MonitorStatus = 'up' | 'degraded' | 'down' | 'unknown';

export interface CatalogStatus {
  id: string;
  name: string;
  group: string | null;
  url: string | null;
  description: string | null;
  check: { kind: 'http' | 'tcp' | 'container'; target: string };
  status: MonitorStatus;
  responseMs: number | null;
  error: string | null;
  lastCheckedAt: string | null;
  /** Percent (0–100). */
  uptime24h: number | null;
  uptime7d: number | null;
}

export interface CatalogProblem {
  /** The entry's position in `services:`; null for a problem of the whole file. */
  index: number | null;
  name: string | null;
  line: number | null;
  message: string;
}

export interface Catalog {
  file: string | null;
  loadedAt: string | null;
  entries: CatalogStatus[];
  problems: CatalogProblem[];
}

export interface CatalogHistory {
  id: string;
  /** Percent (0–100). */
  uptime: number | null;
  averageResponseMs: number | null;
  results: { at: string; status: MonitorStatus; responseMs: number | null; error: string | null }[];
}

export interface ConsumerHealth {
  name: string;
  pending: number;
  ackPending: number;
  redelivered: number;
  deadLetters: number;
  waiting: number;
  lastActiveAt: string | null;
  status: 'ok' | 'piling-up' | 'stalled';
}

export interface JetStreamOverview {
  checkedAt: string | null;
  error: ErrorInfo | null;
  streams: { name: string; messages: number; bytes: number; consumers: ConsumerHealth[] }[];
}

// ---- domains -----------------------------------------------------------------------------

export interface LinkScan {
  id: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  links: number;
  brokenCount: number;
  error: string | null;
}

export interface BrokenLink {
  url: string;
  status: number | null;
  error: string | null;
  foundOn: string;
}

export interface DomainStatus {
  id: string;
  name: string;
  port: number;
  path: string;
  warnDays: number;
  criticalDays: number;
  linkScan: boolean;
  status: MonitorStatus;
  checkedAt: string | null;
  dns: { ok: boolean; addresses: string[]; error: string | null } | null;
  http: { ok: boolean; status: number | null; responseMs: number | null; error: string | null } | null;
  tls: {
    ok: boolean;
    authorized: boolean;
    issuer: string | null;
    subject: string | null;
    validFrom: string | null;
    validTo: string | null;
    daysLeft: number | null;
    error: string | null;
  } | null;
  lastScan: LinkScan | null;
}

export interface DomainInput {
  name: string;
  port?: number;
  path?: string;
  warnDays?: number;
  criticalDays?: number;
  linkScan?: boolean;
}

// ---- alerts ----------------------------------------------------------------------------------

export interface Alert {
  id: string;
  key: string;
  source: string;
  severity: 'warning' | 'critical';
  title: string;
  message: string;
  raisedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

// ---- databases ----------------------------------------------------------------------------

export type Engine = 'postgres' | 'mariadb' | 'redis' | 'mongodb';

export interface DatabaseTemplate {
  engine: Engine;
  label: string;
  image: string;
  port: number;
  backup: boolean;
}

export interface Backup {
  id: string;
  trigger: 'schedule' | 'manual' | 'pre-restore';
  status: 'running' | 'succeeded' | 'failed' | 'pruned';
  file: string | null;
  sizeBytes: number | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface Restore {
  id: string;
  backupId: string;
  status: 'running' | 'succeeded' | 'failed';
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface ManagedDatabase {
  id: string;
  name: string;
  engine: Engine;
  host: string;
  containerName: string;
  containerId: string | null;
  image: string;
  hostPort: number | null;
  username: string | null;
  databaseName: string | null;
  volume: string;
  status: 'creating' | 'ready' | 'failed' | 'removed';
  /** What creation is doing now (`pulling image postgres:17.2`), while `creating`. */
  progress: string | null;
  health: 'healthy' | 'unhealthy' | 'starting' | 'none' | 'missing';
  error: string | null;
  backupSchedule: string | null;
  backupRetention: number;
  nextBackupAt: string | null;
  lastBackup: Backup | null;
  createdAt: string;
}

export interface DatabaseCredentials {
  /** null for engines without users (Redis). */
  username: string | null;
  password: string;
  database: string | null;
  host: string;
  port: number;
  connectionString: string;
}
