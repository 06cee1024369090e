import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpCheckSpec } from '../catalog/catalog-entry.js';
import { errorMessage } from '../util/error-message.js';
import { elapsedSince, type CheckOutcome } from './check-outcome.js';

/** Enough of the body to find the expected text; the rest is not downloaded. */
const MAX_BODY_BYTES = 1024 * 1024;

function statusAccepted(check: HttpCheckSpec, status: number): boolean {
  return check.expectStatus.length > 0 ? check.expectStatus.includes(status) : status >= 200 && status < 400;
}

function readBody(response: IncomingMessage, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) {
        response.destroy();
        done();
      }
    });
    response.on('end', done);
    response.on('error', reject);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function describeTlsFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(code)) {
    return `TLS certificate not trusted (${code}); fix the certificate, or set verifyTls: false for a self-signed homelab service`;
  }
  return undefined;
}

/**
 * GET the URL (redirects are not followed: a 3xx is an answer), with TLS
 * verified unless the entry opts out. Response time is until the whole
 * (capped) body is read, like a browser would wait.
 */
export async function httpCheck(check: HttpCheckSpec, signal: AbortSignal): Promise<CheckOutcome> {
  const url = new URL(check.url);
  const started = performance.now();
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(url, {
        method: 'GET',
        signal,
        headers: { 'user-agent': 'homelab-dashboard-monitor', accept: '*/*' },
        ...(url.protocol === 'https:' ? { rejectUnauthorized: check.verifyTls } : {}),
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
    const status = response.statusCode ?? 0;
    const body = check.expectText !== null ? await readBody(response, signal) : (response.resume(), '');
    const responseMs = elapsedSince(started);
    if (!statusAccepted(check, status)) {
      const expected = check.expectStatus.length > 0 ? check.expectStatus.join(' or ') : '2xx or 3xx';
      return { status: 'down', responseMs, error: `HTTP ${status}, expected ${expected}` };
    }
    if (check.expectText !== null && !body.includes(check.expectText)) {
      return { status: 'down', responseMs, error: `the page does not contain the expected text "${check.expectText}"` };
    }
    if (!check.verifyTls && url.protocol === 'https:') {
      return { status: 'degraded', responseMs, error: 'TLS certificate not verified (verifyTls: false)', accepted: true };
    }
    return { status: 'up', responseMs, error: null };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    return { status: 'down', responseMs: null, error: describeTlsFailure(error) ?? errorMessage(error) };
  }
}
