import type Docker from 'dockerode';
import { toContainerView, type ContainerSummary } from './container-mapping.js';
import type { ContainerStats, ContainerView, DockerHostView, HostError } from './container-types.js';
import { withDeadline } from './docker-call.js';
import { CONTAINER_EVENT_FILTERS, DockerEventWatcher, type ContainerEvent, type EventWatcherOptions } from './docker-events.js';
import { describeDockerFailure } from './docker-failure.js';
import type { DockerHostSpec } from './docker-hosts-config.js';
import { silentDockerLogger, type DockerLogger } from './docker-logger.js';

export interface HostInventoryOptions {
  /** DOCKER_REFRESH_INTERVAL_MS. */
  refreshIntervalMs: number;
  /** DOCKER_TIMEOUT_MS: the deadline of one list call. */
  timeoutMs: number;
  /** Events arriving within this window cause one re-list. Default 50 ms. */
  eventDebounceMs?: number;
  eventBackoff?: EventWatcherOptions;
  logger?: DockerLogger;
  /** The clock (tests). */
  now?: () => number;
}

/** The clients a host inventory talks through (see DockerHosts). */
export interface HostClientsPair {
  client: Docker;
  streaming: Docker;
}

/** dockerode's `version` takes an abort signal, which its typings lack. */
const versionWithSignal = (docker: Docker, signal: AbortSignal): Promise<Docker.DockerVersion> =>
  (docker.version as (opts: { abortSignal: AbortSignal }) => Promise<Docker.DockerVersion>).call(docker, { abortSignal: signal });

/** New stats samples show in the list at most this often. */
const STATS_MERGE_MS = 1000;

const NOT_CHECKED: HostError = { code: 'DOCKER_NOT_CHECKED', message: 'Not contacted yet' };

const byName = (a: ContainerView, b: ContainerView): number => a.name.localeCompare(b.name);

/**
 * One Docker host's containers, kept fresh by a poll every
 * DOCKER_REFRESH_INTERVAL_MS and by the host's event stream in between
 * (events trigger a debounced re-list, so bursts such as `compose up` cost
 * one call). A host that fails is `down` with a described error and no
 * containers; it never affects another host's inventory.
 *
 * Readers get the serialised containers and host from `serialized()`, rebuilt
 * only after something changed (`version`), so answering the list costs no
 * Docker call and almost no work.
 */
export class HostInventory {
  readonly name: string;
  private status: 'up' | 'down' = 'down';
  private error: HostError | null = NOT_CHECKED;
  private engineVersion: string | null = null;
  private refreshedAt: Date | null = null;
  private containers = new Map<string, ContainerSummary>();
  private readonly stats = new Map<string, ContainerStats>();
  private changeCount = 0;
  private statsPending = false;
  private statsMergedAt = 0;
  private readonly now: () => number;
  private cache: { version: number; containers: string; host: string } | undefined;
  private inflight: Promise<void> | undefined;
  private again = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private readonly listeners = new Set<() => void>();
  private readonly watcher: DockerEventWatcher;
  private readonly logger: DockerLogger;

  constructor(
    readonly spec: DockerHostSpec,
    private readonly clients: HostClientsPair,
    private readonly options: HostInventoryOptions,
  ) {
    this.name = spec.name;
    this.logger = options.logger ?? silentDockerLogger;
    this.now = options.now ?? Date.now;
    this.watcher = new DockerEventWatcher(
      (signal) => clients.streaming.getEvents({ filters: CONTAINER_EVENT_FILTERS, abortSignal: signal }),
      {
        onConnected: () => void this.refresh(),
        onEvent: (event) => this.onEvent(event),
        onDisconnected: () => {
          // a dropped stream is often the first sign of a daemon going away
          if (this.status === 'up') void this.refresh();
        },
      },
      options.eventBackoff,
    );
  }

  /**
   * Bumped on every change of containers or status, and at most once per
   * STATS_MERGE_MS for new stats samples (each running container sends one a
   * second; rebuilding the answer for each would cost more than it tells).
   */
  get version(): number {
    if (this.statsPending && this.now() - this.statsMergedAt >= STATS_MERGE_MS) {
      this.statsPending = false;
      this.statsMergedAt = this.now();
      this.changeCount++;
    }
    return this.changeCount;
  }

  get up(): boolean {
    return this.status === 'up';
  }

