// docs/dashboard-api.md, "Domains".
import type { CheckStatus } from './services.js';

/** A check's verdict; `DomainStatus.status` adds `unknown` before the first check. */
export type DomainHealth = CheckStatus;

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
  /** Valid, and its expiry outside `warnDays`. */
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

export type LinkScanState = 'running' | 'done' | 'failed';

/** A broken-link scan; the counters grow while it runs. */
export interface LinkScan {
  id: string;
  status: LinkScanState;
  startedAt: string;
  finishedAt: string | null;
  /** HTML pages parsed. */
  pages: number;
  /** Distinct links checked. */
  links: number;
  /** Entries of `broken`: one per broken link and page it is on. */
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

/** `POST /api/domains/:id/scan` (202). */
export interface LinkScanStarted {
  scan: LinkScan;
}

/** `GET /api/domains/:id/scans/latest`. */
export interface LatestLinkScan {
  scan: LinkScanDetail | null;
}

/**
 * `DomainStatus` of the API: the domain, its effective thresholds and its
 * latest check and scan. `tls` is null when no connection could be made,
 * `http` and `tls` are null when DNS failed; all three before the first check.
 */
export interface DomainStatus {
  id: string;
  /** ASCII (punycode) host name. */
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

/** `GET /api/domains`. */
export interface DomainList {
  domains: DomainStatus[];
}

/** `POST /api/domains`. `warnDays`/`criticalDays` null (or omitted): the configured defaults. */
export interface NewDomainBody {
  name: string;
  port?: number;
  path?: string;
  warnDays?: number | null;
  criticalDays?: number | null;
  linkScan?: boolean;
}

/** `PATCH /api/domains/:id`: the same fields, each optional; a threshold set to null returns to the default. */
export type DomainPatchBody = Partial<NewDomainBody>;
