import type { ContainerActions } from './container-actions.js';
import type { ContainerInventory } from './container-inventory.js';
import { withDeadline } from './docker-call.js';
import { toDomainError } from './docker-failure.js';
import { DockerLogParser, type LogLine } from './log-parser.js';

export interface LogsOptions {
  /** Lines from the end to start with, or everything. */
  tail: number | 'all';
  /** Keep streaming new lines until the container stops or the reader goes. */
  follow: boolean;
  timestamps: boolean;
}

export interface LogSession {
  /** Settles when Docker ends the stream (the container stopped, or all was sent); rejects with a DomainError if it broke. */
  readonly done: Promise<void>;
  /** Stops reading and closes the Docker stream (the reader went away). */
  close(): void;
  /** Backpressure: stop taking lines while the reader's connection is full; `resume` when it drained. */
  pause(): void;
  resume(): void;
}

/**
 * A container's logs as lines. `open` resolves once Docker has accepted the
 * request — so an unknown host or container is an ordinary error answer —
 * and then delivers lines as they come.
 */
export class ContainerLogs {
  constructor(
    private readonly inventory: ContainerInventory,
    private readonly actions: ContainerActions,
  ) {}

  async open(hostName: string, ref: string, options: LogsOptions, onLines: (lines: LogLine[]) => void): Promise<LogSession> {
    const { host, inspect, name } = await this.actions.resolve(hostName, ref);
    const registry = this.inventory.registry;
    const container = registry.streamingClient(host.name).getContainer(inspect.Id);
    const parser = new DockerLogParser(inspect.Config.Tty === true, options.timestamps);
    const base = { stdout: true, stderr: true, timestamps: options.timestamps, ...(options.tail === 'all' ? {} : { tail: options.tail }) };
    const fail = (error: unknown): Error => toDomainError(error, host.spec, 'read the logs of', name);

    if (!options.follow) {
      const body = await withDeadline('container logs', registry.timeoutMs, (signal) => container.logs({ ...base, follow: false, abortSignal: signal })).catch((error: unknown) => {
        throw fail(error);
      });
      // docker-modem parses a body that happens to be JSON (a TTY log of one JSON line): turn it back into bytes
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      onLines([...parser.push(bytes), ...parser.end()]);
      return { done: Promise.resolve(), close: () => undefined, pause: () => undefined, resume: () => undefined };
    }

    const abort = new AbortController();
    const stream = await container.logs({ ...base, follow: true, abortSignal: abort.signal }).catch((error: unknown) => {
      throw fail(error);
    });
    const done = new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        if (error === undefined || abort.signal.aborted) resolve();
        else reject(fail(error));
      };
      stream.on('data', (chunk: Buffer) => {
        const lines = parser.push(chunk);
        if (lines.length > 0) onLines(lines);
      });
      stream.on('end', () => {
        const rest = parser.end();
        if (rest.length > 0) onLines(rest);
        finish();
      });
      stream.on('error', (error: unknown) => finish(error));
      stream.on('close', () => finish());
    });
    return { done, close: () => abort.abort(), pause: () => stream.pause(), resume: () => stream.resume() };
  }
}