  /** Starts polling and watching events; resolves after the first list (up or down). */
  start(): Promise<void> {
    this.watcher.start();
    return this.refresh().finally(() => this.schedulePoll());
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.pollTimer);
    clearTimeout(this.debounceTimer);
    await Promise.all([this.watcher.stop(), this.inflight?.catch(() => undefined)]);
  }

  /** Re-lists the containers; concurrent calls share one list, and a call during a list causes one more. */
  refresh(): Promise<void> {
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        await this.listOnce();
      } while (this.again && !this.stopping.signal.aborted);
    };
    this.inflight = run().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Called whenever containers or the host's status changed (not for stats). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  view(): DockerHostView {
    let running = 0;
    for (const summary of this.containers.values()) if (summary.State === 'running') running++;
    return {
      name: this.name,
      endpoint: this.spec.endpoint,
      tls: this.spec.kind === 'https',
      status: this.status,
      error: this.error,
      engineVersion: this.engineVersion,
      containers: { total: this.containers.size, running },
      refreshedAt: this.refreshedAt ? this.refreshedAt.toISOString() : null,
    };
  }

  containerViews(): ContainerView[] {
    return [...this.containers.values()].map((s) => toContainerView(this.name, s, this.stats.get(s.Id))).sort(byName);
  }

  summaries(): ContainerSummary[] {
    return [...this.containers.values()];
  }

  /** By full id, unambiguous id prefix or name. */
  find(ref: string): ContainerSummary | undefined {
    const exact = this.containers.get(ref);
    if (exact) return exact;
    const all = [...this.containers.values()];
    const byNameMatch = all.find((s) => s.Names?.some((n) => n === `/${ref}`));
    if (byNameMatch) return byNameMatch;
    const byPrefix = all.filter((s) => s.Id.startsWith(ref));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  viewOf(id: string): ContainerView | undefined {
    const summary = this.containers.get(id);
    return summary ? toContainerView(this.name, summary, this.stats.get(id)) : undefined;
  }

  runningIds(): string[] {
    return [...this.containers.values()].filter((s) => s.State === 'running').map((s) => s.Id);
  }

  statsOf(id: string): ContainerStats | undefined {
    return this.stats.get(id);
  }

  /** Latest sample from the stats collector; ignored for containers no longer listed as running. */
  setStats(id: string, stats: ContainerStats): void {
    if (this.containers.get(id)?.State !== 'running') return;
    this.stats.set(id, stats);
    this.statsPending = true;
  }

  /** Drops a container at once (it was removed); the next list confirms. */
  forget(id: string): void {
    if (!this.containers.delete(id)) return;
    this.stats.delete(id);
    this.changed();
  }

  /** The containers as comma-separated JSON objects (no brackets) and the host as JSON, rebuilt only after a change. */
  serialized(): { containers: string; host: string } {
    const version = this.version;
    if (this.cache?.version !== version) {
      this.cache = { version, containers: JSON.stringify(this.containerViews()).slice(1, -1), host: JSON.stringify(this.view()) };
    }
    return this.cache;
  }

  private onEvent(event: ContainerEvent): void {
    if (event.action === 'destroy') this.forget(event.id);
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.refresh(), this.options.eventDebounceMs ?? 50);
    this.debounceTimer.unref();
  }

  private schedulePoll(): void {
    if (this.stopping.signal.aborted) return;
    this.pollTimer = setTimeout(() => {
      void this.refresh().finally(() => this.schedulePoll());
    }, this.options.refreshIntervalMs);
    this.pollTimer.unref();
  }

  private async listOnce(): Promise<void> {
    const { timeoutMs } = this.options;
    try {
      const list = await withDeadline('list containers', timeoutMs, (signal) => this.clients.client.listContainers({ all: true, abortSignal: signal }), this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      const wasDown = this.status === 'down';
      this.containers = new Map(list.map((summary) => [summary.Id, summary as ContainerSummary]));
      for (const id of this.stats.keys()) if (this.containers.get(id)?.State !== 'running') this.stats.delete(id);
      this.status = 'up';
      this.error = null;
      this.refreshedAt = new Date();
      if (wasDown) {
        this.logger.info({ dockerHost: this.name, containers: this.containers.size }, 'Docker host is up');
        this.watcher.wake();
      }
      if (wasDown || this.engineVersion === null) await this.fetchEngineVersion();
      this.changed();
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      this.markDown(error);
    }
  }

  private async fetchEngineVersion(): Promise<void> {
    try {
      const version = await withDeadline('version', this.options.timeoutMs, (signal) => versionWithSignal(this.clients.client, signal), this.stopping.signal);
      this.engineVersion = typeof version.Version === 'string' ? version.Version : null;
    } catch {
      // the list worked, so the host is up; the version is asked again on the next list
      this.engineVersion = null;
    }
  }

  private markDown(error: unknown): void {
    const problem = describeDockerFailure(error, this.spec);
    const changed = this.status === 'up' || this.error?.code !== problem.code;
    if (changed) this.logger.warn({ dockerHost: this.name, reason: problem.code }, `Docker host is down: ${problem.message}`);
    this.status = 'down';
    this.error = problem;
    this.refreshedAt = new Date();
    this.containers = new Map();
    this.stats.clear();
    this.changed();
  }

  private changed(): void {
    this.changeCount++;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error, dockerHost: this.name }, 'Docker inventory listener failed');
      }
    }
  }
}
