import tls from 'node:tls';
import type { DnsCheck, DomainCheck, ExpiryThresholds, HttpCheck, TlsCheck } from './domain.types.js';
import { DnsLookupError, type DomainResolver } from './domain-resolver.js';
import { domainHealth, httpStatusOk } from './domain-verdict.js';
import { CONNECT_FAILURES, RequestFailedError } from './network-errors.js';
import { requestSite } from './site-request.js';
import { probeTls } from './tls-probe.js';

export interface DomainCheckerOptions {
  resolver: DomainResolver;
  /** Longest wait of each step (DNS, TLS handshake, HTTP answer). */
  timeoutMs: number;
  /**
   * CAs to trust besides node's bundled roots — a homelab's private CA, or a
   * test's CA. Verification stays on; this only widens whom it trusts.
   */
  extraCa?: readonly string[];
  now?: () => Date;
}

export interface DomainTarget {
  name: string;
  port: number;
  path: string;
}

/**
 * The trust store for checks and scans: node's roots plus the extra CAs, as
 * one secure context built once — parsing the ~140 root certificates on every
 * connection would cost tens of milliseconds each. Undefined (no extra CAs)
 * keeps node's shared default context.
 */
export function trustContext(extraCa: readonly string[] | undefined): tls.SecureContext | undefined {
  return extraCa && extraCa.length > 0 ? tls.createSecureContext({ ca: [...tls.rootCertificates, ...extraCa] }) : undefined;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Checks one domain: DNS (A/AAAA through the configured resolver), a TLS
 * handshake to read and judge the certificate, then an HTTPS GET of the path
 * to the same resolved address. Never throws: every failure is described in
 * the part where it happened, so one broken domain is just a result.
 */
export class DomainChecker {
  private readonly secureContext: tls.SecureContext | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: DomainCheckerOptions) {
    this.secureContext = trustContext(options.extraCa);
    this.now = options.now ?? (() => new Date());
  }

  async check(target: DomainTarget, thresholds: ExpiryThresholds): Promise<DomainCheck> {
    const checkedAt = this.now();
    const finish = (dns: DnsCheck, http: HttpCheck | null, tlsPart: TlsCheck | null): DomainCheck => ({
      checkedAt: checkedAt.toISOString(),
      status: domainHealth({ dns, http, tls: tlsPart }, thresholds),
      dns,
      http,
      tls: tlsPart,
      thresholds,
    });

    const dns = await this.resolve(target.name);
    if (!dns.ok) return finish(dns, null, null);

    const handshake = await this.handshake(target, dns.addresses, thresholds, checkedAt);
    if ('failure' in handshake) return finish(dns, { ok: false, status: null, responseMs: null, error: handshake.failure }, null);
    if (!handshake.tls.authorized) {
      return finish(dns, { ok: false, status: null, responseMs: null, error: 'not requested: the TLS certificate is not valid' }, handshake.tls);
    }
    return finish(dns, await this.fetch(target, handshake.address), handshake.tls);
  }

  private async resolve(name: string): Promise<DnsCheck> {
    try {
      return { ok: true, addresses: await this.options.resolver.resolve(name), error: null };
    } catch (error) {
      const message = error instanceof DnsLookupError ? error.message : `${name} could not be resolved: ${messageOf(error)}`;
      return { ok: false, addresses: [], error: message };
    }
  }

  /** Tries the addresses in turn while the connection itself fails (a dead IPv6 route, one node of several down). */
  private async handshake(target: DomainTarget, addresses: string[], thresholds: ExpiryThresholds, now: Date): Promise<{ tls: TlsCheck; address: string } | { failure: string }> {
    let failure = 'no address to connect to';
    for (const address of addresses) {
      try {
        const tlsPart = await probeTls({ address, name: target.name, port: target.port, secureContext: this.secureContext, timeoutMs: this.options.timeoutMs, thresholds, now });
        return { tls: tlsPart, address };
      } catch (error) {
        failure = `could not connect to ${address} port ${target.port}: ${messageOf(error)}`;
        if (!(error instanceof RequestFailedError && CONNECT_FAILURES.has(error.code))) break;
      }
    }
    return { failure };
  }

  private async fetch(target: DomainTarget, address: string): Promise<HttpCheck> {
    const url = new URL(`https://${target.name}:${target.port}${target.path}`);
    try {
      const response = await requestSite({ url, address, method: 'GET', timeoutMs: this.options.timeoutMs, secureContext: this.secureContext });
      const ok = httpStatusOk(response.status);
      return { ok, status: response.status, responseMs: response.responseMs, error: ok ? null : `answered HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, status: null, responseMs: null, error: messageOf(error) };
    }
  }
}
