import { Inject, Injectable } from '@nestjs/common';
import { healthContracts, RpcError, serviceNames, type ServiceHealth, type ServiceName } from '@homelab/contracts';
import { RpcClient } from '@homelab/platform';
import { ServiceDirectory, type InstanceSighting } from './service-directory.js';
import { ServiceObservationsRepository, type StatusChange } from './service-observations.repository.js';

export const SERVICES_HEALTH_TIMEOUT_MS = Symbol('SERVICES_HEALTH_TIMEOUT_MS');

export interface ServiceOverview {
  name: ServiceName;
  /** `unreachable` when no instance answered over NATS. */
  status: 'up' | 'down' | 'unreachable';
  health: ServiceHealth | null;
  error: { code: string; message: string } | null;
  instances: InstanceSighting[];
  /** The last status change the dashboard recorded; null when none or its database is down. */
  lastChange: StatusChange | null;
}

/** The five services' health, asked over NATS in parallel, with the heartbeat view beside it. */
@Injectable()
export class ServicesOverviewService {
  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(ServiceDirectory) private readonly directory: ServiceDirectory,
    @Inject(SERVICES_HEALTH_TIMEOUT_MS) private readonly timeoutMs: number,
    @Inject(ServiceObservationsRepository) private readonly observations: ServiceObservationsRepository,
  ) {}

  async overview(): Promise<{ services: ServiceOverview[]; generatedAt: string }> {
    const [changes, ...services] = await Promise.all([
      this.observations.latestChanges().catch(() => new Map<string, StatusChange>()),
      ...serviceNames.map((name) => this.one(name)),
    ]);
    for (const service of services) service.lastChange = changes.get(service.name) ?? null;
    return { services, generatedAt: new Date().toISOString() };
  }

  private async one(name: ServiceName): Promise<ServiceOverview> {
    const instances = this.directory.alive(name);
    try {
      const health = await this.rpc.request(healthContracts[name], {}, { timeoutMs: this.timeoutMs });
      return { name, status: health.status, health, error: null, instances, lastChange: null };
    } catch (error) {
      const failure =
        error instanceof RpcError
          ? { code: error.code, message: error.message }
          : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
      return { name, status: 'unreachable', health: null, error: failure, instances, lastChange: null };
    }
  }
}
