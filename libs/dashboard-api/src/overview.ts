// docs/dashboard-api.md, "Overview".
import type { HostSample } from './host-metrics.js';

export interface ContainerCounts {
  running: number;
  total: number;
  hostsDown: number;
}

export interface UpCounts {
  up: number;
  total: number;
}

export interface DomainCounts {
  ok: number;
  total: number;
}

export interface AlertCounts {
  open: number;
  critical: number;
}

/** `GET /api/overview`: a part whose feature is unavailable (not set up, failing, slower than 2 s) is null. */
export interface Overview {
  containers: ContainerCounts | null;
  /** The five control-plane services. */
  services: UpCounts | null;
  catalog: UpCounts | null;
  domains: DomainCounts | null;
  alerts: AlertCounts | null;
  host: HostSample | null;
}
