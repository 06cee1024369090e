import type Docker from 'dockerode';
import type { ContainerInventory } from './container-inventory.js';
import type { ContainerView } from './container-types.js';
import { withDeadline } from './docker-call.js';
import { ConfirmationRequiredError, ContainerNotFoundError } from './docker-errors.js';
import { dockerStatusOf, toDomainError } from './docker-failure.js';
import { parseContainerRef } from './container-ref.js';
import type { HostInventory } from './host-inventory.js';

export type ContainerAction = 'start' | 'stop' | 'restart';

export interface RemoveOptions {
  /** Must equal the container's name. */
  confirm: string | undefined;
  force?: boolean;
  removeVolumes?: boolean;
}

/** Docker's default stop grace period when the container sets none. */
const DEFAULT_STOP_SECONDS = 10;

interface Resolved {
  host: HostInventory;
  inspect: Docker.ContainerInspectInfo;
  name: string;
}

/**
 * start / stop / restart / remove on one host. Each call first inspects the
 * container (so one that vanished since the list answers 404
 * CONTAINER_NOT_FOUND), is bounded by DOCKER_TIMEOUT_MS (stop and restart
 * also by the container's stop grace period), and refreshes the host's
 * inventory afterwards so the answer and the next list agree.
 */
export class ContainerActions {
  constructor(private readonly inventory: ContainerInventory) {}

  async run(hostName: string, ref: string, action: ContainerAction): Promise<ContainerView> {
    const { host, inspect, name } = await this.resolve(hostName, ref);
    const registry = this.inventory.registry;
    const container = registry.streamingClient(host.name).getContainer(inspect.Id);
    const graceMs = (inspect.Config as { StopTimeout?: number }).StopTimeout ?? DEFAULT_STOP_SECONDS;
    const deadline = action === 'start' ? registry.timeoutMs : graceMs * 1000 + registry.timeoutMs;
    try {
      await withDeadline(`${action} container`, deadline, (signal) => {
        const opts = { abortSignal: signal };
        if (action === 'start') return container.start(opts);
        if (action === 'stop') return container.stop(opts);
        return container.restart(opts);
      });
    } catch (error) {
      // 304: already started / already stopped — the wanted state holds
      if (dockerStatusOf(error) !== 304) throw toDomainError(error, host.spec, action, name);
    }
    await host.refresh();
    const view = host.viewOf(inspect.Id);
    if (!view) throw new ContainerNotFoundError(host.name, name);
    return view;
  }

  async remove(hostName: string, ref: string, options: RemoveOptions): Promise<void> {
    const { host, inspect, name } = await this.resolve(hostName, ref);
    if (options.confirm !== name) throw new ConfirmationRequiredError(host.name, name);
    const registry = this.inventory.registry;
    const container = registry.streamingClient(host.name).getContainer(inspect.Id);
    // a forced remove kills first, which takes no grace period; still leave room for big volumes
    await withDeadline('remove container', registry.timeoutMs * 2, (signal) =>
      container.remove({ force: options.force === true, v: options.removeVolumes === true, abortSignal: signal }),
    ).catch((error: unknown) => {
      throw toDomainError(error, host.spec, 'remove', name);
    });
    host.forget(inspect.Id);
    void host.refresh();
  }

  /** The host (404 DOCKER_HOST_UNKNOWN), the checked reference (400) and the live inspect (404 CONTAINER_NOT_FOUND, 503, 504). */
  async resolve(hostName: string, ref: string): Promise<Resolved> {
    const host = this.inventory.host(hostName);
    const checked = parseContainerRef(ref);
    const registry = this.inventory.registry;
    try {
      const inspect = await withDeadline('inspect container', registry.timeoutMs, (signal) => registry.client(host.name).getContainer(checked).inspect({ abortSignal: signal }));
      return { host, inspect, name: inspect.Name.replace(/^\//, '') };
    } catch (error) {
      const failure = toDomainError(error, host.spec, 'inspect', checked);
      // gone from the engine: drop it from the list too
      if (failure instanceof ContainerNotFoundError) {
        const cached = host.find(checked);
        if (cached) host.forget(cached.Id);
      }
      throw failure;
    }
  }
}
