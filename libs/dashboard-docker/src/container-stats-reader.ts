import type { ContainerInventory } from './container-inventory.js';
import type { ContainerStats } from './container-types.js';
import { withDeadline } from './docker-call.js';
import { toDomainError } from './docker-failure.js';
import { parseContainerRef } from './container-ref.js';
import { toContainerStats, type DockerStatsSample } from './stats-math.js';

/** A collected sample younger than this is answered as is (the collector gets one a second). */
const FRESH_MS = 3000;
/** `stats?stream=false` waits for a second sample to compute CPU use (about 1-2 s on a real engine). */
const ONE_SHOT_EXTRA_MS = 2000;

/** `GET /api/containers/:host/:id/stats`: the collector's latest sample, or one asked for now. */
export class ContainerStatsReader {
  constructor(
    private readonly inventory: ContainerInventory,
    private readonly now: () => number = Date.now,
  ) {}

  async get(hostName: string, ref: string): Promise<ContainerStats> {
    const host = this.inventory.host(hostName);
    const checked = parseContainerRef(ref);
    const cached = host.find(checked);
    const collected = cached ? host.statsOf(cached.Id) : undefined;
    if (collected && this.now() - Date.parse(collected.at) < FRESH_MS) return collected;
    const registry = this.inventory.registry;
    try {
      const sample = await withDeadline('container stats', registry.timeoutMs + ONE_SHOT_EXTRA_MS, (signal) =>
        registry.client(host.name).getContainer(cached?.Id ?? checked).stats({ stream: false, abortSignal: signal } as { stream: false }),
      );
      return toContainerStats(sample as DockerStatsSample);
    } catch (error) {
      throw toDomainError(error, host.spec, 'read the stats of', checked);
    }
  }
}
