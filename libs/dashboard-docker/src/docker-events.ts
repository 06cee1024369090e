import { fullJitterBackoff } from '@homelab/resilience';
import { forEachJsonLine } from './json-lines.js';

/** What the inventory needs from one `GET /events` message. */
export interface ContainerEvent {
  /** `start`, `die`, `destroy`, `health_status: healthy`, … */
  action: string;
  id: string;
  name: string | null;
  /** Unix seconds. */
  time: number;
}

/** The container events that change what the list shows (exec, attach, resize, top … do not). */
export const WATCHED_CONTAINER_ACTIONS = [
  'create',
  'start',
  'restart',
  'stop',
  'die',
  'kill',
  'destroy',
  'pause',
  'unpause',
  'rename',
  'update',
  'oom',
  // matched by prefix by the daemon: `health_status: healthy` etc.
  'health_status',
] as const;

/** The filter for dockerode's `getEvents`. */
export const CONTAINER_EVENT_FILTERS = { type: ['container' as const], event: [...WATCHED_CONTAINER_ACTIONS] };

/** A container event (modern `Type`/`Action`/`Actor` or legacy `status`/`id`), or undefined for anything else. */
export function parseContainerEvent(value: unknown): ContainerEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, unknown> }; status?: unknown; id?: unknown; time?: unknown };
  const type = message.Type ?? 'container';
  const action = message.Action ?? message.status;
  const id = message.Actor?.ID ?? message.id;
  if (type !== 'container' || typeof action !== 'string' || typeof id !== 'string' || id === '') return undefined;
  const name = message.Actor?.Attributes?.['name'];
  return { action, id, name: typeof name === 'string' ? name : null, time: typeof message.time === 'number' ? message.time : Math.floor(Date.now() / 1000) };
}

export interface EventWatcherHooks {
  /** The stream is open: events from now on arrive (the caller re-lists to cover the gap). */
  onConnected(): void;
  onEvent(event: ContainerEvent): void;
  /** The stream failed to open or ended; the watcher reconnects after a backoff. */
  onDisconnected(error: unknown): void;
}

export interface EventWatcherOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A stream that stayed open this long resets the backoff. */
  stableAfterMs?: number;
}

/**
 * Keeps a Docker `/events` stream open and reconnects when it drops, with
 * full-jitter exponential backoff (@homelab/resilience) so a host that is
 * down is not hammered; `wake()` cuts a wait short when the host is known to
 * be back.
 */
export class DockerEventWatcher {
  private readonly stopping = new AbortController();
  private waking: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private open = false;

  constructor(
    private readonly connect: (signal: AbortSignal) => Promise<NodeJS.ReadableStream>,
    private readonly hooks: EventWatcherHooks,
    private readonly options: EventWatcherOptions = {},
  ) {}

  get connected(): boolean {
    return this.open;
  }

  start(): void {
    this.loop ??= this.run();
  }

  wake(): void {
    this.waking?.abort();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const factory = fullJitterBackoff({ initialDelayMs: this.options.initialDelayMs ?? 250, maxDelayMs: this.options.maxDelayMs ?? 30_000 });
    let backoff: ReturnType<typeof factory.next> | undefined;
    while (!this.stopping.signal.aborted) {
      const started = Date.now();
      const error = await this.consumeOnce();
      if (this.stopping.signal.aborted) break;
      this.hooks.onDisconnected(error);
      if (Date.now() - started >= (this.options.stableAfterMs ?? 60_000)) backoff = undefined;
      backoff = backoff ? backoff.next(undefined) : factory.next();
      await this.pause(backoff.duration);
    }
  }

  /** Opens the stream and reads it to its end; returns why it ended. */
  private async consumeOnce(): Promise<unknown> {
    const stream = new AbortController();
    const stopStream = (): void => stream.abort();
    this.stopping.signal.addEventListener('abort', stopStream, { once: true });
    try {
      const events = await this.connect(stream.signal);
      this.open = true;
      this.hooks.onConnected();
      await forEachJsonLine(events, (value) => {
        const event = parseContainerEvent(value);
        if (event) this.hooks.onEvent(event);
      });
      return new Error('the Docker event stream ended');
    } catch (error) {
      return error;
    } finally {
      this.open = false;
      this.stopping.signal.removeEventListener('abort', stopStream);
      stream.abort();
    }
  }

  private pause(ms: number): Promise<void> {
    const waking = new AbortController();
    this.waking = waking;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waking.signal.addEventListener('abort', done, { once: true });
      if (this.stopping.signal.aborted) done();
    });
  }
}
