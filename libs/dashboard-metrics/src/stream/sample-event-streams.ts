import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { SampleListener } from '../collector/sample-hub.js';
import type { HostSample } from '../host-sample.js';

export interface SampleEventStreamsOptions {
  /** Subscribes to the samples of `host`; returns the removal. */
  subscribe: (host: string, listener: SampleListener) => () => void;
  /** Comment frames keep proxies from closing a quiet connection. */
  heartbeatMs?: number;
  /** A client this far behind (unsent bytes) is disconnected instead of buffering without end. */
  maxBufferedBytes?: number;
}

/** Headers as frameworks hold them (Fastify's `reply.getHeaders()`). */
export type PresetHeaders = Record<string, string | number | readonly string[] | undefined>;

const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  // nginx and friends must pass every frame on at once
  'x-accel-buffering': 'no',
};

/**
 * Server-sent events of host samples: a `sample` event per new sample to
 * every connected browser, heartbeats in between. Works on Node's request
 * and response (Fastify's `request.raw` / `reply.raw` after `hijack()`).
 * A connection is removed from the sampler's listeners when the browser
 * goes away, when it falls too far behind, or on `closeAll()` at shutdown
 * (an open stream would otherwise hold the server's close).
 */
export class SampleEventStreams {
  private readonly closers = new Set<() => void>();
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;

  constructor(private readonly options: SampleEventStreamsOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  }

  get openCount(): number {
    return this.closers.size;
  }

  /**
   * Streams the samples of `host` on this response until the client goes.
   * `headers`: what the framework already set (security headers), kept.
   */
  serve(request: IncomingMessage, response: ServerResponse, host: string, headers: PresetHeaders = {}): void {
    response.writeHead(200, { ...definedHeaders(headers), ...SSE_HEADERS });
    // a browser that lost the stream reconnects after 5 s (EventSource's default is 3 s)
    response.write('retry: 5000\n\n');
    let closed = false;
    let unsubscribe = (): void => undefined;
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), this.heartbeatMs);
    heartbeat.unref();
    const close = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      this.closers.delete(close);
      if (!response.writableEnded) response.end();
    };
    const send = (sample: HostSample): void => {
      if (closed) return;
      if (response.writableLength > this.maxBufferedBytes || response.destroyed) return close();
      response.write(`event: sample\ndata: ${JSON.stringify(sample)}\n\n`);
    };
    this.closers.add(close);
    request.on('close', close);
    response.on('close', close);
    response.on('error', close);
    unsubscribe = this.options.subscribe(host, send);
    if (closed) unsubscribe();
  }

  /** Ends every open stream (at shutdown); browsers reconnect to another replica. */
  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}

function definedHeaders(headers: PresetHeaders): OutgoingHttpHeaders {
  const defined: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) defined[name.toLowerCase()] = typeof value === 'object' ? [...value] : value;
  }
  return defined as OutgoingHttpHeaders;
}
