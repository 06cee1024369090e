import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import { DnsLookupError, type DomainResolver } from '../domains/domain-resolver.js';
import { CONNECT_FAILURES, RequestFailedError } from '../domains/network-errors.js';
import { requestSite, type SiteResponse } from '../domains/site-request.js';

export interface SiteClientOptions {
  resolver: DomainResolver;
  /** Per request. */
  timeoutMs: number;
  /** Trusted CAs for https (trustContext); node's default context when undefined. */
  secureContext?: tls.SecureContext;
  maxRedirects?: number;
  /** Connections kept per host while crawling. */
  socketsPerHost?: number;
  signal?: AbortSignal;
}

export interface FetchOptions {
  method: 'GET' | 'HEAD';
  /** Read the body (up to this size) when `wantBody` says so. */
  maxBodyBytes?: number;
  wantBody?: (head: { status: number; headers: http.IncomingHttpHeaders }) => boolean;
}

/** Where a URL finally led: the last status, or why no answer came. */
export interface FetchOutcome {
  finalUrl: URL;
  status: number | null;
  contentType: string | null;
  body: Buffer | null;
  error: string | null;
  /** The failure was DNS: retrying with another method cannot help. */
  dnsFailure: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_REDIRECTS = 5;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * HTTP(S) for one crawl: names resolved through the DomainResolver (cached
 * for the crawl), redirects followed, keep-alive connections pooled, every
 * request bounded by a timeout and the crawl's abort signal. `close()` drops
 * the pooled connections.
 */
export class SiteClient {
  private readonly addresses = new Map<string, Promise<string[]>>();
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly options: SiteClientOptions) {
    const maxSockets = options.socketsPerHost ?? 4;
    this.agents = { http: new http.Agent({ keepAlive: true, maxSockets }), https: new https.Agent({ keepAlive: true, maxSockets }) };
  }

  async fetch(url: URL, options: FetchOptions): Promise<FetchOutcome> {
    let current = url;
    const limit = this.options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    for (let hop = 0; hop <= limit; hop += 1) {
      const outcome = await this.once(current, options);
      if ('failure' in outcome) return { finalUrl: current, status: null, contentType: null, body: null, error: outcome.failure, dnsFailure: outcome.dns };
      const { response } = outcome;
      const location = response.headers.location;
      if (!REDIRECTS.has(response.status) || !location) {
        const contentType = response.headers['content-type'] ?? null;
        return { finalUrl: current, status: response.status, contentType, body: response.body, error: null, dnsFailure: false };
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return { finalUrl: current, status: response.status, contentType: null, body: null, error: `redirects to an invalid address: ${location}`, dnsFailure: false };
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        return { finalUrl: current, status: response.status, contentType: null, body: null, error: `redirects to ${next.protocol} which cannot be checked`, dnsFailure: false };
      }
      current = next;
    }
    return { finalUrl: current, status: null, contentType: null, body: null, error: `more than ${limit} redirects`, dnsFailure: false };
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private resolve(hostname: string): Promise<string[]> {
    let pending = this.addresses.get(hostname);
    if (!pending) {
      pending = this.options.resolver.resolve(hostname);
      this.addresses.set(hostname, pending);
    }
    return pending;
  }

  private async once(url: URL, options: FetchOptions): Promise<{ response: SiteResponse } | { failure: string; dns: boolean }> {
    let addresses: string[];
    try {
      addresses = await this.resolve(url.hostname);
    } catch (error) {
      return { failure: error instanceof DnsLookupError ? error.message : messageOf(error), dns: true };
    }
    let failure = 'no address';
    for (const address of addresses) {
      try {
        const response = await requestSite({
          url,
          address,
          method: options.method,
          timeoutMs: this.options.timeoutMs,
          signal: this.options.signal,
          secureContext: this.options.secureContext,
          agent: url.protocol === 'https:' ? this.agents.https : this.agents.http,
          maxBodyBytes: options.maxBodyBytes,
          wantBody: options.wantBody,
        });
        return { response };
      } catch (error) {
        failure = messageOf(error);
        if (!(error instanceof RequestFailedError && CONNECT_FAILURES.has(error.code))) break;
      }
    }
    return { failure, dns: false };
  }
}
