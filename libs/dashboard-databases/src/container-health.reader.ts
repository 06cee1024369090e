import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import type { DatabaseHealth } from './database.types.js';
import { isNotFound } from './docker-errors.js';

interface Cached {
  at: number;
  health: Promise<DatabaseHealth>;
}

/**
 * The health Docker reports for a database's container, cached briefly so a
 * busy list page costs one inspect per container every few seconds. A host
 * that does not answer makes only its own databases `unknown`.
 */
export class ContainerHealthReader {
  readonly #cache = new Map<string, Cached>();

  constructor(
    private readonly registry: DockerHostRegistry,
    private readonly ttlMs: number,
  ) {}

  healthOf(host: string, container: string): Promise<DatabaseHealth> {
    const key = `${host}\u0000${container}`;
    const cached = this.#cache.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.health;
    const health = this.#read(host, container);
    this.#cache.set(key, { at: Date.now(), health });
    return health;
  }

  forget(host: string, container: string): void {
    this.#cache.delete(`${host}\u0000${container}`);
  }

  async #read(host: string, container: string): Promise<DatabaseHealth> {
    try {
      const info = await this.registry.client(host).getContainer(container).inspect();
      if (!info.State.Running) return 'unhealthy';
      const status = info.State.Health?.Status;
      if (status === 'healthy' || status === 'unhealthy' || status === 'starting') return status;
      return 'none';
    } catch (error) {
      return isNotFound(error) ? 'missing' : 'unknown';
    }
  }
}
