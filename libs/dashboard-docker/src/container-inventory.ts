import type { ContainerCounts } from '@homelab/dashboard-api';
import { raceWithin } from '@homelab/resilience';
import type { ContainerView, DockerHostView } from './container-types.js';
import { DockerHostUnknownError } from './docker-errors.js';
import type { DockerHosts } from './docker-hosts.js';
import { HostInventory, type HostInventoryOptions } from './host-inventory.js';

export interface ContainerInventoryOptions extends Omit<HostInventoryOptions, 'timeoutMs'> {
  /** How long `start()` waits for the first lists; hosts still answering then fill in later. Default 3 s. */
  startWaitMs?: number;
}

/** For the overview: how many containers run, and how many hosts are down. */
export type ContainersSummary = ContainerCounts;

interface CachedAnswer {
  versions: number[];
  /** The whole answer, encoded once: a request sends these bytes as they are. */
  body: Buffer;
}

/**
 * Every configured host's HostInventory. `listBody()` is what
 * `GET /api/containers` sends: assembled from each host's serialised parts
 * and encoded once, then kept until a host's version changes, so a request
 * costs a few integer comparisons.
 */
export class ContainerInventory {
  private readonly byName = new Map<string, HostInventory>();
  private readonly answers = new Map<string, CachedAnswer>();

  constructor(
    readonly registry: DockerHosts,
    private readonly options: ContainerInventoryOptions,
  ) {
    for (const { name } of registry.hosts()) {
      const clients = { client: registry.client(name), streaming: registry.streamingClient(name) };
      this.byName.set(name, new HostInventory(registry.spec(name), clients, { ...options, timeoutMs: registry.timeoutMs }));
    }
  }

  /** Starts every host; waits (at most `startWaitMs`) for the first lists so the first answer is complete. */
  async start(): Promise<void> {
    const first = Promise.all([...this.byName.values()].map((host) => host.start()));
    await raceWithin(first, this.options.startWaitMs ?? 3000, () => new Error('first Docker lists still running')).catch(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byName.values()].map((host) => host.stop()));
  }

  hosts(): HostInventory[] {
    return [...this.byName.values()];
  }

  /** Throws DockerHostUnknownError (404) for a name not in DOCKER_HOSTS. */
  host(name: string): HostInventory {
    const host = this.byName.get(name);
    if (!host) throw new DockerHostUnknownError(name);
    return host;
  }

  hostViews(): DockerHostView[] {
    return this.hosts().map((host) => host.view());
  }

  containers(hostName?: string): ContainerView[] {
    return (hostName === undefined ? this.hosts() : [this.host(hostName)]).flatMap((host) => host.containerViews());
  }

  summary(): ContainersSummary {
    let running = 0;
    let total = 0;
    let hostsDown = 0;
    for (const host of this.hosts()) {
      const view = host.view();
      running += view.containers.running;
      total += view.containers.total;
      if (view.status === 'down') hostsDown++;
    }
    return { running, total, hostsDown };
  }

  /**
   * The body of `GET /api/containers[?host=]`: `{ containers, hosts, generatedAt }`,
   * where `generatedAt` is when this answer was assembled (at least every
   * refresh interval, and every second while stats come in).
   */
  listBody(hostName?: string): Buffer {
    const hosts = hostName === undefined ? this.hosts() : [this.host(hostName)];
    const key = hostName ?? '';
    let cached = this.answers.get(key);
    if (!cached || !sameVersions(cached.versions, hosts)) {
      cached = { versions: hosts.map((h) => h.version), body: Buffer.from(buildAnswer(hosts)) };
      this.answers.set(key, cached);
    }
    return cached.body;
  }

  /** `listBody` as text. */
  listJson(hostName?: string): string {
    return this.listBody(hostName).toString('utf8');
  }
}

function sameVersions(versions: readonly number[], hosts: readonly HostInventory[]): boolean {
  for (let i = 0; i < hosts.length; i++) if (versions[i] !== (hosts[i] as HostInventory).version) return false;
  return true;
}

function buildAnswer(hosts: readonly HostInventory[]): string {
  const parts = hosts.map((host) => host.serialized());
  const containers = parts
    .map((p) => p.containers)
    .filter((c) => c.length > 0)
    .join(',');
  return `{"containers":[${containers}],"hosts":[${parts.map((p) => p.host).join(',')}],"generatedAt":"${new Date().toISOString()}"}`;
}
