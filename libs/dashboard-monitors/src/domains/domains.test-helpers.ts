import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AlertCondition, AlertSink } from '../alerts/alert-sink.js';

/** An AlertSink that remembers what checkers told it: the open conditions and every call. */
export class RecordingAlertSink implements AlertSink {
  readonly open = new Map<string, AlertCondition>();
  readonly calls: { kind: 'raise' | 'resolve'; key: string; severity?: AlertCondition['severity'] }[] = [];
  failing = false;

  async raise(condition: AlertCondition): Promise<void> {
    if (this.failing) throw new Error('alert sink unavailable');
    this.calls.push({ kind: 'raise', key: condition.key, severity: condition.severity });
    this.open.set(condition.key, condition);
  }

  async resolve(key: string): Promise<void> {
    if (this.failing) throw new Error('alert sink unavailable');
    this.calls.push({ kind: 'resolve', key });
    this.open.delete(key);
  }

  severityOf(key: string): AlertCondition['severity'] | undefined {
    return this.open.get(key)?.severity;
  }
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface LocalSite<S extends Server | HttpsServer = Server | HttpsServer> {
  server: S;
  port: number;
  /** Requests seen, as `METHOD /path`. */
  requests: string[];
  close(): Promise<void>;
}

async function listen<S extends Server | HttpsServer>(server: S, requests: string[]): Promise<LocalSite<S>> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const recording = (requests: string[], handler: Handler): Handler => (request, response) => {
  requests.push(`${request.method} ${request.url}`);
  handler(request, response);
};

/** An HTTPS server on 127.0.0.1 with the given certificate. */
export function startHttpsSite(tls: { cert: string; key: string }, handler: Handler): Promise<LocalSite<HttpsServer>> {
  const requests: string[] = [];
  return listen(createHttpsServer({ cert: tls.cert, key: tls.key }, recording(requests, handler)), requests);
}

/** A plain HTTP server on 127.0.0.1. */
export function startHttpSite(handler: Handler): Promise<LocalSite<Server>> {
  const requests: string[] = [];
  return listen(createHttpServer(recording(requests, handler)), requests);
}

/** status, content type, body, extra headers */
export type PageAnswer = [number, string, string, Record<string, string>?];

/** Serves fixed pages: path → answer (or a function making one); anything else 404. */
export function pages(routes: Record<string, PageAnswer | ((request: IncomingMessage) => PageAnswer)>): Handler {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const route = routes[path];
    const answer = typeof route === 'function' ? route(request) : route;
    if (!answer) {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not found</h1>');
      return;
    }
    const [status, type, body, headers] = answer;
    response.writeHead(status, { 'content-type': type, ...(headers ?? {}) });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}

export const DAY_MS = 86_400_000;
/** `days` from now, plus an hour so whole-day arithmetic in the check lands on `days`. */
export const inDays = (days: number): Date => new Date(Date.now() + days * DAY_MS + 3_600_000);
