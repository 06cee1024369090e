// docs/dashboard-api.md, "Containers".
import type { ErrorInfo } from './common.js';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerPort {
  privatePort: number;
  publicPort: number | null;
  protocol: string;
  ip: string | null;
}

/** `Container` of the API: one container of a Docker host, with its latest stats (null until measured). */
export interface Container {
  host: string;
  id: string;
  shortId: string;
  name: string;
  image: string;
  imageId: string;
  state: ContainerState;
  status: string;
  health: ContainerHealth;
  createdAt: string;
  ports: ContainerPort[];
  composeProject: string | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  statsAt: string | null;
}

/** `DockerHost` of the API: a host that is down is listed with its error. */
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

/** `GET /api/docker/hosts`. */
export interface DockerHostList {
  hosts: DockerHost[];
}

/** `GET /api/containers?host=`. */
export interface ContainerList {
  containers: Container[];
  hosts: DockerHost[];
  /** When this answer was assembled. */
  generatedAt: string;
}

/** `GET /api/containers/:host/:id/stats`. */
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

export type FindingRule =
  | 'no-healthcheck'
  | 'no-resource-limits'
  | 'runs-as-root'
  | 'latest-tag'
  | 'plain-http-port'
  | 'privileged'
  | 'docker-socket-mounted'
  | 'unhealthy';

export type FindingSeverity = 'info' | 'warning' | 'critical';

/** `Finding` of the API: what is wrong with a deployment and the compose change that fixes it. */
export interface Finding {
  host: string;
  containerId: string;
  containerName: string;
  rule: FindingRule;
  severity: FindingSeverity;
  message: string;
  fix: string;
}

/** `GET /api/containers/analysis?host=`. */
export interface ContainerAnalysis {
  findings: Finding[];
  analyzedAt: string;
}

export interface ContainerMount {
  type: string;
  /** The volume's name for a named volume, else the host path. */
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface ContainerHealthcheck {
  test: string[];
  intervalMs: number | null;
  timeoutMs: number | null;
  retries: number | null;
  startPeriodMs: number | null;
  /** Consecutive failed checks, and the output of the last check (when Docker ran one). */
  failingStreak: number | null;
  lastOutput: string | null;
}

export interface ContainerResources {
  memoryLimitBytes: number | null;
  memoryReservationBytes: number | null;
  cpus: number | null;
  pidsLimit: number | null;
}

/** The `inspect` part of the detail answer. */
export interface ContainerInspect {
  /** `KEY=******`: names only, never values (they hold passwords and tokens). */
  env: string[];
  mounts: ContainerMount[];
  restartPolicy: { name: string; maximumRetryCount: number };
  /** The user the process runs as (`root` when neither container nor image sets one). */
  user: string;
  healthcheck: ContainerHealthcheck | null;
  resources: ContainerResources;
}

/** `GET /api/containers/:host/:id`. */
export interface ContainerDetail extends Container {
  inspect: ContainerInspect;
  findings: Finding[];
}

/** `POST /api/containers/:host/:id/start|stop|restart`. */
export interface ContainerActionResult {
  container: Container;
}

/** `DELETE /api/containers/:host/:id`. */
export interface RemoveContainerBody {
  /** The container's name; missing or different: 409 CONFIRMATION_REQUIRED. */
  confirm: string;
  force?: boolean;
  removeVolumes?: boolean;
}

/** A `log` event of `GET /api/containers/:host/:id/logs`. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  /** Docker's RFC 3339 timestamp of the line (with `timestamps`), else null. */
  time: string | null;
}
