import { X509Certificate } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Vault answers are a few KiB; a bigger body means something other than Vault is answering. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface VaultHttpResponse {
  status: number;
  body: string;
}

/** A failure below HTTP: the caller turns it into a message naming the address. */
export class VaultTransportError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'tls' | 'too-large',
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

export interface VaultGetOptions {
  token: string;
  /** Trusted CAs for https (replaces the system store, like `VAULT_CACERT`). */
  ca?: string;
  timeoutMs: number;
}

/**
 * One GET with node:http/node:https: the bundled fetch cannot take a custom CA
 * without importing undici. TLS certificates and host names are always
 * verified. A fresh connection per request (`agent: false`) keeps no idle
 * sockets open between the rare, cached reads.
 */
export function vaultGet(url: URL, options: VaultGetOptions): Promise<VaultHttpResponse> {
  return new Promise((resolve, reject) => {
    const timeout = new AbortController();
    const requestOptions: RequestOptions & { ca?: string; rejectUnauthorized?: boolean } = {
      method: 'GET',
      agent: false,
      signal: timeout.signal,
      headers: { 'X-Vault-Token': options.token, Accept: 'application/json' },
    };
    const https = url.protocol === 'https:';
    if (https) {
      requestOptions.rejectUnauthorized = true;
      if (options.ca !== undefined) requestOptions.ca = options.ca;
    }
    // covers connecting, TLS, waiting and reading the body; aborting destroys the request
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
    let settled = false;
    const settle = (outcome: { error: unknown } | { response: VaultHttpResponse }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('response' in outcome) resolve(outcome.response);
      else if (timeout.signal.aborted) reject(new VaultTransportError('timeout', `no answer within ${options.timeoutMs} ms`));
      else reject(toTransportError(outcome.error));
    };
    const req = (https ? httpsRequest : httpRequest)(url, requestOptions, (res) => {
      readBody(res).then(
        (body) => settle({ response: { status: res.statusCode ?? 0, body } }),
        (error: unknown) => settle({ error }),
      );
    });
    req.on('error', (error) => settle({ error }));
    req.end();
  });
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    res.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_RESPONSE_BYTES) {
        res.destroy(new VaultTransportError('too-large', `response larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new VaultTransportError('unreachable', 'connection closed mid-response'));
    });
  });
}

function toTransportError(error: unknown): VaultTransportError {
  if (error instanceof VaultTransportError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = typeof code === 'string' ? code : error instanceof Error ? error.message : 'request failed';
  const kind = typeof code === 'string' && isTlsErrorCode(code) ? 'tls' : 'unreachable';
  return new VaultTransportError(kind, text, { cause: error });
}

function isTlsErrorCode(code: string): boolean {
  return /^ERR_(SSL|TLS)_|CERT|UNABLE_TO_(GET|VERIFY)|SELF_SIGNED/.test(code);
}

/** Node ignores a `ca` it cannot parse, which would only surface as a confusing TLS error later. */
export function isPemCertificateBundle(pem: string): boolean {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return false;
  try {
    for (const block of blocks) new X509Certificate(block);
    return true;
  } catch {
    return false;
  }
}
