import type { DependencyStatus, ServiceHealth, ServiceName } from '@homelab/contracts';
import type { ServiceMetrics } from '@homelab/tracing';

export type HealthCheck = () => Promise<DependencyStatus> | DependencyStatus;

export interface HealthIdentity {
  service: ServiceName;
  instanceId: string;
  version: string;
  startedAt: Date;
}

const CHECK_TIMEOUT_MS = 1500;

/** Runs every registered dependency check; the service is up only when all are. */
export class HealthService {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(
    private readonly identity: HealthIdentity,
    private readonly metrics: ServiceMetrics,
  ) {}

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async check(): Promise<ServiceHealth> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runCheck(name, check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const down = entries.filter(([, status]) => status.status === 'down').map(([name]) => name);
    for (const [name, status] of entries) this.metrics.dependencyUp.set({ dependency: name }, status.status === 'up' ? 1 : 0);
    return {
      service: this.identity.service,
      instanceId: this.identity.instanceId,
      status: down.length === 0 ? 'up' : 'down',
      down,
      checks,
      version: this.identity.version,
      startedAt: this.identity.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.identity.startedAt.getTime()) / 1000),
    };
  }
}

async function runCheck(name: string, check: HealthCheck): Promise<DependencyStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<DependencyStatus>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', error: `${name} check timed out after ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timedOut]);
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
