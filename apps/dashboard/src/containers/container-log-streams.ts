import type { ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@homelab/contracts';
import type { DockerFeature, LogLine, LogsOptions, LogSession } from '@homelab/dashboard-docker';
import { DOCKER_FEATURE } from './containers.tokens.js';

const HEARTBEAT_MS = 15_000;

/** Headers hooks already set on the reply (security headers), kept on the hijacked response. */
type PresetHeaders = Record<string, string | number | string[] | undefined>;

const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

interface OpenStream {
  session: LogSession;
  response: ServerResponse;
}

/**
 * `GET /api/containers/:host/:id/logs` as server-sent events: `log` events
 * `{ stream, line, time }`, then `end` when Docker ends the stream (the
 * container stopped, or the tail was all), or `error` `{ code, message }` if
 * it broke. The Docker stream closes when the reader goes away; open streams
 * are ended on shutdown so they do not hold the server.
 */
@Injectable()
export class ContainerLogStreams {
  private readonly open = new Set<OpenStream>();

  constructor(@Inject(DOCKER_FEATURE) private readonly feature: DockerFeature) {}

  /**
   * Opens the Docker stream first — an unknown host or container throws here,
   * before anything is written, and is answered as ordinary JSON — then
   * returns the function that takes over the raw response.
   */
  async prepare(host: string, id: string, options: LogsOptions): Promise<(response: ServerResponse, headers: PresetHeaders) => void> {
    const early: LogLine[] = [];
    let sink: (lines: LogLine[]) => void = (lines) => early.push(...lines);
    const session = await this.feature.logs.open(host, id, options, (lines) => sink(lines));
    return (response, headers) => {
      response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
      const entry: OpenStream = { session, response };
      this.open.add(entry);
      const write = (text: string): void => {
        if (!response.writableEnded && !response.write(text)) {
          session.pause();
          response.once('drain', () => session.resume());
        }
      };
      sink = (lines) => write(lines.map((line) => frame('log', line)).join(''));
      if (early.length > 0) sink(early.splice(0));
      const heartbeat = setInterval(() => write(': keepalive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const finish = (last: string): void => {
        clearInterval(heartbeat);
        this.open.delete(entry);
        if (!response.writableEnded) response.end(last);
      };
      // the response closes when the reader goes (the request's 'close' may fire earlier, once its body is read)
      response.on('close', () => {
        session.close();
        finish('');
      });
      session.done.then(
        () => finish(frame('end', {})),
        (error: unknown) => finish(frame('error', error instanceof DomainError ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: 'The log stream failed' })),
      );
    };
  }

  /** Ends every open stream (shutdown). */
  closeAll(): void {
    for (const { session, response } of this.open) {
      session.close();
      if (!response.writableEnded) response.end(frame('end', {}));
    }
    this.open.clear();
  }
}
