import { useEffect, useRef, useState } from 'react';
import { notifyUnauthorized } from './client';
import type { AuthStatus } from './types';

export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  /** The server said it is finished (`end`), or sent an `error` event. */
  | { kind: 'ended'; error: { code: string; message: string } | null }
  /** The connection dropped; the browser retries by itself. */
  | { kind: 'reconnecting' }
  | { kind: 'failed'; message: string };

export type StreamHandlers = Record<string, (data: unknown) => void>;

function parse(event: MessageEvent<string>): unknown {
  try {
    return JSON.parse(event.data) as unknown;
  } catch {
    return event.data;
  }
}

/** An EventSource refused outright (not 200): a session that ended explains it. */
async function explainRefusal(): Promise<string> {
  try {
    const response = await fetch('/api/auth/status', { credentials: 'same-origin' });
    const status = (await response.json()) as AuthStatus;
    if (!status.user) {
      notifyUnauthorized();
      return 'Your session ended. Sign in again.';
    }
  } catch {
    return 'The dashboard could not be reached.';
  }
  return 'The live stream was refused by the dashboard.';
}

function toErrorInfo(data: unknown): { code: string; message: string } {
  if (typeof data === 'object' && data !== null && 'message' in data) {
    const { code, message } = data as { code?: unknown; message?: unknown };
    return { code: typeof code === 'string' ? code : 'STREAM_ERROR', message: String(message) };
  }
  return { code: 'STREAM_ERROR', message: typeof data === 'string' && data ? data : 'The stream failed.' };
}

/**
 * Subscribes to a `text/event-stream` (null: nothing). Named events go to
 * `handlers` (`open` is called on every (re)connection); `end` and the server's `error` event close the stream for good
 * (else the browser would reconnect and replay it). A new `epoch` reconnects.
 */
export function useEventStream(url: string | null, handlers: StreamHandlers, epoch = 0): StreamState {
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });
  const latest = useRef(handlers);
  latest.current = handlers;
  const names = Object.keys(handlers).sort().join(',');

  useEffect(() => {
    if (url === null) return undefined;
    setState({ kind: 'connecting' });
    const source = new EventSource(url);
    let closed = false;
    const finish = (next: StreamState): void => {
      closed = true;
      source.close();
      setState(next);
    };
    source.onopen = () => {
      latest.current['open']?.(null);
      setState({ kind: 'open' });
    };
    for (const name of names.split(',').filter(Boolean)) {
      if (name === 'end' || name === 'error' || name === 'open') continue;
      source.addEventListener(name, (event) => latest.current[name]?.(parse(event as MessageEvent<string>)));
    }
    source.addEventListener('end', (event) => {
      latest.current['end']?.(parse(event as MessageEvent<string>));
      finish({ kind: 'ended', error: null });
    });
    source.addEventListener('error', (event) => {
      if (closed) return;
      if (event instanceof MessageEvent) {
        // the server's own `event: error` frame
        const data = parse(event as MessageEvent<string>);
        latest.current['error']?.(data);
        finish({ kind: 'ended', error: toErrorInfo(data) });
        return;
      }
      if (source.readyState === EventSource.CLOSED) {
        closed = true;
        void explainRefusal().then((message) => setState({ kind: 'failed', message }));
        return;
      }
      setState({ kind: 'reconnecting' });
    });
    return () => {
      closed = true;
      source.close();
    };
  }, [url, names, epoch]);

  return url === null ? { kind: 'ended', error: null } : state;
}
