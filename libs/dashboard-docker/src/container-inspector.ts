import type Docker from 'dockerode';
import type { InspectedContainer, InspectedImage } from './analysis/analysis-input.js';
import { analyzeContainer, compareFindings } from './analysis/deployment-analyzer.js';
import type { ContainerActions } from './container-actions.js';
import { toDetailInspect } from './container-detail.js';
import type { ContainerInventory } from './container-inventory.js';
import { healthOf, type ContainerSummary } from './container-mapping.js';
import type { ContainerAnalysis } from '@homelab/dashboard-api';
import type { ContainerDetailView, Finding } from './container-types.js';
import { withDeadline } from './docker-call.js';
import { ContainerNotFoundError } from './docker-errors.js';
import { dockerStatusOf } from './docker-failure.js';
import type { HostInventory } from './host-inventory.js';

/** Inspects run at most this many at a time per host. */
const INSPECT_CONCURRENCY = 8;

interface CachedInspect {
  fingerprint: string;
  container: InspectedContainer;
  image: InspectedImage | null;
}

/** `GET /api/containers/analysis`. */
export type AnalysisReport = ContainerAnalysis;

/** What changes a container's findings between two lists: its state, health or image (config changes recreate it with a new id). */
const fingerprintOf = (summary: ContainerSummary): string => `${summary.State}|${healthOf(summary)}|${summary.ImageID}`;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The detail view and the deployment analysis. Both need `inspect` (the list
 * lacks user, limits, mounts, health check) and the image's config; the
 * analysis caches them per container until its state, health or image
 * changes, and image configs for good (an image id names immutable content).
 */
export class ContainerInspector {
  private readonly inspects = new Map<string, Map<string, CachedInspect>>();
  private readonly images = new Map<string, Map<string, InspectedImage | null>>();

  constructor(
    private readonly inventory: ContainerInventory,
    private readonly actions: ContainerActions,
  ) {}

  async detail(hostName: string, ref: string): Promise<ContainerDetailView> {
    const { host, inspect, name } = await this.actions.resolve(hostName, ref);
    const image = await this.imageOf(host, inspect.Image).catch(() => null);
    let view = host.viewOf(inspect.Id);
    if (!view) {
      await host.refresh();
      view = host.viewOf(inspect.Id);
    }
    if (!view) throw new ContainerNotFoundError(host.name, name);
    const findings = analyzeContainer({ host: host.name, container: inspect as InspectedContainer, image, stats: host.statsOf(inspect.Id) ?? null });
    return { ...view, inspect: toDetailInspect(inspect, image), findings };
  }

  /** Findings of every container on every host that is up (or on one host); hosts that fail meanwhile are left out. */
  async analysis(hostName?: string): Promise<AnalysisReport> {
    const hosts = hostName === undefined ? this.inventory.hosts() : [this.inventory.host(hostName)];
    const perHost = await Promise.all(hosts.map((host) => this.analyzeHost(host).catch((): Finding[] => [])));
    return { findings: perHost.flat().sort(compareFindings), analyzedAt: new Date().toISOString() };
  }

  private async analyzeHost(host: HostInventory): Promise<Finding[]> {
    if (!host.up) return [];
    const summaries = host.summaries();
    const cache = this.cacheFor(this.inspects, host.name);
    for (const id of [...cache.keys()]) if (!summaries.some((s) => s.Id === id)) cache.delete(id);
    const lists = await mapLimit(summaries, INSPECT_CONCURRENCY, async (summary) => {
      const subject = await this.subjectOf(host, summary, cache);
      return subject ? analyzeContainer({ host: host.name, ...subject, stats: host.statsOf(summary.Id) ?? null }) : [];
    });
    return lists.flat();
  }

  private async subjectOf(host: HostInventory, summary: ContainerSummary, cache: Map<string, CachedInspect>): Promise<CachedInspect | undefined> {
    const fingerprint = fingerprintOf(summary);
    const cached = cache.get(summary.Id);
    if (cached?.fingerprint === fingerprint) return cached;
    const registry = this.inventory.registry;
    try {
      const container = await withDeadline('inspect container', registry.timeoutMs, (signal) => registry.client(host.name).getContainer(summary.Id).inspect({ abortSignal: signal }));
      const image = await this.imageOf(host, container.Image).catch(() => null);
      const entry = { fingerprint, container: container as InspectedContainer, image };
      cache.set(summary.Id, entry);
      return entry;
    } catch (error) {
      // removed since the list: nothing to judge
      if (dockerStatusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async imageOf(host: HostInventory, imageId: string): Promise<InspectedImage | null> {
    const cache = this.cacheFor(this.images, host.name);
    if (cache.has(imageId)) return cache.get(imageId) ?? null;
    const registry = this.inventory.registry;
    try {
      // dockerode's image inspect takes no abort signal: the aggressive deadline answers, the client's socket timeout cleans up
      const image: Docker.ImageInspectInfo = await withDeadline('inspect image', registry.timeoutMs, () => registry.client(host.name).getImage(imageId).inspect());
      const config = { RepoTags: image.RepoTags, RepoDigests: image.RepoDigests, Config: image.Config as InspectedImage['Config'] };
      cache.set(imageId, config);
      return config;
    } catch (error) {
      // the image was deleted (the container keeps running from its layers): judge the container alone
      if (dockerStatusOf(error) === 404) {
        cache.set(imageId, null);
        return null;
      }
      throw error;
    }
  }

  private cacheFor<V>(caches: Map<string, Map<string, V>>, hostName: string): Map<string, V> {
    let cache = caches.get(hostName);
    if (!cache) {
      cache = new Map();
      caches.set(hostName, cache);
    }
    return cache;
  }
}
