import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type tls from 'node:tls';
import { describeNetworkError, timedOut } from './network-errors.js';

export const MONITOR_USER_AGENT = 'HomelabDashboard/1.0 (domain monitor and link checker)';

export interface SiteRequestOptions {
  url: URL;
  /**
   * The IP address to connect to, already resolved by the DomainResolver. The
   * URL's host name still goes into SNI, certificate verification and the
   * Host header, so connecting by address changes nothing but who resolved it.
   */
  address: string;
  method: 'GET' | 'HEAD';
  timeoutMs: number;
  signal?: AbortSignal;
  /** Trusted CAs for https (node's default context when undefined). Verification is never turned off here. */
  secureContext?: tls.SecureContext;
  /** Connection pooling for crawls; none (one connection per request) by default. */
  agent?: http.Agent;
  /** Read at most this much of the body; 0 or undefined = do not download the body at all. */
  maxBodyBytes?: number;
  /** Decides from the status and headers whether the body is worth reading (default: yes, within maxBodyBytes). */
  wantBody?: (head: { status: number; headers: http.IncomingHttpHeaders }) => boolean;
}

export interface SiteResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first `maxBodyBytes` of the body, or null when not asked for. */
  body: Buffer | null;
  /** Until the response headers arrived, connection and TLS handshake included. */
  responseMs: number;
}

/** https passes every option on to tls.connect, `secureContext` included, though its type does not list it. */
type TlsRequestOptions = https.RequestOptions & Pick<tls.ConnectionOptions, 'secureContext'>;

function requestOptions(options: SiteRequestOptions, signal: AbortSignal): TlsRequestOptions {
  const secure = options.url.protocol === 'https:';
  const hostname = options.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const request: TlsRequestOptions = {
    host: options.address,
    port: options.url.port ? Number(options.url.port) : secure ? 443 : 80,
    path: `${options.url.pathname}${options.url.search}`,
    method: options.method,
    headers: { host: options.url.host, 'user-agent': MONITOR_USER_AGENT, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' },
    agent: options.agent ?? false,
    signal,
  };
  if (secure) {
    // SNI may not carry an IP address; for an IP URL node checks the certificate against `host` instead
    if (!isIP(hostname)) request.servername = hostname;
    if (options.secureContext) request.secureContext = options.secureContext;
  }
  return request;
}

/**
 * One HTTP(S) request to `address` for `url`, without following redirects,
 * bounded by a timeout and an optional abort signal. Rejects with a
 * RequestFailedError whose message is fit for the UI.
 */
export function requestSite(options: SiteRequestOptions): Promise<SiteResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const started = performance.now();
  return new Promise<SiteResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      reject(timeout.aborted ? timedOut(options.timeoutMs) : describeNetworkError(error, options.timeoutMs));
    };
    const succeed = (response: SiteResponse): void => {
      if (settled) return;
      settled = true;
      resolve(response);
    };
    if (signal.aborted) return fail(signal.reason);
    const secure = options.url.protocol === 'https:';
    const request = (secure ? https : http).request(requestOptions(options, signal), (response) => {
      const head = { status: response.statusCode ?? 0, headers: response.headers, responseMs: Math.round(performance.now() - started) };
      if (options.method === 'HEAD') {
        // nothing to read; draining lets a pooled connection be reused
        response.resume();
        return succeed({ ...head, body: null });
      }
      const limit = options.maxBodyBytes ?? 0;
      if (limit <= 0 || (options.wantBody && !options.wantBody(head))) {
        // a link check needs the status only: never download a large file just to close it
        response.destroy();
        return succeed({ ...head, body: null });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => succeed({ ...head, body: Buffer.concat(chunks) });
      response.on('data', (chunk: Buffer) => {
        const room = limit - size;
        if (room <= 0) return;
        chunks.push(room < chunk.length ? chunk.subarray(0, room) : chunk);
        size += Math.min(room, chunk.length);
        if (size >= limit) {
          response.destroy();
          finish();
        }
      });
      response.on('end', finish);
      response.on('error', fail);
      // a server closing early leaves a short page, which is still worth parsing
      response.on('close', finish);
    });
    request.on('error', fail);
    request.end();
  });
}
