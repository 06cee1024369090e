import type { ContainerInventory } from './container-inventory.js';
import type { HostInventory } from './host-inventory.js';
import { forEachJsonLine } from './json-lines.js';
import { toContainerStats, type DockerStatsSample } from './stats-math.js';
import { silentDockerLogger, type DockerLogger } from './docker-logger.js';

export interface StatsCollectorOptions {
  /** Wait before reopening a stream that ended while its container still runs. Default 5 s. */
  reopenDelayMs?: number;
  logger?: DockerLogger;
}

interface StatsStream {
  abort: AbortController;
  reopen?: NodeJS.Timeout;
}

/**
 * Streams `GET /containers/{id}/stats?stream=true` for every running
 * container of every host that is up, and hands each sample to the host's
 * inventory (which merges the latest into the list). Streams open and close
 * as the inventory sees containers start and stop; a host going down closes
 * its streams.
 */
export class StatsCollector {
  private readonly streams = new Map<string, Map<string, StatsStream>>();
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;
  private readonly logger: DockerLogger;

  constructor(
    private readonly inventory: ContainerInventory,
    private readonly options: StatsCollectorOptions = {},
  ) {
    this.logger = options.logger ?? silentDockerLogger;
  }

  start(): void {
    for (const host of this.inventory.hosts()) {
      this.streams.set(host.name, new Map());
      this.unsubscribe.push(host.onChange(() => this.sync(host)));
      this.sync(host);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const dispose of this.unsubscribe.splice(0)) dispose();
    for (const perHost of this.streams.values()) for (const id of [...perHost.keys()]) this.close(perHost, id);
  }

  /** How many streams are open (for tests and metrics). */
  openStreams(hostName?: string): number {
    let count = 0;
    for (const [name, perHost] of this.streams) if (hostName === undefined || name === hostName) count += perHost.size;
    return count;
  }

  private sync(host: HostInventory): void {
    const perHost = this.streams.get(host.name);
    if (!perHost || this.stopped) return;
    const wanted = new Set(host.up ? host.runningIds() : []);
    for (const id of [...perHost.keys()]) if (!wanted.has(id)) this.close(perHost, id);
    for (const id of wanted) if (!perHost.has(id)) this.open(host, perHost, id);
  }

  private open(host: HostInventory, perHost: Map<string, StatsStream>, id: string): void {
    const stream: StatsStream = { abort: new AbortController() };
    perHost.set(id, stream);
    void this.consume(host, id, stream.abort.signal).then(() => {
      if (stream.abort.signal.aborted || this.stopped || perHost.get(id) !== stream) return;
      // the stream ended on its own (the daemon restarted, the container is stopping …): reopen later if still wanted
      stream.reopen = setTimeout(() => {
        if (perHost.get(id) !== stream) return;
        perHost.delete(id);
        this.sync(host);
      }, this.options.reopenDelayMs ?? 5000);
      stream.reopen.unref();
    });
  }

  private async consume(host: HostInventory, id: string, signal: AbortSignal): Promise<void> {
    try {
      const docker = this.inventory.registry.streamingClient(host.name);
      const body = await docker.getContainer(id).stats({ stream: true, abortSignal: signal } as { stream: true });
      await forEachJsonLine(body, (sample) => host.setStats(id, toContainerStats(sample as DockerStatsSample)));
    } catch (error) {
      if (!signal.aborted) this.logger.debug({ err: error, dockerHost: host.name, container: id.slice(0, 12) }, 'Container stats stream failed');
    }
  }

  private close(perHost: Map<string, StatsStream>, id: string): void {
    const stream = perHost.get(id);
    if (!stream) return;
    clearTimeout(stream.reopen);
    stream.abort.abort();
    perHost.delete(id);
  }
}
