/** The dashboard API's shapes for containers (docs/dashboard-api.md, "Containers"). */

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerPort {
  privatePort: number;
  publicPort: number | null;
  protocol: string;
  ip: string | null;
}

/** `Container` of the API. */
export interface ContainerView {
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

export interface HostError {
  code: string;
  message: string;
}

/** `DockerHost` of the API. */
export interface DockerHostView {
  name: string;
  endpoint: string;
  tls: boolean;
  status: 'up' | 'down';
  error: HostError | null;
  engineVersion: string | null;
  containers: { total: number; running: number };
  refreshedAt: string | null;
}

/** `ContainerStats` of the API. */
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

/** `Finding` of the API: what is wrong and the compose change that fixes it. */
export interface Finding {
  host: string;
  containerId: string;
  containerName: string;
  rule: FindingRule;
  severity: FindingSeverity;
  message: string;
  fix: string;
}

export interface ContainerMount {
  type: string;
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

/** `GET /api/containers/:host/:id`. */
export interface ContainerDetailView extends ContainerView {
  inspect: {
    /** `KEY=******`: names only, never values (they hold passwords and tokens). */
    env: string[];
    mounts: ContainerMount[];
    restartPolicy: { name: string; maximumRetryCount: number };
    /** The user the process runs as (`root` when neither container nor image sets one). */
    user: string;
    healthcheck: ContainerHealthcheck | null;
    resources: ContainerResources;
  };
  findings: Finding[];
}
