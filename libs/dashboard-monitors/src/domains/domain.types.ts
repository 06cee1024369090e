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

export type DomainHealth = 'up' | 'degraded' | 'down';

export interface DnsCheck {
  ok: boolean;
  addresses: string[];
  error: string | null;
}

export interface HttpCheck {
  ok: boolean;
  status: number | null;
  responseMs: number | null;
  error: string | null;
}

export interface TlsCheck {
  ok: boolean;
  /** The chain verifies against the trusted CAs and the certificate is valid now and for the name. */
  authorized: boolean;
  issuer: string | null;
  subject: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** Whole days until expiry, rounded down; negative once expired. */
  daysLeft: number | null;
  error: string | null;
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

export type LinkScanState = 'running' | 'done' | 'failed';

/** A broken-link scan as the API shows it (docs/dashboard-api.md, `LinkScan`). */
export interface LinkScan {
  id: string;
  status: LinkScanState;
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  links: number;
  brokenCount: number;
  error: string | null;
}

export interface BrokenLink {
  url: string;
  /** The HTTP status, or null when no answer came (DNS, connection, TLS, timeout). */
  status: number | null;
  error: string | null;
  /** The page the link was found on. */
  foundOn: string;
}

export interface LinkScanDetail extends LinkScan {
  broken: BrokenLink[];
}

/** `DomainStatus` of docs/dashboard-api.md: the domain, its effective thresholds and its latest check and scan. */
export interface DomainStatus {
  id: string;
  name: string;
  port: number;
  path: string;
  warnDays: number;
  criticalDays: number;
  linkScan: boolean;
  status: DomainHealth | 'unknown';
  checkedAt: string | null;
  dns: DnsCheck | null;
  http: HttpCheck | null;
  tls: TlsCheck | null;
  lastScan: LinkScan | null;
}
