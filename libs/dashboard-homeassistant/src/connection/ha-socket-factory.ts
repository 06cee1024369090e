import { ERR_CANNOT_CONNECT, ERR_INVALID_AUTH, type HaWebSocket } from 'home-assistant-js-websocket';
import { WebSocket, type RawData } from 'ws';

export interface HaSocketFactoryOptions {
  /** `ws://host:8123/api/websocket` (or `wss://`). */
  wsUrl: string;
  token: string;
  /** Limit for opening the socket and the whole auth phase. */
  connectTimeoutMs: number;
  /** Why an attempt failed (never holds the token): for the status and the logs. */
  onFailure(reason: string): void;
}

/** `messages.supportedFeatures()` of the library: its own createSocket sends it to HA ≥ 2022.9 and so do we. */
const SUPPORTED_FEATURES = JSON.stringify({ type: 'supported_features', id: 1, features: { coalesce_messages: 1 } });

function atLeast2022_9(version: string): boolean {
  const [year = 0, month = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return year > 2022 || (year === 2022 && month >= 9);
}

/** A network error in a sentence (Node wraps a refused dual-stack connect in an AggregateError without a message). */
export function describeNetworkError(error: unknown): string {
  const inner = error instanceof AggregateError && error.errors[0] instanceof Error ? (error.errors[0] as Error) : error;
  if (!(inner instanceof Error)) return String(inner);
  const code = (inner as Error & { code?: unknown }).code ?? (error as { code?: unknown }).code;
  const message = inner.message || (typeof code === 'string' ? code : 'connection failed');
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * The `createSocket` of home-assistant-js-websocket, built on `ws` (Node 20
 * has no global WebSocket). It runs the auth phase like the library's own
 * (`auth_required` → `auth` → `auth_ok`) and rejects with the library's codes,
 * which its reconnect loop relies on: ERR_INVALID_AUTH stops reconnecting,
 * ERR_CANNOT_CONNECT retries. Unlike the library's it never retries by itself
 * (the first connection is retried by our own backoff loop, reconnects by the
 * library) and keeps hold of its sockets so that `stop()` and the heartbeat can
 * cut them.
 */
export class HaSocketFactory {
  private readonly pending = new Set<WebSocket>();
  private current: WebSocket | undefined;
  private closed = false;

  constructor(private readonly options: HaSocketFactoryOptions) {}

  /** Passed to the library as `ConnectionOptions.createSocket`. */
  readonly create = (): Promise<HaWebSocket> => {
    if (this.closed) return Promise.reject(ERR_CANNOT_CONNECT);
    return new Promise((resolve, reject) => this.open(resolve, reject));
  };

  /** Drops the authenticated socket at once, without a closing handshake (a dead connection gives none). */
  dropCurrent(): void {
    this.current?.terminate();
  }

  /** No new sockets; every open or opening one is cut. */
  close(): void {
    this.closed = true;
    for (const socket of this.pending) socket.terminate();
    this.current?.terminate();
  }

  private open(resolve: (socket: HaWebSocket) => void, reject: (code: number) => void): void {
    const { wsUrl, token, connectTimeoutMs } = this.options;
    const socket = new WebSocket(wsUrl, { handshakeTimeout: connectTimeoutMs, maxPayload: 64 * 1024 * 1024 });
    this.pending.add(socket);
    let settled = false;
    const finish = (outcome: { socket: HaWebSocket } | { code: number; reason: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.pending.delete(socket);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      socket.off('unexpected-response', onUnexpectedResponse);
      if ('socket' in outcome) return resolve(outcome.socket);
      socket.terminate();
      this.options.onFailure(outcome.reason);
      reject(outcome.code);
    };
    const cannotConnect = (reason: string): void => finish({ code: ERR_CANNOT_CONNECT, reason });
    const timer = setTimeout(() => cannotConnect(`no answer within ${connectTimeoutMs} ms`), connectTimeoutMs);

    const onMessage = (data: RawData): void => {
      let message: { type?: unknown; ha_version?: unknown; message?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return cannotConnect('it answered something other than JSON (is this Home Assistant?)');
      }
      if (message.type === 'auth_required') {
        socket.send(JSON.stringify({ type: 'auth', access_token: token }));
      } else if (message.type === 'auth_invalid') {
        finish({ code: ERR_INVALID_AUTH, reason: `the access token was refused (${typeof message.message === 'string' ? message.message : 'auth_invalid'})` });
      } else if (message.type === 'auth_ok') {
        const version = typeof message.ha_version === 'string' ? message.ha_version : '0.0.0';
        if (atLeast2022_9(version)) socket.send(SUPPORTED_FEATURES);
        this.current = socket;
        socket.once('close', () => {
          if (this.current === socket) this.current = undefined;
        });
        finish({ socket: Object.assign(socket as unknown as HaWebSocket, { haVersion: version }) });
      }
    };
    const onClose = (code: number): void => cannotConnect(`the connection closed during authentication (code ${code})`);
    const onUnexpectedResponse = (_request: unknown, response: { statusCode?: number }): void =>
      cannotConnect(`HTTP ${response.statusCode ?? '?'} instead of a WebSocket upgrade at /api/websocket`);

    // ws throws an 'error' nobody listens to: this listener stays for the socket's whole life
    socket.on('error', (error) => cannotConnect(describeNetworkError(error)));
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('unexpected-response', onUnexpectedResponse);
  }
}
