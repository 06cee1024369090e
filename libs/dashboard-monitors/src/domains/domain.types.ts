// The API's domain shapes (docs/dashboard-api.md, "Domains": DomainStatus, LinkScan, …) are
// @homelab/dashboard-api's; this file adds what only the server keeps.
import type { DnsCheck, DomainHealth, HttpCheck, TlsCheck } from '@homelab/dashboard-api';

export type { DomainHealth, DnsCheck, HttpCheck, TlsCheck, LinkScanState, LinkScan, BrokenLink, LinkScanDetail, DomainStatus } from '@homelab/dashboard-api';

/** A domain the operator asked the dashboard to watch (one row of monitored_domain). */
export interface MonitoredDomain {
  id: string;
  /** ASCII (punycode) host name, lower case, no trailing dot. */
  name: string;
  port: number;
  /** Starts with `/`. */
  path: string;
  /** Per-domain overrides; null means the configured default. */
  warnDays: number | null;
  criticalDays: number | null;
  linkScan: boolean;
  createdAt: string;
  createdBy: string | null;
}

/** Days before certificate expiry at which a warning, then a critical alert, is raised. */
export interface ExpiryThresholds {
  warnDays: number;
  criticalDays: number;
}

/**
 * One check of a domain. `tls` is null when no TLS connection could be made
 * (DNS failed, connection refused or timed out); `http` is null when DNS failed.
 */
export interface DomainCheck {
  checkedAt: string;
  status: DomainHealth;
  dns: DnsCheck;
  http: HttpCheck | null;
  tls: TlsCheck | null;
  thresholds: ExpiryThresholds;
}
